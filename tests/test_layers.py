"""A package's private modules are its own: no new import of another package's ``_`` module.

import-linter (``lint-imports``, in scripts/test) checks the layers; its wildcards cannot name
"every ``_`` module of a package", so this test walks the source instead. The imports that
predate the rule are listed in ``KNOWN`` and may only go away (the test fails on a stale
entry too, so the list shrinks as they are mended).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "behaviorlab"

# (importing package, imported private module) pairs that predate the rule
KNOWN = {
    ("agents", "behaviorlab.trace._context"),
    ("distill", "behaviorlab.tasks.airline._agents"),
    ("distill", "behaviorlab.tasks.airline._data"),
    ("distill", "behaviorlab.tasks.airline._expert"),
    ("distill", "behaviorlab.tasks.airline._task"),
    ("modelize", "behaviorlab.tasks.airline._agents"),
    ("tasks", "behaviorlab.agents._ptool"),
    ("tasks", "behaviorlab.models._toolcalls"),
    ("train", "behaviorlab.models._llamacpp"),
    ("train", "behaviorlab.tasks.airline._agents"),
    ("train", "behaviorlab.tasks.airline._expert"),
}


def _private_imports() -> set[tuple[str, str, str]]:
    """(importing package, imported private module, where) for every cross-package import."""
    found: set[tuple[str, str, str]] = set()
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if len(rel.parts) < 2:
            continue  # the root __init__ is the table of contents
        pkg = rel.parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] != "behaviorlab" or len(parts) < 3 or parts[1] == pkg:
                    continue
                private = next((i for i, p in enumerate(parts[2:], 2) if p.startswith("_")), None)
                if private is not None:
                    module = ".".join(parts[: private + 1])
                    found.add((pkg, module, f"{rel}:{node.lineno}"))
    return found


def test_no_new_cross_package_private_imports() -> None:
    found = _private_imports()
    new = sorted(
        f"{where}: {pkg} imports {mod}" for pkg, mod, where in found if (pkg, mod) not in KNOWN
    )
    assert not new, "import the package's public names instead:\n" + "\n".join(new)


def test_known_private_imports_are_still_there() -> None:
    pairs = {(pkg, mod) for pkg, mod, _ in _private_imports()}
    stale = sorted(KNOWN - pairs)
    assert not stale, f"mended, so take them out of KNOWN: {stale}"
