from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from behaviorlab.tasks.tooluse import (
    ToolUseItem,
    extract_number,
    parse_number,
    score_answer,
    tool_decision,
)


def make(**kw: Any) -> ToolUseItem:
    base: dict[str, Any] = {
        "id": "t-1",
        "prompt": "p",
        "category": "execution",
        "subcategory": "numeric",
        "difficulty": "easy",
        "optimal_tools": ["calculator"],
        "acceptable_tools": ["code_executor"],
        "expected_output": "1234",
        "answer_type": "number",
        "why": "because",
        "split": "train",
        "template": "t",
    }
    base.update(kw)
    return ToolUseItem(**base)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$1,234.00", Decimal("1234")),
        ("1234", Decimal("1234")),
        ("-5", Decimal("-5")),
        ("−5", Decimal("-5")),
        ("-$5.50", Decimal("-5.5")),
        ("12.5%", Decimal("12.5")),
        ("1.2e3", Decimal("1200")),
        ("**42**", Decimal("42")),
        ("42.", Decimal("42")),
        ("abc", None),
        ("1,23", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: Decimal | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The answer is 452093301 (from 48213 × 9377)", Decimal("452093301")),
        ("48213 × 9377 = 452,093,301.", Decimal("452093301")),
        ("It costs $1,234.00 in total.", Decimal("1234")),
        ("\\boxed{17} since 3 + 14", Decimal("17")),
        ("x2 is 5", Decimal("5")),
        ("Answer - 42", Decimal("42")),
        ("no digits here", None),
    ],
)
def test_extract_number(text: str, value: Decimal | None) -> None:
    assert extract_number(text) == value


def test_numbers_integers_exact_decimals_to_their_rounding() -> None:
    item = make(expected_output="1234")
    assert score_answer(item, "$1,234.00")
    assert score_answer(item, "The total is 1,234.")
    assert not score_answer(item, "1235")
    assert not score_answer(item, "1234.4")
    assert not score_answer(item, "")
    big = make(expected_output="25852016738884976640000")
    assert score_answer(big, "23! = 25,852,016,738,884,976,640,000")
    # A float rendering loses the last digits: not the exact answer asked for.
    assert not score_answer(big, "2.585201673888498e22")
    assert not score_answer(big, "25852016738884976640001")
    money = make(expected_output="43045.77")
    assert score_answer(money, "about $43,045.77")
    assert score_answer(money, "43045.7712")
    assert not score_answer(money, "43045.78")
    assert not score_answer(money, "43046")
    negative = make(expected_output="-12.5")
    assert score_answer(negative, "The change is −12.5%")
    assert not score_answer(negative, "12.5")


def test_list_answers() -> None:
    item = make(answer_type="list", expected_output='["fig", "kiwi", "apple"]')
    assert score_answer(item, '["fig", "kiwi", "apple"]')
    assert score_answer(item, "Sorted: Fig, kiwi and apple.")
    assert score_answer(item, "- fig\n- kiwi\n- apple")
    assert score_answer(item, "1. fig\n2. kiwi\n3. apple")
    assert score_answer(item, "The result is ['fig', 'kiwi', 'apple'].")
    assert not score_answer(item, '["kiwi", "fig", "apple"]')
    assert not score_answer(item, '["fig", "kiwi"]')
    nums = make(answer_type="list", expected_output="[33, 26, 2]")
    assert score_answer(nums, "33, 26, 2")
    assert score_answer(nums, "[33.0, 26, 2]")
    assert not score_answer(nums, "2, 26, 33")


def test_text_answers() -> None:
    item = make(answer_type="text", expected_output="[49, 84, 86] 1")
    assert score_answer(item, "It prints:\n```\n[49, 84, 86] 1\n```")
    assert score_answer(item, "[49,84,86]  1")
    assert score_answer(item, "The output is `[49, 84, 86] 1`.")
    assert not score_answer(item, "[49, 84, 86] 2")
    multi = make(answer_type="text", expected_output="hazelnut 7\ntrumpet 3")
    assert score_answer(multi, "After the fix it prints:\nhazelnut 7\ntrumpet 3")
    assert not score_answer(multi, "hazelnut 7\ntrumpet 4")
    word = make(answer_type="text", expected_output="nit")
    assert score_answer(word, "'tin' reversed is 'nit'.")
    assert score_answer(word, "NIT")
    assert not score_answer(word, "'tin' reversed is 'tni'.")
    number_text = make(answer_type="text", expected_output="56")
    assert score_answer(number_text, "The fixed program prints 56")
    assert not score_answer(number_text, "The fixed program prints 57")


