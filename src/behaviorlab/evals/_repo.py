"""Evaluation records in the store: one row per eval, one per (scenario, repeat)."""

from __future__ import annotations

import json
import time
from typing import Any, NamedTuple

from pydantic import BaseModel, Field
from sqlalchemy import and_, case, delete, func, insert, select, true, update
from sqlalchemy.exc import IntegrityError, OperationalError

from behaviorlab.store import Store, StoreError
from behaviorlab.store import schema as s

#: an evaluation with runs left unscored by infrastructure errors; the same command resumes it
STOPPED = "stopped"


class EvalRecord(BaseModel):
    eval_id: str
    task: str
    agent: str
    model: str
    config: dict[str, Any]
    config_hash: str
    code_version: str
    seed: int
    created_at: float
    finished_at: float | None = None
    status: str = "running"


class RunRecord(BaseModel):
    """The outcome of one agent run on one scenario repeat."""

    eval_id: str
    scenario_id: str
    repeat: int = 0
    trace_id: str | None = None
    level: int | None = None
    category: str | None = None
    answer: Any = None
    expected: Any = None
    correct: bool = False
    score: float = 0.0
    declined: bool = False
    error: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    cpu_s: float = 0.0
    model_s: float = 0.0
    tool_s: float = 0.0
    llm_calls: int = 0
    tools_used: list[str] = Field(default_factory=list)
    scores: dict[str, Any] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    created_at: float = 0.0
    #: the model's infrastructure failed (endpoint, model file, credentials): not scored, and
    #: re-run when the evaluation resumes
    infra_error: str | None = None

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    def scored(self) -> bool:
        return self.infra_error is None


class EvalNotFoundError(LookupError):
    pass


class UnscoredRunsError(ValueError):
    """An evaluation has runs its infrastructure left unscored: it cannot be compared yet."""


def unscored_summary(rows: list[RunRecord]) -> str | None:
    """``"N of M runs not scored (infrastructure error: …)"``, or None when all are scored."""
    bad = [r for r in rows if r.infra_error is not None]
    if not bad:
        return None
    return (
        f"{len(bad)} of {len(rows)} runs not scored (infrastructure error: {bad[-1].infra_error})"
    )


def require_scored(rec: EvalRecord, rows: list[RunRecord]) -> None:
    """Raise :class:`UnscoredRunsError` naming the evaluation, the count and the cause."""
    why = unscored_summary(rows)
    if why is not None:
        raise UnscoredRunsError(
            f"evaluation {rec.eval_id} has {why}; resume it with the command that started it "
            "before comparing it"
        )


def create_eval(store: Store, rec: EvalRecord) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(s.evals).values(
                eval_id=rec.eval_id,
                task=rec.task,
                agent=rec.agent,
                model=rec.model,
                config=json.dumps(rec.config, sort_keys=True, default=str),
                config_hash=rec.config_hash,
                code_version=rec.code_version,
                seed=rec.seed,
                created_at=rec.created_at,
                finished_at=None,
                status=rec.status,
            )
        )


def find_resumable(
    store: Store, config_hash: str, code_version: str | None = None
) -> EvalRecord | None:
    """The newest unfinished eval with exactly this configuration (and, given one, this code
    version: an evaluation begun before the agent's code changed must not be finished by the
    new code, its results would mix two agents under one id). Unfinished: killed while
    ``running``, or ``stopped`` with runs its infrastructure left unscored."""
    cond = and_(s.evals.c.config_hash == config_hash, s.evals.c.status.in_(("running", STOPPED)))
    if code_version is not None:
        cond = and_(cond, s.evals.c.code_version == code_version)
    q = select(s.evals).where(cond).order_by(s.evals.c.created_at.desc()).limit(1)
    with store.engine.connect() as conn:
        row = conn.execute(q).mappings().first()
    return _eval(row) if row else None


def set_status(store: Store, eval_id: str, status: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(s.evals)
            .where(s.evals.c.eval_id == eval_id)
            .values(status=status, finished_at=time.time() if status != "running" else None)
        )


def insert_result(store: Store, r: RunRecord) -> bool:
    """Insert once; a second insert of the same (eval, scenario, repeat) is ignored (False),
    except over a run left unscored by an infrastructure error, which the new one replaces."""
    row = r.model_dump()
    for k in ("answer", "expected"):
        row[k] = None if row[k] is None else json.dumps(row[k], default=str)
    for k in ("tools_used", "scores", "extra"):
        row[k] = json.dumps(row[k], default=str)
    row["created_at"] = row["created_at"] or time.time()
    try:
        with store.engine.begin() as conn:
            conn.execute(
                delete(s.results).where(
                    s.results.c.eval_id == r.eval_id,
                    s.results.c.scenario_id == r.scenario_id,
                    s.results.c.repeat == r.repeat,
                    s.results.c.infra_error.is_not(None),
                )
            )
            conn.execute(insert(s.results).values(**row))
    except IntegrityError:
        return False
    except OperationalError as e:  # e.g. "database or disk is full"
        raise StoreError(
            f"recording result {r.scenario_id}#{r.repeat} in {store.url} failed: {e.orig}"
        ) from e
    return True


