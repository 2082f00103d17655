"""The UI over PostgreSQL: the same pages and the same feedback write as on SQLite
(scripts/test starts a server and sets BEHAVIORLAB_TEST_PG_URL)."""

from __future__ import annotations

from typing import Any

import httpx

from behaviorlab.feedback import list_feedback
from behaviorlab.store import Store
from behaviorlab.ui import UIServer, create_app


def test_every_page_and_the_feedback_write_on_postgres(pg_url: str, store_builder: Any) -> None:
    b = store_builder(pg_url)
    store = Store(pg_url)
    with UIServer(create_app(store)) as srv:
        c = httpx.Client(base_url=srv.url, timeout=60)
        index = c.get("/")
        assert index.status_code == 200 and b.good in index.text and 'href="/queue"' in index.text
        for path in (
            f"/evals/{b.good}",
            f"/compare?a={b.bad}&b={b.good}",
            "/history?task=airline",
            "/traces",
            "/queue",
            "/models",
            f"/label/{b.l3_trace}",
        ):
            assert c.get(path).status_code == 200, path
        run = c.get(f"/runs/{b.l3_trace}")
        assert run.status_code == 200 and "calculator" in run.text
        # ILIKE on PostgreSQL, as LIKE is on SQLite: case does not matter
        assert b.l3_trace in c.get("/traces", params={"q": "final ANSWER: 42"}).text
        saved = c.post(
            "/feedback",
            data={"trace": b.declined_trace, "rating": "2", "corrected_answer": "1334"},
        )
        assert saved.status_code == 303
    (fb,) = list_feedback(store)
    assert (fb.trace_id, fb.rating, fb.corrected_answer) == (b.declined_trace, 2, "1334")
