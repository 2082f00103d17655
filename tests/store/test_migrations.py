"""Frozen migrations: a store built at every version upgrades to the latest, keeps its rows,
and ends with exactly the live schema (so the two cannot drift apart)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from behaviorlab.evals import load_results
from behaviorlab.store import MIGRATIONS, Store
from behaviorlab.store import _schema as live

LATEST = MIGRATIONS[-1][0]


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))  # the shared fixture (tests/conftest.py)


def test_numbers_are_consecutive() -> None:
    assert [m[0] for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


# a row written by the code of each version, in the tables that version had
_ROWS = {
    1: "INSERT INTO spans (span_id, trace_id, name, kind, start_ns, end_ns, status, input_tokens,"
    " output_tokens, cost_usd, cpu_s, attributes) VALUES ('s1', 't1', 'invoke_agent a', 'agent',"
    " 1, 2, 'ok', 0, 0, 0, 0, '{}')",
    2: "INSERT INTO evals (eval_id, task, agent, model, config, config_hash, code_version, seed,"
    " created_at, status) VALUES ('ev-old', 'airline', 'l0', '-', '{}', 'h', 'v', 0, 1,"
    " 'finished');"
    " INSERT INTO results (eval_id, scenario_id, repeat, correct, score, declined, input_tokens,"
    " output_tokens, cost_usd, latency_s, cpu_s, model_s, tool_s, llm_calls, tools_used, scores,"
    " extra, created_at) VALUES ('ev-old', 'sc1', 0, TRUE, 1, FALSE, 0, 0, 0, 0.5, 0, 0, 0, 0,"
    " '[]', '{}', '{}', 1)",
    3: "INSERT INTO model_versions (name, version, kind, path, manifest, created_at)"
    " VALUES ('m', 1, 'gguf', '/x', '{}', 1)",
    4: "INSERT INTO feedback (trace_id, rating, suggested_tools, created_at)"
    " VALUES ('t1', 5, '[]', 1)",
}


@pytest.mark.parametrize("version", range(0, LATEST + 1))
def test_a_store_at_every_version_upgrades_to_the_latest(url: str, version: int) -> None:
    old = Store(url, migrate=False)
    old.migrate(target=version)
    assert old.version() == version
    with old.engine.begin() as conn:
        for v in range(1, version + 1):
            for stmt in _ROWS.get(v, "").split(";"):
                if stmt.strip():
                    conn.execute(text(stmt))
    old.close()

    st = Store(url)  # what a newer behaviorlab does on opening it
    assert st.version() == LATEST
    if version >= 2:
        [row] = load_results(st, "ev-old")
        assert row.correct and row.latency_s == 0.5 and row.infra_error is None
    with st.engine.connect() as conn:
        if version >= 1:
            assert conn.execute(text("SELECT count(*) FROM spans")).scalar() == 1
        if version >= 4:
            assert conn.execute(text("SELECT rating FROM feedback")).scalar() == 5
    _assert_matches_live_schema(st)
    st.close()


def _assert_matches_live_schema(st: Store) -> None:
    insp = inspect(st.engine)
    for table in live.metadata.sorted_tables:
        have = {c["name"]: c for c in insp.get_columns(table.name)}
        want = {c.name: c for c in table.columns}
        assert set(have) == set(want), f"{table.name}: {sorted(have)} vs live {sorted(want)}"
        for name, col in want.items():
            assert have[name]["nullable"] == col.nullable or col.primary_key, (table.name, name)


def test_an_unscored_run_can_be_recorded_after_upgrading(url: str) -> None:
    old = Store(url, migrate=False)
    old.migrate(target=LATEST - 1)
    old.close()
    st = Store(url)
    with st.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO results (eval_id, scenario_id, repeat, correct, score, declined,"
                " input_tokens, output_tokens, cost_usd, latency_s, cpu_s, model_s, tool_s,"
                " llm_calls, tools_used, scores, extra, created_at, infra_error) VALUES"
                " ('e', 's', 0, FALSE, 0, FALSE, 0, 0, 0, 0, 0, 0, 0, 0, '[]', '{}', '{}', :t,"
                " 'model file not found: /x.gguf')"
            ),
            {"t": time.time()},
        )
    [row] = load_results(st, "e")
    assert row.infra_error == "model file not found: /x.gguf"
