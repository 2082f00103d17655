"""L1 and L3 end to end on the real packaged SmolLM2 (any accuracy), with the trace tree checked."""

from __future__ import annotations

import json
import re

import pytest

from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.models import GenerationConfig, decoding_schema_for, get_model, violation
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import (
    extract_airline_params,
    l1_output_type,
    make_l1,
    make_l3,
)

pytestmark = pytest.mark.slow


def _tree(st: Store, trace_id: str) -> dict[str, list]:
    spans = st.trace_spans(trace_id)
    by_id = {s.span_id: s for s in spans}
    roots = [s for s in spans if s.parent_id is None]
    assert len(roots) == 1
    return {"root": roots, "spans": spans, "by_id": by_id}


def test_l1_on_smollm2_records_agent_ptool_chat_tree(rulearena_dir, store_url):
    st = Store(store_url)
    model = get_model("smollm2-135m", config=GenerationConfig(max_tokens=400))
    cfg = EvalConfig(
        task="airline",
        agent="l1",
        model="smollm2-135m",
        options=ScenarioOptions(level=0, n=2, data_dir=str(rulearena_dir)),
    )
    run = run_eval(cfg, st, factory=lambda: make_l1(model))
    rows = load_results(st, run.record.eval_id)
    assert len(rows) == 2
    for row in rows:
        assert row.input_tokens > 0 and row.output_tokens > 0 and row.llm_calls >= 1
        t = _tree(st, row.trace_id)
        root = t["root"][0]
        assert root.kind == "agent" and root.name == "invoke_agent airline-l1"
        ptools = [s for s in t["spans"] if s.name == "ptool extract_airline_params"]
        assert len(ptools) == 1 and ptools[0].parent_id == root.span_id
        chats = [s for s in t["spans"] if s.kind == "llm"]
        assert chats and all(c.parent_id == ptools[0].span_id for c in chats)
        assert all(c.input_tokens > 0 and c.output_tokens > 0 for c in chats)
        assert all(c.attributes["gen_ai.request.model"] == "smollm2-135m" for c in chats)
        assert sum(c.input_tokens for c in chats) == row.input_tokens


def test_l3_on_smollm2_records_agent_step_chat_tree(rulearena_dir, store_url):
    st = Store(store_url)
    model = get_model("smollm2-135m", config=GenerationConfig(max_tokens=160))
    cfg = EvalConfig(
        task="airline",
        agent="l3",
        model="smollm2-135m",
        options=ScenarioOptions(level=0, n=1, data_dir=str(rulearena_dir)),
    )
    run = run_eval(cfg, st, factory=lambda: make_l3(model, max_steps=3))
    (row,) = load_results(st, run.record.eval_id)
    assert row.input_tokens > 0 and 1 <= row.llm_calls <= 3
    t = _tree(st, row.trace_id)
    root = t["root"][0]
    assert root.name == "invoke_agent airline-l3"
    steps = [s for s in t["spans"] if s.name.startswith("step ")]
    assert steps and all(s.parent_id == root.span_id for s in steps)
    chats = [s for s in t["spans"] if s.kind == "llm"]
    assert len(chats) == row.llm_calls and all(
        t["by_id"][c.parent_id].name.startswith("step ") for c in chats
    )
    assert all(c.input_tokens > 0 for c in chats)
    # tools the model managed to call hang under their step too
    for tool_span in (s for s in t["spans"] if s.kind == "tool"):
        assert t["by_id"][tool_span.parent_id].name.startswith("step ")


def test_llamacpp_decoder_writes_only_what_the_constraints_allow_and_reports_logprobs():
    # the untuned model's bags are wrong, but under the generic constraints every value is
    # copied from the text: each bag from one line, in the text's order (llama.cpp's grammar
    # is built from the decoding schema, x-follows included)
    text = (
        "Mia flies Main Cabin from Boston to Chicago; her ticket was $310.\n"
        "- backpack, 20 x 13 x 8 inches, 9 lbs\n"
        "- suitcase, 30 x 21 x 12 inches, 48 lbs\n"
        "- duffel, 27 x 17 x 11 inches, 41 lbs"
    )
    model = get_model("smollm2-135m", config=GenerationConfig(max_tokens=400))
    msgs = extract_airline_params.prompt({"passenger_text": text}, constrained=True)
    schema = decoding_schema_for(l1_output_type(text))
    c = model.complete(msgs, json_schema=schema)
    assert c.token_logprobs and all(lp <= 0 for lp in c.token_logprobs)
    # read by a logits processor at the next step: where the decode ends at the token limit
    # the last token's is never read; where it ends (the end-of-text step) every one is
    cut_off = c.finish_reason == "length"
    assert len(c.token_logprobs) == c.usage.output_tokens - cut_off
    # each scored token's text: together they write the completion (all but its last token)
    assert c.token_texts is not None and len(c.token_texts) == len(c.token_logprobs)
    assert c.text.startswith("".join(c.token_texts))
    assert len(c.text) - len("".join(c.token_texts)) <= 8  # the last token, never read
    if c.finish_reason != "length":
        data = json.loads(c.text)
        assert violation(schema, data) is None, c.text
        assert data["origin_city"] in schema["properties"]["origin_city"]["enum"]
        return
    # The untuned model may repeat a bag (the constraints let a line offer the next item
    # again) until the token limit; what it wrote is then a prefix of a grammar string, and
    # every complete value in it must still be copied from the text as the constraints say.
    lines = [[int(n) for n in re.findall(r"\d+", line)] for line in text.splitlines()[1:]]
    bags = re.findall(
        r'\{"length": (\d+), "width": (\d+), "height": (\d+), "weight": (\d+)\}', c.text
    )
    assert bags, c.text
    at = 0
    for bag in bags:
        nums = [int(n) for n in bag]
        where = [i for i, line in enumerate(lines) if set(nums) <= set(line) and i >= at]
        assert where, f"{nums} is not copied from one line at or after line {at}: {c.text}"
        at = where[0]
    city = re.search(r'"origin_city": "([^"]+)"', c.text)
    assert city is None or city.group(1) in schema["properties"]["origin_city"]["enum"]
