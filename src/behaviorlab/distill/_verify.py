"""Verification: the distilled module and its source agent on held-out scenarios, through the
evaluation harness; ``compare`` and gate; both leak checks; the escalation shares and savings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from behaviorlab.agents import Agent
from behaviorlab.distill._escalation import EscalationReport, escalation_report
from behaviorlab.distill._leak import (
    DynamicLeakReport,
    StaticLeakReport,
    dynamic_leak_check,
    static_leak_check_file,
)
from behaviorlab.evals import (
    EvalConfig,
    GateCriteria,
    GateDecision,
    compare_evals,
    compute_metrics,
    load_agent_file,
    run_eval,
)
from behaviorlab.models import Model, get_model
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task


class VerifyReport(BaseModel):
    source_eval: str
    distilled_eval: str
    n: int
    source_accuracy: str
    distilled_accuracy: str
    verdict: str
    decision: GateDecision
    comparison: str
    static: StaticLeakReport
    dynamic: DynamicLeakReport | None = None
    escalation: EscalationReport

    @property
    def ok(self) -> bool:
        return (
            self.verdict == "APPROVE"
            and self.static.ok
            and (self.dynamic is None or self.dynamic.ok)
        )

    def to_markdown(self) -> str:
        parts = [
            f"Held-out scenarios: {self.n}. Source {self.source_accuracy} ({self.source_eval}); "
            f"distilled {self.distilled_accuracy} ({self.distilled_eval}).",
            "",
            self.comparison,
            "",
            "Escalation:",
            "",
            self.escalation.to_markdown(),
            "",
            "```",
            self.static.summary(),
            self.dynamic.summary() if self.dynamic else "dynamic leak check: skipped",
            "```",
        ]
        return "\n".join(parts)


def verify_distilled(
    workflow: str | Path,
    *,
    task: str,
    store: Store,
    model: str | None,
    options: ScenarioOptions,
    source_agent: str = "l3",
    source_factory: Callable[[], Agent] | None = None,
    allow: Iterable[str] = (),
    criteria: GateCriteria | None = None,
    dynamic_n: int = 5,
    exclude: Iterable[str] = (),
    model_kwargs: dict[str, Any] | None = None,
    model_factory: Callable[[], Model] | None = None,
) -> VerifyReport:
    """Evaluate the source agent and the distilled module on the same held-out scenarios
    (``exclude`` the ids distilled from), compare them, gate, and run both leak checks.

    The model is ``get_model(model)`` unless ``model_factory`` builds it (a scripted model in
    tests); ``source_factory`` replaces the task's ``source_agent``."""
    path = Path(workflow)
    t = get_task(task, options.task_args)
    static = static_leak_check_file(path, allow=list(allow), hidden=t.hidden_fields())
    skip = set(exclude)
    scenarios = [s for s in t.scenarios(options) if s.id not in skip]
    if not scenarios:
        raise ValueError("no held-out scenarios left to verify on")

    def make_model() -> Model:
        if model_factory is not None:
            return model_factory()
        return get_model(model or "default", **(model_kwargs or {}))

    def distilled() -> Agent:
        return load_agent_file(path, make_model())

    if source_factory is None and model_factory is not None:

        def source_factory() -> Agent:
            return t.agent(source_agent, make_model(), options)

    src = run_eval(
        EvalConfig(task=task, agent=source_agent, model=model, options=options),
        store,
        factory=source_factory,
        scenarios=scenarios,
        model_kwargs=model_kwargs,
        resume=False,
    )
    dst = run_eval(
        EvalConfig(task=task, agent=str(path), model=model, options=options),
        store,
        factory=distilled,
        scenarios=scenarios,
        resume=False,
    )
    cmp = compare_evals(store, src.record.eval_id, dst.record.eval_id, criteria)
    dynamic = None
    if dynamic_n > 0:
        dynamic = dynamic_leak_check(distilled, task, scenarios[:dynamic_n], store=store)
    return VerifyReport(
        source_eval=src.record.eval_id,
        distilled_eval=dst.record.eval_id,
        n=len(scenarios),
        source_accuracy=compute_metrics(src.results).accuracy.fmt(),
        distilled_accuracy=compute_metrics(dst.results).accuracy.fmt(),
        verdict=cmp.decision.verdict,
        decision=cmp.decision,
        comparison=cmp.to_markdown(),
        static=static,
        dynamic=dynamic,
        escalation=escalation_report(dst.results, src.results),
    )