def test_free_text_answers_use_keywords() -> None:
    item = make(
        category="reasoning",
        subcategory="explain",
        optimal_tools=["answer_directly"],
        acceptable_tools=[],
        expected_output=None,
        answer_type="none",
        reference_keywords=["mutable|immutable", "tuple"],
    )
    assert score_answer(item, "A tuple is immutable; a list is mutable.")
    assert not score_answer(item, "A list can change.")
    assert score_answer(item, "A list can change; a tuple cannot.", keyword_fraction=0.5)
    bare = make(
        category="reasoning",
        optimal_tools=["answer_directly"],
        acceptable_tools=[],
        expected_output=None,
        answer_type="none",
    )
    assert score_answer(bare, "anything")
    assert not score_answer(bare, "   ")


def test_tool_decision_reasoning_overuse() -> None:
    item = make(
        category="reasoning",
        optimal_tools=["answer_directly"],
        acceptable_tools=[],
        expected_output=None,
        answer_type="none",
    )
    direct = tool_decision(item, [])
    assert direct.correct_choice and direct.acceptable
    assert not direct.overuse and not direct.underuse
    assert direct.used == ["answer_directly"]
    assert tool_decision(item, ["answer_directly"]) == direct
    ran = tool_decision(item, ["code_executor", "answer_directly"])
    assert ran.overuse and not ran.acceptable and not ran.correct_choice and not ran.underuse
    assert ran.used == ["code_executor"]


def test_tool_decision_ambiguous_acceptable_tool_is_not_overuse() -> None:
    item = make(
        category="ambiguous",
        optimal_tools=["answer_directly"],
        acceptable_tools=["calculator"],
        expected_output="56",
    )
    calc = tool_decision(item, ["calculator"])
    assert calc.acceptable and not calc.correct_choice and not calc.overuse
    code = tool_decision(item, ["code_executor"])
    assert code.overuse and not code.acceptable
    hard = make(
        category="ambiguous",
        optimal_tools=["calculator"],
        acceptable_tools=["answer_directly", "code_executor"],
    )
    direct = tool_decision(hard, [])
    assert direct.acceptable and not direct.correct_choice and not direct.underuse


def test_tool_decision_execution_underuse_and_wrong_tool() -> None:
    item = make(
        optimal_tools=["code_executor"],
        acceptable_tools=[],
        answer_type="list",
        expected_output='["a"]',
    )
    direct = tool_decision(item, ["answer_directly"])
    assert direct.underuse and not direct.acceptable and not direct.overuse
    wrong = tool_decision(item, ["calculator"])
    assert not wrong.acceptable and not wrong.overuse and not wrong.underuse
    repeated = tool_decision(item, ["code_executor", "code_executor", "answer_directly"])
    assert repeated.correct_choice and repeated.used == ["code_executor"]
    both = make(optimal_tools=["calculator", "code_executor"], acceptable_tools=[])
    assert tool_decision(both, ["code_executor", "calculator"]).correct_choice
    mixed = tool_decision(make(), ["calculator", "code_executor"])
    assert mixed.acceptable and not mixed.correct_choice
    unknown = tool_decision(make(), ["web_search"])
    assert not unknown.acceptable and not unknown.underuse


def test_item_validation() -> None:
    with pytest.raises(ValueError, match="expected_output"):
        make(answer_type="none")
    with pytest.raises(ValueError, match="both optimal and acceptable"):
        make(acceptable_tools=["calculator"])
    with pytest.raises(ValueError):
        make(optimal_tools=["python"])
    with pytest.raises(ValueError):
        make(optimal_tools=[])
    with pytest.raises(ValueError):
        make(extra_field=1)
