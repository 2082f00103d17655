"""Monitoring a task's tool calls with behaviour models: one forward model per monitored tool
over its JSON arguments, calibrated on clean runs, measured by injecting the task's faults.

What is domain knowledge (which tools, their argument grammars, the plausible faults, an
agent and inputs to run it on) comes from the task's ``ToolMonitoring`` capability.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from behaviorlab.modelize._agents import (
    JSON_LEXER,
    AgentMonitor,
    AgentMonitorReport,
    evaluate_agent_monitor,
    tool_pairs,
    tool_subject,
)
from behaviorlab.modelize._config import EpochLog, ModelConfig, TrainConfig
from behaviorlab.modelize._evaluate import evaluate_accuracy, train_model
from behaviorlab.modelize._faults import Fault
from behaviorlab.modelize._monitor import Monitor
from behaviorlab.modelize._subjects import Subject
from behaviorlab.modelize._synth import split_pairs
from behaviorlab.tasks import FaultSpec, Task, ToolMonitoring, capability, get_task

if TYPE_CHECKING:
    from behaviorlab.agents import Result
    from behaviorlab.tools import Tool


def _monitoring(task: Task | str) -> ToolMonitoring:
    return capability(get_task(task) if isinstance(task, str) else task, ToolMonitoring)


def _fault(spec: FaultSpec) -> Fault:
    return Fault(spec.name, spec.description, spec.apply)


def task_tool_subjects(task: Task | str, tools: dict[str, Tool]) -> dict[str, Subject]:
    """The task's monitored tools as subjects (``tools`` by name, as the agent holds them)."""
    return {
        name: tool_subject(tools[name], dict(g), lexer=JSON_LEXER)
        for name, g in _monitoring(task).tool_argument_grammars().items()
    }


def task_tool_faults(task: Task | str) -> dict[str, Fault]:
    """The faults the task names for its tools' results, by name."""
    return {name: _fault(f) for name, f in _monitoring(task).tool_faults().items()}


class ToolModelReport(BaseModel):
    tool: str
    pairs: int
    parameters: int
    exact: float
    threshold: float
    calibrated_on: str


class ToolMonitorReport(BaseModel):
    tools: list[ToolModelReport]
    runs: list[AgentMonitorReport]


def build_tool_monitor(
    task: Task | str,
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
    """One forward model and calibrated monitor per monitored tool of ``task`` (its
    ``ToolMonitoring`` capability), from synthesized arguments.

    The thresholds come from the tool calls of ``clean_runs`` (recorded agent runs: the
    arguments the agent really passes), else from synthesized held-out pairs, else (a tool
    whose finite argument language the training pairs exhaust, like the airline
    ``checked_bag_fee``'s 1,260 argument sets) from the whole table. ``false_alarm_rate`` is
    per call: a run makes several calls, so its own rate is higher.
    """
    mcfg = model_config or ModelConfig(d_model=128, nhead=4, ffn=512, max_len=64)
    tcfg = train_config or TrainConfig(epochs=60, batch_size=32, lr=1e-3, patience=8)
    monitors: dict[str, Monitor] = {}
    reports: list[ToolModelReport] = []
    for name, subject in task_tool_subjects(task, tools).items():
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


def evaluate_tool_monitor(
    task: Task | str,
    agent: Any = None,
    *,
    runs: int = 100,
    level: int = 0,
    faulty_tools: tuple[str, ...] | None = None,
    faults: tuple[str, ...] | None = None,
    rate: float = 0.5,
    calibration_runs: int = 100,
    seed: int = 0,
    **build: Any,
) -> ToolMonitorReport:
    """Faults injected into one tool at a time (``faulty_tools`` × ``faults``, by default
    every monitored tool and every fault the task names); share of faulty runs flagged and
    steps located.

    ``agent`` must call the tools in ``agent.tools`` (a name -> ``Tool`` mapping; the task's
    ``tool_agent`` does; for an LLM-driven agent build the monitor from that agent's own
    tools and call :func:`evaluate_agent_monitor` directly). Thresholds are calibrated on the
    tool calls of ``calibration_runs`` clean runs on other inputs than the measured ones.
    """
    spec = _monitoring(task)
    agent = agent or spec.tool_agent()
    table = task_tool_faults(task)
    faulty_tools = faulty_tools or tuple(spec.tool_argument_grammars())
    faults = faults or tuple(table)
    clean = [
        agent.run(x) for x in spec.tool_agent_inputs(calibration_runs, seed=seed + 3, level=level)
    ]
    monitor, tool_reports = build_tool_monitor(
        task, agent.tools, seed=seed, clean_runs=clean, **build
    )
    problems = spec.tool_agent_inputs(runs, seed=seed + 7, level=level)
    out = [
        evaluate_agent_monitor(
            agent,
            problems,
            monitor,
            agent.tools[tool],
            table[fault],
            rate=rate,
            seed=seed,
        )
        for tool in faulty_tools
        for fault in faults
    ]
    return ToolMonitorReport(tools=tool_reports, runs=out)
