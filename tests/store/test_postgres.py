"""The same store code on a real PostgreSQL (scripts/test starts one and sets the URL)."""

from __future__ import annotations

import time

from behaviorlab.agents import FunctionAgent
from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.evals._repo import RunRecord, insert_result
from behaviorlab.registry import ModelRegistry
from behaviorlab.store import MIGRATIONS, Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.trace import Recorder


def test_migrations_spans_evals_and_registry_on_postgres(pg_url):
    st = Store(pg_url)
    assert st.dialect == "postgresql" and st.version() == len(MIGRATIONS)
    with Recorder(st):
        r = FunctionAgent(lambda s: s[::-1], name="rev").run("abc")
    spans = st.trace_spans(r.trace_id)
    assert [s.name for s in spans] == ["invoke_agent rev"] and spans[0].output == "cba"
    run = run_eval(
        EvalConfig(task="airline", agent="l0", options=ScenarioOptions(level=0, n=5)), st
    )
    rows = load_results(st, run.record.eval_id)
    assert len(rows) == 5 and all(x.correct for x in rows)
    dup = RunRecord(
        eval_id=run.record.eval_id,
        scenario_id=rows[0].scenario_id,
        repeat=0,
        created_at=time.time(),
    )
    assert insert_result(st, dup) is False  # the unique constraint holds on PostgreSQL too
    reg = ModelRegistry(st)
    v = reg.register("m", "/tmp", {"k": 1}, "test")
    reg.set_alias("m", "production", v.version)
    assert reg.get("m@production").manifest == {"k": 1}
    assert Store(pg_url).migrate() == []
