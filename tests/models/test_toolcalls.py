"""Schema-constrained tool calls: llama.cpp's grammar engine admits exactly the calls the
prompted-format parser reads as calls to offered tools with schema-valid arguments."""

from __future__ import annotations

from typing import Any, ClassVar

import jsonschema
import pytest

from behaviorlab.models import (
    Completion,
    GenerationConfig,
    Message,
    Model,
    ToolSpec,
    Usage,
    canonical_arguments,
    content_stems,
    copied_values,
    get_model,
    parse_tool_calls,
    request_relevance,
    tool_call_text,
    tool_calls_gbnf,
    ungrounded_values,
)

pytest.importorskip("llama_cpp")
from behaviorlab.models._toolcalls import GrammarMatcher

WEATHER = ToolSpec(
    name="get_weather",
    description="Weather forecast for a city.",
    parameters={
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"},
            "where": {
                "type": "object",
                "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                "required": ["lat", "lon"],
            },
            "hours": {"type": "array", "items": {"type": "integer", "enum": [6, 12, 18]}},
            "alerts": {"type": "boolean"},
            "extra": {"description": "anything at all"},
        },
        "required": ["city", "days"],
    },
)
PING = ToolSpec(name="ping", description="Ping.", parameters={"type": "object", "properties": {}})
TOOLS = [WEATHER, PING]


@pytest.fixture(scope="module")
def matcher() -> GrammarMatcher:
    m = GrammarMatcher()
    yield m
    m.close()


@pytest.fixture(scope="module")
def grammar() -> str:
    return tool_calls_gbnf(TOOLS)


def call(name: str, args: dict[str, Any]) -> str:
    return tool_call_text(name, args)


VALID = [
    call("get_weather", {"city": "Oslo", "days": 3}),
    call(
        "get_weather",
        {
            "city": "São Paulo <centro>",
            "days": -2,
            "unit": "fahrenheit",
            "where": {"lat": -23.5, "lon": 1e-09},
            "hours": [6, 18],
            "alerts": False,
            "extra": {"any": [1, "x", None]},
        },
    ),
    call("ping", {}),
    call("get_weather", {"city": "a", "days": 1})
    + "\n"
    + call("ping", {})
    + "\n"
    + call("ping", {}),
    "It is sunny; no tool needed.",
    "",
]
INVALID = {
    "unknown tool": call("get_forecast", {"city": "Oslo", "days": 3}),
    "missing required": call("get_weather", {"city": "Oslo"}),
    "wrong type": call("get_weather", {"city": "Oslo", "days": "3"}),
    "float for integer": call("get_weather", {"city": "Oslo", "days": 3.5}),
    "not in enum": call("get_weather", {"city": "Oslo", "days": 3, "unit": "kelvin"}),
    "nested required missing": call("get_weather", {"city": "O", "days": 3, "where": {"lat": 1}}),
    "array item not in enum": call("get_weather", {"city": "O", "days": 3, "hours": [7]}),
    "unknown argument": call("get_weather", {"city": "Oslo", "days": 3, "country": "NO"}),
    "keys out of order": call("get_weather", {"days": 3, "city": "Oslo"}),
    "bare JSON": '{"name": "ping", "arguments": {}}',
    "text then a call": "Sure. " + call("ping", {}),
    "unclosed tag": '<tool_call>{"name": "ping", "arguments": {}}',
    "raw newline in a string": '<tool_call>{"name": "get_weather", "arguments": {"city": "a\nb", "days": 1}}</tool_call>',
    "raw < in a string": '<tool_call>{"name": "get_weather", "arguments": {"city": "<b>", "days": 1}}</tool_call>',
}


@pytest.mark.parametrize("text", VALID)
def test_the_grammar_admits_valid_calls_and_plain_text(matcher, grammar, text):
    assert matcher.accepts(grammar, text)


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_the_grammar_rejects_invalid_calls(matcher, grammar, kind):
    assert not matcher.accepts(grammar, INVALID[kind])


@pytest.mark.parametrize("text", VALID)
def test_what_the_grammar_admits_the_parser_reads_as_valid_calls_or_as_no_call(text):
    calls, error = parse_tool_calls(text, {t.name for t in TOOLS})
    assert error is None
    assert len(calls) == text.count("<tool_call>")
    specs = {t.name: t for t in TOOLS}
    for c in calls:
        jsonschema.validate(c.arguments, specs[c.name].parameters)
    if calls:
        assert calls[1 if len(calls) > 1 else 0].name in specs


def test_a_required_call_rules_out_plain_text(matcher):
    required = tool_calls_gbnf(TOOLS, required=True)
    assert matcher.accepts(required, VALID[0]) and matcher.accepts(required, VALID[3])
    assert not matcher.accepts(required, "It is sunny.")
    assert not matcher.accepts(required, "")


def test_canonical_arguments_orders_keys_as_the_grammar_writes_them(matcher, grammar):
    args = {"hours": [6], "where": {"lon": 2.0, "lat": 1.0}, "days": 2, "city": "x"}
    ordered = canonical_arguments(WEATHER.parameters, args)
    assert list(ordered) == ["city", "days", "where", "hours"]
    assert list(ordered["where"]) == ["lat", "lon"]
    assert matcher.accepts(grammar, call("get_weather", ordered))
    assert not matcher.accepts(grammar, call("get_weather", args))


