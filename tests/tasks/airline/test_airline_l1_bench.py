"""benchmarks/airline_l1.py reads ``bags_left_out`` again from a stored run's extraction (runs
recorded before the workflow noted it): the passenger text of the prompt, the last model
call's output."""

from __future__ import annotations

import json
from pathlib import Path

from behaviorlab.store import Store
from behaviorlab.tasks.airline import load_rulearena, target_for
from behaviorlab.trace import SpanRecord


def test_a_stored_extraction_is_read_again_for_a_left_out_bag(
    tmp_path: Path, rulearena_dir: Path, load_benchmark
) -> None:
    bench = load_benchmark("airline_l1")
    p = load_rulearena(rulearena_dir, 1).problems[31]  # eight items; the shipped adapter
    gold = target_for(p).model_dump(mode="json")  # once left the last one out
    short = dict(gold, checked_bags=gold["checked_bags"][:-1])
    prompt = json.dumps([{"role": "user", "content": f"passenger_text:\n{p.prompt}"}])
    outputs = {
        "whole": json.dumps(gold),
        "short": json.dumps(short),
        "broken": '{"customer_class": "Main',
    }
    store = Store(f"sqlite:///{tmp_path / 'runs.db'}")
    store.write_spans(
        SpanRecord(
            span_id=f"s-{k}",
            trace_id=k,
            parent_id=None,
            name="chat",
            kind="llm",
            start_ns=1,
            end_ns=2,
            input=prompt,
            output=v,
        )
        for k, v in outputs.items()
    )
    assert bench._left_out(store, "short") is True
    assert bench._left_out(store, "whole") is False
    assert bench._left_out(store, "broken") is None  # no extraction to read
    assert bench._left_out(store, "missing") is None
    assert bench._left_out(store, None) is None
