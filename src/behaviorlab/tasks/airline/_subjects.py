"""The airline calculator and fee tools as behaviour-model subjects, in plain data
(the task's ``BehaviourSubjects`` and ``ToolMonitoring`` capabilities; ``modelize`` builds
its subjects and monitors from them).

- the ``airline`` subject: problem parameters (text) -> fee breakdown (text);
- the grammars of ``checked_bag_fee``'s and ``oversize_overweight_fee``'s JSON arguments,
  to train one monitor per tool, and the faults injected into their results;
- :class:`AirlineToolAgent`: a deterministic agent that calls the airline tools in the
  order the L3 agent's prompt prescribes; it stands in for the LLM-driven L3 agent when
  measuring the monitor without a model.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from behaviorlab.agents import Agent
from behaviorlab.tasks._capabilities import FaultSpec, SubjectSpec
from behaviorlab.tasks.airline._agents import airline_tools
from behaviorlab.tasks.airline._calculator import FeeBreakdown, compute_fee
from behaviorlab.tasks.airline._data import AirlineInfo, Bag
from behaviorlab.tasks.airline._rules import (
    CABIN_CLASSES,
    REGIONS,
    BagNotAcceptedError,
    oversize_overweight_fee,
)
from behaviorlab.tools import Tool

#: a grammar: nonterminal -> alternatives (an alternative may carry ``{"prob": p}``)
Grammar = dict[str, list[Any]]


def _numbers(lo: int, hi: int) -> list[str]:
    return [str(i) for i in range(lo, hi + 1)]


def airline_grammar() -> Grammar:
    return {
        "<start>": [
            "class: <class>\nregion: <region>\ndirection: <dir>\nticket: <price>\ncarry-on: <carry><bags>"
        ],
        "<class>": list(CABIN_CLASSES),
        "<region>": list(REGIONS),
        "<dir>": ["0", "1"],
        "<price>": ["<d1><d0><d0>", "<d1><d0><d0><d0>"],
        "<d1>": list("123456789"),
        "<d0>": list("0123456789"),
        "<carry>": ["<small>x<small>x<small> <light>"],
        "<bags>": [
            ("", {"prob": 0.1}),
            ("<bag>", {"prob": 0.35}),
            ("<bag><bag>", {"prob": 0.35}),
            "<bag><bag><bag>",
        ],
        "<bag>": ["\nbag: <len>x<wid>x<hgt> <weight>"],
        "<small>": _numbers(6, 22),
        "<light>": _numbers(3, 15),
        "<len>": _numbers(18, 45),
        "<wid>": _numbers(12, 35),
        "<hgt>": _numbers(8, 30),
        "<weight>": _numbers(10, 99),
    }


#: numbers are behaviour here (sizes and weights decide fees), so only the ticket
#: price, which is copied through, is a leaf
AIRLINE_LEXER: list[tuple[str, str | None]] = [
    (r"(?<=ticket: )\d+", "N"),
    (r"[A-Za-z.-]+(?: [A-Z][A-Za-z.]*)*", None),
    (r"\d+", None),
    (r"\n", None),
    (r" +", None),
]

_LINE = re.compile(r"^(\w[\w-]*): (.*)$")


def parse_airline_text(text: str) -> AirlineInfo:
    fields: dict[str, str] = {}
    bags: list[Any] = []
    for line in text.strip().splitlines():
        m = _LINE.match(line.strip())
        if not m:
            raise ValueError(f"cannot read line {line!r}")
        key, value = m.groups()
        if key in ("carry-on", "bag"):
            dims, _, weight = value.partition(" ")
            size = tuple(int(x) for x in dims.split("x"))
            name = "backpack" if key == "carry-on" else "luggage box"
            bags.append(Bag(id=len(bags) + 1, name=name, size=size, weight=int(weight)))
        else:
            fields[key] = value
    try:
        return AirlineInfo(
            base_price=int(fields["ticket"]),
            customer_class=fields["class"],
            routine=fields["region"],
            direction=int(fields["direction"]),
            bag_list=bags,
        )
    except (KeyError, ValueError) as e:
        raise ValueError(f"bad airline parameters: {e}") from e


def airline_text(info: AirlineInfo) -> str:
    """The input format of the ``airline`` subject (what its grammar generates)."""
    lines = [
        f"class: {info.customer_class}",
        f"region: {info.routine}",
        f"direction: {info.direction}",
        f"ticket: {info.base_price}",
    ]
    for i, bag in enumerate(info.bag_list):
        key = "carry-on" if i == 0 else "bag"
        lines.append(f"{key}: {'x'.join(map(str, bag.size))} {bag.weight}")
    return "\n".join(lines)


def breakdown_text(fb: FeeBreakdown) -> str:
    """One line per checked bag, the bag fees, the ticket; the grand total is their sum."""
    lines = [
        f"bag {c.bag_id}: slot {c.slot} base {c.base_fee} surcharge {c.surcharge} total {c.total}"
        for c in fb.bags
    ]
    lines.append(f"bag fees: {sum(c.total for c in fb.bags)}")
    lines.append(f"ticket: {fb.ticket}")
    return "\n".join(lines)


def airline_subject() -> SubjectSpec:
    """The airline baggage calculator: problem parameters -> fee breakdown."""

    def run(text: str) -> str:
        try:
            return breakdown_text(compute_fee(parse_airline_text(text)))
        except BagNotAcceptedError as e:
            raise ValueError(str(e)) from e

    return SubjectSpec(
        "airline",
        run,
        airline_grammar(),
        AIRLINE_LEXER,
        AIRLINE_LEXER,
        description="airline baggage calculator: parameters -> fee breakdown",
    )


# the agent's tools as subjects ------------------------------------------------------


def _json_grammar(fields: dict[str, str], extra: Grammar) -> Grammar:
    """A grammar of JSON objects with sorted keys (as the monitors encode arguments)."""
    body = ", ".join(f'"{k}": {v}' for k, v in sorted(fields.items()))
    return {"<start>": ["{" + body + "}"], **extra}


def _quoted(values: list[str]) -> list[str]:
    return [json.dumps(v) for v in values]


def airline_tool_grammars() -> dict[str, Grammar]:
    common: Grammar = {
        "<region>": _quoted(list(REGIONS)),
        "<class>": _quoted(list(CABIN_CLASSES)),
    }
    return {
        "checked_bag_fee": _json_grammar(
            {
                "region": "<region>",
                "direction": "<dir>",
                "cabin_class": "<class>",
                "bag_number": "<n>",
            },
            {**common, "<dir>": ["0", "1"], "<n>": ["1", "2", "3", "4", "5"]},
        ),
        "oversize_overweight_fee": _json_grammar(
            {
                "region": "<region>",
                "cabin_class": "<class>",
                "length_plus_width_plus_height": "<size>",
                "weight_lbs": "<weight>",
                "complimentary": "<bool>",
            },
            {
                **common,
                "<size>": _numbers(40, 115),
                "<weight>": _numbers(5, 100),
                "<bool>": ["true", "false"],
            },
        ),
    }


#: fee values the schedule uses: a fault returning one of these is plausible, not garbage
_FEES = ("0", "30", "35", "40", "45", "50", "75", "100", "150", "200")


def _plausible_wrong_fee(out: str, rng: random.Random) -> str | None:
    if not out.isdigit():
        return None
    return rng.choice([f for f in _FEES if f != out])


def _fee_off_by_one(out: str, rng: random.Random) -> str | None:
    return str(int(out) + rng.choice((-1, 1))) if out.isdigit() else None


AIRLINE_TOOL_FAULTS: dict[str, FaultSpec] = {
    f.name: f
    for f in (
        FaultSpec("off_by_one", "a fee one dollar off", _fee_off_by_one),
        FaultSpec(
            "wrong_fee", "another fee from the schedule (a wrong table row)", _plausible_wrong_fee
        ),
    )
}


class AirlineToolAgent(Agent):
    """Follows the L3 agent's procedure with plain code, calling the real tools through ``invoke``.

    Input: an ``AirlineProblem`` with ``origin``, ``destination`` and ``info``. Every tool
    call is recorded in the run's ``Result.tool_calls`` as an LLM agent's would be.
    """

    level = "L0"
    name = "airline-tools"

    def __init__(self, tools: list[Tool] | None = None) -> None:
        # the surcharge goes through oversize_overweight_fee, the function the L3 agent's
        # bag_surcharge wraps: its input (one size sum) is what the behaviour model learns
        default = [*airline_tools(), Tool(oversize_overweight_fee)]
        self.tools = {t.name: t for t in (tools or default)}

    def _call(self, name: str, **arguments: Any) -> Any:
        res = self.tools[name].invoke(
            json.loads(json.dumps(arguments, sort_keys=True, default=str))
        )
        if not res.ok:
            raise RuntimeError(res.error)
        return json.loads(res.content)

    def _run(self, input: Any) -> Any:
        info = input.info
        region, direction = self._call(
            "region_of_route", origin=input.origin, destination=input.destination
        )
        bags = [
            {
                "length": b.size[0],
                "width": b.size[1],
                "height": b.size[2],
                "weight": b.weight,
            }
            for b in info.checked_bags
        ]
        numbers = self._call(
            "best_checked_bag_numbers",
            region=region,
            direction=direction,
            cabin_class=info.customer_class,
            bags=bags,
        )
        fees = []
        for bag, n in zip(info.checked_bags, numbers, strict=True):
            base = int(
                self._call(
                    "checked_bag_fee",
                    region=region,
                    direction=direction,
                    cabin_class=info.customer_class,
                    bag_number=n,
                )
            )
            extra = int(
                self._call(
                    "oversize_overweight_fee",
                    region=region,
                    cabin_class=info.customer_class,
                    length_plus_width_plus_height=bag.total_size,
                    weight_lbs=bag.weight,
                    complimentary=base == 0,
                )
            )
            fees.append(base + extra)
        total = self._call("calculator", expression=" + ".join(map(str, [info.base_price, *fees])))
        return int(total)
