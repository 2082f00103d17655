"""The escalation chain: each level may decline; the result says who answered; usage adds up."""

from __future__ import annotations

from behaviorlab.agents import Declined, FunctionAgent, WorkflowAgent, ptool
from behaviorlab.distill import EscalationAgent, escalation_report, numeric_output
from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.models import ScriptedModel
from behaviorlab.store import Store
from behaviorlab.tasks import Scenario
from behaviorlab.trace import Recorder


@ptool
def double(text: str) -> int:
    """Twice the number in the text."""
    raise NotImplementedError


def l0(text: str) -> int:
    if not text.isdigit():
        raise Declined("not a bare number")
    return int(text) * 2


def l1(text: str) -> int:
    return double(text)


def _chain(l1_reply: str, top_answer: object = 999) -> EscalationAgent:
    return EscalationAgent(
        [
            FunctionAgent(l0, name="l0"),
            WorkflowAgent(l1, ScriptedModel([l1_reply], cycle=True), name="l1"),
            FunctionAgent(lambda _t: top_answer, name="l3"),
        ],
        validate=numeric_output,
    )


def test_first_level_that_answers_wins():
    r = _chain("8").run("4")
    assert r.output == 8 and r.answered_by == "l0" and r.level == "L0" and r.llm_calls == 0
    assert [a["outcome"] for a in r.metadata["escalation"]] == ["answered"]


def test_decline_hands_on_and_usage_includes_every_level_tried():
    r = _chain("8").run("four")
    assert r.output == 8 and r.answered_by == "l1" and r.level == "L1"
    esc = r.metadata["escalation"]
    assert [(a["agent"], a["outcome"]) for a in esc] == [("l0", "declined"), ("l1", "answered")]
    assert esc[0]["reason"] == "not a bare number"
    assert r.llm_calls == 1 and r.tokens > 0 and r.tokens == esc[1]["tokens"]


def test_the_trace_records_which_level_answered(tmp_path):
    import json

    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    with Recorder(store):
        r = _chain("8").run("four")
    spans = store.trace_spans(r.trace_id or "")
    root = next(s for s in spans if s.parent_id is None)
    assert root.attributes["behaviorlab.answered_by"] == "l1"
    assert root.attributes["behaviorlab.answered_level"] == "L1"
    assert [a["outcome"] for a in json.loads(root.attributes["behaviorlab.escalation"])] == [
        "declined",
        "answered",
    ]
    # each level tried is its own agent span under the chain
    assert [s.name for s in spans if s.kind == "agent" and s.parent_id == root.span_id] == [
        "invoke_agent l0",
        "invoke_agent l1",
    ]


def test_output_that_fails_validation_escalates():
    r = _chain("-5").run("four")  # a negative total is rejected
    assert r.output == 999 and r.answered_by == "l3"
    esc = r.metadata["escalation"]
    assert [a["outcome"] for a in esc] == ["declined", "rejected", "answered"]
    assert "negative" in esc[1]["reason"]
    assert r.llm_calls == 1 and r.tokens == esc[1]["tokens"]  # the rejected L1 call still counts


def test_every_level_declining_is_a_decline_with_reasons():
    r = _chain("not json", top_answer="no idea").run("four")
    assert r.declined and r.output is None
    assert [a["outcome"] for a in r.metadata["escalation"]] == ["declined", "error", "rejected"]
    assert "l0: not a bare number" in (r.reason or "")
    assert r.llm_calls == 3  # the ptool's three attempts are counted


def test_errors_stop_the_chain_when_asked():
    chain = EscalationAgent(
        [FunctionAgent(lambda t: 1 / 0, name="bad"), FunctionAgent(lambda t: 1, name="ok")],
        escalate_on_error=False,
    )
    r = chain.run("x")
    assert r.error and "ZeroDivisionError" in r.error


def test_report_shares_and_savings_from_the_harness(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    scs = [
        Scenario(id=f"s{i}", input=x, expected=e)
        for i, (x, e) in enumerate([("2", 4), ("3", 6), ("five", 10), ("x", 0)])
    ]

    def always_l3() -> FunctionAgent:
        @ptool
        def answer(text: str) -> int:
            """Answer."""
            raise NotImplementedError

        return WorkflowAgent(lambda t: answer(t), ScriptedModel(["10"], cycle=True), name="l3")  # type: ignore[return-value]

    chain = run_eval(
        EvalConfig(task="airline", agent="chain"),
        store,
        factory=lambda: _chain("10"),
        scenarios=scs,
    )
    base = run_eval(
        EvalConfig(task="airline", agent="always-l3"), store, factory=always_l3, scenarios=scs
    )
    rows = load_results(store, chain.record.eval_id)
    rep = escalation_report(rows, load_results(store, base.record.eval_id))
    assert {s.level: s.answered for s in rep.shares} == {"L0": 2, "L1": 2}
    assert (
        rep.declined_all == 0
        and rep.chain_llm_calls_mean == 0.5
        and rep.baseline_llm_calls_mean == 1.0
    )
    # half the runs cost no tokens at all
    assert sorted(r.tokens == 0 for r in rows) == [False, False, True, True]
    assert rep.tokens_saved is not None and rep.tokens_saved > 0.3
    md = rep.to_markdown()
    assert "| L0 | 2 | 50% |" in md and "tokens saved" in md
