from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from behaviorlab.tasks.airline import (
    AUGMENT_TEMPLATES,
    HELDOUT_TEMPLATES,
    TRAIN_TEMPLATES,
    ParseDeclined,
    compute_fee,
    generate_problems,
    load_rulearena,
    parse_problem,
)
from behaviorlab.tasks.airline._data import NUMBER_WORDS

RA = (
    "Sarah is a Main Cabin Class passenger flying from Orlando to Philadelphia with the following items:\n"
    "1. A backpack: 22 x 13 x 6 inches, 10 lbs;\n"
    "2. A luggage box: 44 x 22 x 20 inches, 69 lbs;\n"
    "3. A luggage box: 34 x 18 x 12 inches, 51 lbs;\n\n"
    "Sarah's flight ticket is $180."
)


def test_parses_all_rulearena_prompts(rulearena_dir: Path) -> None:
    for level in (0, 1, 2):
        for p in load_rulearena(rulearena_dir, level).problems:
            assert p.info is not None
            parsed = parse_problem(p.prompt)
            expected = p.answer if p.answer is not None else compute_fee(p.info).total
            assert compute_fee(parsed).total == expected, p.id
            assert parsed.customer_class == p.info.customer_class
            assert parsed.routine == p.info.routine
            assert [(b.size, b.weight) for b in parsed.bag_list] == [
                (b.size, b.weight) for b in p.info.bag_list
            ]


@pytest.mark.parametrize("level", [0, 1, 2])
def test_parses_every_training_template(level: int) -> None:
    for template in TRAIN_TEMPLATES:
        for p in generate_problems(8, seed=level, level=level, templates=[template]):
            assert p.info is not None
            parsed = parse_problem(p.prompt)
            assert compute_fee(parsed).total == p.answer, (template, p.prompt)
            assert parsed.base_price == p.info.base_price
            assert parsed.customer_class == p.info.customer_class
            assert parsed.carry_on.size == p.info.carry_on.size


@pytest.mark.parametrize("templates", [HELDOUT_TEMPLATES, AUGMENT_TEMPLATES])
def test_unknown_phrasings_are_declined_or_right(templates: tuple[str, ...]) -> None:
    wrong = 0
    problems = generate_problems(200, seed=0, level=1, templates=templates)
    for p in problems:
        try:
            parsed = parse_problem(p.prompt)
        except ParseDeclined:
            continue
        wrong += compute_fee(parsed).total != p.answer
    assert wrong / len(problems) <= 0.02


def test_reads_only_the_text() -> None:
    assert list(inspect.signature(parse_problem).parameters) == ["text"]


def test_tolerates_case_and_spacing() -> None:
    text = (
        RA.replace("Main Cabin Class", "main cabin class")
        .replace("\n", "  \n ")
        .replace(": ", ":   ")
    )
    assert compute_fee(parse_problem(text)).total == compute_fee(parse_problem(RA)).total


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (RA.replace("Orlando", "Springfield"), "unknown city 'Springfield'"),
        (RA.replace("Sarah's flight ticket is $180.", ""), "no ticket price"),
        (RA + "\nTicket price: $190.", "conflicting ticket prices"),
        (RA.replace("$180", "$180.50"), "cents"),
        (RA.replace("Main Cabin Class", "Economy Class"), "unrecognised phrasing"),
        (RA.replace("3. A luggage", "4. A luggage"), "bag count is ambiguous"),
        (RA.replace("2. A luggage", "1. A luggage"), "bag count is ambiguous"),
        (RA.replace("from Orlando to Philadelphia", "from Paris to Tokyo"), "covers only flights"),
        (RA + "\nThe first bag is free.", "unrecognised phrasing at 'The first bag"),
        (RA + "\nTicket: $180, First class.", "conflicting cabin classes"),
        (RA.replace("Sarah's", "Linda's"), "more than one passenger"),
        (
            RA.replace(";\n\nSarah", ";\n- a crate: 30 x 20 x 10 in, 40 lbs\nSarah"),
            "several different formats",
        ),
        ("| 1 | backpack | 22 x 13 x 6 | 10 |", "without the table header"),
    ],
)
def test_declines_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ParseDeclined) as err:
        parse_problem(text)
    assert reason in err.value.reason


def test_declared_counts_must_match() -> None:
    p = generate_problems(1, seed=0, level=0, templates=["departing_dash"])[0]
    assert p.info is not None
    n = len(p.info.bag_list)
    said = next(w for w in (str(n), NUMBER_WORDS[n]) if f"bringing {w} items" in p.prompt)
    bad = p.prompt.replace(f"bringing {said} items", f"bringing {n + 1} items")
    with pytest.raises(ParseDeclined, match="announces"):
        parse_problem(bad)


def test_two_carry_ons_are_declined() -> None:
    p = generate_problems(1, seed=2, level=0, templates=["bound_from"])[0]
    bad = p.prompt.replace("\n2. backpack:", "\n2. backpack (carry-on):").replace(
        "\n2. luggage box:", "\n2. luggage box (carry-on):"
    )
    assert bad != p.prompt
    with pytest.raises(ParseDeclined, match="marked as the carry-on"):
        parse_problem(bad)
