from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from behaviorlab.agents import (
    Declined,
    FunctionAgent,
    PToolError,
    ReActAgent,
    SingleCallAgent,
    WorkflowAgent,
    ptool,
)
from behaviorlab.evals import parse_number
from behaviorlab.models import ScriptedModel, StructuredOutputError, ToolCall
from behaviorlab.store import Store
from behaviorlab.tools import tool
from behaviorlab.trace import Budget, Recorder, budget


class Trip(BaseModel):
    origin: str
    nights: int


@ptool
def extract_trip(text: str) -> Trip:
    """Extract the trip's origin city and number of nights."""


def plan(text: str) -> int:
    trip = extract_trip(text)
    if trip.nights <= 0:
        raise Declined("no nights")
    return trip.nights * 100


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


@tool
def flaky(x: int) -> int:
    """A tool that raises."""
    raise ValueError("service down")


def test_l1_workflow_uses_agent_model_and_counts_calls():
    model = ScriptedModel(['{"origin": "Oslo", "nights": 3}'])
    r = WorkflowAgent(plan, model, name="plan").run("Oslo, 3 nights")
    assert r.ok and r.output == 300 and r.llm_calls == 1 and r.level == "L1"
    assert "Extract the trip's origin" in model.calls[0][0].content
    assert model.calls[0][-1].content == "text:\nOslo, 3 nights"


class _ConstrainedScripted(ScriptedModel):
    """A scripted model whose decoder (like llama.cpp's grammar) enforces the JSON schema."""

    supports_json_schema = True


def test_ptool_spells_out_the_schema_only_where_the_decoder_cannot_enforce_it():
    free = ScriptedModel(['{"origin": "Oslo", "nights": 3}'])
    WorkflowAgent(plan, free).run("Oslo, 3 nights")
    assert '"nights"' in free.calls[0][0].content  # the schema, in the system prompt
    constrained = _ConstrainedScripted(['{"origin": "Oslo", "nights": 3}'])
    r = WorkflowAgent(plan, constrained).run("Oslo, 3 nights")
    assert r.output == 300
    system = constrained.calls[0][0].content
    assert "Extract the trip's origin" in system and "schema" not in system
    # what training data is rendered with is exactly what the call sent
    sent = [m.content for m in constrained.calls[0]]
    assert sent == [
        m.content for m in extract_trip.prompt({"text": "Oslo, 3 nights"}, constrained=True)
    ]
    # a failed reply is answered with what was wrong; the schema again only where the decoder
    # does not enforce it (the retry a fine-tuned model was trained on carries none)
    for model, has_schema in ((_ConstrainedScripted, False), (ScriptedModel, True)):
        bad = model(['{"origin": "Oslo"}', '{"origin": "Oslo", "nights": 2}'])
        assert WorkflowAgent(plan, bad).run("x").output == 200
        feedback = bad.calls[1][-1].content
        assert "nights: Field required" in feedback
        assert ('"properties"' in feedback) is has_schema


class _SchemaRecorder(_ConstrainedScripted):
    def _complete(self, messages, *, tools, json_schema, config):  # type: ignore[no-untyped-def]
        self.schemas = [*getattr(self, "schemas", []), json_schema]
        return super()._complete(messages, tools=tools, json_schema=json_schema, config=config)


def test_with_output_narrows_what_the_decoder_enforces_not_the_prompt():
    class OsloOrBergen(Trip):
        origin: Literal["Oslo", "Bergen"]  # type: ignore[assignment]

    narrowed = extract_trip.with_output(OsloOrBergen)
    assert narrowed.name == extract_trip.name and narrowed.instruction == extract_trip.instruction
    model = _SchemaRecorder(['{"origin": "Oslo", "nights": 3}', '{"origin": "Rome", "nights": 3}'])
    trip = narrowed.bind(model)("Oslo, 3 nights")
    assert isinstance(trip, OsloOrBergen) and trip.origin == "Oslo"
    assert model.schemas[0]["properties"]["origin"]["enum"] == ["Oslo", "Bergen"]
    assert [m.content for m in model.calls[0]] == [
        m.content for m in extract_trip.prompt({"text": "Oslo, 3 nights"}, constrained=True)
    ]
    # the narrower type is validated too: a value outside it is a retry, then an error
    with pytest.raises(StructuredOutputError, match="origin"):
        narrowed.bind(_ConstrainedScripted(['{"origin": "Rome", "nights": 3}'] * 3))("x")
    assert extract_trip.output_type is Trip  # the original is untouched


