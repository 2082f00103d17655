from __future__ import annotations

import pytest
from pydantic import BaseModel

from behaviorlab.models import (
    Completion,
    Message,
    ModelError,
    Price,
    PriceTable,
    ScriptedModel,
    StructuredOutputError,
    ToolCall,
    ToolSpec,
    decoding_schema_for,
    generate_structured,
    get_model,
    parse_json_output,
    parse_model_id,
    parse_tool_calls,
)
from behaviorlab.models._base import Model
from behaviorlab.models._types import GenerationConfig, Usage


class Fare(BaseModel):
    cabin: str
    price: int


def test_structured_output_retries_then_validates():
    m = ScriptedModel(
        [
            "not json at all",
            '{"cabin": "Business", "price": "abc"}',
            'Sure! {"cabin": "Business", "price": 180}',
        ]
    )
    value, completions = generate_structured(m, [Message.user("x")], Fare, retries=2)
    assert value == Fare(cabin="Business", price=180)
    assert len(completions) == 3
    # the validation error was fed back to the model
    assert "price" in m.calls[2][-1].content and "invalid" in m.calls[2][-1].content


def test_structured_output_error_carries_raw_text():
    m = ScriptedModel(["garbage one", "garbage two"])
    with pytest.raises(StructuredOutputError) as ei:
        generate_structured(m, [Message.user("x")], Fare, retries=1)
    assert ei.value.raw_outputs == ["garbage one", "garbage two"]
    assert "garbage two" in str(ei.value)
    assert "Fare" in str(ei.value)


def test_parse_json_output_handles_fences_and_nested_braces():
    text = 'Here:\n```json\n{"cabin": "First {lux}", "price": 7}\n```'
    assert parse_json_output(text, Fare) == Fare(cabin="First {lux}", price=7)


def test_prompted_tool_calls_parsed_from_text():
    calls, err = parse_tool_calls(
        '<tool_call>{"name": "add", "arguments": {"a": 1}}</tool_call>', {"add"}
    )
    assert err is None and calls[0].name == "add" and calls[0].arguments == {"a": 1}
    calls, err = parse_tool_calls(
        '<tool_call>{"name": "add", "arguments": {"a": 1}</tool_call>', {"add"}
    )
    assert calls == [] and "not valid JSON" in (err or "")
    calls, err = parse_tool_calls(
        '<tool_call>{"name": "nope", "arguments": {}}</tool_call>', {"add"}
    )
    assert calls == [] and "unknown tool" in (err or "")
    calls, err = parse_tool_calls("The answer is 42.", {"add"})
    assert calls == [] and err is None


def test_model_without_native_tools_gets_tools_in_prompt():
    m = ScriptedModel(['<tool_call>{"name": "add", "arguments": {"a": 2}}</tool_call>'])
    spec = ToolSpec(
        name="add",
        description="Add.",
        parameters={"type": "object", "properties": {"a": {"type": "integer"}}},
    )
    c = m.complete([Message.system("sys"), Message.user("hi")], tools=[spec])
    assert [t.name for t in c.tool_calls] == ["add"]
    assert "add(a: integer): Add." in m.calls[0][0].content


def test_cost_from_price_table_and_local_models_free():
    class Remote(Model):
        provider = "remote"

        def _complete(self, messages, *, tools, json_schema, config):
            return Completion(text="ok", usage=Usage(input_tokens=1_000_000, output_tokens=500_000))

    m = Remote("gpt-x", prices=PriceTable({"gpt-x": Price(input_per_m=2.0, output_per_m=8.0)}))
    c = m.complete([Message.user("hi")])
    assert c.cost_usd == pytest.approx(2.0 + 4.0)
    local = ScriptedModel(["hi"])
    c2 = local.complete([Message.user("hello")])
    assert c2.cost_usd == 0.0 and c2.usage.input_tokens > 0


