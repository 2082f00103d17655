"""Feedback stored against runs, listed, used to pick the runs most worth labelling."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from behaviorlab.agents import FunctionAgent
from behaviorlab.cli import app
from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.feedback import (
    FeedbackError,
    add_feedback,
    feedback_queue,
    list_feedback,
    resolve_run,
)
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import l0_fee

OPTS = ScenarioOptions(source="generated", level=0, n=4, seed=9)


def _flaky_eval(store: Store) -> str:
    """Three repeats; scenario 0 answers differently each time, scenario 1 fails once."""
    calls: dict[str, int] = {}

    def agent(text: str) -> int:
        k = calls[text] = calls.get(text, 0) + 1
        total = l0_fee(text)
        if text == texts[0]:
            return total + k  # three different answers, all wrong
        if text == texts[1] and k == 2:
            return total + 1  # one of three wrong
        return total

    from behaviorlab.tasks import get_task

    texts = [sc.input for sc in get_task("airline").scenarios(OPTS)]
    cfg = EvalConfig(task="airline", agent="flaky", options=OPTS, repeats=3)
    return run_eval(cfg, store, factory=lambda: FunctionAgent(agent, name="flaky")).record.eval_id


def test_add_by_trace_or_by_eval_and_scenario(store_url):
    store = Store(store_url)
    eid = _flaky_eval(store)
    rows = load_results(store, eid)
    r = rows[0]
    fb = add_feedback(
        store,
        r.trace_id[:10],
        4,
        tool_selection=5,
        comment="fine",
        suggested_tools=["calculator"],
        author="ana",
    )
    assert (fb.trace_id, fb.eval_id, fb.scenario_id) == (r.trace_id, eid, r.scenario_id)
    other = next(x for x in rows if x.scenario_id == rows[1].scenario_id and x.repeat == 2)
    fb2 = add_feedback(store, f"{eid[:12]}:{other.scenario_id}:2", 2)
    assert fb2.trace_id == other.trace_id
    got = list_feedback(store, eval_id=eid)
    assert {f.id for f in got} == {fb.id, fb2.id}
    assert next(f for f in got if f.id == fb.id).suggested_tools == ["calculator"]
    assert [f.id for f in list_feedback(store, min_rating=3)] == [fb.id]
    with pytest.raises(FeedbackError):
        resolve_run(store, "nosuchtrace")
    with pytest.raises(ValueError):
        add_feedback(store, r.trace_id, 6)


def test_queue_puts_disagreement_first_and_skips_rated_runs(store_url):
    store = Store(store_url)
    eid = _flaky_eval(store)
    q = feedback_queue(store, eval_id=eid)
    assert len(q) == 4
    assert q[0].disagreement == pytest.approx(2 / 3, abs=1e-3) and q[0].correctness_split == 0
    assert q[1].disagreement == pytest.approx(1 / 3, abs=1e-3) and q[
        1
    ].correctness_split == pytest.approx(1 / 3, abs=1e-3)
    assert q[2].priority == q[3].priority == 0
    add_feedback(store, q[0].trace_ids[0], 1)
    q2 = feedback_queue(store, eval_id=eid)
    assert [i.scenario_id for i in q2] == [i.scenario_id for i in q[1:]]
    assert len(feedback_queue(store, eval_id=eid, include_rated=True)) == 4


def test_feedback_cli(store_url):
    store = Store(store_url)
    eid = _flaky_eval(store)
    trace = load_results(store, eid)[0].trace_id
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "feedback",
            "add",
            trace,
            "--rating",
            "3",
            "--tool-selection",
            "4",
            "--suggested-tools",
            "calculator, region_of_route",
            "--json",
            "--db",
            store_url,
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["suggested_tools"] == ["calculator", "region_of_route"]
    res = runner.invoke(app, ["feedback", "list", "--json", "--db", store_url])
    assert [f["rating"] for f in json.loads(res.stdout)] == [3]
    res = runner.invoke(app, ["feedback", "queue", "--eval", eid, "--json", "--db", store_url])
    items = json.loads(res.stdout)
    assert res.exit_code == 0 and len(items) == 3 and items[0]["disagreement"] > 0
    bad = runner.invoke(app, ["feedback", "add", trace, "--rating", "9", "--db", store_url])
    assert bad.exit_code != 0
    missing = runner.invoke(app, ["feedback", "add", "zzzz", "--rating", "3", "--db", store_url])
    assert missing.exit_code == 2
