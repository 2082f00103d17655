"""Expert-trajectory traces for the distiller: a task's tool agent driven by a scripted replay
of its known-good trajectories (the task's ``ExpertTrajectories`` capability), run through the
evaluation harness. Figures made from them are "expert-trajectory traces (scripted replay)",
never model runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from behaviorlab.tasks import ExpertTrajectories, ScenarioOptions, capability, get_task


def record_expert_runs(
    store: Any,
    task: str,
    problems: Sequence[Any],
    *,
    label: str = "l3-expert-replay",
) -> str:
    """Run the task's agent driven by its expert replay on ``problems`` (the task's own
    problem records) through the evaluation harness; returns the evaluation id (its traces
    are ordinary agent traces)."""
    from behaviorlab.evals import EvalConfig, run_eval

    expert = capability(get_task(task), ExpertTrajectories)
    scenarios = expert.expert_scenarios(problems)
    model_problems = list(problems)
    ids = ",".join(s.id for s in scenarios)
    cfg = EvalConfig(
        task=task,
        agent=label,
        model="scripted/expert-replay",
        options=ScenarioOptions(extra={"problems": ids[:2000], "n": len(problems)}),
    )
    run = run_eval(
        cfg,
        store,
        factory=lambda: expert.expert_agent(model_problems),
        scenarios=scenarios,
        resume=False,
    )
    return run.record.eval_id
