"""Registry glue and promotion: trained models get versions and aliases; ``promote`` runs
both arms on one fixed scenario set, gates the candidate, and moves the alias only on APPROVE.

Aliases: ``baseline`` (the untrained base), ``candidate`` (the latest training run),
``production`` (what serves), ``rollout`` (a candidate serving a share of calls).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from behaviorlab.agents import Agent
from behaviorlab.evals import (
    CompareReport,
    EvalConfig,
    GateCriteria,
    compare_evals,
    load_results,
    run_eval,
)
from behaviorlab.models import Model, get_model
from behaviorlab.registry import Decision, ModelRegistry, ModelVersion, RegistryError
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.train._rollout import RolloutAgent
from behaviorlab.train._trainer import TrainResult

AgentMaker = Callable[[ModelVersion], Agent]


def base_model_id(source: str) -> str:
    """The id that serves a base model through the same provider as its adapters: a path or
    a packaged name goes to ``transformers/``; a ``provider/model`` id stays as it is."""
    provider = source.split("/", 1)[0]
    if not Path(source).exists() and provider in ("transformers", "llamacpp", "openai", "scripted"):
        return source
    return f"transformers/{source}"


def model_id_for(mv: ModelVersion) -> str:
    mid = mv.manifest.get("model_id")
    if isinstance(mid, str) and mid:
        return mid
    if mv.kind == "gguf":
        return f"llamacpp/{mv.path}"
    return f"transformers/{mv.path}"


def model_for_version(mv: ModelVersion, **kwargs: Any) -> Model:
    return get_model(model_id_for(mv), **kwargs)


def register_training(
    registry: ModelRegistry, name: str, result: TrainResult, *, alias: str | None = "candidate"
) -> ModelVersion:
    """Register a training run (and, for a new name, its base as ``baseline`` and
    ``production`` first, so the candidate has something to be compared with)."""
    m = result.manifest
    if not registry.versions(name):
        base = registry.register(
            name,
            m.base_model,
            {"model_id": base_model_id(m.base_model), "role": "base", "source": m.base_model},
            kind="base",
        )
        registry.set_alias(name, "baseline", base.version)
        registry.set_alias(name, "production", base.version)
    mv = registry.register(
        name,
        result.output_dir,
        {
            "model_id": result.model_id,
            **m.model_dump(mode="json", exclude={"metrics"}),
            "metrics": _slim(m.metrics),
        },
        kind=f"lora-{result.method}",
    )
    if alias:
        registry.set_alias(name, alias, mv.version)
    return mv


def _slim(metrics: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in metrics.items() if k != "log"} | {
        "log_points": len(metrics.get("log", []))
    }


class RolloutSummary(BaseModel):
    percent: float
    eval_id: str
    served: dict[str, int]


class PromotionResult(BaseModel):
    name: str
    alias: str
    candidate: ModelVersion
    current: ModelVersion
    current_eval: str
    candidate_eval: str
    report: CompareReport
    decision: Decision
    moved: bool
    rollout: RolloutSummary | None = None

    @property
    def verdict(self) -> str:
        return self.decision.verdict


def _default_maker(
    task_name: str, agent: str, options: ScenarioOptions, model_kwargs: dict[str, Any]
) -> AgentMaker:
    task = get_task(task_name, options.task_args)

    def make(mv: ModelVersion) -> Agent:
        return task.agent(agent, model_for_version(mv, **model_kwargs), options)

    return make


def promote(
    store: Store,
    name: str,
    *,
    candidate: str = "candidate",
    alias: str = "production",
    task: str,
    agent: str = "l1",
    options: ScenarioOptions | None = None,
    criteria: GateCriteria | None = None,
    repeats: int = 1,
    seed: int = 0,
    make_agent: AgentMaker | None = None,
    model_kwargs: dict[str, Any] | None = None,
    rollout_percent: float | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> PromotionResult:
    """Evaluate ``name@alias`` and ``name@candidate`` on the same scenarios, gate, record.

    On APPROVE the alias moves to the candidate, unless ``rollout_percent`` is given: then the
    ``rollout`` alias points at the candidate and the scenario set is served once more through
    a :class:`RolloutAgent` so the store shows which arm answered each call.
    """
    registry = ModelRegistry(store)
    opts = options or ScenarioOptions()
    cand = registry.get(candidate if "@" in candidate else f"{name}@{candidate}")
    try:
        cur = registry.get(f"{name}@{alias}")
    except RegistryError:
        cur = registry.get(f"{name}@baseline")
    if cur.version == cand.version:
        raise ValueError(f"{name}@{alias} is already version {cand.version}")
    maker = make_agent or _default_maker(task, agent, opts, model_kwargs or {})
    say = on_progress or (lambda _m: None)
    evals: dict[str, str] = {}
    for arm, mv in (("current", cur), ("candidate", cand)):
        say(f"evaluating {mv.ref} ({arm})")
        cfg = EvalConfig(
            task=task,
            agent=agent,
            model=model_id_for(mv),
            options=opts,
            repeats=repeats,
            seed=seed,
        )
        run = run_eval(cfg, store, factory=_bind(maker, mv), resume=False)
        evals[arm] = run.record.eval_id
    report = compare_evals(
        store, evals["current"], evals["candidate"], criteria or GateCriteria(), seed=seed
    )
    verdict = report.decision.verdict
    moved = False
    summary: RolloutSummary | None = None
    if verdict == "APPROVE":
        if rollout_percent is None:
            registry.set_alias(name, alias, cand.version)
            moved = True
        else:
            registry.set_alias(name, "rollout", cand.version)
            say(f"serving {rollout_percent:g}% through {cand.ref}")
            summary = _rollout_eval(
                store, task, agent, opts, seed, maker, cur, cand, rollout_percent
            )
    decision = Decision(
        name=name,
        alias=alias if rollout_percent is None else "rollout",
        from_version=cur.version,
        to_version=cand.version,
        verdict=verdict,
        reasons=report.decision.reasons,
        details={
            "moved": moved,
            "task": task,
            "agent": agent,
            "options": opts.model_dump(),
            "current_eval": evals["current"],
            "candidate_eval": evals["candidate"],
            "accuracy": [report.comparison.baseline.accuracy, report.comparison.candidate.accuracy],
            "rollout": summary.model_dump() if summary else None,
            "criteria": (criteria or GateCriteria()).model_dump(),
        },
        created_at=time.time(),
    )
    registry.record_decision(decision)
    return PromotionResult(
        name=name,
        alias=alias,
        candidate=cand,
        current=cur,
        current_eval=evals["current"],
        candidate_eval=evals["candidate"],
        report=report,
        decision=decision,
        moved=moved,
        rollout=summary,
    )


def _bind(maker: AgentMaker, mv: ModelVersion) -> Callable[[], Agent]:
    return lambda: maker(mv)


def _rollout_eval(
    store: Store,
    task: str,
    agent: str,
    opts: ScenarioOptions,
    seed: int,
    maker: AgentMaker,
    cur: ModelVersion,
    cand: ModelVersion,
    percent: float,
) -> RolloutSummary:
    cfg = EvalConfig(
        task=task,
        agent=f"{agent}+rollout",
        model=f"rollout/{cur.ref}|{cand.ref}@{percent:g}%",
        options=opts,
        seed=seed,
    )

    def factory() -> Agent:
        return RolloutAgent(
            maker(cur),
            maker(cand),
            percent,
            name=f"rollout-{agent}",
            versions={"production": cur.ref, "candidate": cand.ref},
        )

    run = run_eval(cfg, store, factory=factory, resume=False)
    served: dict[str, int] = {"production": 0, "candidate": 0}
    for r in load_results(store, run.record.eval_id):
        arm = r.extra.get("arm")
        if arm in served:
            served[arm] += 1
    return RolloutSummary(percent=percent, eval_id=run.record.eval_id, served=served)
