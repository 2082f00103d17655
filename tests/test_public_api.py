"""The public API is pinned: every package's ``__all__`` as recorded in public_api.json.

A change to what users can import is a decision, not a side effect: this test fails until
the snapshot is updated with it (``BEHAVIORLAB_UPDATE_API=1 pytest tests/test_public_api.py``),
so the diff shows the change in review. Every name in ``__all__`` must also exist.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from pathlib import Path

import behaviorlab

SNAPSHOT = Path(__file__).with_name("public_api.json")


def _public_packages() -> list[str]:
    names = ["behaviorlab"]
    for info in pkgutil.walk_packages(behaviorlab.__path__, "behaviorlab."):
        parts = info.name.split(".")
        if info.ispkg and not any(p.startswith("_") for p in parts):
            names.append(info.name)
    return sorted(names)


def _api() -> dict[str, list[str]]:
    api: dict[str, list[str]] = {}
    for name in _public_packages():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional extra's package (its tests cover it)
            continue
        exported = getattr(module, "__all__", None)
        if exported is None:
            continue
        missing = [n for n in exported if not hasattr(module, n)]
        assert not missing, f"{name}.__all__ names what it does not define: {missing}"
        api[name] = sorted(exported)
    return api


def test_public_api_matches_the_snapshot() -> None:
    api = _api()
    if os.environ.get("BEHAVIORLAB_UPDATE_API"):
        SNAPSHOT.write_text(json.dumps(api, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changes = []
    for pkg in sorted(set(api) | set(pinned)):
        added = sorted(set(api.get(pkg, [])) - set(pinned.get(pkg, [])))
        removed = sorted(set(pinned.get(pkg, [])) - set(api.get(pkg, [])))
        if added:
            changes.append(f"{pkg}: added {added}")
        if removed:
            changes.append(f"{pkg}: removed {removed}")
    assert not changes, "public API changed (update the snapshot if meant):\n" + "\n".join(changes)
