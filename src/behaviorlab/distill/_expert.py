"""The airline expert trajectories (``behaviorlab.tasks.airline._expert``) replayed by the
scripted model through the real L3 agent (``expert_model``): successful L3 traces of a
known structure for the distiller. Figures made from them are "expert-trajectory traces
(scripted replay)", never model runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from behaviorlab.models import Completion, Message, ScriptedModel, ToolCall
from behaviorlab.tasks.airline._data import AirlineProblem
from behaviorlab.tasks.airline._expert import (
    ExpertCall,
    ExpertStep,
    MissingFactsError,
    expert_answer,
    expert_calls,
    expert_steps,
    expert_trajectory,
)

__all__ = [
    "ExpertCall",
    "ExpertStep",
    "MissingFactsError",
    "expert_answer",
    "expert_calls",
    "expert_model",
    "expert_steps",
    "expert_trajectory",
    "react_transcript",
    "record_expert_runs",
]


def _passenger_text(messages: list[Message]) -> str:
    return next((m.content for m in messages if m.role == "user"), "")


def _calls_made(messages: list[Message]) -> int:
    return sum(1 for m in messages if m.role == "assistant")


def expert_model(
    problems: Iterable[AirlineProblem], *, name: str = "expert-replay"
) -> ScriptedModel:
    """A scripted model that replays each problem's expert trajectory through the L3 agent:
    it reads the passenger text, looks up the problem, and emits the next tool call (or the
    final answer) according to how many calls the conversation already holds. A text it
    does not know gets "Final Answer: unknown", which the L3 agent scores as wrong."""
    plans = {p.prompt: expert_steps(expert_calls(p)) for p in problems}

    def reply(messages: list[Message]) -> Completion | str:
        plan = plans.get(_passenger_text(messages))
        if plan is None:
            return "I cannot help with this one. Final Answer: unknown"
        k = _calls_made(messages)
        if k < len(plan):
            return Completion(
                tool_calls=[
                    ToolCall(id=f"call_{k}_{j}", name=c.tool, arguments=c.arguments)
                    for j, c in enumerate(plan[k])
                ]
            )
        total = plan[-1][-1].result
        return f"The total is ${total}.\nFinal Answer: {total}"

    return ScriptedModel([reply], cycle=True, name=name)


def react_transcript(problem: AirlineProblem) -> list[dict[str, Any]]:
    """The expert trajectory as OpenAI chat messages (user, assistant tool calls, tool
    results, final answer): behaviour-cloning data in the format the importers read."""
    msgs: list[dict[str, Any]] = [{"role": "user", "content": problem.prompt}]
    for k, step in enumerate(expert_steps(expert_calls(problem))):
        ids = [f"call_{k}_{j}" for j in range(len(step))]
        msgs.append(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": cid,
                        "type": "function",
                        "function": {"name": c.tool, "arguments": json.dumps(c.arguments)},
                    }
                    for cid, c in zip(ids, step, strict=True)
                ],
            }
        )
        msgs += [
            {"role": "tool", "tool_call_id": cid, "content": json.dumps(c.result)}
            for cid, c in zip(ids, step, strict=True)
        ]
    msgs.append({"role": "assistant", "content": f"Final Answer: {expert_answer(problem)}"})
    return msgs


def record_expert_runs(
    store: Any, problems: Sequence[AirlineProblem], *, label: str = "l3-expert-replay"
) -> str:
    """Run the real L3 agent driven by :func:`expert_model` on ``problems`` through the
    evaluation harness; returns the evaluation id (its traces are ordinary L3 traces)."""
    from behaviorlab.evals import EvalConfig, run_eval
    from behaviorlab.tasks import ScenarioOptions
    from behaviorlab.tasks.airline._agents import make_l3
    from behaviorlab.tasks.airline._task import problem_scenario

    scenarios = [problem_scenario(p) for p in problems]
    model_problems = list(problems)
    ids = ",".join(p.id for p in problems)
    cfg = EvalConfig(
        task="airline",
        agent=label,
        model="scripted/expert-replay",
        options=ScenarioOptions(extra={"problems": ids[:2000], "n": len(problems)}),
    )
    run = run_eval(
        cfg,
        store,
        factory=lambda: make_l3(expert_model(model_problems)),
        scenarios=scenarios,
        resume=False,
    )
    return run.record.eval_id
