"""The BFCL task: splits, specs offered to models, the fc agents and the --jsonl rows."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from behaviorlab.agents import Result
from behaviorlab.cli import app
from behaviorlab.models import (
    Completion,
    ScriptedModel,
    ToolSpec,
    canonical_arguments,
    tool_call_text,
    tool_calls_gbnf,
    ungrounded_values,
)
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.bfcl import (
    CATEGORIES,
    RELEVANCE_CATEGORIES,
    FCOutput,
    check,
    json_schema,
    load_category,
    tool_specs,
)
from behaviorlab.tasks.bfcl._agents import make_fc_agent
from behaviorlab.tasks.bfcl._data import reference_answer


def test_splits_are_categories_and_n_takes_the_first_items():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="parallel", n=3))
    assert [s.id for s in sc] == ["parallel_0", "parallel_1", "parallel_2"]
    assert all(s.category == "parallel" for s in sc)
    assert task.scenarios(ScenarioOptions(n=1))[0].id == "simple_python_0"
    with pytest.raises(ValueError, match="live_relevance"):
        task.scenarios(ScenarioOptions(split="simple"))


def test_a_split_may_be_a_slice_of_a_category_apart_from_its_first_items():
    task = get_task("bfcl")
    dev = task.scenarios(ScenarioOptions(split="parallel[10:20]"))
    assert [s.id for s in dev] == [f"parallel_{i}" for i in range(10, 20)]
    assert [s.id for s in task.scenarios(ScenarioOptions(split="multiple[5:]", n=2))] == [
        "multiple_5",
        "multiple_6",
    ]
    with pytest.raises(ValueError, match="slice"):
        task.scenarios(ScenarioOptions(split="parallel[a:b]"))


def test_bfcl_dialect_becomes_json_schema_and_dotted_names_portable():
    s = json_schema(
        {
            "type": "dict",
            "properties": {
                "x": {"type": "float", "description": "d"},
                "t": {"type": "tuple", "items": {"type": "integer"}},
                "a": {"type": "any"},
                "o": {"type": "dict", "properties": {"k": {"type": "string", "enum": ["p"]}}},
            },
            "required": ["x", "ghost"],
        }
    )
    assert s["type"] == "object" and s["properties"]["x"] == {"type": "number", "description": "d"}
    assert s["properties"]["t"] == {"type": "array", "items": {"type": "integer"}}
    assert s["properties"]["a"] == {} and s["required"] == ["x"]
    assert s["properties"]["o"]["properties"]["k"] == {"type": "string", "enum": ["p"]}
    specs, names = tool_specs(
        [{"name": "math.factorial", "description": "f", "parameters": {"type": "dict"}}]
    )
    assert specs[0].name == "math_factorial" and names == {"math_factorial": "math.factorial"}


def test_fc_agent_decodes_prompted_calls_and_the_task_scores_them_under_bfcls_names():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="simple_python", n=2))[1]  # math.factorial
    good = tool_call_text("math_factorial", {"number": 5})
    model = ScriptedModel([good, tool_call_text("math_factorial", {"number": 6}), "No."])
    agent = task.agent("fc", model)
    r = agent.run(sc.input)
    assert r.ok and FCOutput.model_validate(r.output).calls == [{"math_factorial": {"number": 5}}]
    s = task.score(sc, r)
    assert s.correct and s.answer == [{"math.factorial": {"number": 5}}]
    assert not task.score(sc, agent.run(sc.input)).correct  # wrong value
    no_call = task.score(sc, agent.run(sc.input))
    assert not no_call.correct and no_call.answer == []
    # the prompt names the functions (JSON) and the call format
    system = model.calls[0][0].content
    assert '"math_factorial"' in system and "<tool_call>" in system


def test_fc_prompt_sends_the_same_prompt_without_tools():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="simple_python", n=1))[0]
    a, b = ScriptedModel(["x"]), ScriptedModel(["x"])
    task.agent("fc", a).run(sc.input)
    task.agent("fc-prompt", b).run(sc.input)
    assert [m.content for m in a.calls[0]] == [m.content for m in b.calls[0]]


def test_a_failed_agent_run_never_passes_not_even_on_irrelevance():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="irrelevance", n=1))[0]
    failed = task.score(sc, Result(error="ModelError: the prompt does not fit"))
    assert not failed.correct and failed.details["error_type"] == "agent_error"
    answered = task.score(sc, Result(output=FCOutput(text="I cannot.").model_dump()))
    assert answered.correct


def test_items_offering_no_function_are_answered_without_tools():
    task = get_task("bfcl")
    sc = next(
        s for s in task.scenarios(ScenarioOptions(split="live_irrelevance")) if not s.input["tools"]
    )
    r = task.agent("fc", ScriptedModel(["Hello there."])).run(sc.input)
    assert r.ok and task.score(sc, r).correct


def test_the_grammar_never_makes_a_schema_valid_bfcl_answer_unwritable():
    """For every scored item, some answer BFCL accepts and the offered schemas allow is one the
    tool-call grammar admits (llama.cpp's grammar engine decides). The exceptions are counted:
    answers that need a key a nested object's schema does not list."""
    pytest.importorskip("llama_cpp")
    from behaviorlab.models._toolcalls import GrammarMatcher

    matcher = GrammarMatcher()
    rejected, schema_invalid, total = [], 0, 0
    for c in CATEGORIES:
        if c in RELEVANCE_CATEGORIES:
            continue
        for item in load_category(c):
            assert item.ground_truth is not None
            specs, names = tool_specs(item.functions)
            offered = {v: k for k, v in names.items()}
            by_name = {s.name: s for s in specs}
            answers = [
                a
                for omit in (False, True)
                if check(item, a := reference_answer(item.ground_truth, omit_optional=omit)).valid
            ]
            valid = [
                a
                for a in answers
                if all(
                    jsonschema.Draft202012Validator(by_name[offered[n]].parameters).is_valid(v)
                    for call in a
                    for n, v in call.items()
                )
            ]
            if answers and not valid:
                schema_invalid += 1  # BFCL accepts only values its own schema rules out
                continue
            if not valid:
                continue
            total += 1
            grammar = tool_calls_gbnf(specs)
            texts = [
                "\n".join(
                    tool_call_text(
                        offered[n], canonical_arguments(by_name[offered[n]].parameters, v)
                    )
                    for call in a
                    for n, v in call.items()
                )
                for a in valid
            ]
            if not any(matcher.accepts(grammar, t) for t in texts):
                rejected.append(item.id)
    matcher.close()
    assert total == 2327  # 2,351 scored items, less 5 no answer passes and these 19
    assert rejected == ["live_multiple_189-83-0"]  # its data object holds unlisted keys
    assert schema_invalid == 19


def test_run_jsonl_prints_bfcls_id_and_calls_per_item(tmp_path: Path, store_url: str):
    agent = tmp_path / "first_fn.py"
    agent.write_text(
        "from behaviorlab.agents import FunctionAgent\n"
        "def make_agent(model):\n"
        "    def call_first(inp):\n"
        "        t = inp['tools'][0]\n"
        "        return {'calls': [{t['name']: {}}], 'text': ''}\n"
        "    return FunctionAgent(call_first, name='first-fn')\n"
    )
    res = CliRunner().invoke(
        app,
        [
            *("run", "bfcl", "--agent", str(agent), "--split", "simple_python", "-n", "2"),
            *("--jsonl", "--db", store_url),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["simple_python_0", "simple_python_1"]
    assert rows[1]["calls"] == [{"math.factorial": {}}]
    assert rows[0]["correct"] is False
    assert {"input_tokens", "output_tokens", "latency_s", "cpu_s"} <= set(rows[0])


def test_fc_required_asks_the_model_for_a_call_and_fc_leaves_it_free():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="simple_python", n=1))[0]
    seen = []

    class Capturing(ScriptedModel):
        def _complete(self, messages, *, tools, json_schema, config):
            seen.append((config.tool_choice, config.max_tokens, [t.name for t in tools or []]))
            return super()._complete(messages, tools=tools, json_schema=json_schema, config=config)

    task.agent("fc-required", Capturing(["x"])).run(sc.input)
    task.agent("fc", Capturing(["x"])).run(sc.input)
    assert seen == [
        ("required", 256, ["calculate_triangle_area"]),
        ("auto", 256, ["calculate_triangle_area"]),
    ]


class _SureModel(ScriptedModel):
    """Reports token log-probabilities, as llama.cpp does."""

    reports_token_logprobs = True


def _completion(text: str, first_logprob: float) -> Completion:
    return Completion(text=text, token_logprobs=[first_logprob, -0.01, -0.02])


def test_fc_records_call_confidence_and_withholds_calls_below_its_threshold():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="simple_python", n=2))[1]  # math.factorial
    call = tool_call_text("math_factorial", {"number": 5})
    sure, unsure = _completion(call, math.log(0.9)), _completion(call, math.log(0.3))
    agent = make_fc_agent(_SureModel([sure, unsure]), min_call_confidence=0.5)
    kept = agent.run(sc.input)
    out = FCOutput.model_validate(kept.output)
    assert out.calls == [{"math_factorial": {"number": 5}}]
    assert out.call_confidence == pytest.approx(0.9)
    assert kept.metadata["call_confidence"] == pytest.approx(0.9)
    assert task.score(sc, kept).correct
    withheld = agent.run(sc.input)
    out = FCOutput.model_validate(withheld.output)
    assert out.calls == [] and out.withheld == [{"math_factorial": {"number": 5}}]
    assert "0.30" in out.text and "0.50" in out.text
    assert withheld.metadata["withheld_calls"] == out.withheld
    scored = task.score(sc, withheld)
    assert not scored.correct and scored.answer == []  # no call: BFCL scores it wrong here
    # a plain-text answer opens no call: no confidence to record, nothing withheld
    text = make_fc_agent(
        _SureModel([_completion("No function fits.", math.log(0.2))]), min_call_confidence=0.5
    ).run(sc.input)
    assert FCOutput.model_validate(text.output).call_confidence is None
    assert "call_confidence" not in text.metadata


