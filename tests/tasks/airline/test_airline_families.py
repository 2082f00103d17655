"""The compositional generator: families split whole, the frozen splits unchanged, and the
generic constraints never making a right answer unwritable."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from behaviorlab.models import (
    UnreadableInput,
    compile_constraints,
    json_schema_for,
    prefix_check,
    violation,
)
from behaviorlab.tasks.airline import (
    ALL_FAMILIES,
    FAMILY_SPLITS,
    SPLIT_HASHES,
    AirlineExtraction,
    airline_problems,
    compute_fee,
    family_problems,
    frozen_split,
    load_rulearena,
    split_digest,
    target_for,
    to_info,
)
from behaviorlab.tasks.airline._families import (
    DEV_DOCS,
    DEV_LISTINGS,
    TEST_DOCS,
    TEST_LISTINGS,
    TRAIN_ONLY_DOCS,
    TRAIN_ONLY_LISTINGS,
    render_family,
)
from behaviorlab.tasks.airline._generator import sample_scenario

SCHEMA = json_schema_for(AirlineExtraction)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_the_frozen_splits_are_unchanged(split: str) -> None:
    # regenerated from fixed seeds; a change to the generator that moves these texts must
    # make a new split (and report the old figures as the old split's)
    assert split_digest(frozen_split(split)) == SPLIT_HASHES[split]


def test_families_are_split_whole_and_held_out_ones_share_no_part_with_training() -> None:
    train, dev, test = (set(FAMILY_SPLITS[s]) for s in ("train", "dev", "test"))
    assert not (train & dev or train & test or dev & test)
    assert train | dev | test == set(ALL_FAMILIES)
    for fam in train - {"rulearena"}:
        doc, listing = fam.split("/")
        assert doc not in TEST_DOCS + DEV_DOCS and listing not in TEST_LISTINGS + DEV_LISTINGS
    for fam in test:
        doc, listing = fam.split("/")
        assert doc in TEST_DOCS or listing in TEST_LISTINGS
    with pytest.raises(ValueError, match="never training data"):
        airline_problems(1, seed=1, families=[FAMILY_SPLITS["test"][0]])


def test_train_only_parts_make_training_families_and_nothing_else() -> None:
    held = set(FAMILY_SPLITS["dev"]) | set(FAMILY_SPLITS["test"])
    parts = {part for fam in held for part in fam.split("/")}
    assert not parts & set(TRAIN_ONLY_DOCS + TRAIN_ONLY_LISTINGS)
    for part in TRAIN_ONLY_DOCS + TRAIN_ONLY_LISTINGS:
        assert any(part in fam.split("/") for fam in FAMILY_SPLITS["train"]), part
    # a train-only part beside a held-out one is no family at all
    with pytest.raises(KeyError, match="unknown families"):
        family_problems(1, seed=1, level=0, families=[f"{TRAIN_ONLY_DOCS[0]}/records"])
    scenario = sample_scenario(random.Random(1), 0)
    with pytest.raises(KeyError, match="unknown family"):
        render_family(scenario, "email/columns")


def test_more_dev_problems_come_from_the_dev_families_only_and_not_the_frozen_split() -> None:
    from behaviorlab.tasks import ScenarioOptions, get_task

    more = get_task("airline").scenarios(ScenarioOptions(source="families-dev-more", n=4))
    assert len(more) == 12 and {s.level for s in more} == {0, 1, 2}
    assert {s.category for s in more} <= set(FAMILY_SPLITS["dev"])
    frozen = {p.prompt for p in frozen_split("dev")}
    assert not frozen & {s.input for s in more}
    assert all(isinstance(s.expected, int) for s in more)  # labelled by the calculator


def test_every_family_is_generated_deterministically_with_the_right_answer() -> None:
    a = family_problems(len(ALL_FAMILIES), seed=3, level=1, families=ALL_FAMILIES)
    b = family_problems(len(ALL_FAMILIES), seed=3, level=1, families=ALL_FAMILIES)
    assert [p.prompt for p in a] == [p.prompt for p in b]
    assert {p.template for p in a} == set(ALL_FAMILIES)
    for p in a:
        assert p.info is not None and p.answer == compute_fee(p.info).total
        assert compute_fee(to_info(target_for(p))).total == p.answer, p.id


def _writable(problem: object) -> str | None:
    compiled = compile_constraints(SCHEMA, problem.prompt)  # type: ignore[attr-defined]
    return violation(compiled, target_for(problem).model_dump(mode="json"))  # type: ignore[arg-type]


def _refused_while_decoding(problem: object) -> str | None:
    """Where the decoder's count check (``CopyCountCheck``) would refuse a prefix of the gold
    extraction as the model writes it (compact JSON, the schema's key order), or None."""
    check = prefix_check(compile_constraints(SCHEMA, problem.prompt))  # type: ignore[attr-defined]
    assert check is not None  # the checked bags declare reuse=False
    gold = json.dumps(target_for(problem).model_dump(mode="json"), separators=(",", ":"))  # type: ignore[arg-type]
    for i in range(1, len(gold) + 1):
        if not check(gold[:i]):
            return gold[max(0, i - 60) : i]
    return None


def test_the_gold_extraction_is_writable_under_the_constraints_in_every_family() -> None:
    problems = [
        p
        for lvl in (0, 1, 2)
        for p in family_problems(4 * len(ALL_FAMILIES), seed=11, level=lvl, families=ALL_FAMILIES)
    ]
    problems += frozen_split("dev") + frozen_split("test")
    bad = {p.id: why for p in problems if (why := _writable(p)) is not None}
    assert not bad
    # and the check a decoder applies beside the grammar never refuses it either (one
    # problem per family and level: every prefix is checked)
    sample = [
        p
        for lvl in (0, 1, 2)
        for p in family_problems(len(ALL_FAMILIES), seed=12, level=lvl, families=ALL_FAMILIES)
    ]
    refused = {p.id: why for p in sample if (why := _refused_while_decoding(p)) is not None}
    assert not refused


def test_the_gold_extraction_is_writable_for_all_rulearena_problems(rulearena_dir: Path) -> None:
    problems = [p for lvl in (0, 1, 2) for p in load_rulearena(rulearena_dir, lvl).problems]
    assert len(problems) == 300
    bad = {p.id: why for p in problems if (why := _writable(p)) is not None}
    assert not bad
    refused = {p.id: why for p in problems if (why := _refused_while_decoding(p)) is not None}
    assert not refused


def test_the_decoding_check_refuses_a_bag_listed_twice() -> None:
    """The check is not vacuous on real problems: listing a bag again, or copying a spent
    figure into another bag, is refused at the digit that does it."""
    (p,) = family_problems(1, seed=2, level=1, families=["form/numbered"])
    check = prefix_check(compile_constraints(SCHEMA, p.prompt))
    assert check is not None
    gold = target_for(p).model_dump(mode="json")
    bags = gold["checked_bags"]
    assert len(bags) >= 2
    twice = dict(gold, checked_bags=[*bags, bags[-1]])
    text = json.dumps(twice, separators=(",", ":"))
    cut = text.rindex('{"length"')  # the repeated bag
    whole = json.dumps(gold, separators=(",", ":"))
    assert all(check(whole[:i]) for i in range(1, len(whole) + 1))
    assert not all(check(text[:i]) for i in range(cut, len(text) + 1))


def test_a_text_without_readable_numbers_is_unreadable_not_answered() -> None:
    (p,) = family_problems(1, seed=2, level=0, families=["form/numbered"])
    words = "".join(" " if c.isdigit() else c for c in p.prompt)
    with pytest.raises(UnreadableInput):
        compile_constraints(SCHEMA, words)
