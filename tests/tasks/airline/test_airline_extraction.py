from __future__ import annotations

import math
from pathlib import Path

import pytest

from behaviorlab.models import (
    FOLLOWS,
    Completion,
    ScriptedModel,
    UnreadableInput,
    compile_constraints,
    decoding_schema_for,
    json_schema_for,
    violation,
)
from behaviorlab.tasks.airline import (
    ALL_TEMPLATES,
    AirlineExtraction,
    CheckedBag,
    ExtractionError,
    compute_fee,
    from_info,
    generate_problems,
    load_rulearena,
    target_for,
    to_info,
)
from behaviorlab.tasks.airline._agents import confidence, make_l1, useful_retries
from behaviorlab.tasks.airline._extraction import extraction_for_text


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
    assert list(CheckedBag.model_json_schema()["properties"]) == [
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
        "checked_bags": [{"length": 30, "width": 20, "height": 10, "weight": 60}],
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


def test_targets_list_the_checked_bags_in_order_without_the_carry_on(rulearena_dir: Path) -> None:
    p = load_rulearena(rulearena_dir, 2).problems[0]
    assert p.info is not None
    target = target_for(p)
    assert [(b.length, b.width, b.height, b.weight) for b in target.checked_bags] == [
        (*b.size, b.weight) for b in p.info.checked_bags
    ]
    assert target.model_dump_json().startswith('{"customer_class":')
    assert '"checked_bags":[{"length":' in target.model_dump_json()


def test_the_fields_declare_constraints_and_nothing_about_bags() -> None:
    schema = json_schema_for(AirlineExtraction)
    props = schema["properties"]
    assert props["origin_city"]["x-copy"] == props["destination_city"]["x-copy"] == "span"
    assert props["ticket_price"]["x-copy"] == "number"
    assert props["checked_bags"]["x-copy"] == "ordered"
    assert {v["x-copy"] for v in props["checked_bags"]["items"]["properties"].values()} == {
        "number"
    }
    assert "x-copy" not in props["customer_class"]


def test_l1_declines_a_text_without_two_known_cities_before_any_llm_call() -> None:
    model = ScriptedModel(["{}"])
    r = make_l1(model).run("Ann flies from Gotham to Paris with two bags; ticket $300.")
    assert (
        r.declined and "fewer than two cities" in (r.reason or "") and "Paris" in (r.reason or "")
    )
    assert model.calls == []


@pytest.mark.parametrize(
    "text",
    [
        "Ann flies Business from Boston to Paris; two hundred dollars; one suitcase.",
        "Ann flies Business from Boston to Paris for $300.\nA suitcase, thirty inches long.",
    ],
)
def test_a_text_without_readable_numbers_is_declined_never_priced(text: str) -> None:
    model = ScriptedModel(["{}"])
    with pytest.raises(UnreadableInput):
        extraction_for_text(text)
    r = make_l1(model).run(text)
    assert r.declined and "cannot be read" in (r.reason or "") and r.output is None
    assert model.calls == []


def _bags(*figures: tuple[int, int, int, int]) -> list[CheckedBag]:
    return [CheckedBag(length=a, width=b, height=c, weight=w) for a, b, c, w in figures]


RULEARENA_LIKE = """Daniel is a Basic Economy Class passenger flying from Athens to Minneapolis with the following items:
1. A backpack: 19 x 14 x 9 inches, 7 lbs;
2. A backpack: 36 x 17 x 10 inches, 51 lbs;
3. A backpack: 36 x 19 x 9 inches, 52 lbs;
4. A backpack: 36 x 16 x 13 inches, 65 lbs;

Daniel's flight ticket is $630."""


def test_each_bag_is_copied_from_one_line_in_the_texts_order() -> None:
    schema = decoding_schema_for(extraction_for_text(RULEARENA_LIKE))
    bags = schema["properties"]["checked_bags"]
    alts = bags["items"]["anyOf"]
    assert len(alts) == 4  # one per line with four numbers: the price line offers none
    assert alts[1]["properties"]["length"]["enum"] == [2, 36, 17, 10, 51]
    assert bags[FOLLOWS][1] == [1, 2, 3]  # the same line or a later one
    right = {"checked_bags": [b.model_dump() for b in _bags((36, 17, 10, 51), (36, 16, 13, 65))]}
    assert violation(schema, right) is None
    mixed = {"checked_bags": [b.model_dump() for b in _bags((36, 17, 9, 52))]}
    assert "no line of the input" in (violation(schema, mixed) or "")
    back = {"checked_bags": [b.model_dump() for b in _bags((36, 16, 13, 65), (36, 17, 10, 51))]}
    assert "before the previous item" in (violation(schema, back) or "")
    assert schema["properties"]["ticket_price"]["enum"][-1] == 630
    assert "Athens" in schema["properties"]["origin_city"]["enum"]
    # the slip a tuned model made most on dev: the last bag listed twice, though written once
    twice = {"checked_bags": [b.model_dump() for b in _bags((36, 16, 13, 65), (36, 16, 13, 65))]}
    assert "writes 16 once but the list copies it 2 times" in (violation(schema, twice) or "")


MULTI_LINE = """Hi, I'm flying Main Cabin from Chicago to Denver, ticket $312.
Carry-on: 20 x 14 x 8 in, 9 lbs
Bag A
  size 30 x 20 x 12 in
  weight 45 lbs
Bag B: 28 x 18 x 10 in,
  52 lbs"""


def test_a_bag_written_over_several_lines_is_read_from_a_block_of_lines() -> None:
    schema = decoding_schema_for(extraction_for_text(MULTI_LINE))
    right = {"checked_bags": [b.model_dump() for b in _bags((30, 20, 12, 45), (28, 18, 10, 52))]}
    assert violation(schema, right) is None
    # a block never reaches past a few lines: the carry-on's figures with the last bag's weight
    far = {"checked_bags": [b.model_dump() for b in _bags((20, 14, 8, 52))]}
    assert "no line of the input" in (violation(schema, far) or "")
    assert schema["properties"]["ticket_price"]["enum"][0] == 312


def test_the_prompt_schema_stays_the_plain_one() -> None:
    # the schema a prompt or retry spells out does not grow with the text
    plain = json_schema_for(extraction_for_text(RULEARENA_LIKE))
    assert "anyOf" not in str(plain["properties"]["checked_bags"])


def test_l1_declines_an_extraction_with_a_bag_the_rules_do_not_accept() -> None:
    text = RULEARENA_LIKE.replace("36 x 16 x 13 inches, 65 lbs", "60 x 40 x 30 inches, 65 lbs")
    reply = _extraction(
        customer_class="Basic Economy",
        origin_city="Athens",
        destination_city="Minneapolis",
        ticket_price=630,
        checked_bags=[b.model_dump() for b in _bags((60, 40, 30, 65))],
    ).model_dump_json()
    r = make_l1(ScriptedModel([reply])).run(text)
    assert r.declined and r.output is None and r.error is None
    assert "a bag the rules do not accept" in (r.reason or "")


def _reply(*figures: tuple[int, int, int, int]) -> str:
    """The JSON of an extraction of RULEARENA_LIKE with these bags."""
    return _extraction(
        customer_class="Basic Economy",
        origin_city="Athens",
        destination_city="Minneapolis",
        ticket_price=630,
        checked_bags=[b.model_dump() for b in _bags(*figures)],
    ).model_dump_json()


def test_l1_retries_a_copy_slip_with_the_reason_and_takes_the_corrected_bags() -> None:
    slip = _reply((36, 17, 10, 51), (36, 19, 9, 52), (36, 19, 13, 65))
    right = _reply((36, 17, 10, 51), (36, 19, 9, 52), (36, 16, 13, 65))
    model = ScriptedModel([slip, right])
    r = make_l1(model).run(RULEARENA_LIKE)
    expected = compute_fee(to_info(AirlineExtraction.model_validate_json(right))).total
    assert r.error is None and r.output == expected
    assert len(model.calls) == 2
    assert "checked_bags[2]: no line of the input" in model.calls[1][-1].content
    assert model.calls[1][-2].content == slip


def test_numbers_are_read_with_thousands_separators_and_both_ways() -> None:
    text = "Ann flies First from Boston to Paris, fare $1,025.00.\nsizes 45,100,20 and 30"
    schema = compile_constraints(json_schema_for(AirlineExtraction), text)
    prices = schema["properties"]["ticket_price"]["enum"]
    assert 1025 in prices and 45 in prices and 100 in prices and 45100 in prices


def test_l1_makes_no_retry_that_could_only_end_below_its_threshold() -> None:
    # an answer after k failed attempts has a confidence of at most 0.5**k
    assert [useful_retries(2, t) for t in (0.0, 0.25, 0.5, 0.79)] == [2, 2, 1, 0]

    class SureModel(ScriptedModel):
        reports_token_logprobs = True

    slip = _extraction(
        customer_class="Basic Economy",
        origin_city="Athens",
        destination_city="Minneapolis",
        ticket_price=630,
        checked_bags=[b.model_dump() for b in _bags((36, 16, 13, 65), (36, 16, 13, 65))],
    ).model_dump_json()
    model = SureModel([slip, slip, slip])
    r = make_l1(model).run(RULEARENA_LIKE)  # the shipped threshold: a retry could not answer
    assert r.declined and len(model.calls) == 1
    assert "copies it 2 times" in (r.reason or "")
    model = SureModel([slip, slip, slip])
    r = make_l1(model, min_confidence=0.0).run(RULEARENA_LIKE)  # answers at any confidence
    assert r.declined and len(model.calls) == 3


def test_confidence_reads_the_values_the_model_wrote_not_the_keys_around_them() -> None:
    pieces = ['{"', "ticket_price", '":', "6", "30", "}"]
    unsure_key = Completion(
        text="".join(pieces), token_texts=pieces[:-1], token_logprobs=[0.0, -3.0, 0.0, -0.1, 0.0]
    )
    assert confidence([unsure_key]) == pytest.approx(math.exp(-0.1))
    unsure_value = unsure_key.model_copy(update={"token_logprobs": [0.0, 0.0, 0.0, -2.0, 0.0]})
    assert confidence([unsure_value]) == pytest.approx(math.exp(-2.0))
    # an answer after a failed attempt counts half; without token texts, every token counts
    assert confidence([unsure_value, unsure_key]) == pytest.approx(math.exp(-0.1) / 2)
    no_texts = unsure_key.model_copy(update={"token_texts": None})
    assert confidence([no_texts]) == pytest.approx(math.exp(-3.0))
    assert confidence([Completion(text="{}")]) is None


def test_confidence_also_reads_where_the_bag_list_goes_on_or_closes() -> None:
    pieces = ['{"', "bags", '":[', "4", "0", ",", "5", "]}"]
    logprobs = [0.0, 0.0, 0.0, -0.1, 0.0, -1.5, -0.2]  # unsure whether a second bag follows
    c = Completion(text="".join(pieces), token_texts=pieces[:-1], token_logprobs=logprobs)
    assert confidence([c]) == pytest.approx(math.exp(-1.5))
    closed = ['{"', "bags", '":[', "4", "0", "]"]  # unsure whether the list ends there
    closing = Completion(
        text="".join(closed), token_texts=closed, token_logprobs=[0.0, 0.0, 0.0, -0.1, 0.0, -2.5]
    )
    assert confidence([closing]) == pytest.approx(math.exp(-2.5))


def test_l1_declines_a_bag_list_that_stops_short_of_a_bag_the_text_still_offers() -> None:
    class SureModel(ScriptedModel):
        """Every token certain: only the left-out bag can make the workflow unsure."""

        reports_token_logprobs = True

        def _complete(self, messages, **kw):  # type: ignore[no-untyped-def]
            c = super()._complete(messages, **kw)
            c.token_logprobs, c.token_texts = [0.0] * 8, None
            return c

    whole = _reply((36, 17, 10, 51), (36, 19, 9, 52), (36, 16, 13, 65))
    short = _reply((36, 17, 10, 51), (36, 19, 9, 52))  # the last bag left out
    r = make_l1(SureModel([whole])).run(RULEARENA_LIKE)
    assert not r.declined and r.metadata["bags_left_out"] is False
    assert r.metadata["confidence"] == 1.0
    r = make_l1(SureModel([short])).run(RULEARENA_LIKE)
    assert r.declined and r.output is None
    assert "another bag after the list's end" in (r.reason or "")
    assert r.metadata["confidence"] == 0.0 and r.metadata["confidence_model"] == 1.0
    r = make_l1(SureModel([short]), min_confidence=0.0).run(RULEARENA_LIKE)  # l1-always
    assert not r.declined and r.metadata["bags_left_out"] is True
    # a list that skips the first bag but reads to the end leaves nothing out after it
    skipped = _reply((36, 19, 9, 52), (36, 16, 13, 65))
    assert make_l1(SureModel([skipped])).run(RULEARENA_LIKE).metadata["bags_left_out"] is False