def test_a_call_threshold_needs_a_model_that_reports_it_and_never_withholds_required_calls():
    call = tool_call_text("math_factorial", {"number": 5})
    # a model without token log-probabilities keeps every call: there is nothing to compare
    plain = make_fc_agent(ScriptedModel([call]), min_call_confidence=0.99)
    assert plain.min_call_confidence is None
    with pytest.raises(ValueError, match="required"):
        make_fc_agent(_SureModel([call]), tool_choice="required", min_call_confidence=0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        make_fc_agent(_SureModel([call]), min_call_confidence=1.5)


def test_the_grounded_signal_withholds_calls_whose_values_the_request_does_not_write():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="simple_python", n=2))[1]  # factorial of 5
    written = tool_call_text("math_factorial", {"number": 5})
    made_up = tool_call_text("math_factorial", {"number": 7})
    # grounding needs no token log-probabilities: any model
    agent = make_fc_agent(
        ScriptedModel([written, made_up]), min_call_confidence=1.0, call_signal="grounded"
    )
    kept = agent.run(sc.input)
    assert kept.metadata["grounded"] == 1.0 and "call_confidence" not in kept.metadata
    assert task.score(sc, kept).correct
    withheld = agent.run(sc.input)
    assert withheld.metadata["grounded"] == 0.0
    out = FCOutput.model_validate(withheld.output)
    assert out.calls == [] and out.withheld == [{"math_factorial": {"number": 7}}]
    assert "grounded 0.00" in out.text
    with pytest.raises(ValueError, match="a call signal must be one of"):
        make_fc_agent(ScriptedModel([written]), call_signal="vibes")  # type: ignore[arg-type]


