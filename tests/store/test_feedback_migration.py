"""Migration 6 (feedback.corrected_answer) on a store made before it, and span search."""

from __future__ import annotations

import time

from sqlalchemy import insert, inspect, text

from behaviorlab.feedback import list_feedback
from behaviorlab.store import MIGRATIONS, Store
from behaviorlab.store import _schema as s
from behaviorlab.trace import SpanRecord


def test_a_version_4_store_gains_the_corrected_answer_and_keeps_its_rows(store_url: str) -> None:
    old = Store(store_url, migrate=False)
    with old.engine.begin() as conn:
        s.schema_version.create(conn)
        for number, name, fn in MIGRATIONS:
            if number > 4:
                break
            fn(conn)
            conn.execute(
                insert(s.schema_version).values(version=number, name=name, applied_at=time.time())
            )
        conn.execute(
            text(
                "INSERT INTO feedback (trace_id, rating, suggested_tools, created_at) "
                "VALUES ('t-old', 4, '[]', 1.0)"
            )
        )
    cols = {c["name"] for c in inspect(old.engine).get_columns("feedback")}
    assert "corrected_answer" not in cols  # migration 4 is frozen, not the live table
    old.close()

    store = Store(store_url)
    assert store.version() == max(n for n, _, _ in MIGRATIONS)
    cols = {c["name"] for c in inspect(store.engine).get_columns("feedback")}
    assert "corrected_answer" in cols
    (fb,) = list_feedback(store)
    assert (fb.trace_id, fb.rating, fb.corrected_answer) == ("t-old", 4, None)


def test_search_spans_is_case_insensitive_and_literal(store_url: str) -> None:
    store = Store(store_url)
    spans = [
        SpanRecord("a1", "ta", None, "agent", "agent", 1, 2, input="Fee for 2 BAGS", output="70"),
        SpanRecord("b1", "tb", None, "agent", "agent", 3, 4, input="x", output="100% sure"),
        SpanRecord("c1", "tc", None, "agent", "agent", 5, 6, input="100 sure", output=None),
    ]
    store.write_spans(spans)
    assert [sp.span_id for sp in store.search_spans("2 bags")] == ["a1"]
    assert [sp.span_id for sp in store.search_spans("100%")] == ["b1"]  # % is no wildcard
    assert store.search_spans("   ") == []
    assert [sp.span_id for sp in store.trace_spans("tb")] == ["b1"]
