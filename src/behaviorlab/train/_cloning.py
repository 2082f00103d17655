"""Behaviour cloning for the airline L3 agent: the L0 program's tool calls as ReAct steps.

The expert follows the L3 system prompt's procedure with the agent's own tools, calling
them for real, so every observation is exactly what the agent would see. Calls that do not
depend on each other go in one step (one ``<tool_call>`` line each), which keeps a 10-bag
problem within the agent's step limit: region, bag numbers, base fees, surcharges, sum,
answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from behaviorlab.models import Message, ToolCall
from behaviorlab.tasks.airline import AirlineProblem, ExtractionError, total_cost
from behaviorlab.tasks.airline._agents import L3_SYSTEM, airline_tools
from behaviorlab.tools import ToolRegistry
from behaviorlab.train._airline import labelled_target
from behaviorlab.train._records import ChatMessage, TrainingExample
from behaviorlab.train._render import render_messages


class _Expert:
    def __init__(self) -> None:
        self.tools = ToolRegistry(airline_tools())
        self.messages: list[Message] = []
        self._n = 0

    def step(self, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        tcs = []
        for name, args in calls:
            self._n += 1
            tcs.append(ToolCall(id=f"call_{self._n}", name=name, arguments=args))
        self.messages.append(Message.assistant("", tcs))
        values = []
        for tc in tcs:
            r = self.tools.call(tc)
            if not r.ok:
                raise ExtractionError(f"expert call {tc.name}({tc.arguments}) failed: {r.error}")
            self.messages.append(Message.tool(r.content, tc.id, tc.name))
            values.append(_value(r.content))
        return values


def _value(content: str) -> Any:
    import json

    try:
        return json.loads(content)
    except json.JSONDecodeError:
        return content


def react_messages(problem: AirlineProblem, system_prompt: str = L3_SYSTEM) -> list[Message]:
    """The whole expert conversation (system, question, steps, final answer) as agent messages."""
    target = labelled_target(problem)
    ex = _Expert()
    ex.messages = [Message.system(system_prompt), Message.user(problem.prompt)]
    ((region, direction),) = ex.step(
        [
            (
                "region_of_route",
                {"origin": target.origin_city, "destination": target.destination_city},
            )
        ]
    )
    cls = target.customer_class
    bags = [b.model_dump() for b in target.checked_bags]
    fees: list[int] = []
    surcharges: list[int] = []
    if bags:
        (numbers,) = ex.step(
            [
                (
                    "best_checked_bag_numbers",
                    {"region": region, "direction": direction, "cabin_class": cls, "bags": bags},
                )
            ]
        )
        fees = ex.step(
            [
                (
                    "checked_bag_fee",
                    {"region": region, "direction": direction, "cabin_class": cls, "bag_number": n},
                )
                for n in numbers
            ]
        )
        surcharges = ex.step(
            [
                (
                    "oversize_overweight_fee",
                    {
                        "region": region,
                        "cabin_class": cls,
                        "length_plus_width_plus_height": b["length"] + b["width"] + b["height"],
                        "weight_lbs": b["weight"],
                        "complimentary": fee == 0,
                    },
                )
                for b, fee in zip(bags, fees, strict=True)
            ]
        )
    expression = " + ".join(str(v) for v in [target.ticket_price, *fees, *surcharges])
    (total,) = ex.step([("calculator", {"expression": expression})])
    assert problem.info is not None
    if round(float(total)) != total_cost(problem.info):
        raise ExtractionError(f"{problem.id}: expert total {total} != {total_cost(problem.info)}")
    ex.messages.append(Message.assistant(f"Final Answer: {round(float(total))}"))
    return ex.messages


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


def step_examples(example: TrainingExample) -> list[TrainingExample]:
    """A multi-turn example cut into one single-completion example per assistant step (for
    trainers or providers that take prompt/completion pairs only)."""
    out: list[TrainingExample] = []
    history: list[ChatMessage] = list(example.prompt)
    for m in example.completion:
        if m.role == "assistant":
            out.append(example.model_copy(update={"prompt": list(history), "completion": [m]}))
        history.append(m)
    return out
