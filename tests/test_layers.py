"""A package's private modules are its own: no new import of another package's ``_`` module.

import-linter (``lint-imports``, in scripts/test) checks the layers and that the use cases
import no domain; its wildcards cannot name "every ``_`` module of a package", so this test
walks the source instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "behaviorlab"


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


def test_no_cross_package_private_imports() -> None:
    found = sorted(f"{where}: {pkg} imports {mod}" for pkg, mod, where in _private_imports())
    assert not found, "import the package's public names instead:\n" + "\n".join(found)


DOMAINS = ("airline", "tooluse", "bfcl")
USE_CASES = ("train", "distill", "modelize")


def test_use_cases_import_no_domain() -> None:
    """train, distill and modelize ask a task for its capabilities; lint-imports' forbidden
    contract says the same, this also catches an import inside a function body."""
    found = []
    for pkg in USE_CASES:
        for path in (SRC / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                mods: list[str] = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    mods = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    mods = [a.name for a in node.names]
                found += [
                    f"{path.relative_to(SRC)}:{node.lineno}: {m}"
                    for m in mods
                    if any(m.startswith(f"behaviorlab.tasks.{d}") for d in DOMAINS)
                ]
    assert not found, "ask the task for a capability instead:\n" + "\n".join(found)


#: each table's one owner: other packages call the owner's functions
TABLE_OWNERS = {
    "schema_version": "store/_db.py",
    "spans": "store/_db.py",
    "evals": "evals/_repo.py",
    "results": "evals/_repo.py",
    "model_versions": "registry/_registry.py",
    "model_aliases": "registry/_registry.py",
    "decisions": "registry/_registry.py",
    "feedback": "feedback/_feedback.py",
}


def test_each_table_has_one_owner_module() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        rel = str(path.relative_to(SRC))
        if rel.startswith("store/_schema") or rel.startswith("store/_migrations"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "behaviorlab.store"
                and any(a.name == "schema" for a in node.names)
                and rel not in TABLE_OWNERS.values()
            ):
                found.append(f"{rel}:{node.lineno}: imports the schema, owning no table")
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "s"
                and node.attr in TABLE_OWNERS
                and TABLE_OWNERS[node.attr] != rel
            ):
                found.append(
                    f"{rel}:{node.lineno}: table {node.attr} (owner {TABLE_OWNERS[node.attr]})"
                )
    assert not found, "call the owner's functions instead:\n" + "\n".join(sorted(set(found)))
