"""Behaviour cloning for the airline L3 agent: the expert trajectories (``_expert``, the same
ones the distiller replays) as ReAct steps.

The expert follows the L3 system prompt's procedure with the agent's own tools, calling
them for real, so every observation is exactly what the agent would see. Calls that do not
depend on each other go in one step (one ``<tool_call>`` line each), which keeps a 10-bag
problem within the agent's step limit: region, bag numbers, base fees, surcharges, sum,
answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from behaviorlab.models import Message, ToolCall, TrainingExample, render_messages
from behaviorlab.tasks.airline._agents import L3_SYSTEM, airline_tools
from behaviorlab.tasks.airline._calculator import total_cost
from behaviorlab.tasks.airline._data import AirlineProblem
from behaviorlab.tasks.airline._expert import (
    MissingFactsError,
    expert_answer,
    expert_calls,
    expert_steps,
)
from behaviorlab.tasks.airline._extraction import ExtractionError
from behaviorlab.tasks.airline._training import labelled_target
from behaviorlab.tools import ToolRegistry


def react_messages(problem: AirlineProblem, system_prompt: str = L3_SYSTEM) -> list[Message]:
    """The whole expert conversation (system, question, steps, final answer) as agent messages.

    The steps are :func:`expert_calls` grouped by tool; every call is made for real through
    the agent's own tool registry, so each observation is exactly what the agent would see,
    and is checked against the expert's value. The target must also pass the L0 labeller
    (``labelled_target``); either failure raises ``ExtractionError``.
    """
    labelled_target(problem)
    try:
        steps = expert_steps(expert_calls(problem))
    except MissingFactsError as e:
        raise ExtractionError(str(e)) from e
    tools = ToolRegistry(airline_tools())
    messages = [Message.system(system_prompt), Message.user(problem.prompt)]
    n = 0
    for step in steps:
        calls = []
        for c in step:
            n += 1
            calls.append(ToolCall(id=f"call_{n}", name=c.tool, arguments=c.arguments))
        messages.append(Message.assistant("", calls))
        for tc, c in zip(calls, step, strict=True):
            r = tools.call(tc)
            if not r.ok:
                raise ExtractionError(f"expert call {tc.name}({tc.arguments}) failed: {r.error}")
            if _value(r.content) != c.result:
                raise ExtractionError(
                    f"{problem.id}: tool {tc.name} returned {r.content}, the expert {c.result}"
                )
            messages.append(Message.tool(r.content, tc.id, tc.name))
    total = expert_answer(problem)
    assert problem.info is not None
    if total != total_cost(problem.info):
        raise ExtractionError(f"{problem.id}: expert total {total} != {total_cost(problem.info)}")
    messages.append(Message.assistant(f"Final Answer: {total}"))
    return messages


def _value(content: str) -> Any:
    try:
        value = json.loads(content)
    except json.JSONDecodeError:
        return content
    # the calculator returns a float for a whole-dollar sum; compare like the agent reads it
    return int(value) if isinstance(value, float) and value.is_integer() else value


def cloning_example(problem: AirlineProblem, system_prompt: str = L3_SYSTEM) -> TrainingExample:
    """One multi-turn example: the loss covers the assistant steps, not the observations."""
    msgs = react_messages(problem, system_prompt)
    specs = ToolRegistry(airline_tools()).specs()
    chat = render_messages(msgs, specs)
    return TrainingExample(
        prompt=chat[:2],
        completion=chat[2:],
        input=problem.prompt,
        source="generated",
        task="airline",
        agent="airline-l3",
        scenario_id=problem.id,
        label=f"level={problem.level} · {problem.template}",
        score=1.0,
        metadata={
            "level": problem.level,
            "template": problem.template,
            "steps": sum(m.role == "assistant" for m in chat),
        },
    )


def cloning_examples(problems: Sequence[AirlineProblem]) -> list[TrainingExample]:
    out = []
    for p in problems:
        try:
            out.append(cloning_example(p))
        except ExtractionError:
            continue
    return out