def _turn(question: str, *tools: ToolSpec) -> dict:
    return {"messages": [{"role": "user", "content": question}], "tools": list(tools)}


_FORECAST = ToolSpec(
    name="get_forecast",
    description="Gets the weather forecast for a city.",
    parameters={
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name."}},
        "required": ["city"],
    },
)


def test_a_call_gate_withholds_a_call_of_a_function_the_request_never_mentions():
    # "Good Morning" is written in the request, so grounding keeps the call; no word of the
    # request is a word of what get_forecast is about, so the relevance gate withholds it
    made_up = tool_call_text("get_forecast", {"city": "Good Morning"})
    fitting = tool_call_text("get_forecast", {"city": "Porto"})
    agent = make_fc_agent(
        ScriptedModel([made_up, fitting]),
        min_call_confidence=0.5,
        call_signal="grounded",
        call_gates={"relevance_doc": 0.01},
    )
    off = agent.run(_turn("Translate 'good morning' into Italian.", _FORECAST))
    assert off.metadata["grounded"] == 1.0 and off.metadata["relevance_doc"] == 0.0
    out = FCOutput.model_validate(off.output)
    assert out.calls == [] and out.withheld == [{"get_forecast": {"city": "Good Morning"}}]
    assert "relevance_doc 0.00, below 0.01" in out.text
    on = agent.run(_turn("What is the weather forecast for Porto?", _FORECAST))
    assert on.metadata["relevance_doc"] > 0.5
    assert FCOutput.model_validate(on.output).calls == [{"get_forecast": {"city": "Porto"}}]
    assert agent.settings()["call_gates"] == {"relevance_doc": 0.01}
    # a request in a script the word splitter cannot read gives no reading: the gate abstains
    other = make_fc_agent(
        ScriptedModel([tool_call_text("get_forecast", {"city": "东京"})]),
        call_gates={"relevance_doc": 0.01},
    ).run(_turn("东京明天的天气预报是什么?", _FORECAST))
    assert "relevance_doc" not in other.metadata
    assert FCOutput.model_validate(other.output).calls == [{"get_forecast": {"city": "东京"}}]


