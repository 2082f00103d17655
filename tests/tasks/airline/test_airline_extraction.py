from __future__ import annotations

import re
from pathlib import Path

import pytest

from behaviorlab.models import (
    FIRST,
    FOLLOWS,
    LAST,
    ScriptedModel,
    decoding_schema_for,
    json_schema_for,
)
from behaviorlab.tasks.airline import (
    ALL_TEMPLATES,
    AirlineExtraction,
    BagSpec,
    CheckedBag,
    ExtractionError,
    compute_fee,
    from_info,
    generate_problems,
    load_rulearena,
    target_for,
    to_info,
)
from behaviorlab.tasks.airline._agents import make_l1
from behaviorlab.tasks.airline._extraction import (
    bag_candidates,
    extraction_for_cities,
    extraction_for_text,
    ungrounded_bag,
)


def test_round_trip_keeps_the_fee(rulearena_dir: Path) -> None:
    problems = [p for level in (0, 1, 2) for p in load_rulearena(rulearena_dir, level).problems]
    problems += generate_problems(50, seed=1, level=2, templates=ALL_TEMPLATES)
    for p in problems:
        assert p.info is not None
        target = target_for(p)
        assert target.origin_city == p.origin
        assert len(target.checked_bags) == len(p.info.checked_bags)
        assert compute_fee(to_info(target)).total == compute_fee(p.info).total, p.id


def test_schema_is_small_and_flat() -> None:
    schema = AirlineExtraction.model_json_schema()
    assert list(schema["properties"]) == [
        "customer_class",
        "origin_city",
        "destination_city",
        "ticket_price",
        "checked_bags",
    ]
    assert len(BagSpec.model_json_schema()["properties"]) == 4
    # the anchor comes first, in the schema (the decoding grammar's order) and in the targets
    assert list(CheckedBag.model_json_schema()["properties"]) == [
        "item",
        "length",
        "width",
        "height",
        "weight",
    ]


def _extraction(**overrides: object) -> AirlineExtraction:
    data: dict[str, object] = {
        "customer_class": "Business",
        "origin_city": "Boston",
        "destination_city": "Paris",
        "ticket_price": 400,
        "checked_bags": [{"item": 2, "length": 30, "width": 20, "height": 10, "weight": 60}],
    }
    return AirlineExtraction.model_validate({**data, **overrides})


def test_tolerant_fields() -> None:
    assert _extraction(customer_class="business class").customer_class == "Business"
    assert _extraction(customer_class="Main-Cabin").customer_class == "Main Cabin"
    assert _extraction(ticket_price="$1,234.00").ticket_price == 1234
    info = to_info(_extraction(origin_city="new york city", destination_city="Washington, D.C."))
    assert (info.routine, info.direction) == ("U.S.", 0)
    assert to_info(_extraction()).routine == "Europe"
    with pytest.raises(ValueError):
        _extraction(customer_class="Economy")
    with pytest.raises(ValueError):
        _extraction(ticket_price="$12.50")


def test_unknown_city_is_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="unknown city 'Gotham'"):
        to_info(_extraction(destination_city="Gotham"))
    with pytest.raises(ExtractionError, match="covers only"):
        to_info(_extraction(origin_city="London"))


def test_from_info_refuses_cities_that_contradict_info(rulearena_dir: Path) -> None:
    p = load_rulearena(rulearena_dir, 0).problems[5]
    assert p.info is not None and p.info.routine != "U.S."
    with pytest.raises(ExtractionError, match="info says"):
        from_info(p.info, "Boston", "Chicago")


def test_targets_number_the_checked_bags_from_two(rulearena_dir: Path) -> None:
    p = load_rulearena(rulearena_dir, 2).problems[0]
    assert p.info is not None
    target = target_for(p)
    assert [b.item for b in target.checked_bags] == list(range(2, len(p.info.bag_list) + 1))
    assert target.model_dump_json().startswith('{"customer_class":')
    assert '"checked_bags":[{"item":2,"length":' in target.model_dump_json()


@pytest.mark.parametrize(
    ("items", "why"),
    [([2, 3, 3], r"got \[2, 3, 3\]"), ([2, 4], r"got \[2, 4\]"), ([3, 4], r"got \[3, 4\]")],
)
def test_a_repeated_or_skipped_bag_is_rejected(items: list[int], why: str) -> None:
    bags = [{"item": n, "length": 30, "width": 20, "height": 10, "weight": 60} for n in items]
    with pytest.raises(ValueError, match="a bag was repeated or skipped") as e:
        _extraction(checked_bags=bags)
    assert re.search(why, str(e.value))
    assert _extraction(checked_bags=[]).checked_bags == []


