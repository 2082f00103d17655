"""Monitoring agents: one behaviour model per tool, faults injected into one tool.

A tool is a subject too: its input is the canonical JSON of its arguments and its output
the result text. :class:`AgentMonitor` checks every tool call of a run with that tool's
monitor, so a flagged run also says *which step* looked wrong. :func:`tool_fault`
breaks one tool's results for the length of a ``with`` block, and
:func:`evaluate_agent_monitor` measures the share of faulty runs flagged and of faulty
steps located.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from behaviorlab.modelize._abstraction import Lexer, LexRule
from behaviorlab.modelize._behavior import Pair
from behaviorlab.modelize._faults import Fault
from behaviorlab.modelize._grammar import Grammar
from behaviorlab.modelize._subjects import FunctionSubject, Subject

if TYPE_CHECKING:
    from behaviorlab.agents import Agent, Result
    from behaviorlab.modelize._monitor import Monitor
    from behaviorlab.tools import Tool

#: tool arguments and results: words, numbers and JSON punctuation, nothing abstracted
#: (a fee table's numbers *are* the behaviour)
JSON_LEXER = Lexer(
    rules=[
        LexRule(pattern=r'"[a-z_]+":'),
        LexRule(pattern=r"-?\d+(?:\.\d+)?"),
        LexRule(pattern=r"[A-Za-z.]+"),
        LexRule(pattern=r" +"),
    ]
)


def encode_arguments(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, default=str)


def encode_result(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)


def tool_subject(tool: Tool, grammar: Grammar, *, lexer: Lexer = JSON_LEXER) -> Subject:
    """The tool as a subject: arguments JSON (drawn from ``grammar``) -> result text."""

    def call(text: str) -> str:
        return encode_result(tool.execute(json.loads(text)))

    return FunctionSubject(
        f"tool:{tool.name}", call, grammar, lexer, lexer, description=tool.description
    )


def tool_pairs(results: Sequence[Result], tool: str) -> list[Pair]:
    """Observed (arguments, result) pairs of one tool from recorded runs (failed calls left out)."""
    return [
        Pair(input=encode_arguments(c.arguments), output=c.result)
        for r in results
        for c in r.tool_calls
        if c.name == tool and c.error is None
    ]


@dataclass
class ToolFaultLog:
    """What an injected fault did: how many calls it saw and which results it broke."""

    tool: str
    fault: str
    calls: int = 0
    #: (arguments JSON, broken result) of each broken call
    broken: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def tool_fault(
    tool: Tool, fault: Fault, *, rate: float = 1.0, seed: int = 0
) -> Iterator[ToolFaultLog]:
    """Break ``tool``'s results (with probability ``rate`` each) inside the block.

    Only this ``Tool`` object changes, and only until the block ends; a result the fault
    does not apply to stays correct and is not logged as broken.
    """
    rng = random.Random(seed)
    log = ToolFaultLog(tool=tool.name, fault=fault.name)
    original = tool.fn

    def faulty(**kwargs: Any) -> Any:
        value = original(**kwargs)
        log.calls += 1
        if rng.random() >= rate:
            return value
        broken = fault(encode_result(value), rng)
        if broken is None:
            return value
        log.broken.append((encode_arguments(kwargs), broken))
        return broken

    tool.fn = faulty
    try:
        yield log
    finally:
        tool.fn = original


class StepVerdict(BaseModel):
    index: int
    tool: str
    score: float
    threshold: float
    anomalous: bool


class AgentVerdict(BaseModel):
    flagged: bool
    steps: list[StepVerdict] = Field(default_factory=list)

    @property
    def anomalous_steps(self) -> list[int]:
        return [s.index for s in self.steps if s.anomalous]


class AgentMonitor:
    """Per-tool monitors; a run is flagged when any monitored tool call is anomalous."""

    def __init__(self, tools: dict[str, Monitor]) -> None:
        self.tools = tools

    def check(self, result: Result) -> AgentVerdict:
        steps: list[StepVerdict] = []
        by_tool: dict[str, list[tuple[int, str, str]]] = {}
        for i, call in enumerate(result.tool_calls):
            if call.name in self.tools and call.error is None:
                by_tool.setdefault(call.name, []).append(
                    (i, encode_arguments(call.arguments), call.result)
                )
        for name, calls in by_tool.items():
            mon = self.tools[name]
            verdicts = mon.check_many([a for _, a, _ in calls], [r for _, _, r in calls])
            steps.extend(
                StepVerdict(
                    index=i,
                    tool=name,
                    score=v.score.score,
                    threshold=v.threshold,
                    anomalous=v.anomalous,
                )
                for (i, _, _), v in zip(calls, verdicts, strict=True)
            )
        steps.sort(key=lambda s: s.index)
        return AgentVerdict(flagged=any(s.anomalous for s in steps), steps=steps)


class AgentMonitorReport(BaseModel):
    tool: str
    fault: str
    runs: int
    faulty_runs: int
    #: share of runs with at least one broken tool result that the monitor flagged
    faulty_runs_flagged: float
    #: share of clean runs flagged (false alarms)
    clean_runs_flagged: float
    faulty_steps: int
    #: share of broken tool calls that were themselves marked anomalous
    faulty_steps_located: float
    #: share of anomalous steps in faulty runs that really were broken
    step_precision: float


def evaluate_agent_monitor(
    agent: Agent,
    inputs: Sequence[Any],
    monitor: AgentMonitor,
    tool: Tool,
    fault: Fault,
    *,
    rate: float = 1.0,
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
) -> AgentMonitorReport:
    """Run each input twice, clean and with ``fault`` injected into ``tool``, and score the monitor.

    ``tool`` must be the very ``Tool`` object the agent calls. A faulty run counts only
    when the injection actually changed one of its tool results.
    """
    clean_flags: list[bool] = []
    faulty_flags: list[bool] = []
    steps_total = steps_located = flagged_steps = flagged_true = 0
    for n, x in enumerate(inputs):
        clean = agent.run(x)
        clean_flags.append(monitor.check(clean).flagged)
        with tool_fault(tool, fault, rate=rate, seed=seed + n) as log:
            broken = agent.run(x)
        if not log.broken:
            continue
        verdict = monitor.check(broken)
        faulty_flags.append(verdict.flagged)
        # match on the result text: the arguments a run records are the raw ones, the
        # injector sees them validated
        broken_results = {r for _, r in log.broken}
        bad = {
            i
            for i, c in enumerate(broken.tool_calls)
            if c.name == tool.name and c.result in broken_results
        }
        flagged = set(verdict.anomalous_steps)
        steps_total += len(bad)
        steps_located += len(bad & flagged)
        flagged_steps += len(flagged)
        flagged_true += len(flagged & bad)
        if on_progress is not None:
            on_progress(n + 1)
    return AgentMonitorReport(
        tool=tool.name,
        fault=fault.name,
        runs=len(inputs),
        faulty_runs=len(faulty_flags),
        faulty_runs_flagged=sum(faulty_flags) / len(faulty_flags) if faulty_flags else 0.0,
        clean_runs_flagged=sum(clean_flags) / len(clean_flags) if clean_flags else 0.0,
        faulty_steps=steps_total,
        faulty_steps_located=steps_located / steps_total if steps_total else 0.0,
        step_precision=flagged_true / flagged_steps if flagged_steps else 0.0,
    )