def test_scripted_native_tool_call_reply_and_exhaustion():
    m = ScriptedModel([ToolCall(id="c1", name="f", arguments={"x": 1})])
    c = m.complete([Message.user("go")])
    assert c.tool_calls[0].arguments == {"x": 1}
    with pytest.raises(ModelError, match="ran out"):
        m.complete([Message.user("again")])


def test_model_ids_and_aliases():
    assert parse_model_id("smollm2-135m") == ("llamacpp", "smollm2-135m")
    assert parse_model_id("openai/deepseek-ai/DeepSeek-V3.1") == (
        "openai",
        "deepseek-ai/DeepSeek-V3.1",
    )
    with pytest.raises(ModelError, match="provider/model"):
        parse_model_id("nonsense")
    with pytest.raises(ModelError, match="unknown model provider"):
        get_model("nosuch/thing")


def test_generation_config_recorded_in_settings():
    m = ScriptedModel(["x"], config=GenerationConfig(temperature=0.3, max_tokens=7, seed=5))
    assert m.settings() == {
        "model": "scripted/fake",
        "temperature": 0.3,
        "max_tokens": 7,
        "seed": 5,
        "stop": [],
        "tool_choice": "auto",
        "tools_listed": False,
        "copy_from": None,
        "copy_commit": 3,
        "copy_whole_numbers": False,
        "loop_stop": 64,
    }


def test_prompted_history_does_not_repeat_calls_the_model_already_wrote():
    from behaviorlab.models._prompted_tools import with_tools_prompt

    spec = ToolSpec(name="add", description="Add.", parameters={"type": "object", "properties": {}})
    text = '<tool_call>{"name": "add", "arguments": {"a": 2}}</tool_call>'
    call = ToolCall(id="call_0", name="add", arguments={"a": 2})
    msgs = with_tools_prompt([Message.user("q"), Message.assistant(text, [call])], [spec])
    assert msgs[-1].content == text
    native = with_tools_prompt([Message.user("q"), Message.assistant("", [call])], [spec])
    assert native[-1].content == text.replace('{"name"', '{"name"')


def test_prompted_tools_allow_several_calls_and_say_the_tools_once():
    from behaviorlab.models._prompted_tools import with_tools_prompt

    spec = ToolSpec(
        name="add_numbers", description="Add.", parameters={"type": "object", "properties": {}}
    )
    listed = with_tools_prompt(
        [Message.system("Functions: add_numbers"), Message.user("q")], [spec]
    )
    once = with_tools_prompt(
        [Message.system("Functions: add_numbers"), Message.user("q")], [spec], listed=True
    )
    assert "one line per call" in listed[0].content and "exactly one" not in listed[0].content
    assert listed[0].content.count("add_numbers") == 2  # the caller's text and the Tools: list
    assert once[0].content.count("add_numbers") == 1 and "Tools:" not in once[0].content
    assert "one line per call" in once[0].content
    two = (
        '<tool_call>{"name": "add_numbers", "arguments": {}}</tool_call>\n'
        '<tool_call>{"name": "add_numbers", "arguments": {}}</tool_call>'
    )
    assert len(parse_tool_calls(two, {"add_numbers"})[0]) == 2


def test_retry_feedback_spells_out_the_schema_only_for_an_unconstrained_decoder():
    class Constrained(ScriptedModel):
        supports_json_schema = True

    for model, has_schema in ((ScriptedModel, True), (Constrained, False)):
        m = model(['{"cabin": "Business", "price": "abc"}', '{"cabin": "Business", "price": 9}'])
        value, _ = generate_structured(m, [Message.user("x")], Fare, retries=1)
        assert value.price == 9
        feedback = m.calls[1][-1].content
        assert feedback.startswith("That output is invalid: price:")
        assert ('"properties"' in feedback) is has_schema


