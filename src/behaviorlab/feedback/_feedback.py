"""Human feedback on runs: ratings stored against a run's trace, usable as training filters
and DPO signal, and a queue of the runs most worth labelling next."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, insert, select

from behaviorlab.evals import find_run, run_outcomes, runs_with_trace_prefix
from behaviorlab.store import Store
from behaviorlab.store import schema as s


class FeedbackError(ValueError):
    pass


class Feedback(BaseModel):
    id: int | None = None
    trace_id: str
    eval_id: str | None = None
    scenario_id: str | None = None
    rating: int = Field(ge=1, le=5)
    tool_selection: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = None
    suggested_tools: list[str] = Field(default_factory=list)
    author: str | None = None
    created_at: float = 0.0
    #: what the run should have answered, written by the labeller: a training example
    corrected_answer: str | None = None

    @field_validator("suggested_tools", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return [t.strip() for t in v.split(",") if t.strip()]
        return v


class RunRef(BaseModel):
    """A run found by ``resolve_run``."""

    trace_id: str
    eval_id: str | None = None
    scenario_id: str | None = None
    repeat: int | None = None


def resolve_run(store: Store, ref: str) -> RunRef:
    """A run by trace id (or a unique prefix), or ``EVAL_ID:SCENARIO_ID[:REPEAT]``."""
    if ":" in ref:
        eval_part, _, rest = ref.partition(":")
        # the scenario id may itself contain ":"; a trailing ":N" is a repeat only if the
        # whole rest is not a scenario id
        candidates: list[tuple[str, int | None]] = [(rest, None)]
        head, _, tail = rest.rpartition(":")
        if head and tail.isdigit():
            candidates.append((head, int(tail)))
        for sid, rep in candidates:
            found = find_run(store, eval_part, sid, rep)
            if found is not None:
                if not found.trace_id:
                    raise FeedbackError(f"run {ref!r} has no trace id")
                return RunRef(**found._asdict())
        raise FeedbackError(f"no run {ref!r}: expected EVAL_ID:SCENARIO_ID[:REPEAT] or a trace id")
    rows = runs_with_trace_prefix(store, ref, limit=3)
    if len({row.trace_id for row in rows}) > 1:
        raise FeedbackError(f"trace id prefix {ref!r} is ambiguous; give more characters")
    if rows:
        return RunRef(**rows[0]._asdict())
    traces = store.trace_ids(ref, limit=2)
    if len(traces) == 1:
        return RunRef(trace_id=traces[0])
    if len(traces) > 1:
        raise FeedbackError(f"trace id prefix {ref!r} is ambiguous; give more characters")
    raise FeedbackError(f"no run or trace {ref!r} in {store.url}")


def add_feedback(
    store: Store,
    run: str,
    rating: int,
    *,
    tool_selection: int | None = None,
    comment: str | None = None,
    suggested_tools: Sequence[str] = (),
    author: str | None = None,
    corrected_answer: str | None = None,
) -> Feedback:
    """Store a 1-5 rating (and optionally a 1-5 tool-selection rating, and the answer the run
    should have given) against a run."""
    ref = resolve_run(store, run)
    fb = Feedback(
        trace_id=ref.trace_id,
        eval_id=ref.eval_id,
        scenario_id=ref.scenario_id,
        rating=rating,
        tool_selection=tool_selection,
        comment=comment,
        suggested_tools=list(suggested_tools),
        author=author,
        created_at=time.time(),
        corrected_answer=(corrected_answer or "").strip() or None,
    )
    row = fb.model_dump(exclude={"id"})
    row["suggested_tools"] = json.dumps(fb.suggested_tools)
    with store.engine.begin() as conn:
        fb.id = conn.execute(insert(s.feedback).values(**row)).inserted_primary_key[0]  # type: ignore[index]
    return fb


def mean_ratings(store: Store) -> dict[str, tuple[float | None, float | None]]:
    """Per trace: the mean rating and the mean tool-selection rating of its feedback."""
    f = s.feedback
    q = select(f.c.trace_id, func.avg(f.c.rating), func.avg(f.c.tool_selection)).group_by(
        f.c.trace_id
    )
    with store.engine.connect() as conn:
        return {t: (r, ts) for t, r, ts in conn.execute(q)}


def list_feedback(
    store: Store,
    *,
    eval_id: str | None = None,
    trace_id: str | None = None,
    min_rating: int | None = None,
    max_rating: int | None = None,
    limit: int | None = None,
    corrected_only: bool = False,
) -> list[Feedback]:
    """Stored feedback, newest first; ``corrected_only`` keeps those with a corrected answer."""
    f = s.feedback
    q = select(f).order_by(f.c.created_at.desc())
    if eval_id:
        q = q.where(f.c.eval_id.startswith(eval_id))
    if trace_id:
        q = q.where(f.c.trace_id.startswith(trace_id))
    if min_rating is not None:
        q = q.where(f.c.rating >= min_rating)
    if max_rating is not None:
        q = q.where(f.c.rating <= max_rating)
    if corrected_only:
        q = q.where(f.c.corrected_answer.is_not(None))
    if limit:
        q = q.limit(limit)
    with store.engine.connect() as conn:
        rows = conn.execute(q).mappings().all()
    return [
        Feedback(**{**dict(r), "suggested_tools": json.loads(r["suggested_tools"] or "[]")})
        for r in rows
    ]


class QueueItem(BaseModel):
    """A scenario of one evaluation, with why it is worth a human look."""

    eval_id: str
    scenario_id: str
    trace_ids: list[str]
    repeats: int
    #: 1 - share of the most common answer across repeats (0 when they all agree)
    disagreement: float
    #: share of repeats on the minority side of correct/incorrect (0-0.5)
    correctness_split: float
    #: 1 - confidence, where the run or its scorer reported one; else from partial scores
    uncertainty: float
    declined_or_failed: int
    priority: float
    answers: list[str]
    #: repeats the agent declined (abstained) on
    declined: int = 0
    #: repeats an escalation chain passed up from a cheaper level before one answered
    escalated: int = 0

    @property
    def needs_answer(self) -> bool:
        """Declined or escalated: the runs a human answer teaches the most."""
        return bool(self.declined or self.escalated)


def _confidence(extra: dict[str, Any], scores: dict[str, Any], score: float) -> float | None:
    for d in (extra, scores):
        c = d.get("confidence")
        if isinstance(c, int | float):
            return float(c)
    if 0.0 < score < 1.0:  # a partial score is an unsure outcome
        return abs(2 * score - 1)
    return None


def _json_with(raw: str | None, keys: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object ``raw``, parsed only when it can hold one of ``keys`` (the queue reads
    nothing else; parsing every run's JSON was most of its time on a large store)."""
    if not raw or not any(f'"{k}"' in raw for k in keys):
        return {}
    value = json.loads(raw)
    return value if isinstance(value, dict) else {}