def test_extraction_for_cities_limits_both_cities_to_the_texts() -> None:
    narrowed = extraction_for_cities(("Phoenix", "Brussels"))
    props = narrowed.model_json_schema()["properties"]
    assert (
        props["origin_city"]["enum"]
        == props["destination_city"]["enum"]
        == [
            "Phoenix",
            "Brussels",
        ]
    )
    assert list(props) == list(AirlineExtraction.model_json_schema()["properties"])
    ok = narrowed.model_validate(
        {**_extraction().model_dump(), "origin_city": "Phoenix", "destination_city": "Brussels"}
    )
    assert isinstance(ok, AirlineExtraction) and to_info(ok).routine == "Europe"
    with pytest.raises(ValueError, match="destination_city"):
        narrowed.model_validate(
            {**_extraction().model_dump(), "origin_city": "Phoenix", "destination_city": "Bristol"}
        )
    assert extraction_for_cities(("Phoenix", "Brussels")) is narrowed  # one type per city set


def test_l1_declines_a_text_without_two_known_cities_before_any_llm_call() -> None:
    model = ScriptedModel(["{}"])
    r = make_l1(model).run("Ann flies from Gotham to Paris with two bags; ticket $300.")
    assert (
        r.declined and "fewer than two cities" in (r.reason or "") and "Paris" in (r.reason or "")
    )
    assert model.calls == []


def test_item_numbers_may_start_at_one_where_the_text_numbers_checked_bags_apart() -> None:
    bags = [{"item": n, "length": 30, "width": 20, "height": 10, "weight": 60} for n in (1, 2)]
    assert [b.item for b in _extraction(checked_bags=bags).checked_bags] == [1, 2]
    with pytest.raises(ValueError, match=r"got \[1, 3\]"):
        _extraction(checked_bags=[{**bags[0]}, {**bags[1], "item": 3}])


@pytest.mark.parametrize(
    ("template", "first"),
    [
        ("rulearena", 2),
        ("labeled_dims", 1),
        ("checked_first", 1),
        ("numbered_checked_then_cabin", 1),
        ("key_values", 2),
    ],
)
def test_targets_copy_the_texts_own_item_numbers(template: str, first: int) -> None:
    p = generate_problems(1, seed=4, level=1, templates=[template])[0]
    items = [b.item for b in target_for(p).checked_bags]
    assert items == list(range(first, first + len(items)))
    if template in ("labeled_dims", "checked_first", "numbered_checked_then_cabin"):
        # the number the target writes is the one the text gives the first checked bag
        bag = target_for(p).checked_bags[0]
        line = next(ln for ln in p.prompt.splitlines() if f"{bag.length}" in ln)
        assert "1" in line.split(str(bag.length))[0]


def test_every_phrasings_target_is_grounded_in_its_text(rulearena_dir: Path) -> None:
    problems = [p for level in (0, 1, 2) for p in load_rulearena(rulearena_dir, level).problems]
    for level in (0, 1, 2):
        problems += generate_problems(60, seed=11, level=level, templates=ALL_TEMPLATES)
    assert {p.template for p in problems} >= set(ALL_TEMPLATES)
    for p in problems:
        bags = target_for(p).checked_bags
        assert ungrounded_bag(bags, p.prompt) is None, p.id
        # and the decoder's narrowing leaves the right bags writable, in their order
        decoding = decoding_schema_for(extraction_for_text(p.prompt, ("x",)))
        assert _writable(bags, decoding["properties"]["checked_bags"]), p.id


def _writable(bags: list[CheckedBag], schema: dict) -> bool:
    """Whether a narrowed ``checked_bags`` schema lets a decoder write ``bags`` in this order
    (its alternatives, ``x-first``, ``x-follows`` and ``x-last`` read as the grammar reads
    them)."""
    if not bags:
        return True
    alts = [
        tuple(a["properties"][k]["const"] for k in ("length", "width", "height", "weight"))
        for a in schema.get("items", {}).get("anyOf", [])
    ]
    states = set(schema[FIRST]) if alts else set()
    for n, b in enumerate(bags):
        if n:
            states = {j for i in states for j in schema[FOLLOWS][i]}
        states = {i for i in states if alts[i] == (b.length, b.width, b.height, b.weight)}
    return bool(states & set(schema.get(LAST, states)))


RULEARENA_LIKE = """Daniel is a Basic Economy Class passenger flying from Athens to Minneapolis with the following items:
1. A backpack: 19 x 14 x 9 inches, 7 lbs;
2. A backpack: 36 x 17 x 10 inches, 51 lbs;
3. A backpack: 36 x 19 x 9 inches, 52 lbs;
4. A backpack: 36 x 16 x 13 inches, 65 lbs;

Daniel's flight ticket is $630."""


def _bags(*figures: tuple[int, int, int, int], start: int = 2) -> list[CheckedBag]:
    return [
        CheckedBag(item=n, length=a, width=b, height=c, weight=w)
        for n, (a, b, c, w) in enumerate(figures, start=start)
    ]


