"""The loop the UI closes: declined and escalated runs are labelled first, and a corrected
answer is stored, listed, and exported as a training example."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from behaviorlab.agents import Agent, Declined, FunctionAgent
from behaviorlab.cli import app
from behaviorlab.distill import EscalationAgent
from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.feedback import add_feedback, feedback_queue, list_feedback
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.airline._agents import l0_fee
from behaviorlab.train import StoreFilter, examples_from_store

OPTS = ScenarioOptions(source="generated", level=0, n=4, seed=9)


def _texts() -> list[str]:
    return [sc.input for sc in get_task("airline").scenarios(OPTS)]


def _evals(store: Store) -> tuple[str, str, str]:
    texts = _texts()

    def shaky(text: str) -> int:
        # scenario 3 disagrees across repeats: without the declined-first rule it leads
        calls[text] = calls.get(text, 0) + 1
        return l0_fee(text) + (calls[text] if text == texts[3] else 0)

    def picky(text: str) -> int:
        if text == texts[0]:
            raise Declined("not sure about the second bag")
        return l0_fee(text)

    def strict(text: str) -> int:
        if text == texts[1]:
            raise Declined("unknown phrasing")
        return l0_fee(text)

    def chain() -> Agent:
        return EscalationAgent([FunctionAgent(strict, name="strict"), FunctionAgent(l0_fee)])

    calls: dict[str, int] = {}
    shaky_id = run_eval(
        EvalConfig(task="airline", agent="shaky", options=OPTS, repeats=3),
        store,
        factory=lambda: FunctionAgent(shaky, name="shaky"),
    ).record.eval_id
    picky_id = run_eval(
        EvalConfig(task="airline", agent="picky", options=OPTS),
        store,
        factory=lambda: FunctionAgent(picky, name="picky"),
    ).record.eval_id
    chain_id = run_eval(
        EvalConfig(task="airline", agent="chain", options=OPTS), store, factory=chain
    ).record.eval_id
    return shaky_id, picky_id, chain_id


def test_declined_and_escalated_runs_lead_the_queue(store_url: str) -> None:
    store = Store(store_url)
    shaky, picky, chain = _evals(store)
    q = feedback_queue(store)
    head = [(i.eval_id, i.declined, i.escalated) for i in q[:2]]
    assert sorted(head) == sorted([(picky, 1, 0), (chain, 0, 1)])
    assert all(i.needs_answer for i in q[:2]) and not any(i.needs_answer for i in q[2:])
    # after them, the old order: disagreement across repeats first
    assert q[2].eval_id == shaky and q[2].disagreement == pytest.approx(2 / 3, abs=1e-3)
    assert q[2].priority > q[0].priority  # it would lead on priority alone
    res = CliRunner().invoke(app, ["feedback", "queue", "--json", "--db", store_url])
    assert res.exit_code == 0
    assert [(i["eval_id"], i["scenario_id"]) for i in json.loads(res.stdout)] == [
        (i.eval_id, i.scenario_id) for i in q
    ]


def test_a_corrected_answer_is_stored_listed_and_exported(store_url: str) -> None:
    store = Store(store_url)
    _, picky, _ = _evals(store)
    declined = next(r for r in load_results(store, picky) if r.declined)
    assert declined.trace_id
    res = CliRunner().invoke(
        app,
        [
            "feedback",
            "add",
            declined.trace_id,
            "--rating",
            "2",
            "--corrected-answer",
            " 1334 ",
            "--json",
            "--db",
            store_url,
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["corrected_answer"] == "1334"
    assert [f.corrected_answer for f in list_feedback(store, corrected_only=True)] == ["1334"]
    add_feedback(store, declined.trace_id, 3, comment="no correction")
    assert len(list_feedback(store, corrected_only=True)) == 1
    listed = CliRunner().invoke(app, ["feedback", "list", "--db", store_url])
    assert "1334" in listed.output

    # a plain-Python run made no LLM call: its input becomes the user turn; the correction
    # passes filters on score and correctness, which judged the model, not the human
    for flt in (None, StoreFilter(correct_only=True), StoreFilter(min_score=1.0)):
        (ex,) = [e for e in examples_from_store(store, flt) if e.trace_id == declined.trace_id]
        assert ex.source == "feedback" and ex.completion[0].content == "1334"
        assert ex.prompt[-1].role == "user" and ex.prompt[-1].content == ex.input
        assert ex.metadata["declined"] is True and ex.metadata["corrected"] is True
    assert examples_from_store(store, StoreFilter(task="tooluse")) == []