def test_l1_decline_and_unbound_ptool():
    r = WorkflowAgent(plan, ScriptedModel(['{"origin": "Oslo", "nights": 0}'])).run("x")
    assert r.declined and r.reason == "no nights" and r.output is None
    with pytest.raises(PToolError, match="no model"):
        extract_trip("x")


def test_l1_garbage_model_output_is_a_recorded_error():
    r = WorkflowAgent(plan, ScriptedModel(["nope"], cycle=True)).run("x")
    assert r.error and "StructuredOutputError" in r.error and r.llm_calls == 3


def test_l3_react_calls_tools_and_extracts_final_answer(store_url):
    model = ScriptedModel(
        [
            ToolCall(id="c1", name="multiply", arguments={"a": 6, "b": 7}),
            "Final Answer: 42",
        ]
    )
    agent = ReActAgent(model, [multiply], answer_parser=parse_number)
    st = Store(store_url)
    with Recorder(st):
        r = agent.run("6 times 7?")
    assert r.output == 42 and r.tools_used == ["multiply"] and r.llm_calls == 2
    assert model.calls[1][-1].content == "Tool multiply returned: 42"
    spans = st.trace_spans(r.trace_id)
    kinds = sorted(s.kind for s in spans)
    assert kinds.count("llm") == 2 and kinds.count("tool") == 1 and kinds.count("agent") == 1
    tool_span = next(s for s in spans if s.kind == "tool")
    assert tool_span.attributes["gen_ai.tool.name"] == "multiply"


def test_l3_parse_errors_and_tool_failures_are_fed_back():
    model = ScriptedModel(
        [
            '<tool_call>{"name": "flaky", "arguments": {"x": </tool_call>',
            ToolCall(id="c2", name="flaky", arguments={"x": 1}),
            "Final Answer: gave up",
        ]
    )
    r = ReActAgent(model, [flaky]).run("go")
    assert r.ok and r.output == "gave up"
    assert "not valid JSON" in model.calls[1][-1].content
    assert model.calls[2][-1].content == "Tool flaky returned: Error: ValueError: service down"
    assert r.tool_calls[0].error == "ValueError: service down"


def test_l3_max_steps_is_an_error_not_a_hang():
    model = ScriptedModel(
        [ToolCall(id="c", name="multiply", arguments={"a": 1, "b": 1})], cycle=True
    )
    r = ReActAgent(model, [multiply], max_steps=3).run("loop")
    assert r.error and "no final answer within 3 steps" in r.error and r.llm_calls == 3


def test_budget_stops_a_runaway_agent():
    model = ScriptedModel(
        [ToolCall(id="c", name="multiply", arguments={"a": 1, "b": 1})], cycle=True
    )
    with budget(Budget(max_tokens=60)):
        r = ReActAgent(model, [multiply], max_steps=50).run("loop")
    assert r.error and "token budget exceeded" in r.error and r.llm_calls < 50


def test_single_call_and_function_agents():
    r = SingleCallAgent(
        ScriptedModel(["so the total is $1,234.00"]), "rules", answer_parser=parse_number
    ).run("q")
    assert r.output == 1234.0
    assert FunctionAgent(lambda s: s.upper()).run("ab").output == "AB"
    assert FunctionAgent(lambda s: 1 / 0).run("x").error.startswith("ZeroDivisionError")
