"""The whole pipeline in one call: traces in, a verified-ready Python module out."""

from __future__ import annotations

import importlib
from pathlib import Path

from pydantic import BaseModel, Field

from behaviorlab.distill._leak import StaticLeakReport, static_leak_check
from behaviorlab.distill._mining import MiningReport, mine
from behaviorlab.distill._runtime import tool_table
from behaviorlab.distill._synth import CallableSpec, SynthOptions, synthesize
from behaviorlab.distill._traces import ImportIssue, load_runs
from behaviorlab.evals import get_eval
from behaviorlab.store import Store
from behaviorlab.tasks import get_task


class DistillResult(BaseModel):
    output: str
    task: str | None
    source: str
    runs: int
    successful: int
    issues: list[ImportIssue] = Field(default_factory=list)
    mining: MiningReport
    static: StaticLeakReport
    allow: list[str] = Field(default_factory=list)
    scenario_ids: list[str] = Field(default_factory=list)
    """The scenarios distilled from: leave them out when verifying."""


def default_tools(task: str) -> CallableSpec:
    """``behaviorlab.tasks.<task>._agents:<task>_tools`` where the task ships one."""
    spec = CallableSpec(f"behaviorlab.tasks.{task}._agents", f"{task}_tools")
    _check(spec, "tools")
    return spec


def fallback_spec(value: str, task: str | None) -> CallableSpec:
    """``l3`` (the task's L3 agent factory, ``make_l3``) or ``MODULE:FACTORY``."""
    if ":" in value:
        spec = CallableSpec.parse(value)
    elif task:
        spec = CallableSpec(f"behaviorlab.tasks.{task}._agents", f"make_{value}")
    else:
        raise ValueError(
            f"--fallback {value}: name MODULE:FACTORY (no task is known to find make_{value} in)"
        )
    _check(spec, "fallback")
    return spec


def _hidden(task: str | None) -> frozenset[str]:
    """The task's hidden parameter names, for the static leak check (none without a task)."""
    return get_task(task).hidden_fields() if task else frozenset()


def _check(spec: CallableSpec, what: str) -> None:
    try:
        mod = importlib.import_module(spec.module)
    except ImportError as e:
        raise ValueError(f"{what} {spec}: cannot import {spec.module} ({e})") from e
    if not callable(getattr(mod, spec.name, None)):
        raise ValueError(f"{what} {spec}: {spec.module} has no function {spec.name}")


def _load_callable(spec: CallableSpec) -> object:
    return getattr(importlib.import_module(spec.module), spec.name)


def distill(
    source: str,
    output: str | Path,
    *,
    store: Store | None = None,
    task: str | None = None,
    tools: CallableSpec | None = None,
    l0: CallableSpec | None = None,
    fallback: CallableSpec | None = None,
    include_unscored: bool = False,
    min_score: float = 1.0,
    min_share: float = 0.9,
    few_shot: int = 1,
    name: str = "distilled",
) -> DistillResult:
    """Read runs from ``source`` (an evaluation id in ``store``, an OpenAI JSONL file or an OTLP
    JSON file), mine the successful ones, and write the distilled module to ``output``."""
    if task is None and store is not None and not Path(source).is_file():
        task = get_eval(store, source).task
    imported = load_runs(source, store, min_score=min_score)
    if tools is None:
        if task is None:
            raise ValueError(
                "name the tools (--tools MODULE:FUNCTION) or the task (--task) they come from"
            )
        tools = default_tools(task)
    _check(tools, "tools")
    if l0 is not None:
        _check(l0, "l0")
    tool_list = list(tool_table(_load_callable(tools)()).values())  # type: ignore[operator]
    mined = mine(imported.runs, include_unscored=include_unscored, min_share=min_share)
    label = f"eval {source}" if not Path(source).is_file() else f"file {Path(source).name}"
    opts = SynthOptions(
        tools=tools, l0=l0, fallback=fallback, source=label, few_shot=few_shot, name=name
    )
    code = synthesize(mined, tool_list, opts)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(code, encoding="utf-8")
    allow = [str(s) for s in (tools, l0, fallback) if s is not None]
    return DistillResult(
        output=str(out),
        task=task,
        source=source,
        runs=len(imported.runs),
        successful=len(mined.runs),
        issues=imported.issues,
        mining=mined.report(),
        static=static_leak_check(code, allow=allow, hidden=_hidden(task)),
        allow=allow,
        scenario_ids=sorted({r.scenario_id for r in imported.runs if r.scenario_id}),
    )
