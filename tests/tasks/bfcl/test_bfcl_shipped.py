"""The shipped function-calling adapter (SmolLM2-135M + the packaged LoRA, real llama.cpp)."""

from __future__ import annotations

import pytest

from behaviorlab.models import GenerationConfig, ToolSpec, get_model
from behaviorlab.tasks import get_task
from behaviorlab.tasks.bfcl import FunctionCallingAgent
from behaviorlab.tasks.bfcl._task import SHIPPED_FC_MODEL

WEATHER = ToolSpec(
    name="get_forecast",
    description="Gets the weather forecast for a city.",
    parameters={
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "City name."},
            "days": {"type": "integer", "description": "Days ahead.", "default": 1},
        },
        "required": ["city"],
    },
)
TIMER = ToolSpec(
    name="start_timer",
    description="Starts a countdown timer.",
    parameters={
        "type": "object",
        "properties": {"minutes": {"type": "integer", "description": "Length in minutes."}},
        "required": ["minutes"],
    },
)
#: hand-written requests (not BFCL's, not the training generator's) and the one right call
REQUESTS = [
    (
        "What will the weather be in Lisbon over the next 3 days?",
        [{"get_forecast": {"city": "Lisbon", "days": 3}}],
    ),
    ("Start a timer for 25 minutes.", [{"start_timer": {"minutes": 25}}]),
    # a value with commas is copied whole (the previous adapter stopped at the first comma)
    (
        "What will the weather be in Galway, Ireland over the next 3 days?",
        [{"get_forecast": {"city": "Galway, Ireland", "days": 3}}],
    ),
]
#: requests neither function serves. The shipped adapter itself still calls get_forecast with the
#: request's words as the city ("Good Morning", "Middlemarch"); half of those values are written
#: in the request, so grounding alone would keep the call, and the fc agent withholds it because
#: no word of the request is a word of what either function is about (its relevance gate).
NO_CALL = ["Translate 'good morning' into Italian.", "Who wrote the novel Middlemarch?"]


@pytest.mark.slow
def test_the_shipped_adapter_calls_the_right_function_with_the_right_arguments() -> None:
    model = get_model(SHIPPED_FC_MODEL, config=GenerationConfig(max_tokens=96), n_threads=2)
    agent = FunctionCallingAgent(model)
    for question, expected in REQUESTS:
        r = agent.run(
            {"messages": [{"role": "user", "content": question}], "tools": [WEATHER, TIMER]}
        )
        assert r.error is None
        assert r.output.calls == expected, (question, r.output.text)
    # the fc agent's gates keep every one of these calls
    fc = get_task("bfcl").agent("fc", model)
    for question, expected in REQUESTS:
        r = fc.run({"messages": [{"role": "user", "content": question}], "tools": [WEATHER, TIMER]})
        assert r.output.calls == expected, (question, r.output.text)


_MODEL_STILL_CALLS = pytest.mark.xfail(
    strict=True, reason="known: the shipped adapter itself calls an offered function on any request"
)


@pytest.mark.slow
@pytest.mark.parametrize("agent_name", ["fc", pytest.param("fc-always", marks=_MODEL_STILL_CALLS)])
@pytest.mark.parametrize("question", NO_CALL)
def test_nothing_is_called_where_no_offered_function_serves_the_request(
    question: str, agent_name: str
) -> None:
    """fc (its gates) calls nothing; fc-always shows what the model itself does."""
    model = get_model(SHIPPED_FC_MODEL, config=GenerationConfig(max_tokens=96), n_threads=2)
    agent = get_task("bfcl").agent(agent_name, model)
    r = agent.run({"messages": [{"role": "user", "content": question}], "tools": [WEATHER, TIMER]})
    assert r.error is None
    assert r.output.calls == [], (question, r.output.calls)
    assert r.output.withheld and r.metadata["relevance_doc"] == 0.0