def test_bad_tool_lists_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="at least one tool"):
        tool_calls_gbnf([])
    with pytest.raises(ValueError, match="unique"):
        tool_calls_gbnf([PING, PING])
    bad = ToolSpec(name="f", description="", parameters={"type": "array"})
    with pytest.raises(ValueError, match=r"'f'.*object schema"):
        tool_calls_gbnf([bad])


class _Recording(Model):
    """A prompted provider that records what reaches ``_complete``."""

    provider: ClassVar[str] = "recording"

    def __init__(self) -> None:
        super().__init__("rec")
        self.seen: list[tuple[list[Message], list[ToolSpec] | None]] = []

    def _complete(self, messages, *, tools, json_schema, config) -> Completion:
        self.seen.append((messages, tools))
        return Completion(text=call("ping", {}), usage=Usage(input_tokens=1, output_tokens=1))


def test_a_prompted_provider_gets_the_tool_prompt_and_the_tools_to_constrain_by():
    m = _Recording()
    c = m.complete([Message.user("ping it")], tools=TOOLS)
    messages, tools = m.seen[0]
    assert tools == TOOLS and "<tool_call>" in messages[0].content
    assert [t.name for t in c.tool_calls] == ["ping"]


@pytest.mark.slow
def test_a_constrained_decode_of_smollm2_calls_an_offered_function_with_valid_arguments():
    """The real packaged model on BFCL's first simple item: with the grammar (a call
    required: untuned, it prefers to answer in prose) its one completion is a call to the
    offered function whose arguments fit the schema."""
    from behaviorlab.tasks.bfcl import fc_messages, load_category, scenario_for
    from behaviorlab.tasks.bfcl._agents import FCInput

    item = load_category("simple_python", 1)[0]
    inp = FCInput.model_validate(scenario_for(item).input)
    model = get_model(
        "smollm2-135m", config=GenerationConfig(max_tokens=120, tool_choice="required")
    )
    try:
        c = model.complete(fc_messages(inp), tools=inp.tools)
    finally:
        model.close()
    assert c.tool_parse_error is None, c.text
    assert len(c.tool_calls) >= 1, c.text
    spec = inp.tools[0]
    for tc in c.tool_calls:
        assert tc.name == spec.name
        jsonschema.validate(tc.arguments, spec.parameters)
    assert c.usage.output_tokens > 0 and c.cpu_s > 0


def test_copied_values_leave_out_choices_flags_and_nulls_and_ungrounded_ones_are_not_written():
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer"},
            "ratio": {"type": "number"},
            "unit": {"type": "string", "enum": ["metric", "imperial"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "kinds": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "nonstop": {"type": "boolean"},
            "where": {"type": "object", "properties": {"street": {"type": "string"}}},
        },
    }
    args = {
        "city": "Porto, Portugal",
        "days": 3,
        "ratio": 2.0,
        "unit": "metric",
        "tags": ["harbor", "night"],
        "kinds": ["a"],
        "nonstop": True,
        "where": {"street": "9 Ferry Row", "floor": None},
    }
    assert copied_values(schema, args) == [
        "Porto, Portugal",
        3,
        2.0,
        "harbor",
        "night",
        "9 Ferry Row",
    ]
    text = "Weather in porto, portugal for 3 days, ratio 2, tags harbor and night, 9 Ferry Row"
    assert ungrounded_values(schema, args, text) == []
    # a value shortened, a number not in the text (nor as part of another: "2" in "2.5",
    # "3" in "13"), a tag made up: each is named
    text = "Weather in Porto for 13 days, ratio 2.5, tags harbor, 9 Ferry Row"
    assert ungrounded_values(schema, args, text) == ["Porto, Portugal", 3, 2.0, "night"]


def test_content_stems_split_names_and_drop_function_words():
    assert content_stems("getCurrentWeather") == {"curre", "weath"}
    assert content_stems("calculate_triangle_area") == {"trian", "area"}
    assert content_stems("Find the area of a triangle with base 10.") == {"area", "trian", "base"}
    assert content_stems("fn_x1 p_2") == set()  # a masked name says nothing
    assert content_stems("") == set()


def test_request_relevance_reads_whether_the_request_speaks_of_what_a_function_does():
    bmi = ToolSpec(
        name="determine_body_mass_index",
        description="Calculate body mass index given weight and height.",
        parameters={},
    )
    area = ToolSpec(
        name="calculate_triangle_area",
        description="Calculate the area of a triangle given its base and height.",
        parameters={},
    )
    q = "Calculate the area of a triangle given its base 10 and height 5."
    assert request_relevance(q, area) == 1.0  # every word of its name is asked about
    assert request_relevance(q, bmi) == 0.0
    # name and description: "height" is shared, out of the request's four content stems
    assert request_relevance(q, bmi, part="doc") == pytest.approx(1 / 4)
    assert request_relevance(q, area, part="doc") == 1.0
    masked = ToolSpec(name="fn_a1b2", description="Area of a triangle.", parameters={})
    assert request_relevance(q, masked) == request_relevance(q, masked, part="doc") == 1.0
    # no content words, or another script: no reading at all (nothing to decide on)
    assert request_relevance("Hi!", area, part="doc") is None
    assert request_relevance("计算三角形的面积, base 10", area) is None
    assert request_relevance(q, ToolSpec(name="fn_1", description="", parameters={})) is None
    with pytest.raises(ValueError, match="part must be 'name' or 'doc', not 'body'"):
        request_relevance(q, area, part="body")