def done_keys(store: Store, eval_id: str) -> set[tuple[str, int]]:
    """The (scenario, repeat) pairs already run and scored: a resume skips exactly these."""
    q = select(s.results.c.scenario_id, s.results.c.repeat).where(
        s.results.c.eval_id == eval_id, s.results.c.infra_error.is_(None)
    )
    with store.engine.connect() as conn:
        return {(sid, rep) for sid, rep in conn.execute(q)}


def load_results(store: Store, eval_id: str) -> list[RunRecord]:
    q = select(s.results).where(s.results.c.eval_id == eval_id).order_by(s.results.c.id)
    with store.engine.connect() as conn:
        return [_run(r) for r in conn.execute(q).mappings()]


def scan_results(
    store: Store,
    *,
    eval_ids: list[str] | None = None,
    task: str | None = None,
    agent_contains: str | None = None,
) -> list[tuple[RunRecord, str, str]]:
    """Every recorded run with its evaluation's task and agent, oldest evaluation first
    (optionally only these evaluations, this task, or agents whose name contains a text)."""
    q = (
        select(s.results, s.evals.c.task, s.evals.c.agent.label("eval_agent"))
        .join(s.evals, s.evals.c.eval_id == s.results.c.eval_id)
        .order_by(s.evals.c.created_at, s.results.c.id)
    )
    if eval_ids:
        q = q.where(s.results.c.eval_id.in_(eval_ids))
    if task:
        q = q.where(s.evals.c.task == task)
    if agent_contains:
        q = q.where(s.evals.c.agent.contains(agent_contains))
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    out = []
    for row in rows:
        d = dict(row)
        task_name, agent = d.pop("task"), d.pop("eval_agent")
        out.append((_run(d), task_name, agent))
    return out


def get_eval(store: Store, eval_id: str) -> EvalRecord:
    """By full id or unique prefix; ``latest`` (optionally ``latest:TASK``) for the newest."""
    q = select(s.evals)
    if eval_id.startswith("latest"):
        _, _, task = eval_id.partition(":")
        if task:
            q = q.where(s.evals.c.task == task)
        q = q.order_by(s.evals.c.created_at.desc()).limit(1)
    else:
        q = q.where(s.evals.c.eval_id.startswith(eval_id))
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    if not rows:
        raise EvalNotFoundError(f"no evaluation {eval_id!r} in {store.url}")
    if len(rows) > 1:
        raise EvalNotFoundError(f"{eval_id!r} matches {len(rows)} evaluations; give more of the id")
    return _eval(rows[0])


def list_evals(store: Store, task: str | None = None, limit: int | None = None) -> list[EvalRecord]:
    q = select(s.evals).order_by(s.evals.c.created_at)
    if task:
        q = q.where(s.evals.c.task == task)
    with store.engine.connect() as conn:
        rows = [_eval(r) for r in conn.execute(q).mappings()]
    return rows[-limit:] if limit else rows


def _eval(r: Any) -> EvalRecord:
    return EvalRecord(
        eval_id=r["eval_id"],
        task=r["task"],
        agent=r["agent"],
        model=r["model"],
        config=json.loads(r["config"]),
        config_hash=r["config_hash"],
        code_version=r["code_version"],
        seed=r["seed"],
        created_at=r["created_at"],
        finished_at=r["finished_at"],
        status=r["status"],
    )


def _run(r: Any) -> RunRecord:
    d = dict(r)
    d.pop("id", None)
    for k in ("answer", "expected"):
        d[k] = None if d[k] is None else json.loads(d[k])
    for k in ("tools_used", "scores", "extra"):
        d[k] = json.loads(d[k] or ("[]" if k == "tools_used" else "{}"))
    return RunRecord(**d)


class EvalSummary(BaseModel):
    """An evaluation with its headline numbers, aggregated in the database (no rows loaded)."""

    record: EvalRecord
    runs: int
    correct: int
    declined: int
    errors: int
    tokens_mean: float
    cost_total_usd: float
    latency_mean_s: float
    #: runs the infrastructure left unscored (not in ``runs``, never counted wrong)
    unscored: int = 0

    @property
    def wrong(self) -> int:
        return max(0, self.runs - self.correct - self.declined - self.errors)


