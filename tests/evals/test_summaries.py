"""summarize_evals aggregates in SQL what compute_metrics computes from the rows."""

from __future__ import annotations

import pytest

from behaviorlab.agents import Declined, FunctionAgent
from behaviorlab.evals import (
    EvalConfig,
    compute_metrics,
    find_result,
    load_results,
    run_eval,
    summarize_evals,
)
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import l0_fee

OPTS = ScenarioOptions(source="generated", level=0, n=6, seed=4)


def test_summaries_match_the_metrics_of_the_rows(store_url: str) -> None:
    store = Store(store_url)
    seen: list[str] = []

    def agent(text: str) -> int:
        seen.append(text)
        if len(seen) == 2:
            raise Declined("unsure")
        if len(seen) == 3:
            raise RuntimeError("tool broke")
        return l0_fee(text) + (1 if len(seen) == 4 else 0)

    eid = run_eval(
        EvalConfig(task="airline", agent="mixed", options=OPTS),
        store,
        factory=lambda: FunctionAgent(agent, name="mixed"),
    ).record.eval_id
    other = run_eval(
        EvalConfig(task="airline", agent="exact", model="m/x", options=OPTS),
        store,
        factory=lambda: FunctionAgent(l0_fee, name="exact"),
    ).record.eval_id
    rows = load_results(store, eid)
    m = compute_metrics(rows)
    summaries, total = summarize_evals(store)
    assert total == 2 and [s.record.eval_id for s in summaries] == [other, eid]  # newest first
    s = summaries[1]
    assert (s.runs, s.correct, s.declined, s.errors, s.wrong) == (6, 3, 1, 1, 1)
    assert s.correct / s.runs == m.accuracy.accuracy
    assert s.declined / s.runs == m.declined_rate and s.errors / s.runs == m.error_rate
    assert s.tokens_mean == pytest.approx(m.tokens_mean)
    assert s.latency_mean_s == pytest.approx(m.latency_mean_s)
    assert s.cost_total_usd == pytest.approx(m.cost_total_usd)
    assert [x.record.eval_id for x in summarize_evals(store, agent="xac")[0]] == [other]
    assert [x.record.eval_id for x in summarize_evals(store, model="m/")[0]] == [other]
    assert summarize_evals(store, task="tooluse") == ([], 0)
    page, total = summarize_evals(store, limit=1, offset=1)
    assert total == 2 and [x.record.eval_id for x in page] == [eid]
    r = rows[0]
    assert r.trace_id and find_result(store, r.trace_id) == r
    assert find_result(store, "no-such-trace") is None


def test_runs_the_infrastructure_left_unscored_are_counted_apart(store_url: str) -> None:
    from behaviorlab.evals import EvalRecord, RunRecord
    from behaviorlab.evals._repo import create_eval, insert_result

    store = Store(store_url)
    create_eval(
        store,
        EvalRecord(
            eval_id="ev-infra",
            task="airline",
            agent="a",
            model="openai/x",
            config={},
            config_hash="h",
            code_version="v",
            seed=0,
            created_at=1.0,
        ),
    )
    insert_result(store, RunRecord(eval_id="ev-infra", scenario_id="s1", correct=True))
    insert_result(store, RunRecord(eval_id="ev-infra", scenario_id="s2", correct=False))
    insert_result(
        store,
        RunRecord(eval_id="ev-infra", scenario_id="s3", infra_error="connection refused"),
    )
    (s,), _ = summarize_evals(store)
    m = compute_metrics(load_results(store, "ev-infra"))
    assert (s.runs, s.correct, s.wrong, s.unscored) == (2, 1, 1, 1)
    assert (m.runs, m.accuracy.correct, m.unscored) == (2, 1, 1)
