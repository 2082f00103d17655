"""Expert trajectories for the airline task: the L0 program's computation as L3 tool calls.

``expert_calls(problem)`` is the sequence of calls (with results) a perfect ReAct agent
makes with the airline tools: region, bag numbering, per-bag fees, calculator. It is the
one definition both consumers build on: the scripted replay (``expert_model``: the real L3
agent driven through the trajectory, successful traces for the distiller; figures made from
them are "expert-trajectory traces (scripted replay)", never model runs) and the
behaviour-cloning data (``cloning_examples``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from behaviorlab.models import Completion, Message, ScriptedModel, ToolCall
from behaviorlab.tasks.airline._calculator import best_checked_bag_numbers
from behaviorlab.tasks.airline._data import AirlineProblem
from behaviorlab.tasks.airline._extraction import CheckedBag
from behaviorlab.tasks.airline._geo import region_of_route
from behaviorlab.tasks.airline._rules import bag_surcharge, checked_bag_fee


class ExpertCall(NamedTuple):
    """One call of an expert trajectory: ``(tool, arguments)``."""

    tool: str
    arguments: dict[str, Any]


class ExpertStep(NamedTuple):
    """A call with the result the tool returns for it."""

    tool: str
    arguments: dict[str, Any]
    result: Any


class MissingFactsError(ValueError):
    """The problem lacks the hidden facts (info, cities) an expert trajectory is computed from."""


def expert_trajectory(problem: AirlineProblem) -> list[ExpertCall]:
    """The tool calls ``(tool, arguments)`` that compute ``problem``'s total (see ``expert_calls``)."""
    return [ExpertCall(c.tool, c.arguments) for c in expert_calls(problem)]


def expert_calls(problem: AirlineProblem) -> list[ExpertStep]:
    """The tool calls (with their results) that compute ``problem``'s total, in ReAct order:
    region_of_route, best_checked_bag_numbers, checked_bag_fee for every checked bag,
    bag_surcharge for every checked bag, then one calculator sum (ticket + fees +
    surcharges), each with its result."""
    info, origin, destination = problem.info, problem.origin, problem.destination
    if info is None or origin is None or destination is None:
        raise MissingFactsError(f"problem {problem.id} lacks info or its cities")
    calls: list[ExpertStep] = []
    region, direction = region_of_route(origin, destination)
    calls.append(
        ExpertStep(
            "region_of_route", {"origin": origin, "destination": destination}, [region, direction]
        )
    )
    cls = info.customer_class
    bags = [
        CheckedBag(length=b.size[0], width=b.size[1], height=b.size[2], weight=b.weight)
        for b in info.checked_bags
    ]
    numbers = best_checked_bag_numbers(region, direction, cls, bags)
    calls.append(
        ExpertStep(
            "best_checked_bag_numbers",
            {
                "region": region,
                "direction": direction,
                "cabin_class": cls,
                "bags": [b.model_dump() for b in bags],
            },
            numbers,
        )
    )
    # one ReAct step per tool (all bags at once), so level 2's ten bags fit the L3 step limit
    fees = [checked_bag_fee(region, direction, cls, number) for number in numbers]
    for number, fee in zip(numbers, fees, strict=True):
        calls.append(
            ExpertStep(
                "checked_bag_fee",
                {
                    "region": region,
                    "direction": direction,
                    "cabin_class": cls,
                    "bag_number": number,
                },
                fee,
            )
        )
    surcharges = []
    for bag, fee in zip(bags, fees, strict=True):
        surcharge = bag_surcharge(
            region, cls, bag.length, bag.width, bag.height, bag.weight, fee == 0
        )
        surcharges.append(surcharge)
        calls.append(
            ExpertStep(
                "bag_surcharge",
                {
                    "region": region,
                    "cabin_class": cls,
                    "length": bag.length,
                    "width": bag.width,
                    "height": bag.height,
                    "weight_lbs": bag.weight,
                    "complimentary": fee == 0,
                },
                surcharge,
            )
        )
    terms = [info.base_price, *fees, *surcharges]
    calls.append(
        ExpertStep("calculator", {"expression": " + ".join(str(t) for t in terms)}, sum(terms))
    )
    return calls


def expert_answer(problem: AirlineProblem) -> int:
    return int(expert_calls(problem)[-1].result)


def expert_steps(calls: Sequence[ExpertStep]) -> list[list[ExpertStep]]:
    """The calls grouped into ReAct steps: consecutive calls of one tool go in one step."""
    steps: list[list[ExpertStep]] = []
    for c in calls:
        if steps and steps[-1][0].tool == c.tool:
            steps[-1].append(c)
        else:
            steps.append([c])
    return steps


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