def test_ungrounded_bag_names_the_bag_copied_from_the_wrong_line() -> None:
    right = _bags((36, 17, 10, 51), (36, 19, 9, 52), (36, 16, 13, 65))
    assert ungrounded_bag(right, RULEARENA_LIKE) is None
    # the measured slip: bag 4's line starts like bag 3's, and the model took bag 3's width
    slip = _bags((36, 17, 10, 51), (36, 19, 9, 52), (36, 19, 13, 65))
    why = ungrounded_bag(slip, RULEARENA_LIKE)
    assert why is not None and why.startswith("checked bag 4 (36 x 19 x 13 inches, 65 lbs)")
    # a whole earlier bag written again: its figures are in the text, but not after bag 3's
    repeat = _bags((36, 17, 10, 51), (36, 19, 9, 52), (36, 19, 9, 52))
    assert "is not after checked bag 3's" in (ungrounded_bag(repeat, RULEARENA_LIKE) or "")
    # a bag left out between two copied ones leaves its figures in the gap
    dropped = [
        b.model_copy(update={"item": n}) for n, b in zip((2, 3), (right[0], right[2]), strict=True)
    ]
    assert "between checked bag 2 and checked bag 3: a bag was left out" in (
        ungrounded_bag(dropped, RULEARENA_LIKE) or ""
    )
    # a list numbered from 1, the carry-on after it: skipping line 1 leaves one item too many
    apart = "Checked:\n1. box: 40x20x10 in, 50 lbs\n2. box: 41x21x11 in, 51 lbs\nCarry-on: bag, 20x10x5 in, 9 lbs."
    both = [
        CheckedBag(item=n, length=39 + n, width=19 + n, height=9 + n, weight=49 + n) for n in (1, 2)
    ]
    assert ungrounded_bag(both, apart) is None
    skipped = [both[1].model_copy(update={"item": 2})]
    assert "the text gives 3 items in this form" in (ungrounded_bag(skipped, apart) or "")
    # money is not a bag figure, a price that looks like one is not mistaken for it
    assert ungrounded_bag(_bags((36, 17, 10, 51)), "fare $36,17 x 10 in, 51 lbs") is not None
    # the weight may stand before the size
    assert ungrounded_bag(_bags((5, 6, 7, 40)), "a box weighing 40 lbs, 5 x 6 x 7 in") is None
    assert ungrounded_bag(_bags((5, 6, 7, 41)), "a box weighing 40 lbs, 5 x 6 x 7 in") is not None


def test_a_bag_the_text_names_the_carry_on_is_never_copied() -> None:
    last = """Checked luggage for Mia (Main Cabin class, Boston to Chicago):
1. luggage box: 39x17x12 in, 57 lbs
2. backpack: 45x11x11 in, 58 lbs
3. backpack: 42x17x10 in, 58 lbs
Carry-on: a backpack, 19x11x6 in, 9 lbs.
Ticket price: 212 USD."""
    bags = decoding_schema_for(extraction_for_text(last, ("x",)))["properties"]["checked_bags"]
    lines = [(39, 17, 12, 57), (45, 11, 11, 58), (42, 17, 10, 58), (19, 11, 6, 9)]
    assert _writable(_bags(*lines[:3], start=1), bags)
    assert not _writable(_bags(*lines[1:]), bags)  # line 1 left out, the carry-on copied
    assert not _writable(_bags(*lines[1:3]), bags)  # the list must begin at line 1
    assert not _writable(_bags(*lines[:2], start=1), bags)  # and run to the carry-on
    # named first, it can't open the list; "Main Cabin" (a class) names nothing
    first = (
        "Mia (main cabin) flies from Boston to Chicago; ticket $842. Items, carry-on first: a "
        "backpack weighing 11 pounds and measuring 18 by 12 by 9 inches; a box weighing 56 "
        "pounds and measuring 46 by 23 by 22 inches; a box weighing 63 pounds and measuring 35 "
        "by 20 by 14 inches."
    )
    bags = decoding_schema_for(extraction_for_text(first, ("x",)))["properties"]["checked_bags"]
    assert _writable(_bags((46, 23, 22, 56), (35, 20, 14, 63)), bags)
    assert not _writable(_bags((18, 12, 9, 11), (46, 23, 22, 56)), bags)
    unnamed = first.replace("Items, carry-on first:", "Items:")
    bags = decoding_schema_for(extraction_for_text(unnamed, ("x",)))["properties"]["checked_bags"]
    assert _writable(_bags((18, 12, 9, 11), (46, 23, 22, 56)), bags)  # the model's choice


