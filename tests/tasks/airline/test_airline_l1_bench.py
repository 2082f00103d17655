"""benchmarks/airline_l1.py reads ``bags_left_out`` again from a stored run's extraction (runs
recorded before the workflow noted it): the passenger text of the prompt, the last model
call's output."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from behaviorlab.store import Store
from behaviorlab.trace import SpanRecord

_PATH = Path(__file__).parents[3] / "benchmarks" / "airline_l1.py"

TEXT = """Daniel is a Basic Economy Class passenger flying from Athens to Minneapolis with the following items:
1. A backpack: 19 x 14 x 9 inches, 7 lbs;
2. A backpack: 36 x 17 x 10 inches, 51 lbs;
3. A backpack: 36 x 19 x 9 inches, 52 lbs;
4. A backpack: 36 x 16 x 13 inches, 65 lbs;

Daniel's flight ticket is $630."""


def _bench():
    spec = importlib.util.spec_from_file_location("airline_l1_bench", _PATH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _extraction(*bags: tuple[int, int, int, int]) -> str:
    return json.dumps(
        {
            "customer_class": "Basic Economy",
            "origin_city": "Athens",
            "destination_city": "Minneapolis",
            "ticket_price": 630,
            "checked_bags": [
                {"length": a, "width": b, "height": c, "weight": w} for a, b, c, w in bags
            ],
        }
    )


def test_a_stored_extraction_is_read_again_for_a_left_out_bag(tmp_path: Path) -> None:
    bench = _bench()
    store = Store(f"sqlite:///{tmp_path / 'runs.db'}")
    prompt = json.dumps([{"role": "user", "content": f"passenger_text:\n{TEXT}"}])
    outputs = {
        "whole": _extraction((36, 17, 10, 51), (36, 19, 9, 52), (36, 16, 13, 65)),
        "short": _extraction((36, 17, 10, 51), (36, 19, 9, 52)),
        "broken": '{"customer_class": "Basic',
    }
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
