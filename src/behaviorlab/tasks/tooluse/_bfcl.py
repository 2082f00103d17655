"""BFCL irrelevance data (Berkeley Function Calling Leaderboard), read from the `bfcl-eval` wheel.

In these items none of the offered functions fits the request, so the right behaviour is to
call no function. The data ships inside the ``bfcl-eval`` distribution; the package itself is
never imported (importing it pulls heavy, tightly pinned dependencies), so
``pip install --no-deps bfcl-eval`` is enough. Files are found through the distribution's
installed-file record, falling back to the package directory found without importing it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

BFCLSubset = Literal["irrelevance", "live_irrelevance"]

_DISTRIBUTION = "bfcl-eval"
_PACKAGE = "bfcl_eval"
_FILE_PATTERNS: dict[BFCLSubset, re.Pattern[str]] = {
    "irrelevance": re.compile(r"BFCL_v(\d+)_irrelevance\.json$"),
    "live_irrelevance": re.compile(r"BFCL_v(\d+)_live_irrelevance\.json$"),
}


class BFCLNotInstalledError(ImportError):
    """The ``bfcl-eval`` distribution (or its data files) cannot be found."""


class BFCLMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str
    content: str


class BFCLFunction(BaseModel):
    """A function offered to the model. ``parameters`` is BFCL's JSON-schema dialect
    (``"dict"`` for object, ``"float"`` for number), kept as written."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    parameters: dict[str, Any]


class BFCLIrrelevanceItem(BaseModel):
    """One irrelevance item. ``prompt`` is the last user message; ``messages`` is the whole
    conversation (a few live items carry a system prompt or earlier turns)."""

    model_config = ConfigDict(frozen=True)

    id: str
    subset: BFCLSubset
    prompt: str
    messages: list[BFCLMessage]
    functions: list[BFCLFunction]
    # Every item in these subsets expects the model to call none of the functions.
    expected_tool_call: None = None
    source_file: str


def _installed_files() -> list[Path]:
    try:
        files = importlib.metadata.files(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        files = None
    if files:
        return [Path(str(f.locate())) for f in files]
    # find_spec on a top-level name locates the package without executing its __init__.
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BFCLNotInstalledError(
            "BFCL data needs the 'bfcl-eval' package: install it with "
            "`pip install --no-deps bfcl-eval` (only its data files are used), "
            "or pass data_dir= pointing at its bfcl_eval/data folder"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted(root.rglob("*.json"))


def bfcl_data_files(data_dir: str | Path | None = None) -> dict[BFCLSubset, Path]:
    """Paths of the irrelevance files: the newest BFCL version present for each subset."""
    candidates = (
        sorted(Path(data_dir).glob("*.json")) if data_dir is not None else _installed_files()
    )
    found: dict[BFCLSubset, Path] = {}
    for subset, pattern in _FILE_PATTERNS.items():
        versions = [(int(m.group(1)), p) for p in candidates if (m := pattern.search(p.name))]
        if not versions:
            where = data_dir if data_dir is not None else f"the installed {_DISTRIBUTION}"
            raise BFCLNotInstalledError(f"no BFCL {subset} file found in {where}")
        found[subset] = max(versions)[1]
    return found


def bfcl_version() -> str | None:
    """Version of the installed ``bfcl-eval`` distribution, for provenance; None if absent."""
    try:
        return importlib.metadata.version(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


def _record(row: dict[str, Any], subset: BFCLSubset, source: Path) -> BFCLIrrelevanceItem:
    messages = [BFCLMessage(**m) for turn in row["question"] for m in turn]
    users = [m.content for m in messages if m.role == "user"]
    if not users:
        raise ValueError(f"{source.name}: item {row.get('id')!r} has no user message")
    return BFCLIrrelevanceItem(
        id=row["id"],
        subset=subset,
        prompt=users[-1],
        messages=messages,
        functions=[BFCLFunction(**f) for f in row["function"]],
        source_file=source.name,
    )


def load_bfcl_irrelevance(
    subset: BFCLSubset | Literal["all"] = "all", *, data_dir: str | Path | None = None
) -> list[BFCLIrrelevanceItem]:
    """Load BFCL irrelevance items (240 ``irrelevance``, 884 ``live_irrelevance`` in v4).

    Raises :class:`BFCLNotInstalledError` with the install command when the data is missing.
    """
    if subset != "all" and subset not in _FILE_PATTERNS:
        raise ValueError(f"subset must be one of {[*_FILE_PATTERNS, 'all']}, got {subset!r}")
    files = bfcl_data_files(data_dir)
    subsets: tuple[BFCLSubset, ...] = (
        ("irrelevance", "live_irrelevance") if subset == "all" else (subset,)
    )
    items: list[BFCLIrrelevanceItem] = []
    for name in subsets:
        path = files[name]
        # The files are JSON Lines despite the .json suffix.
        with path.open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    items.append(_record(row, name, path))
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValueError(f"{path}:{lineno}: unreadable BFCL row: {exc}") from exc
    return items
