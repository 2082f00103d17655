"""BFCL items (Berkeley Function Calling Leaderboard, v4) read from the installed ``bfcl-eval`` wheel.

Each category is one JSON-lines file ``bfcl_eval/data/BFCL_v4_<category>.json`` (the question
as chat turns and the functions offered) and, for the categories scored by the AST checker,
``possible_answer/BFCL_v4_<category>.json`` (every acceptable value of every argument). The
package is located without being imported: importing ``bfcl_eval`` pulls every provider SDK.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

Category = Literal[
    "simple_python",
    "multiple",
    "parallel",
    "parallel_multiple",
    "irrelevance",
    "live_simple",
    "live_multiple",
    "live_parallel",
    "live_parallel_multiple",
    "live_irrelevance",
    "live_relevance",
]
CATEGORIES: tuple[str, ...] = (
    "simple_python",
    "multiple",
    "parallel",
    "parallel_multiple",
    "irrelevance",
    "live_simple",
    "live_multiple",
    "live_parallel",
    "live_parallel_multiple",
    "live_irrelevance",
    "live_relevance",
)
#: categories with no possible answers: right is no call (irrelevance) or any call (relevance)
RELEVANCE_CATEGORIES = frozenset({"irrelevance", "live_irrelevance", "live_relevance"})
VERSION = "v4"
_DISTRIBUTION = "bfcl-eval"


class BFCLNotInstalledError(ImportError):
    """The ``bfcl-eval`` wheel (or one of its data files) is not installed."""


class BFCLItem(BaseModel):
    """One single-turn BFCL item as its files write it (BFCL's dialect of JSON Schema kept)."""

    id: str
    category: str
    #: the chat turns of the one turn (a few live items open with a system message)
    messages: list[dict[str, str]]
    functions: list[dict[str, Any]]
    #: BFCL's possible answers: ``[{func: {arg: [acceptable values]}}]``; None where unscored
    ground_truth: list[dict[str, dict[str, list[Any]]]] | None = None
    index: int = 0
    extra: dict[str, Any] = Field(default_factory=dict)


def data_dir() -> Path:
    """``bfcl_eval/data`` of the installed wheel."""
    spec = importlib.util.find_spec("bfcl_eval")  # a top-level spec runs no package code
    if spec is None or not spec.submodule_search_locations:
        raise BFCLNotInstalledError(
            "BFCL needs the 'bfcl-eval' wheel: pip install --no-deps bfcl-eval "
            "(./scripts/setup installs it)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not path.is_dir():
        raise BFCLNotInstalledError(f"bfcl-eval is installed but has no data folder at {path}")
    return path


def wheel_version() -> str:
    try:
        return importlib.metadata.version(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BFCLNotInstalledError(f"BFCL data file missing: {path}")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n} is not JSON: {e.msg}") from e
    return rows


def load_category(category: str, n: int | None = None) -> list[BFCLItem]:
    """The first ``n`` items of ``category`` (all when ``n`` is None), in BFCL's file order."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown BFCL category {category!r}; known: {', '.join(CATEGORIES)}")
    root = data_dir()
    rows = _read_jsonl(root / f"BFCL_{VERSION}_{category}.json")
    answers: dict[str, Any] = {}
    if category not in RELEVANCE_CATEGORIES:
        answers = {
            a["id"]: a["ground_truth"]
            for a in _read_jsonl(root / "possible_answer" / f"BFCL_{VERSION}_{category}.json")
        }
    items = []
    for i, row in enumerate(rows[:n] if n is not None else rows):
        question = row.get("question")
        if not isinstance(question, list) or len(question) != 1:
            raise ValueError(f"BFCL item {row.get('id')!r} is not single-turn")
        if category not in RELEVANCE_CATEGORIES and row["id"] not in answers:
            raise ValueError(f"BFCL item {row['id']!r} has no possible answer")
        items.append(
            BFCLItem(
                id=row["id"],
                category=category,
                messages=question[0],
                functions=row["function"],
                ground_truth=answers.get(row["id"]),
                index=i,
            )
        )
    return items


def reference_answer(
    ground_truth: list[dict[str, dict[str, list[Any]]]], *, omit_optional: bool = False
) -> list[dict[str, Any]]:
    """One answer a possible answer describes: each argument's first acceptable value other
    than ``""`` (BFCL's mark of an argument that may be left out), or, with ``omit_optional``,
    every such argument left out; nested dictionaries resolved the same way."""

    def pick(values: list[Any]) -> tuple[bool, Any]:
        if omit_optional and "" in values:
            return False, None
        for v in values:
            if isinstance(v, str) and v == "":
                continue
            return True, resolve(v)
        return False, None

    def resolve(v: Any) -> Any:
        # in a possible answer a dictionary's keys hold lists of acceptable values
        if isinstance(v, dict):
            out = {}
            for k, vals in v.items():
                found, val = pick(vals) if isinstance(vals, list) else (True, vals)
                if found:
                    out[k] = val
            return out
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            return [resolve(x) for x in v]
        return v

    calls = []
    for call in ground_truth:
        ((name, args),) = call.items()
        chosen = {}
        for k, vals in args.items():
            found, val = pick(vals)
            if found:
                chosen[k] = val
        calls.append({name: chosen})
    return calls
