"""The evaluation runner: scenarios × repeats, parallel workers, traced, scored, resumable."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

import behaviorlab
from behaviorlab.agents import Agent, Result, WorkflowAgent
from behaviorlab.evals._repo import (
    STOPPED,
    EvalRecord,
    RunRecord,
    create_eval,
    done_keys,
    find_resumable,
    insert_result,
    load_results,
    set_status,
)
from behaviorlab.models import Model, get_model
from behaviorlab.store import Store
from behaviorlab.tasks import Scenario, ScenarioOptions, Task, get_task
from behaviorlab.trace import Budget, Recorder, budget


class BudgetConfig(BaseModel):
    max_tokens: int | None = None
    max_cost_usd: float | None = None
    timeout_s: float | None = None

    def make(self) -> Budget | None:
        if self.max_tokens is None and self.max_cost_usd is None and self.timeout_s is None:
            return None
        return Budget(self.max_tokens, self.max_cost_usd, self.timeout_s)


class EvalConfig(BaseModel):
    """Everything that defines an evaluation; its hash identifies a resumable run."""

    task: str
    agent: str
    model: str | None = None
    options: ScenarioOptions = Field(default_factory=ScenarioOptions)
    repeats: int = 1
    seed: int = 0
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    # how the work is spread does not change what is measured: not part of the hash
    workers: int = 1
    executor: Literal["local", "ray"] = "local"
    #: stop after this many runs in a row fail on the model's infrastructure (0: never)
    max_infra_errors: int = 3

    def identity(self) -> dict[str, Any]:
        return self.model_dump(exclude={"workers", "executor", "max_infra_errors"})

    def config_hash(self) -> str:
        blob = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


AgentFactory = Callable[[], Agent]


def code_version() -> str:
    """Package version plus the git commit of the source tree (``+dirty`` if modified)."""
    root = Path(behaviorlab.__file__).resolve().parents[2]
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=10", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return f"{behaviorlab.__version__}+{sha}{'.dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return behaviorlab.__version__


def load_agent_file(path: str | Path, model: Model | None) -> Agent:
    """An agent defined in a Python file: ``make_agent(model)``, ``agent``, or ``workflow(input)``."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"agent file not found: {p}")
    name = f"behaviorlab_user_agent_{hashlib.sha1(str(p.resolve()).encode()).hexdigest()[:8]}"
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {p}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    if hasattr(mod, "make_agent"):
        agent = mod.make_agent(model)
    elif isinstance(getattr(mod, "agent", None), Agent):
        agent = mod.agent
    elif callable(getattr(mod, "workflow", None)):
        if model is None:
            raise ValueError(f"{p} defines a workflow; it needs a model (--model)")
        agent = WorkflowAgent(mod.workflow, model, name=p.stem)
    else:
        raise ValueError(f"{p} defines none of make_agent(model), agent, workflow(input)")
    if not isinstance(agent, Agent):
        raise TypeError(f"{p} produced {type(agent).__name__}, not an Agent")
    return agent


def agent_factory(
    task: Task,
    agent: str,
    model_id: str | None,
    model_kwargs: dict[str, Any] | None = None,
    options: ScenarioOptions | None = None,
) -> AgentFactory:
    """A factory so each worker gets its own agent (and its own model instance)."""

    def make_model() -> Model | None:
        if agent in task.model_free_agents:
            return None
        return get_model(
            model_id or task.default_models.get(agent, "default"), **(model_kwargs or {})
        )

    if agent.endswith(".py") or os.sep in agent:
        return lambda: load_agent_file(agent, make_model())
    return lambda: task.agent(agent, make_model(), options)


def _model_label(model: str | None, model_free: bool) -> str:
    if model_free:
        return "-"
    from behaviorlab.models import parse_model_id

    provider, name = parse_model_id(model or "default")
    return f"{provider}/{name}"


