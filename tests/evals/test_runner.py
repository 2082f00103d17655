"""The harness: resumable after SIGKILL, budgets, parallel workers, compare + gate from the CLI."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scipy.stats import binomtest
from statsmodels.stats.contingency_tables import mcnemar

from behaviorlab.evals import (
    BudgetConfig,
    EvalConfig,
    EvalRecord,
    RunRecord,
    compare_evals,
    compute_metrics,
    history,
    load_results,
    run_eval,
)
from behaviorlab.evals._repo import create_eval, insert_result
from behaviorlab.evals._stats import mcnemar_exact
from behaviorlab.models import ScriptedModel, ToolCall
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import make_l3

SLOW_AGENT = """
import time
from behaviorlab.agents import FunctionAgent
from behaviorlab.tasks.airline._agents import l0_fee

def slow(text):
    time.sleep(0.15)
    return l0_fee(text)

agent = FunctionAgent(slow, name="slow-l0")
"""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "behaviorlab.cli", *args]


def _count(db: Path) -> int:
    """Read-only peek at the running evaluation's store (never migrates it)."""
    if not db.exists():
        return 0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return int(con.execute("select count(*) from results").fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        con.close()


def test_sigkill_then_resume_gives_exactly_one_result_per_scenario_repeat(tmp_path):
    agent_file = tmp_path / "slow_agent.py"
    agent_file.write_text(SLOW_AGENT)
    db = tmp_path / "store.db"
    cmd = _cli(
        "eval",
        "airline",
        "--agent",
        str(agent_file),
        "--level",
        "0",
        "-n",
        "20",
        "--repeats",
        "2",
        "--workers",
        "2",
        "--db",
        str(db),
    )
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 120
    while _count(db) < 8 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(db)
    assert 8 <= partial < 40, partial
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"resumed: {partial} runs were already recorded" in " ".join(done.stderr.split())
    st = Store(f"sqlite:///{db}")
    with st.engine.connect() as c:
        evals = c.exec_driver_sql("select eval_id, status from evals").all()
        keys = c.exec_driver_sql("select scenario_id, repeat from results").all()
    assert len(evals) == 1 and evals[0][1] == "finished"
    assert len(keys) == 40 and len(set(keys)) == 40
    assert {r for _, r in keys} == {0, 1}
    rows = load_results(st, evals[0][0])
    assert all(r.correct for r in rows)  # the L0 program is exact on RuleArena phrasing
    # every finished run has its trace in the store
    traced = {r.trace_id for r in rows}
    with st.engine.connect() as c:
        roots = {
            t for (t,) in c.exec_driver_sql("select trace_id from spans where parent_id is null")
        }
    assert traced <= roots


def test_budget_stops_runaway_agent_with_recorded_error(store_url):
    st = Store(store_url)
    looping = ScriptedModel(
        [ToolCall(id="c", name="calculator", arguments={"expression": "1+1"})], cycle=True
    )
    cfg = EvalConfig(
        task="airline",
        agent="l3",
        options=ScenarioOptions(level=0, n=2),
        budget=BudgetConfig(max_tokens=2000),
    )
    run = run_eval(cfg, st, factory=lambda: make_l3(looping, max_steps=1000))
    assert len(run.results) == 2
    assert all("token budget exceeded" in (r.error or "") for r in run.results)
    assert all(r.llm_calls < 1000 for r in run.results)


def test_workers_give_the_same_results_as_one(store_url):
    st = Store(store_url)
    base = dict(task="airline", agent="l0", options=ScenarioOptions(level=1, n=25))
    one = run_eval(EvalConfig(**base, workers=1), st, resume=False)
    four = run_eval(EvalConfig(**base, workers=4), st, resume=False)
    key = lambda rows: sorted((r.scenario_id, r.answer, r.correct) for r in rows)  # noqa: E731
    assert key(one.results) == key(four.results) and len(one.results) == 25
    m = compute_metrics(four.results)
    assert m.accuracy.accuracy == 1.0 and m.runs == 25 and m.declined_rate == 0.0
    series = history(st, "airline", "accuracy")
    assert len(series) == 1 and [p.value for p in series[0].points] == [1.0, 1.0]


def _fake_eval(st: Store, eval_id: str, correct: list[bool], latency: float, agent: str) -> None:
    create_eval(
        st,
        EvalRecord(
            eval_id=eval_id,
            task="airline",
            agent=agent,
            model="m",
            config={},
            config_hash=eval_id,
            code_version="t",
            seed=0,
            created_at=time.time(),
        ),
    )
    for i, ok in enumerate(correct):
        insert_result(
            st,
            RunRecord(
                eval_id=eval_id,
                scenario_id=f"s{i:03d}",
                correct=ok,
                score=float(ok),
                latency_s=latency * (1 + 0.01 * (i % 7)),
                input_tokens=100,
                output_tokens=10,
            ),
        )


def test_compare_mcnemar_matches_scipy_and_statsmodels_and_gate_flips(store_url, tmp_path):
    st = Store(store_url)
    n = 120
    base = [i % 10 < 8 for i in range(n)]  # 80%
    cand = list(base)
    # discordant pairs: baseline right/candidate wrong on 14, the reverse on 4
    flips_down = [i for i in range(n) if base[i]][:14]
    flips_up = [i for i in range(n) if not base[i]][:4]
    for i in flips_down:
        cand[i] = False
    for i in flips_up:
        cand[i] = True
    _fake_eval(st, "ev-base", base, 1.0, "a")
    _fake_eval(st, "ev-cand", cand, 1.0, "b")
    rep = compare_evals(st, "ev-base", "ev-cand")
    table = [
        [sum(b and c for b, c in zip(base, cand, strict=True)), 14],
        [4, sum(not b and not c for b, c in zip(base, cand, strict=True))],
    ]
    expected = mcnemar(table, exact=True).pvalue
    assert rep.comparison.mcnemar.p_value == pytest.approx(expected, rel=1e-12)
    assert rep.comparison.mcnemar.p_value == pytest.approx(binomtest(4, 18, 0.5).pvalue, rel=1e-12)
    assert mcnemar_exact(14, 4) == pytest.approx(expected, rel=1e-12)

    # equal arms: APPROVE by default, REJECT once the accuracy bound is tightened above 1
    _fake_eval(st, "ev-same", list(base), 1.0, "c")
    env = {**os.environ}
    ok = subprocess.run(
        _cli("compare", "ev-base", "ev-same", "--db", st.url),
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0 and ok.stdout.strip() == "APPROVE", ok.stderr[-1500:]
    tight = subprocess.run(
        _cli("compare", "ev-base", "ev-same", "--min-accuracy-ratio", "1.01", "--db", st.url),
        capture_output=True,
        text=True,
        env=env,
    )
    assert tight.returncode == 1 and tight.stdout.strip() == "REJECT"
    assert "accuracy" in tight.stderr
    worse = subprocess.run(
        _cli("compare", "ev-base", "ev-cand", "--json", "--db", st.url),
        capture_output=True,
        text=True,
    )
    data = json.loads(worse.stdout)
    assert worse.returncode == 1 and data["decision"]["verdict"] == "REJECT"


@pytest.mark.skipif(
    pytest.importorskip("ray", reason="ray extra not installed") is None, reason="no ray"
)
def test_ray_executor_lands_results_in_the_same_store(store_url):
    st = Store(store_url)
    cfg = EvalConfig(
        task="airline", agent="l0", options=ScenarioOptions(level=0, n=6), executor="ray", workers=2
    )
    run = run_eval(cfg, st)
    assert len(run.results) == 6 and all(r.correct for r in run.results)
    assert all(st.trace_spans(r.trace_id) for r in run.results)


def test_an_evaluation_begun_by_other_code_is_not_resumed(store_url):
    st = Store(store_url)
    cfg = EvalConfig(task="airline", agent="l0", options=ScenarioOptions(level=0, n=3))
    first = run_eval(cfg, st)
    assert first.ran == 3
    # the same configuration left unfinished by another version of the code
    old = first.record.model_copy(
        update={"eval_id": "ev-old-code", "code_version": "0.0.1+0123456789", "status": "running"}
    )
    create_eval(st, old)
    insert_result(st, first.results[0].model_copy(update={"eval_id": "ev-old-code"}))
    again = run_eval(cfg, st)
    assert again.record.eval_id != "ev-old-code" and again.resumed == 0 and again.ran == 3
    assert len(load_results(st, "ev-old-code")) == 1  # left as it was, not finished by new code


def test_history_keys_a_series_by_its_data(store_url):
    st = Store(store_url)
    for seed in (0, 0, 7):  # the same scenarios twice, then other ones of the same size
        run_eval(
            EvalConfig(
                task="airline", agent="l0", options=ScenarioOptions(level=0, n=4, seed=seed)
            ),
            st,
            resume=False,
        )
    series = history(st, "airline", "accuracy")
    assert sorted(len(s.points) for s in series) == [1, 2]
    assert all(" · data generated" in s.key or " · data airline" in s.key for s in series)
    hashes = {s.key.rsplit("#", 1)[1] for s in series}
    assert len(hashes) == 2
