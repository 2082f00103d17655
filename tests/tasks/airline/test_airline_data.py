from __future__ import annotations

import json
from pathlib import Path

import pytest

from behaviorlab.tasks.airline import (
    AirlineInfo,
    DatasetRowError,
    RuleArenaNotFoundError,
    load_answers,
    load_rulearena,
)


def test_loads_every_level_with_ids_and_answers(rulearena_dir: Path) -> None:
    for level in (0, 1, 2):
        result = load_rulearena(rulearena_dir, level)
        assert result.errors == []
        assert len(result.problems) == 100
        first = result.problems[0]
        assert first.id == f"rulearena-L{level}-000"
        assert result.problems[42].index == 42
        assert all(p.source == "rulearena" and p.info is not None for p in result.problems)
        answered = [p.answer is not None for p in result.problems]
        assert all(answered) if level < 2 else not any(answered)
    p = load_rulearena(rulearena_dir, 0).problems[0]
    assert p.answer == 1245
    assert p.info is not None and p.info.base_price == 180 and p.info.customer_class == "Main Cabin"
    assert p.info.carry_on.size == (22, 13, 6) and len(p.info.checked_bags) == 4
    assert (p.origin, p.destination) == ("Orlando", "Philadelphia")


def test_root_may_be_the_airline_folder(rulearena_dir: Path) -> None:
    a = load_rulearena(rulearena_dir / "airline", 1).problems
    b = load_rulearena(rulearena_dir, 1).problems
    assert a == b
    assert len(load_answers(rulearena_dir / "airline")) == 200


def test_missing_checkout_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(RuleArenaNotFoundError) as err:
        load_rulearena(tmp_path / "nowhere", 0)
    assert "nowhere" in str(err.value) and "synthesized_problems" in str(err.value)
    (tmp_path / "airline" / "synthesized_problems").mkdir(parents=True)
    with pytest.raises(RuleArenaNotFoundError, match=r"comp_2\.jsonl"):
        load_rulearena(tmp_path, 2)
    with pytest.raises(ValueError, match="levels"):
        load_rulearena(tmp_path, 3)


def _fake_checkout(tmp_path: Path, rulearena_dir: Path, lines: list[str]) -> Path:
    folder = tmp_path / "airline" / "synthesized_problems"
    folder.mkdir(parents=True)
    (folder / "comp_0.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    answers = (rulearena_dir / "airline" / "answers_comp_0_1.json").read_text(encoding="utf-8")
    (tmp_path / "airline" / "answers_comp_0_1.json").write_text(answers, encoding="utf-8")
    return tmp_path


def test_malformed_rows_raise_or_are_skipped(tmp_path: Path, rulearena_dir: Path) -> None:
    good = (
        (rulearena_dir / "airline" / "synthesized_problems" / "comp_0.jsonl")
        .read_text()
        .splitlines()[:3]
    )
    bad_info = json.loads(good[2])
    bad_info["info"]["customer_class"] = "Economy Plus"
    lines = [good[0], "{not json", json.dumps({"info": None}), json.dumps(bad_info), good[1]]
    root = _fake_checkout(tmp_path, rulearena_dir, lines)

    with pytest.raises(DatasetRowError) as err:
        load_rulearena(root, 0)
    assert (
        err.value.line == 2
        and "invalid JSON" in err.value.reason
        and "comp_0.jsonl" in str(err.value)
    )

    result = load_rulearena(root, 0, on_error="skip")
    assert [p.index for p in result.problems] == [0, 4]
    assert result.problems[1].answer == 1434  # answers follow the line number, not the row count
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [
        (2, "invalid JSON"),
        (3, "missing or empty 'prompt'"),
        (4, "bad 'info'"),
    ]
    assert "customer_class" in result.errors[2].reason


def test_bag_size_accepts_lists_and_rejects_negative() -> None:
    info = AirlineInfo.model_validate(
        {
            "base_price": 100,
            "customer_class": "First",
            "routine": "Europe",
            "direction": 1,
            "bag_list": [{"id": 1, "name": "backpack", "size": [20, 12, 7], "weight": 8}],
        }
    )
    assert info.carry_on.size == (20, 12, 7) and info.checked_bags == []
    with pytest.raises(ValueError):
        AirlineInfo.model_validate({**info.model_dump(), "direction": 2})
