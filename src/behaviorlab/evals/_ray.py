"""Scale-out: the same evaluation as Ray tasks; results come back to the driver's store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from behaviorlab.models import MissingDependencyError
from behaviorlab.trace import Recorder, SpanRecord

if TYPE_CHECKING:
    from behaviorlab.evals._repo import RunRecord
    from behaviorlab.evals._runner import EvalConfig
    from behaviorlab.tasks import Scenario

_AGENTS: dict[str, Any] = {}  # per Ray worker process: one agent per eval config


class _ListStore:
    """Collects a task's spans in the worker so they travel back with its result."""

    def __init__(self) -> None:
        self.spans: list[SpanRecord] = []

    def write_spans(self, spans: list[SpanRecord]) -> None:
        self.spans.extend(spans)


def _remote_job(
    config_json: str, eval_id: str, scenario_json: str, repeat: int, model_kwargs: dict[str, Any]
) -> tuple[str, list[SpanRecord]]:
    from behaviorlab.evals._runner import EvalConfig, agent_factory, run_one
    from behaviorlab.tasks import Scenario, get_task

    config = EvalConfig.model_validate_json(config_json)
    task = get_task(config.task, config.options.task_args)
    key = config.config_hash()
    if key not in _AGENTS:
        _AGENTS[key] = agent_factory(
            task, config.agent, config.model, model_kwargs, config.options
        )()
    sink = _ListStore()
    with Recorder(sink):
        record = run_one(
            task,
            _AGENTS[key],
            Scenario.model_validate_json(scenario_json),
            repeat,
            eval_id,
            config.budget,
        )
    return record.model_dump_json(), sink.spans


def run_on_ray(
    config: EvalConfig,
    eval_id: str,
    todo: list[tuple[Scenario, int]],
    model_kwargs: dict[str, Any] | None = None,
) -> Iterator[tuple[RunRecord, list[SpanRecord]]]:
    try:
        import ray
    except ImportError as e:
        raise MissingDependencyError("ray", "ray") from e
    from behaviorlab.evals._repo import RunRecord

    if not ray.is_initialized():
        ray.init(num_cpus=max(1, config.workers), include_dashboard=False, log_to_driver=False)
    remote = ray.remote(_remote_job)
    cfg = config.model_dump_json()
    pending = [
        remote.remote(cfg, eval_id, sc.model_dump_json(), r, model_kwargs or {}) for sc, r in todo
    ]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        record_json, spans = ray.get(done[0])
        yield RunRecord.model_validate_json(record_json), spans
