"""Registry versions and aliases, gated promotion, decision history, and rollout routing."""

from __future__ import annotations

from pathlib import Path

import pytest

from behaviorlab.agents import Agent, FunctionAgent
from behaviorlab.evals import GateCriteria, load_results
from behaviorlab.registry import ModelRegistry, ModelVersion
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline import airline_problems, extraction_examples
from behaviorlab.tasks.airline._agents import l0_fee
from behaviorlab.trace import Recorder
from behaviorlab.train import (
    ARM_ATTRIBUTE,
    RolloutAgent,
    SplitSpec,
    TrainSettings,
    arm_for,
    export_dataset,
    model_id_for,
    promote,
    register_training,
    train_sft,
)

OPTS = ScenarioOptions(source="generated", level=0, n=12, seed=3)
CRIT = GateCriteria(max_latency_ratio=1000.0, max_cost_ratio=1000.0, n_boot=200)


def _registry_with_two_versions(store: Store) -> ModelRegistry:
    reg = ModelRegistry(store)
    v1 = reg.register("m", "/models/base", {"model_id": "scripted/base"}, kind="base")
    reg.set_alias("m", "production", v1.version)
    v2 = reg.register("m", "/models/cand", {"model_id": "scripted/cand"}, kind="lora-sft")
    reg.set_alias("m", "candidate", v2.version)
    return reg


def _maker(good_version: int):  # type: ignore[no-untyped-def]
    """The version ``good_version`` answers with the exact L0 program, the other is off by $1."""

    def make(mv: ModelVersion) -> Agent:
        if mv.version == good_version:
            return FunctionAgent(l0_fee, name=f"v{mv.version}")
        return FunctionAgent(lambda text: l0_fee(text) + 1, name=f"v{mv.version}")

    return make


def test_promote_moves_the_alias_on_approve_and_records_the_decision(store_url):
    store = Store(store_url)
    reg = _registry_with_two_versions(store)
    res = promote(
        store, "m", task="airline", agent="l0", options=OPTS, criteria=CRIT, make_agent=_maker(2)
    )
    assert res.verdict == "APPROVE" and res.moved
    assert reg.aliases("m")["production"] == 2
    (d,) = reg.decisions("m")
    assert (d.alias, d.from_version, d.to_version, d.verdict) == ("production", 1, 2, "APPROVE")
    assert d.details["moved"] is True and d.details["candidate_eval"] == res.candidate_eval
    assert all(r.correct for r in load_results(store, res.candidate_eval))
    assert not any(r.correct for r in load_results(store, res.current_eval))


def test_promote_keeps_the_alias_on_reject(store_url):
    store = Store(store_url)
    reg = _registry_with_two_versions(store)
    res = promote(
        store, "m", task="airline", agent="l0", options=OPTS, criteria=CRIT, make_agent=_maker(1)
    )
    assert res.verdict == "REJECT" and not res.moved
    assert reg.aliases("m")["production"] == 1
    (d,) = reg.decisions("m")
    assert d.verdict == "REJECT" and d.details["moved"] is False and d.reasons


def test_rollout_is_sticky_per_input_and_records_the_arm(store_url):
    store = Store(store_url)
    reg = _registry_with_two_versions(store)
    res = promote(
        store,
        "m",
        task="airline",
        agent="l0",
        options=OPTS,
        criteria=CRIT,
        make_agent=_maker(2),
        rollout_percent=50,
    )
    assert res.verdict == "APPROVE" and not res.moved
    aliases = reg.aliases("m")
    assert aliases["production"] == 1 and aliases["rollout"] == 2
    assert res.rollout is not None and sum(res.rollout.served.values()) == 12
    rows = load_results(store, res.rollout.eval_id)
    for r in rows:
        # the arm is a function of the input alone, and each arm answered as its version does
        assert r.extra["arm"] in ("production", "candidate")
        assert r.correct == (r.extra["arm"] == "candidate")
        span = store.trace_spans(r.trace_id)
        root = next(sp for sp in span if sp.parent_id is None)
        assert root.attributes[ARM_ATTRIBUTE] == r.extra["arm"]
    assert 0 < res.rollout.served["candidate"] < 12
    (d,) = reg.decisions("m")
    assert d.alias == "rollout" and d.details["rollout"]["percent"] == 50


