"""A store with real evaluations (the scripted model through the real agents and harness), a
gated promotion with a rollout, and the UI served from it by a real uvicorn server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from behaviorlab.agents import Agent, Declined, FunctionAgent
from behaviorlab.distill import EscalationAgent
from behaviorlab.evals import EvalConfig, GateCriteria, load_results, run_eval
from behaviorlab.models import Completion, Message, ScriptedModel, ToolCall
from behaviorlab.registry import ModelRegistry, ModelVersion
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.airline import TRAIN_TEMPLATES, airline_problems, target_for
from behaviorlab.tasks.airline._agents import l0_fee, make_l1, make_l3
from behaviorlab.train import promote
from behaviorlab.ui import UIServer, UISettings, create_app

OPTS = ScenarioOptions(source="generated", level=0, n=4, seed=31)


@dataclass
class Built:
    url: str
    good: str  # L1, right except one run it declines
    bad: str  # L1, every ticket price off by one
    l3: str  # L3 with a calculator call
    chain: str  # an escalation chain: L0 declines, L1 answers
    declined_trace: str
    l3_trace: str


def _texts() -> list[str]:
    return [sc.input for sc in get_task("airline").scenarios(OPTS)]


def _l1_eval(store: Store, name: str, *, off_by: int, decline_first: bool) -> str:
    targets = {
        p.prompt: target_for(p).model_dump_json()
        for p in airline_problems(4, seed=31, levels=(0,), templates=TRAIN_TEMPLATES)
    }
    first = _texts()[0]

    def reply(messages: list[Message]) -> str:
        # a retry appends the validation error: the text is in the first request
        asked = next(m.content for m in messages if "passenger_text:\n" in m.content)
        text = asked.split("passenger_text:\n", 1)[1]
        if decline_first and text == first:
            return "I cannot read this passenger's bags."  # fails validation every time
        t = json.loads(targets[text])
        if off_by:  # a wrong price the constraints allow: another number of the text
            t["ticket_price"] = t["checked_bags"][0]["weight"]
        return json.dumps(t)

    def make() -> Agent:
        l1 = make_l1(ScriptedModel([reply], cycle=True))
        # as a distilled workflow runs it: a level that fails makes the chain decline
        return EscalationAgent([l1], name=name) if decline_first else l1

    cfg = EvalConfig(task="airline", agent=name, model="scripted/l1", options=OPTS)
    return run_eval(cfg, store, factory=make).record.eval_id


def _l3_eval(store: Store) -> str:
    def reply(messages: list[Message]) -> Completion | str:
        if "Tool calculator returned" not in messages[-1].content:
            return Completion(
                text='<tool_call>{"name": "calculator", "arguments": {"expression": "40 + 2"}}</tool_call>',
                tool_calls=[
                    ToolCall(id="c1", name="calculator", arguments={"expression": "40 + 2"})
                ],
            )
        return "Final Answer: 42"

    cfg = EvalConfig(task="airline", agent="l3-scripted", options=OPTS.model_copy(update={"n": 1}))
    return run_eval(
        cfg, store, factory=lambda: make_l3(ScriptedModel([reply], cycle=True))
    ).record.eval_id


def _chain_eval(store: Store) -> str:
    def l0(text: str) -> int:
        raise Declined("the L0 parser does not know this phrasing")

    def make() -> Agent:
        return EscalationAgent(
            [FunctionAgent(l0, name="l0-strict"), FunctionAgent(l0_fee, name="l0-lenient")]
        )

    cfg = EvalConfig(task="airline", agent="chain", options=OPTS)
    return run_eval(cfg, store, factory=make).record.eval_id


def _promotion(store: Store) -> None:
    reg = ModelRegistry(store)
    v1 = reg.register("fees", "/models/base", {"model_id": "scripted/base"}, kind="base")
    reg.set_alias("fees", "production", v1.version)
    v2 = reg.register("fees", "/models/cand", {"model_id": "scripted/cand"}, kind="lora-sft")
    reg.set_alias("fees", "candidate", v2.version)

    def make(mv: ModelVersion) -> Agent:
        if mv.version == 2:
            return FunctionAgent(l0_fee, name="v2")
        return FunctionAgent(lambda text: l0_fee(text) + 1, name="v1")

    promote(
        store,
        "fees",
        task="airline",
        agent="l0",
        options=ScenarioOptions(source="generated", level=0, n=12, seed=3),
        criteria=GateCriteria(max_latency_ratio=1000.0, max_cost_ratio=1000.0, n_boot=200),
        make_agent=make,
        rollout_percent=50,
    )


def build_store(url: str) -> Built:
    store = Store(url)
    good = _l1_eval(store, "l1-good", off_by=0, decline_first=True)
    bad = _l1_eval(store, "l1-bad", off_by=1, decline_first=False)
    l3 = _l3_eval(store)
    chain = _chain_eval(store)
    _promotion(store)
    declined = next(r for r in load_results(store, good) if r.declined)
    (l3_run,) = load_results(store, l3)
    assert declined.trace_id and l3_run.trace_id
    store.close()
    return Built(url, good, bad, l3, chain, declined.trace_id, l3_run.trace_id)


@pytest.fixture(scope="session")
def store_builder() -> Callable[[str], Built]:
    """``build_store`` for a test that needs a store of its own (one it writes to)."""
    return build_store


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_store(f"sqlite:///{tmp_path_factory.mktemp('ui') / 'store.db'}")


@pytest.fixture(scope="module")
def server(built: Built) -> Iterator[UIServer]:
    with UIServer(create_app(Store(built.url))) as srv:
        yield srv


@pytest.fixture(scope="module")
def token_server(built: Built) -> Iterator[UIServer]:
    app = create_app(Store(built.url), UISettings(token="s3cret-token"))
    with UIServer(app) as srv:
        yield srv
