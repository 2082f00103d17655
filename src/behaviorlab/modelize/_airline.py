"""The airline calculator as a subject, and its tools as subjects for monitoring the airline agent.

Imported lazily (``behaviorlab.tasks.airline`` is only needed when these are used).

- ``airline`` subject: problem parameters (text) -> fee breakdown (text);
- :func:`airline_tool_subjects`: ``checked_bag_fee`` and ``oversize_overweight_fee`` as
  subjects over their JSON arguments, to train one monitor per tool;
- :class:`AirlineToolAgent`: a deterministic agent that calls the airline tools in the
  order the L3 agent's prompt prescribes; it stands in for the LLM-driven L3 agent when
  measuring the monitor without a model (the L3 agent can be passed instead).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from behaviorlab.agents import Agent
from behaviorlab.modelize._abstraction import Lexer, LexRule
from behaviorlab.modelize._agents import (
    JSON_LEXER,
    AgentMonitor,
    AgentMonitorReport,
    encode_arguments,
    evaluate_agent_monitor,
    tool_pairs,
    tool_subject,
)
from behaviorlab.modelize._config import EpochLog, ModelConfig, TrainConfig
from behaviorlab.modelize._evaluate import evaluate_accuracy, train_model
from behaviorlab.modelize._faults import Fault
from behaviorlab.modelize._grammar import Grammar
from behaviorlab.modelize._monitor import Monitor
from behaviorlab.modelize._subjects import FunctionSubject, Subject, SubjectError
from behaviorlab.modelize._synth import split_pairs

if TYPE_CHECKING:
    from behaviorlab.agents import Result
    from behaviorlab.tasks.airline import AirlineInfo, FeeBreakdown
    from behaviorlab.tools import Tool


def _airline() -> Any:
    import behaviorlab.tasks.airline as airline

    return airline


def _numbers(lo: int, hi: int) -> list[str]:
    return [str(i) for i in range(lo, hi + 1)]


def airline_grammar() -> Grammar:
    a = _airline()
    return {
        "<start>": [
            "class: <class>\nregion: <region>\ndirection: <dir>\nticket: <price>\ncarry-on: <carry><bags>"
        ],
        "<class>": list(a.CABIN_CLASSES),
        "<region>": list(a.REGIONS),
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
AIRLINE_LEXER = Lexer(
    rules=[
        LexRule(pattern=r"(?<=ticket: )\d+", leaf="N"),
        LexRule(pattern=r"[A-Za-z.-]+(?: [A-Z][A-Za-z.]*)*"),
        LexRule(pattern=r"\d+"),
        LexRule(pattern=r"\n"),
        LexRule(pattern=r" +"),
    ]
)

_LINE = re.compile(r"^(\w[\w-]*): (.*)$")


def parse_airline_text(text: str) -> AirlineInfo:
    a = _airline()
    fields: dict[str, str] = {}
    bags: list[Any] = []
    for line in text.strip().splitlines():
        m = _LINE.match(line.strip())
        if not m:
            raise SubjectError(f"cannot read line {line!r}")
        key, value = m.groups()
        if key in ("carry-on", "bag"):
            dims, _, weight = value.partition(" ")
            size = tuple(int(x) for x in dims.split("x"))
            name = "backpack" if key == "carry-on" else "luggage box"
            bags.append(a.Bag(id=len(bags) + 1, name=name, size=size, weight=int(weight)))
        else:
            fields[key] = value
    try:
        return a.AirlineInfo(  # type: ignore[no-any-return]
            base_price=int(fields["ticket"]),
            customer_class=fields["class"],
            routine=fields["region"],
            direction=int(fields["direction"]),
            bag_list=bags,
        )
    except (KeyError, ValueError) as e:
        raise SubjectError(f"bad airline parameters: {e}") from e


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


def airline_subject() -> Subject:
    """The airline baggage calculator: problem parameters -> fee breakdown."""
    a = _airline()

    def run(text: str) -> str:
        try:
            return breakdown_text(a.compute_fee(parse_airline_text(text)))
        except a.BagNotAcceptedError as e:
            raise SubjectError(str(e)) from e

    return FunctionSubject(
        "airline",
        run,
        airline_grammar(),
        AIRLINE_LEXER,
        AIRLINE_LEXER,
        description="airline baggage calculator: parameters -> fee breakdown",
    )


# the agent's tools as subjects ------------------------------------------------------


def _json_grammar(fields: dict[str, str], extra: Grammar) -> Grammar:
    """A grammar of JSON objects with sorted keys (as ``encode_arguments`` writes them)."""
    body = ", ".join(f'"{k}": {v}' for k, v in sorted(fields.items()))
    return {"<start>": ["{" + body + "}"], **extra}


def _quoted(values: list[str]) -> list[str]:
    return [json.dumps(v) for v in values]


def airline_tool_grammars() -> dict[str, Grammar]:
    a = _airline()
    common: Grammar = {
        "<region>": _quoted(list(a.REGIONS)),
        "<class>": _quoted(list(a.CABIN_CLASSES)),
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


def airline_tool_subjects(tools: dict[str, Tool]) -> dict[str, Subject]:
    """The monitored airline tools as subjects (``tools`` by name, as the agent holds them)."""
    return {
        name: tool_subject(tools[name], g, lexer=JSON_LEXER)
        for name, g in airline_tool_grammars().items()
    }


#: fee values the schedule uses: a fault returning one of these is plausible, not garbage
_FEES = ("0", "30", "35", "40", "45", "50", "75", "100", "150", "200")


def _plausible_wrong_fee(out: str, rng: random.Random) -> str | None:
    if not out.isdigit():
        return None
    return rng.choice([f for f in _FEES if f != out])


def _fee_off_by_one(out: str, rng: random.Random) -> str | None:
    return str(int(out) + rng.choice((-1, 1))) if out.isdigit() else None


AIRLINE_TOOL_FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("off_by_one", "a fee one dollar off", _fee_off_by_one),
        Fault(
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
        from behaviorlab.tasks.airline._agents import airline_tools
        from behaviorlab.tools import Tool

        # the surcharge goes through oversize_overweight_fee, the function the L3 agent's
        # bag_surcharge wraps: its input (one size sum) is what the behaviour model learns
        default = [*airline_tools(), Tool(_airline().oversize_overweight_fee)]
        self.tools = {t.name: t for t in (tools or default)}

    def _call(self, name: str, **arguments: Any) -> Any:
        res = self.tools[name].invoke(json.loads(encode_arguments(arguments)))
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


# measuring the monitor on the airline agent ---------------------------------------------


class ToolModelReport(BaseModel):
    tool: str
    pairs: int
    parameters: int
    exact: float
    threshold: float
    calibrated_on: str


class AirlineMonitorReport(BaseModel):
    tools: list[ToolModelReport]
    runs: list[AgentMonitorReport]


def build_airline_monitor(
    tools: dict[str, Tool],
    *,
    pairs: int = 4000,
    calibrate: int = 1000,
    test: int = 500,
    false_alarm_rate: float = 0.005,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    seed: int = 0,
    clean_runs: Sequence[Result] | None = None,
    on_epoch: Callable[[str, EpochLog], None] | None = None,
) -> tuple[AgentMonitor, list[ToolModelReport]]:
    """One forward model and calibrated monitor per fee tool, from synthesized arguments.

    The thresholds come from the tool calls of ``clean_runs`` (recorded agent runs: the
    arguments the agent really passes), else from synthesized held-out pairs;
    ``checked_bag_fee`` has a finite language (1,260 argument sets), so its model learns
    the whole table. ``false_alarm_rate`` is per call: a run makes several calls, so its
    own rate is higher.
    """
    mcfg = model_config or ModelConfig(d_model=128, nhead=4, ffn=512, max_len=64)
    tcfg = train_config or TrainConfig(epochs=60, batch_size=32, lr=1e-3, patience=8)
    monitors: dict[str, Monitor] = {}
    reports: list[ToolModelReport] = []
    for name, subject in airline_tool_subjects(tools).items():
        sets = split_pairs(
            subject, {"train": pairs, "calibrate": calibrate, "test": test}, seed=seed
        )
        model = train_model(
            subject,
            sets["train"],
            model_config=mcfg,
            train_config=tcfg,
            on_epoch=(lambda e, name=name: on_epoch(name, e)) if on_epoch else None,  # type: ignore[misc]
        )
        held_out = bool(sets["calibrate"]) and bool(sets["test"])
        test_set = sets["test"] if held_out else sets["train"]
        if clean_runs:
            cal, where = tool_pairs(clean_runs, name), "calls of clean agent runs"
        elif held_out:
            cal, where = sets["calibrate"], "held-out pairs"
        else:
            cal, where = sets["train"], "the whole (finite) table"
        mon = Monitor(model, subject)
        c = mon.calibrate([p.input for p in cal], [p.output for p in cal], false_alarm_rate)
        acc = evaluate_accuracy(model, test_set, latency_items=0)
        monitors[name] = mon
        reports.append(
            ToolModelReport(
                tool=name,
                pairs=len(sets["train"]),
                parameters=model.parameters,
                exact=acc.exact,
                threshold=c.threshold,
                calibrated_on=where,
            )
        )
    return AgentMonitor(monitors), reports


def evaluate_airline_monitor(
    agent: AirlineToolAgent | None = None,
    *,
    runs: int = 100,
    level: int = 0,
    faulty_tools: tuple[str, ...] = ("checked_bag_fee", "oversize_overweight_fee"),
    faults: tuple[str, ...] = ("wrong_fee", "off_by_one"),
    rate: float = 0.5,
    calibration_runs: int = 100,
    seed: int = 0,
    **build: Any,
) -> AirlineMonitorReport:
    """Faults injected into one tool at a time; share of faulty runs flagged and steps located.

    ``agent`` must call the tools in ``agent.tools`` (the default :class:`AirlineToolAgent`
    does; for the LLM-driven L3 agent build the monitor from that agent's own tools and call
    :func:`evaluate_agent_monitor` directly). Thresholds are calibrated on the tool calls
    of ``calibration_runs`` clean runs on other problems than the measured ones.
    """
    a = _airline()
    agent = agent or AirlineToolAgent()
    clean = [
        agent.run(p) for p in a.generate_problems(calibration_runs, seed=seed + 3, level=level)
    ]
    monitor, tool_reports = build_airline_monitor(agent.tools, seed=seed, clean_runs=clean, **build)
    problems = a.generate_problems(runs, seed=seed + 7, level=level)
    out = [
        evaluate_agent_monitor(
            agent,
            problems,
            monitor,
            agent.tools[tool],
            AIRLINE_TOOL_FAULTS[fault],
            rate=rate,
            seed=seed,
        )
        for tool in faulty_tools
        for fault in faults
    ]
    return AirlineMonitorReport(tools=tool_reports, runs=out)
