"""JSONL storage of tool-use items, and writing a whole dataset from a seed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, overload

from pydantic import ValidationError

from ._generator import cell_counts, generate_items, split_items
from ._types import DatasetSummary, ToolUseItem


class DatasetRowError(ValueError):
    """A JSONL row that is not a valid :class:`ToolUseItem`; ``line`` is 1-based."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


def write_jsonl(items: Iterable[ToolUseItem], path: str | Path) -> int:
    """Write one item per line (UTF-8, parents created); return the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for item in items:
            f.write(item.model_dump_json())
            f.write("\n")
            n += 1
    return n


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


@overload
def read_jsonl(path: str | Path, *, on_error: Literal["raise"] = "raise") -> list[ToolUseItem]: ...


@overload
def read_jsonl(
    path: str | Path, *, on_error: Literal["skip"]
) -> tuple[list[ToolUseItem], list[DatasetRowError]]: ...


def read_jsonl(
    path: str | Path, *, on_error: Literal["raise", "skip"] = "raise"
) -> list[ToolUseItem] | tuple[list[ToolUseItem], list[DatasetRowError]]:
    """Read items written by :func:`write_jsonl`.

    With ``on_error="raise"`` the first bad row raises :class:`DatasetRowError` naming its
    line; with ``"skip"`` bad rows are left out and returned as ``(items, errors)``. Blank
    lines are ignored; a repeated id is a bad row.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    path = Path(path)
    items: list[ToolUseItem] = []
    errors: list[DatasetRowError] = []
    ids: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            error: DatasetRowError | None = None
            try:
                item = _parse_row(line)
            except ValueError as exc:
                error = DatasetRowError(path, lineno, str(exc))
            else:
                if item.id in ids:
                    error = DatasetRowError(
                        path, lineno, f"duplicate id {item.id!r} (first on line {ids[item.id]})"
                    )
                else:
                    ids[item.id] = lineno
                    items.append(item)
            if error is not None:
                if on_error == "raise":
                    raise error
                errors.append(error)
    return items if on_error == "raise" else (items, errors)


def _parse_row(line: str) -> ToolUseItem:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    try:
        return ToolUseItem.model_validate(row)
    except ValidationError as exc:
        raise ValueError(_validation_message(exc)) from None


def write_dataset(out_dir: str | Path, *, n_per_cell: int = 60, seed: int = 0) -> DatasetSummary:
    """Generate the dataset and write ``train.jsonl``, ``heldout.jsonl`` and ``summary.json``."""
    out = Path(out_dir)
    items = generate_items(n_per_cell, seed=seed)
    train, heldout = split_items(items)
    files = {"train": out / "train.jsonl", "heldout": out / "heldout.jsonl"}
    write_jsonl(train, files["train"])
    write_jsonl(heldout, files["heldout"])
    summary = DatasetSummary(
        seed=seed,
        n_per_cell=n_per_cell,
        total=len(items),
        train=len(train),
        heldout=len(heldout),
        cells=cell_counts(items),
        train_templates=sorted({i.template for i in train}),
        heldout_templates=sorted({i.template for i in heldout}),
        files={k: str(v) for k, v in files.items()},
    )
    (out / "summary.json").write_text(summary.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return summary