def test_a_greedy_calls_retries_sample_with_a_seed_per_attempt():
    class Recorder(ScriptedModel):
        def _complete(self, messages, *, tools, json_schema, config):  # type: ignore[no-untyped-def]
            self.configs = [*getattr(self, "configs", []), config]
            return super()._complete(messages, tools=tools, json_schema=json_schema, config=config)

    replies = ["{}", "{}", '{"cabin": "First", "price": 1}']
    m = Recorder(replies, config=GenerationConfig(seed=7))
    assert generate_structured(m, [Message.user("x")], Fare, retries=2)[0].price == 1
    assert [(c.temperature, c.seed) for c in m.configs] == [(0.0, 7), (0.8, 8), (0.8, 9)]
    greedy = Recorder(replies)
    generate_structured(greedy, [Message.user("x")], Fare, retries=2, retry_temperature=0)
    assert [c.temperature for c in greedy.configs] == [0.0, 0.0, 0.0]
    # a call that already samples keeps its own settings
    warm = Recorder(replies, config=GenerationConfig(temperature=0.3))
    generate_structured(warm, [Message.user("x")], Fare, retries=2)
    assert [c.temperature for c in warm.configs] == [0.3, 0.3, 0.3]


def test_a_types_decoding_schema_reaches_the_decoder_and_not_the_retry_prompt():
    class Cheap(Fare):
        @staticmethod
        def decoding_schema(schema):  # type: ignore[no-untyped-def]
            schema["properties"]["price"] = {"enum": [9, 10]}
            return schema

    class Recorder(ScriptedModel):
        def _complete(self, messages, *, tools, json_schema, config):  # type: ignore[no-untyped-def]
            self.schemas = [*getattr(self, "schemas", []), json_schema]
            return super()._complete(messages, tools=tools, json_schema=json_schema, config=config)

    assert decoding_schema_for(Fare) == Fare.model_json_schema()
    assert decoding_schema_for(Cheap)["properties"]["price"] == {"enum": [9, 10]}
    m = Recorder(['{"cabin": "First", "price": "x"}', '{"cabin": "First", "price": 9}'])
    assert generate_structured(m, [Message.user("x")], Cheap, retries=1)[0].price == 9
    assert [s["properties"]["price"] for s in m.schemas] == [{"enum": [9, 10]}] * 2
    # the unconstrained model's retry spells out the type's own schema, not the decoder's
    assert '"enum"' not in m.calls[1][-1].content and '"integer"' in m.calls[1][-1].content


def test_value_token_logprobs_reads_the_values_and_leaves_keys_and_punctuation_out() -> None:
    from behaviorlab.models import value_token_logprobs

    pieces = ['{"', "city", '":"', "Rio", " de", " Jan", 'eiro","', "n", '":', "4", "9", ',"']
    pieces += ["tags", '":["', "a", '",', "true", '],"', "x", '":', "null", "}"]
    c = Completion(
        text="".join(pieces),
        token_texts=pieces[:-1],  # the last token is never scored
        token_logprobs=[-float(i) for i in range(1, len(pieces))],
    )
    values = value_token_logprobs(c)
    by_piece = dict(zip(pieces, c.token_logprobs or [], strict=False))
    assert values == [by_piece[p] for p in ("Rio", " de", " Jan", 'eiro","', "4", "9")] + [
        by_piece[p] for p in ("a", "true", "null")
    ]
    # a key's token is never a value's, however unlikely the model found it
    assert by_piece["city"] not in values and by_piece["n"] not in values
    # with list_ends, also the tokens where a list goes on or closes (not an object's commas)
    with_ends = value_token_logprobs(c, list_ends=True)
    expected = ("Rio", " de", " Jan", 'eiro","', "4", "9", "a", '",', "true", '],"', "null")
    assert with_ends == [by_piece[p] for p in expected]
    assert by_piece[',"'] not in with_ends  # the comma between an object's members
    # a provider that reports no token texts gives none
    assert value_token_logprobs(Completion(text="{}", token_logprobs=[-1.0])) is None