def test_rollout_agent_routes_the_same_input_to_the_same_arm():
    prod = FunctionAgent(lambda x: "prod", name="p")
    cand = FunctionAgent(lambda x: "cand", name="c")
    agent = RolloutAgent(prod, cand, 30)
    inputs = [f"question {i}" for i in range(400)]
    arms = [agent.run(x).metadata["arm"] for x in inputs]
    assert arms == [agent.run(x).metadata["arm"] for x in inputs]
    assert arms == [arm_for(x, 30) for x in inputs]
    share = arms.count("candidate") / len(arms)
    assert 0.22 < share < 0.38
    assert all(
        agent.run(x).output == ("cand" if a == "candidate" else "prod")
        for x, a in zip(inputs[:20], arms, strict=False)
    )
    assert {RolloutAgent(prod, cand, 0).run(x).metadata["arm"] for x in inputs[:50]} == {
        "production"
    }
    assert {RolloutAgent(prod, cand, 100).run(x).metadata["arm"] for x in inputs[:50]} == {
        "candidate"
    }
    with pytest.raises(ValueError):
        RolloutAgent(prod, cand, 101)


def test_rollout_span_attribute_is_recorded(store_url):
    store = Store(store_url)
    agent = RolloutAgent(
        FunctionAgent(len, name="p"),
        FunctionAgent(len, name="c"),
        100,
        versions={"candidate": "m@2"},
    )
    with Recorder(store):
        r = agent.run("abc")
    assert r.metadata == {"arm": "candidate", "model_version": "m@2"} and r.output == 3
    root = next(sp for sp in store.trace_spans(r.trace_id) if sp.parent_id is None)
    assert root.attributes[ARM_ATTRIBUTE] == "candidate"
    assert root.attributes["behaviorlab.rollout.version"] == "m@2"


def test_trained_tiny_model_is_registered_and_promoted_through_the_transformers_provider(
    store_url, tiny_model: Path, tmp_path: Path
):
    """The whole flow on real weights: train, register (base becomes baseline/production),
    evaluate both arms with the L1 agent served by the transformers provider, gate, record."""
    from behaviorlab.models import GenerationConfig

    exs, _ = extraction_examples(airline_problems(2, seed=11, levels=(0,)))
    export_dataset(tmp_path / "data", exs, split=SplitSpec(heldout_fraction=0.0), hf=False)
    res = train_sft(
        tiny_model,
        tmp_path / "data",
        tmp_path / "adapter",
        TrainSettings(epochs=1, max_length=1536),
    )
    store = Store(store_url)
    reg = ModelRegistry(store)
    mv = register_training(reg, "tiny", res)
    assert mv.version == 2 and mv.kind == "lora-sft"
    assert reg.aliases("tiny") == {"baseline": 1, "production": 1, "candidate": 2}
    base = reg.get("tiny@baseline")
    assert model_id_for(base) == f"transformers/{Path(tiny_model).resolve()}"
    assert model_id_for(mv) == res.model_id
    assert (
        mv.manifest["data"]["hash"] == res.manifest.data.hash
        and mv.manifest["environment"]["versions"]["trl"]
    )
    out = promote(
        store,
        "tiny",
        task="airline",
        agent="l1",
        options=ScenarioOptions(source="generated", level=0, n=2, seed=5),
        model_kwargs={"config": GenerationConfig(max_tokens=8)},
    )
    assert out.verdict in ("APPROVE", "REJECT")
    assert reg.aliases("tiny")["production"] == (2 if out.verdict == "APPROVE" else 1)
    (d,) = reg.decisions("tiny")
    assert d.verdict == out.verdict and d.to_version == 2
    rows = load_results(store, out.candidate_eval)
    assert len(rows) == 2 and all(r.llm_calls >= 1 for r in rows)  # the tiny model really ran