def test_l1_retries_a_copy_slip_with_the_reason_and_takes_the_corrected_bags() -> None:
    def reply(*figures: tuple[int, int, int, int]) -> str:
        return _extraction(
            customer_class="Basic Economy",
            origin_city="Athens",
            destination_city="Minneapolis",
            ticket_price=630,
            checked_bags=[b.model_dump() for b in _bags(*figures)],
        ).model_dump_json()

    slip = reply((36, 17, 10, 51), (36, 19, 9, 52), (36, 19, 13, 65))
    right = reply((36, 17, 10, 51), (36, 19, 9, 52), (36, 16, 13, 65))
    model = ScriptedModel([slip, right])
    r = make_l1(model).run(RULEARENA_LIKE)
    expected = compute_fee(to_info(AirlineExtraction.model_validate_json(right))).total
    assert r.error is None and r.output == expected
    assert len(model.calls) == 2
    assert "checked bag 4 (36 x 19 x 13 inches, 65 lbs) is not" in model.calls[1][-1].content
    assert model.calls[1][-2].content == slip


def test_the_decoder_may_write_a_bag_only_as_a_number_group_of_its_text() -> None:
    groups = bag_candidates(RULEARENA_LIKE)
    assert (36, 17, 10, 51) in groups and (19, 14, 9, 7) in groups
    # money is no figure
    # a group is written as one size: none straddles two figures of a line ("14 x 9 inches, 7")
    assert not any(g[:3] == (14, 9, 7) for g in groups)
    assert (22, 14, 9, 10) in bag_candidates("length 22 in, width 14 in, height 9 in, 10 lb")
    assert bag_candidates("a box of 10 x 12 x 14 in\n20 lbs") == []  # on one line
    # words other than a dimension's name are a mark: the weight before the size is no length
    weighing = "a backpack weighing 11 pounds and measuring 18 by 12 by 9 inches; a box weighing"
    assert set(bag_candidates(weighing + " 56 pounds")) == {(18, 12, 9, 11), (18, 12, 9, 56)}
    # and read weight-first throughout, since read weight-after the last bag has no weight
    weighing += " 56 pounds and measuring 46 by 23 by 22 inches."
    shifted = decoding_schema_for(extraction_for_text(weighing, ("x",)))["properties"]
    assert _writable(_bags((46, 23, 22, 56)), shifted["checked_bags"])
    assert not _writable(_bags((18, 12, 9, 56)), shifted["checked_bags"])
    assert all(630 not in g for g in groups)
    cities = ("Athens", "Minneapolis")
    narrowed = extraction_for_text(RULEARENA_LIKE, cities)
    decoding = decoding_schema_for(narrowed)
    bags = decoding["properties"]["checked_bags"]
    written = [
        tuple(a["properties"][k]["const"] for k in ("length", "width", "height", "weight"))
        for a in bags["items"]["anyOf"]
    ]
    assert list(dict.fromkeys(written)) == groups
    # each bag after the one before: bag 2's line may follow bag 1's, not the other way round
    first, second = written.index((19, 14, 9, 7)), written.index((36, 17, 10, 51))
    assert second in bags[FOLLOWS][first] and first not in bags[FOLLOWS][second]
    assert all(j > i for i, nxt in enumerate(bags[FOLLOWS]) for j in nxt)
    # the text's items one after the other, the carry-on first or not: no bag skipped
    lines = [(19, 14, 9, 7), (36, 17, 10, 51), (36, 19, 9, 52), (36, 16, 13, 65)]
    assert _writable(_bags(*lines[1:]), bags) and _writable(_bags(*lines[:3]), bags)
    assert not _writable(_bags(*lines), bags)  # every item, the carry-on among them
    assert _writable(_bags(*lines[1:3]), bags)  # where the list ends is the model's (checked)
    assert not _writable(_bags(lines[1], lines[3]), bags)  # line 3 skipped
    assert not _writable(_bags(*lines[2:]), bags)  # starts at the third item
    assert not _writable(_bags(lines[2], lines[1]), bags)  # out of order
    # and in one layout: a weight before its size is not followed by one after it
    before = bag_candidates(RULEARENA_LIKE)
    assert (36, 17, 10, 2) in before  # "2. A backpack: 36 x 17 x 10" reads weight-first too
    assert not _writable(_bags((36, 17, 10, 2), lines[2]), bags)
    # the schema a prompt spells out is the unnarrowed one, so it does not grow with the text
    free = extraction_for_text(RULEARENA_LIKE, cities, narrow_bags=False)
    assert json_schema_for(narrowed) == json_schema_for(free) == decoding_schema_for(free)
    assert "anyOf" not in str(json_schema_for(narrowed))
    # a text with no figures leaves no bag to write
    bare = decoding_schema_for(extraction_for_text("Athens to Minneapolis, $630.", cities))
    assert bare["properties"]["checked_bags"]["maxItems"] == 0