def data_identity(config: EvalConfig, scenarios: list[Scenario]) -> dict[str, Any]:
    """Where the scenarios came from and a hash of their content (ids, inputs, expected
    answers): two evaluations on different data never continue one history line."""
    o = config.options
    source = o.data_dir or o.source or config.task
    if o.split:
        source = f"{source}:{o.split}"
    blob = json.dumps(
        [[s.id, s.input, s.expected] for s in scenarios], sort_keys=True, default=str
    ).encode()
    return {"source": source, "hash": hashlib.sha256(blob).hexdigest()[:12]}


class EvalRun(BaseModel):
    record: EvalRecord
    results: list[RunRecord]
    resumed: int = 0
    ran: int = 0


class EvaluationStopped(RuntimeError):
    """The model's infrastructure failed several runs in a row; the evaluation was stopped.

    Its recorded runs are kept; the unscored ones run again when the same command resumes it.
    """

    def __init__(self, eval_id: str, cause: str, unscored: int) -> None:
        super().__init__(
            f"evaluation {eval_id} stopped: {cause} ({unscored} run{'s' if unscored != 1 else ''}"
            " not scored; run the same command again to resume)"
        )
        self.eval_id = eval_id
        self.cause = cause
        self.unscored = unscored


class _InfraBreaker:
    """Counts infrastructure failures in a row (thread-safe); trips at ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.streak = 0
        self.cause: str | None = None
        self._lock = threading.Lock()

    def add(self, record: RunRecord) -> bool:
        """Record one finished run; True once the limit of failures in a row is reached."""
        with self._lock:
            if record.infra_error is None:
                self.streak = 0
            else:
                self.streak += 1
                self.cause = record.infra_error
            return self.tripped

    @property
    def tripped(self) -> bool:
        return self.limit > 0 and self.streak >= self.limit


def _score_to_record(
    eval_id: str, task: Task, sc: Scenario, repeat: int, result: Result
) -> RunRecord:
    run: dict[str, Any] = {
        "eval_id": eval_id,
        "scenario_id": sc.id,
        "repeat": repeat,
        "trace_id": result.trace_id,
        "level": sc.level,
        "category": sc.category,
        "latency_s": result.latency_s,
        "cpu_s": result.cpu_s,
        "created_at": time.time(),
    }
    if result.infra_error is not None:  # the run says nothing about the agent: not scored
        return RunRecord(**run, error=result.error, infra_error=result.infra_error)
    score = task.score(sc, result)
    return RunRecord(
        **run,
        answer=score.answer,
        expected=score.expected,
        correct=score.correct,
        score=score.value,
        declined=result.declined,
        error=result.error or (f"declined: {result.reason}" if result.declined else None),
        input_tokens=result.input_tokens,
        output_tokens=result.output_tokens,
        cost_usd=result.cost_usd,
        model_s=result.model_s,
        tool_s=result.tool_s,
        llm_calls=result.llm_calls,
        tools_used=result.tools_used,
        scores=score.details,
        extra={
            "answered_by": result.answered_by,
            "level_answered": result.level,
            **result.metadata,
        },
    )


def run_one(
    task: Task, agent: Agent, sc: Scenario, repeat: int, eval_id: str, budget_cfg: BudgetConfig
) -> RunRecord:
    """Run and score one scenario repeat. The agent sees ``sc.input`` only."""
    with budget(budget_cfg.make()):
        result = agent.run(sc.input)
    return _score_to_record(eval_id, task, sc, repeat, result)


def run_eval(
    config: EvalConfig,
    store: Store,
    *,
    factory: AgentFactory | None = None,
    scenarios: list[Scenario] | None = None,
    resume: bool = True,
    on_result: Callable[[RunRecord, Scenario], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    model_kwargs: dict[str, Any] | None = None,
    exporters: list[Any] | None = None,
) -> EvalRun:
    task = get_task(config.task, config.options.task_args)
    scs = scenarios if scenarios is not None else task.scenarios(config.options)
    if not scs:
        raise ValueError(f"task {config.task!r} produced no scenarios for {config.options}")
    make = factory or agent_factory(task, config.agent, config.model, model_kwargs, config.options)
    chash = config.config_hash()
    version = code_version()
    rec = find_resumable(store, chash, version) if resume else None
    resumed = 0
    if rec is None:
        probe = make()
        cfg = {
            **config.model_dump(),
            "agent_settings": probe.settings(),
            "prompt_hash": hashlib.sha256(
                json.dumps(probe.settings(), sort_keys=True, default=str).encode()
            ).hexdigest()[:16],
            "n_scenarios": len(scs),
            "data": data_identity(config, scs),
        }
        rec = EvalRecord(
            eval_id=f"ev-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}",
            task=config.task,
            agent=config.agent,
            model=_model_label(
                config.model or task.default_models.get(config.agent),
                config.agent in task.model_free_agents,
            ),
            config=cfg,
            config_hash=chash,
            code_version=version,
            seed=config.seed,
            created_at=time.time(),
        )
        create_eval(store, rec)
        agents: list[Agent] = [probe]
    else:
        agents = [make()]  # a missing model file fails here, before any run
    done = done_keys(store, rec.eval_id)
    resumed = len(done)
    by_id = {sc.id: sc for sc in scs}
    todo = [(sc, r) for r in range(config.repeats) for sc in scs if (sc.id, r) not in done]
    recorder = Recorder(store, exporters=exporters)
    if on_start:
        on_start(len(todo), resumed)
    breaker = _InfraBreaker(config.max_infra_errors)

    if config.executor == "ray":
        from behaviorlab.evals._ray import run_on_ray

        for record, spans in run_on_ray(config, rec.eval_id, todo, model_kwargs):
            store.write_spans(spans)
            insert_result(store, record)
            if on_result:
                on_result(record, by_id[record.scenario_id])
            if breaker.add(record):
                break
    else:
        _run_local(
            config,
            task,
            rec.eval_id,
            todo,
            make,
            agents,
            recorder,
            store,
            on_result,
            by_id,
            breaker,
        )

    recorder.flush()
    results = load_results(store, rec.eval_id)
    unscored = sum(1 for r in results if r.infra_error is not None)
    if breaker.tripped:
        set_status(store, rec.eval_id, STOPPED)
        left = config.repeats * len(scs) - (len(results) - unscored)
        raise EvaluationStopped(rec.eval_id, breaker.cause or "infrastructure error", left)
    rec.status = STOPPED if unscored else "finished"
    set_status(store, rec.eval_id, rec.status)
    return EvalRun(record=rec, results=results, resumed=resumed, ran=len(todo))


def _run_local(
    config: EvalConfig,
    task: Task,
    eval_id: str,
    todo: list[tuple[Scenario, int]],
    make: AgentFactory,
    ready: list[Agent],
    recorder: Recorder,
    store: Store,
    on_result: Callable[[RunRecord, Scenario], None] | None,
    by_id: dict[str, Scenario],
    breaker: _InfraBreaker,
) -> None:
    local = threading.local()
    pool_lock = threading.Lock()

    def worker_agent() -> Agent:
        agent = getattr(local, "agent", None)
        if agent is None:
            with pool_lock:
                agent = ready.pop() if ready else None
            agent = agent or make()
            local.agent = agent
        return agent

    def job(sc: Scenario, repeat: int) -> RunRecord:
        with recorder:
            record = run_one(task, worker_agent(), sc, repeat, eval_id, config.budget)
        insert_result(store, record)  # spans were flushed when the agent's root span closed
        return record

    workers = max(1, config.workers)
    if workers == 1:
        for sc, r in todo:
            record = job(sc, r)
            if on_result:
                on_result(record, sc)
            if breaker.add(record):
                return
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job, sc, r) for sc, r in todo]
        for fut in as_completed(futures):
            record = fut.result()
            if on_result:
                on_result(record, by_id[record.scenario_id])
            if breaker.add(record):
                for f in futures:  # runs not yet started stay unrun: the resume runs them
                    f.cancel()
                break
