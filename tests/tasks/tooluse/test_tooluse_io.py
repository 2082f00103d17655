from __future__ import annotations

import json
from pathlib import Path

import pytest

from behaviorlab.tasks.tooluse import (
    DatasetRowError,
    generate_items,
    read_jsonl,
    write_dataset,
    write_jsonl,
)
from behaviorlab.tasks.tooluse.__main__ import main


def test_jsonl_round_trip(tmp_path: Path) -> None:
    items = generate_items(5, seed=2)
    path = tmp_path / "nested" / "items.jsonl"
    assert write_jsonl(items, path) == len(items) == 60
    assert len(path.read_text(encoding="utf-8").splitlines()) == 60
    back = read_jsonl(path)
    assert back == items
    # Multi-line prompts and Unicode survive the one-line-per-item format.
    assert any("\n" in i.prompt for i in back) and any("×" in i.prompt for i in back)


def _write_rows(path: Path, good: list[str], bad: dict[int, str]) -> None:
    lines = list(good)
    for lineno in sorted(bad):
        lines.insert(lineno - 1, bad[lineno])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_bad_rows_are_reported_with_line_numbers(tmp_path: Path) -> None:
    items = generate_items(1, seed=0)[:4]
    good = [i.model_dump_json() for i in items]
    missing = json.loads(good[0])
    del missing["why"]
    missing["id"] = "other"
    wrong_tool = json.loads(good[1]) | {"id": "x2", "optimal_tools": ["python"]}
    path = tmp_path / "bad.jsonl"
    _write_rows(
        path,
        good,
        {
            2: "{not json",
            4: json.dumps(missing),
            5: "[1, 2]",
            7: json.dumps(wrong_tool),
            8: good[0],  # duplicate id
        },
    )
    with pytest.raises(DatasetRowError) as info:
        read_jsonl(path)
    assert info.value.line == 2 and "invalid JSON" in str(info.value)
    assert str(info.value).startswith(f"{path}:2:")

    kept, errors = read_jsonl(path, on_error="skip")
    assert [i.id for i in kept] == [i.id for i in items]
    assert [e.line for e in errors] == [2, 4, 5, 7, 8]
    assert "why" in errors[1].message
    assert "JSON object" in errors[2].message
    assert "optimal_tools" in errors[3].message
    assert "duplicate id" in errors[4].message and "line 1" in errors[4].message


def test_blank_lines_are_ignored_and_on_error_is_checked(tmp_path: Path) -> None:
    items = generate_items(1, seed=0)[:2]
    path = tmp_path / "blank.jsonl"
    path.write_text("\n" + items[0].model_dump_json() + "\n\n" + items[1].model_dump_json() + "\n")
    assert read_jsonl(path) == items
    with pytest.raises(ValueError, match="on_error"):
        read_jsonl(path, on_error="ignore")  # type: ignore[call-overload]


def test_write_dataset_and_module_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary = write_dataset(tmp_path / "a", n_per_cell=10, seed=4)
    assert summary.total == 120 and summary.train + summary.heldout == 120
    assert set(summary.train_templates).isdisjoint(summary.heldout_templates)
    train = read_jsonl(tmp_path / "a" / "train.jsonl")
    heldout = read_jsonl(tmp_path / "a" / "heldout.jsonl")
    assert len(train) == summary.train and len(heldout) == summary.heldout
    assert {i.split for i in train} == {"train"} and {i.split for i in heldout} == {"heldout"}
    on_disk = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert on_disk["cells"][0] == {
        "category": "reasoning",
        "difficulty": "easy",
        "train": summary.cells[0].train,
        "heldout": summary.cells[0].heldout,
    }

    assert main(["generate", "-o", str(tmp_path / "b"), "--seed", "4", "--n-per-cell", "10"]) == 0
    out = capsys.readouterr().out
    assert "multi_step" in out and "(120 items)" in out
    for name in ("train.jsonl", "heldout.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