def _escalated(extra: dict[str, Any]) -> bool:
    attempts = extra.get("escalation")
    return isinstance(attempts, list) and len(attempts) > 1


def feedback_queue(
    store: Store,
    *,
    eval_id: str | None = None,
    task: str | None = None,
    limit: int = 20,
    include_rated: bool = False,
) -> list[QueueItem]:
    """Runs most worth labelling first: those the agent declined or escalated, then by
    priority (disagreement across repeats, low confidence, failures). Scenarios already rated
    are left out unless ``include_rated``."""
    # a run the infrastructure failed says nothing about the agent: nothing to label
    rows = run_outcomes(store, eval_prefix=eval_id, task=task)
    with store.engine.connect() as conn:
        rated = set(conn.execute(select(s.feedback.c.trace_id)).scalars().all())
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        run = dict(row)
        run["extra"] = _json_with(run["extra"], ("confidence", "escalation"))
        run["scores"] = _json_with(run["scores"], ("confidence",))
        groups[(row["eval_id"], row["scenario_id"])].append(run)
    items: list[QueueItem] = []
    for (eid, sid), runs in groups.items():
        traces = [str(x["trace_id"]) for x in runs if x["trace_id"]]
        if not include_rated and any(t in rated for t in traces):
            continue
        n = len(runs)
        answers = [str(x["answer"]) for x in runs]
        top = Counter(answers).most_common(1)[0][1]
        disagreement = 1 - top / n
        n_correct = sum(bool(x["correct"]) for x in runs)
        split = min(n_correct, n - n_correct) / n
        confs = [
            c
            for x in runs
            if (c := _confidence(x["extra"], x["scores"], float(x["score"]))) is not None
        ]
        uncertainty = 1 - min(confs) if confs else 0.0
        failed = sum(bool(x["declined"]) or bool(x["error"]) for x in runs)
        declined = sum(bool(x["declined"]) for x in runs)
        escalated = sum(_escalated(x["extra"]) for x in runs)
        priority = disagreement + split + 0.5 * uncertainty + 0.25 * (failed / n)
        items.append(
            QueueItem(
                eval_id=eid,
                scenario_id=sid,
                trace_ids=traces,
                repeats=n,
                disagreement=round(disagreement, 4),
                correctness_split=round(split, 4),
                uncertainty=round(uncertainty, 4),
                declined_or_failed=failed,
                priority=round(priority, 4),
                answers=answers,
                declined=declined,
                escalated=escalated,
            )
        )
    items.sort(key=lambda i: (not i.needs_answer, -i.priority, i.eval_id, i.scenario_id))
    return items[:limit]
