"""The three trace sources give the same runs; bad rows are reported by line and skipped."""

from __future__ import annotations

import json

from behaviorlab.distill import (
    load_runs,
    mine,
    runs_from_openai_jsonl,
    runs_from_otlp_json,
    runs_from_store,
    to_openai_jsonl,
)
from behaviorlab.tasks.airline import react_transcript
from behaviorlab.trace import to_otlp_json


def _shape(runs):  # type: ignore[no-untyped-def]
    return [(r.input, [(s.tool, s.arguments, s.result) for s in r.steps]) for r in runs]


def test_openai_jsonl_round_trip_with_bad_rows(expert_runs, tmp_path):
    store, eval_id, _ = expert_runs
    runs = runs_from_store(store, eval_id).runs
    lines = to_openai_jsonl(runs).splitlines()
    bad = [
        "{not json",
        json.dumps({"no_messages": True}),
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "x"},
                    {"role": "tool", "tool_call_id": "nope", "content": "1"},
                ]
            }
        ),
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "x"},
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "a",
                                "type": "function",
                                "function": {"name": "f", "arguments": "{oops"},
                            }
                        ],
                    },
                ]
            }
        ),
    ]
    # bad rows on lines 2, 4, 6 and 8; a blank line 9 is ignored
    mixed = [lines[0], bad[0], lines[1], bad[1], lines[2], bad[2], lines[3], bad[3], "", *lines[4:]]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(mixed) + "\n")
    got = runs_from_openai_jsonl(path)
    assert [i.line for i in got.issues] == [2, 4, 6, 8]
    assert "not JSON" in got.issues[0].reason or "Expecting" in got.issues[0].reason
    assert "unknown call id" in got.issues[2].reason and "not JSON" in got.issues[3].reason
    assert _shape(got.runs) == _shape(runs)  # nothing else lost
    assert all(r.success for r in got.runs)
    assert [r.final_answer for r in got.runs] == [f"Final Answer: {r.final_answer}" for r in runs]
    # and the mined pattern is the same as from the store
    assert mine(got.runs).report().arguments == mine(runs).report().arguments


def test_openai_scores_and_unscored_rows(tmp_path, helpers):
    p = helpers.train_problems(1)[0]
    msgs = react_transcript(p)
    rows = [
        {"messages": msgs, "score": 1.0},
        {"messages": msgs, "metadata": {"correct": False}},
        {"messages": msgs},
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    got = load_runs(str(path))
    assert [r.success for r in got.runs] == [True, False, None]
    assert len(got.successful()) == 1 and len(got.successful(include_unscored=True)) == 2
    # parallel tool calls in one assistant turn keep their order
    assert [s.tool for s in got.runs[0].steps].count("checked_bag_fee") == len(p.info.checked_bags)  # type: ignore[union-attr]


def test_otlp_json_import_whole_file_and_lines(expert_runs, tmp_path):
    store, eval_id, _ = expert_runs
    runs = runs_from_store(store, eval_id)
    spans = [s for r in runs.runs for s in store.trace_spans(r.trace_id)]  # type: ignore[arg-type]
    doc = to_otlp_json(spans)
    # mark correctness on the roots as an OTel evaluation attribute
    for s in doc["resourceSpans"][0]["scopeSpans"][0]["spans"]:
        if "parentSpanId" not in s:
            s["attributes"].append(
                {"key": "gen_ai.evaluation.score.value", "value": {"doubleValue": 1.0}}
            )
    whole = tmp_path / "spans.json"
    whole.write_text(json.dumps(doc))
    got = runs_from_otlp_json(whole)
    assert not got.issues
    assert sorted(_shape(got.runs)) == sorted(_shape(runs.runs))
    assert all(r.success for r in got.runs)
    # collector file-exporter style: one request per line, with a broken line and a span without traceId
    per_line = [json.dumps(to_otlp_json(store.trace_spans(r.trace_id))) for r in runs.runs[:3]]  # type: ignore[arg-type]
    broken = {"resourceSpans": [{"scopeSpans": [{"spans": [{"spanId": "1", "name": "x"}]}]}]}
    lines = tmp_path / "spans.jsonl"
    lines.write_text(
        "\n".join([per_line[0], "{truncated", per_line[1], json.dumps(broken), per_line[2]]) + "\n"
    )
    got = load_runs(str(lines))
    assert [(i.line, i.reason) for i in got.issues] == [
        (2, "not JSON (Expecting property name enclosed in double quotes)"),
        (4, "a span without traceId"),
    ]
    assert sorted(_shape(got.runs)) == sorted(_shape(runs.runs[:3]))
    assert all(r.success is None for r in got.runs)  # no score on these


def test_store_run_without_trace_is_reported(expert_runs, tmp_path):
    from behaviorlab.evals import RunRecord
    from behaviorlab.evals._repo import insert_result

    store, eval_id, _ = expert_runs
    insert_result(
        store, RunRecord(eval_id=eval_id, scenario_id="ghost", trace_id=None, correct=True)
    )
    try:
        got = runs_from_store(store, eval_id)
        assert [i.reason for i in got.issues] == ["ghost: no trace"]
    finally:
        with store.engine.begin() as c:
            c.exec_driver_sql("delete from results where scenario_id = 'ghost'")