def summarize_evals(
    store: Store,
    *,
    task: str | None = None,
    agent: str | None = None,
    model: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[EvalSummary], int]:
    """Newest evaluations first (``agent``/``model`` match substrings), and how many match.
    The numbers are over scored runs, as ``compute_metrics``'s are."""
    e, r = s.evals, s.results
    scored = r.c.infra_error.is_(None)
    cond = []
    if task:
        cond.append(e.c.task == task)
    if agent:
        cond.append(e.c.agent.contains(agent, autoescape=True))
    if model:
        cond.append(e.c.model.contains(model, autoescape=True))
    agg = (
        select(
            r.c.eval_id,
            func.sum(case((scored, 1), else_=0)).label("runs"),
            func.sum(case((and_(scored, r.c.correct), 1), else_=0)).label("correct"),
            func.sum(case((and_(scored, r.c.declined), 1), else_=0)).label("declined"),
            func.sum(
                case(
                    (and_(scored, r.c.error.is_not(None), ~r.c.declined, ~r.c.correct), 1),
                    else_=0,
                )
            ).label("errors"),
            func.avg(case((scored, r.c.input_tokens + r.c.output_tokens))).label("tokens"),
            func.sum(case((scored, r.c.cost_usd), else_=0.0)).label("cost"),
            func.avg(case((scored, r.c.latency_s))).label("latency"),
            func.sum(case((scored, 0), else_=1)).label("unscored"),
        )
        .group_by(r.c.eval_id)
        .subquery()
    )
    q = (
        select(e, agg.c.runs, agg.c.correct, agg.c.declined, agg.c.errors, agg.c.tokens)
        .add_columns(agg.c.cost, agg.c.latency, agg.c.unscored)
        .outerjoin(agg, agg.c.eval_id == e.c.eval_id)
        .where(and_(true(), *cond))
        .order_by(e.c.created_at.desc(), e.c.eval_id)
        .offset(offset)
    )
    if limit is not None:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        total = conn.execute(
            select(func.count()).select_from(e).where(and_(true(), *cond))
        ).scalar_one()
        rows = conn.execute(q).mappings().all()
    return [
        EvalSummary(
            record=_eval(row),
            runs=int(row["runs"] or 0),
            correct=int(row["correct"] or 0),
            declined=int(row["declined"] or 0),
            errors=int(row["errors"] or 0),
            tokens_mean=float(row["tokens"] or 0.0),
            cost_total_usd=float(row["cost"] or 0.0),
            latency_mean_s=float(row["latency"] or 0.0),
            unscored=int(row["unscored"] or 0),
        )
        for row in rows
    ], int(total)


def find_result(store: Store, trace_id: str) -> RunRecord | None:
    """The scored run whose trace is ``trace_id`` (an exact id), if an evaluation recorded one."""
    q = select(s.results).where(s.results.c.trace_id == trace_id).limit(1)
    with store.engine.connect() as conn:
        row = conn.execute(q).mappings().first()
    return _run(row) if row else None


class RunKey(NamedTuple):
    """Where a recorded run is: its trace and its (evaluation, scenario, repeat)."""

    trace_id: str | None
    eval_id: str
    scenario_id: str
    repeat: int


def find_run(
    store: Store, eval_prefix: str, scenario_id: str, repeat: int | None = None
) -> RunKey | None:
    """The run of ``scenario_id`` in the evaluation whose id starts with ``eval_prefix`` (its
    first repeat unless ``repeat``)."""
    r = s.results
    q = select(r.c.trace_id, r.c.eval_id, r.c.scenario_id, r.c.repeat).where(
        r.c.eval_id.startswith(eval_prefix), r.c.scenario_id == scenario_id
    )
    if repeat is not None:
        q = q.where(r.c.repeat == repeat)
    with store.engine.connect() as conn:
        row = conn.execute(q.order_by(r.c.repeat)).first()
    return None if row is None else RunKey(*row)


def runs_with_trace_prefix(store: Store, prefix: str, limit: int = 3) -> list[RunKey]:
    """Up to ``limit`` runs whose trace id starts with ``prefix``."""
    r = s.results
    q = (
        select(r.c.trace_id, r.c.eval_id, r.c.scenario_id, r.c.repeat)
        .where(r.c.trace_id.startswith(prefix))
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [RunKey(*row) for row in conn.execute(q).all()]


def run_outcomes(
    store: Store, *, eval_prefix: str | None = None, task: str | None = None
) -> list[dict[str, Any]]:
    """The outcome columns of every scored run (no infrastructure error), optionally of the
    evaluations whose id starts with ``eval_prefix`` or of one task: eval_id, scenario_id,
    trace_id, answer, correct, score, declined, error, and ``extra``/``scores`` as their raw
    JSON text (a caller reading one key need not parse every run's)."""
    r, e = s.results, s.evals
    q = select(
        r.c.eval_id,
        r.c.scenario_id,
        r.c.trace_id,
        r.c.answer,
        r.c.correct,
        r.c.score,
        r.c.declined,
        r.c.error,
        r.c.extra,
        r.c.scores,
    ).join(e, e.c.eval_id == r.c.eval_id)
    q = q.where(r.c.infra_error.is_(None))
    if eval_prefix:
        q = q.where(r.c.eval_id.startswith(eval_prefix))
    if task:
        q = q.where(e.c.task == task)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(q).mappings().all()]