def test_call_gates_are_checked_and_those_needing_logprobs_dropped_for_a_model_without():
    call = tool_call_text("get_forecast", {"city": "Porto"})
    with pytest.raises(ValueError, match="a call signal must be one of"):
        make_fc_agent(ScriptedModel([call]), call_gates={"vibes": 0.5})
    with pytest.raises(ValueError, match=r"relevance_doc must be in \[0, 1\], not 2"):
        make_fc_agent(ScriptedModel([call]), call_gates={"relevance_doc": 2})
    with pytest.raises(ValueError, match="required"):
        make_fc_agent(
            ScriptedModel([call]), tool_choice="required", call_gates={"relevance_doc": 0.01}
        )
    plain = make_fc_agent(
        ScriptedModel([call]), call_gates={"call_confidence": 0.9, "relevance_doc": 0.01}
    )
    assert plain.call_gates == {"relevance_doc": 0.01}
    sure = make_fc_agent(_SureModel([call]), call_gates={"call_confidence": 0.9})
    assert sure.call_gates == {"call_confidence": 0.9}


def test_the_fc_default_gates_calls_on_relevance_and_fc_always_keeps_them():
    from behaviorlab.tasks.bfcl._task import CALL_GATES

    task = get_task("bfcl")
    call = tool_call_text("get_forecast", {"city": "Good Morning"})
    turn = _turn("Translate 'good morning' into Italian.", _FORECAST)
    fc = task.agent("fc", ScriptedModel([call]))
    assert fc.call_gates == CALL_GATES == {"relevance_doc": 0.01}
    assert FCOutput.model_validate(fc.run(turn).output).withheld
    kept = task.agent("fc-always", ScriptedModel([call])).run(turn)
    assert FCOutput.model_validate(kept.output).calls and "relevance_doc" in kept.metadata


def test_fc_withholds_a_call_the_request_does_not_ground_and_fc_always_keeps_it():
    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="irrelevance", n=1))[0]
    ((name, schema),) = ((t["name"], t["parameters"]) for t in sc.input["tools"])
    required = schema.get("required") or list(schema["properties"])
    invented = {k: 987654 for k in required if schema["properties"][k].get("type") == "integer"}
    invented |= {k: 9876.5 for k in required if schema["properties"][k].get("type") == "number"}
    assert invented and ungrounded_values(schema, invented, sc.input["messages"][0]["content"])
    call = tool_call_text(name, invented)
    fc = task.agent("fc", ScriptedModel([call]))
    r = fc.run(sc.input)
    assert FCOutput.model_validate(r.output).withheld and task.score(sc, r).correct
    kept = task.agent("fc-always", ScriptedModel([call])).run(sc.input)
    assert FCOutput.model_validate(kept.output).calls and not task.score(sc, kept).correct


def test_the_frozen_report_slices_are_unchanged_and_apart_from_the_dev_slices():
    from behaviorlab.tasks.bfcl._task import REPORT_SHA256, REPORT_SLICES, report_digest

    assert report_digest() == REPORT_SHA256
    task = get_task("bfcl")
    report = {sc.id for s in REPORT_SLICES for sc in task.scenarios(ScenarioOptions(split=s))}
    assert len(report) == 60
    dev = ["simple_python[:30]", "multiple[:30]", "parallel[:30]", "parallel_multiple[:30]"]
    dev += ["irrelevance[:70]", "live_simple[:40]"]  # the first 10 and every dev slice
    used = {sc.id for s in dev for sc in task.scenarios(ScenarioOptions(split=s))}
    assert not report & used
