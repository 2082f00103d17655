"""Training data from the store: every scored run's LLM calls become examples, and runs that
differ in score (or in human rating) on the same input become preference pairs."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from behaviorlab.evals import RunRecord, scan_results
from behaviorlab.feedback import Feedback, list_feedback, mean_ratings
from behaviorlab.models import (
    ChatMessage,
    PreferencePair,
    ToolSpec,
    TrainingExample,
    render_messages,
)
from behaviorlab.store import Store
from behaviorlab.trace import SpanRecord
from behaviorlab.train._render import completion_text


class StoreFilter(BaseModel):
    """Which runs feed training. Every condition must hold."""

    eval_ids: list[str] | None = None
    task: str | None = None
    #: substring of the evaluation's agent name (``l1``, ``airline-l3``, a file name)
    agent: str | None = None
    min_score: float | None = None
    correct_only: bool = False
    #: only runs whose tool choice was scored right (tool-use scores or a feedback rating ≥ 4)
    correct_tool_only: bool = False
    #: mean human rating (1-5) at least this; runs without feedback are dropped when set
    min_rating: float | None = None


class StoreRun(BaseModel):
    """One stored run with what training needs to know about it."""

    record: RunRecord
    task: str
    agent: str
    input: str | None
    rating: float | None = None
    tool_rating: float | None = None

    @property
    def tool_ok(self) -> bool | None:
        sc = self.record.scores
        if "tool_choice_correct" in sc:
            return bool(sc["tool_choice_correct"])
        if "tool_f1" in sc:
            return float(sc["tool_f1"]) >= 1.0
        if self.tool_rating is not None:
            return self.tool_rating >= 4
        return None


def stored_runs(store: Store, flt: StoreFilter | None = None) -> list[StoreRun]:
    """Runs that pass ``flt``, newest evaluation last."""
    return _stored_runs(store, flt, keep=set())


def _corrections(store: Store) -> dict[str, Feedback]:
    """The newest corrected answer per trace."""
    out: dict[str, Feedback] = {}
    for fb in list_feedback(store, corrected_only=True):  # newest first
        out.setdefault(fb.trace_id, fb)
    return out


def _stored_runs(store: Store, flt: StoreFilter | None, keep: set[str]) -> list[StoreRun]:
    """Runs that pass ``flt``; runs whose trace is in ``keep`` skip the score, correctness and
    rating conditions (a human wrote their answer, so how the model scored does not matter)."""
    flt = flt or StoreFilter()
    ratings = mean_ratings(store)
    runs: list[StoreRun] = []
    found = scan_results(
        store, eval_ids=flt.eval_ids or None, task=flt.task, agent_contains=flt.agent
    )
    for rec, task, agent in found:
        rating, tool_rating = ratings.get(rec.trace_id or "", (None, None))
        run = StoreRun(
            record=rec,
            task=task,
            agent=agent,
            input=None,
            rating=rating,
            tool_rating=tool_rating,
        )
        if rec.trace_id in keep:
            runs.append(run)
            continue
        if flt.min_score is not None and rec.score < flt.min_score:
            continue
        if flt.correct_only and not rec.correct:
            continue
        if flt.min_rating is not None and (rating is None or rating < flt.min_rating):
            continue
        if flt.correct_tool_only and run.tool_ok is not True:
            continue
        runs.append(run)
    return runs


def _llm_calls(spans: list[SpanRecord]) -> Iterator[tuple[list[dict[str, Any]], str, list[str]]]:
    """(input messages, output text, tool names offered) of each accepted LLM call of a trace.

    Calls under one ptool are retries of one request: the first call's prompt is paired with
    the last call's output (the one that validated), so retry chatter is not learnt.
    """
    by_id = {sp.span_id: sp for sp in spans}
    llm = sorted(
        (sp for sp in spans if sp.kind == "llm" and sp.status == "ok"), key=lambda sp: sp.start_ns
    )
    groups: dict[str, list[SpanRecord]] = defaultdict(list)
    order: list[str] = []
    for sp in llm:
        parent = by_id.get(sp.parent_id or "")
        key = (
            parent.span_id
            if parent is not None and "behaviorlab.ptool" in parent.attributes
            else sp.span_id
        )
        if (
            parent is not None
            and "behaviorlab.ptool" in parent.attributes
            and parent.status != "ok"
        ):
            continue
        if key not in groups:
            order.append(key)
        groups[key].append(sp)
    for key in order:
        calls = groups[key]
        first, last = calls[0], calls[-1]
        try:
            msgs = json.loads(first.input or "[]")
        except json.JSONDecodeError:
            continue
        tools = list(first.attributes.get("behaviorlab.request.tools") or [])
        yield msgs, completion_text(last.output), tools


def _run_input(spans: list[SpanRecord]) -> str | None:
    roots = [sp for sp in spans if sp.parent_id is None]
    if not roots or roots[0].input is None:
        return None
    raw = roots[0].input
    try:
        val = json.loads(raw)
        return val if isinstance(val, str) else raw
    except json.JSONDecodeError:
        return raw


def examples_from_store(
    store: Store,
    flt: StoreFilter | None = None,
    *,
    tool_specs: list[ToolSpec] | None = None,
) -> list[TrainingExample]:
    """One example per accepted LLM call of every run that passes ``flt``.

    ``tool_specs`` (the agent's tools) put the tool list into the system prompt the way the
    prompted-tool providers do; traces record only the tool names.
    """
    out: list[TrainingExample] = []
    corrections = _corrections(store)
    for run in _stored_runs(store, flt, keep=set(corrections)):
        rec = run.record
        if not rec.trace_id:
            continue
        spans = store.trace_spans(rec.trace_id)
        run_input = _run_input(spans)
        fix = corrections.get(rec.trace_id)
        final = _final_request(spans) if fix is not None else None
        if fix is not None:
            out.append(_corrected_example(run, fix, final, run_input, tool_specs))
        for msgs, text, tool_names in _llm_calls(spans):
            if final is not None and msgs == final[0]:
                continue  # the reply a human corrected: two answers to one prompt would conflict
            specs = [t for t in (tool_specs or []) if t.name in tool_names] if tool_names else None
            prompt = render_messages(msgs, specs)
            if not text.strip():
                continue
            out.append(
                TrainingExample(
                    prompt=prompt,
                    completion=[ChatMessage(role="assistant", content=text)],
                    input=run_input,
                    source="store",
                    task=run.task,
                    agent=run.agent,
                    scenario_id=rec.scenario_id,
                    trace_id=rec.trace_id,
                    label=_label(rec),
                    score=rec.score,
                    metadata={
                        "eval_id": rec.eval_id,
                        "repeat": rec.repeat,
                        "correct": rec.correct,
                        "tools_used": rec.tools_used,
                        "rating": run.rating,
                        "latency_s": rec.latency_s,
                        "tokens": rec.tokens,
                        "cost_usd": rec.cost_usd,
                    },
                )
            )
    return out


def _final_request(spans: list[SpanRecord]) -> tuple[list[dict[str, Any]], list[str]] | None:
    """The messages and offered tools of the run's last LLM request, failed ones included (a
    declined run's request is the one a correction answers). Retries of one ptool are one
    request: its first call's messages."""
    by_id = {sp.span_id: sp for sp in spans}
    llm = sorted((sp for sp in spans if sp.kind == "llm"), key=lambda sp: sp.start_ns)
    if not llm:
        return None
    last = llm[-1]
    parent = by_id.get(last.parent_id or "")
    if parent is not None and "behaviorlab.ptool" in parent.attributes:
        last = next(sp for sp in llm if sp.parent_id == parent.span_id)
    try:
        msgs = json.loads(last.input or "[]")
    except json.JSONDecodeError:
        return None
    return msgs, list(last.attributes.get("behaviorlab.request.tools") or [])


def _corrected_example(
    run: StoreRun,
    fix: Feedback,
    final: tuple[list[dict[str, Any]], list[str]] | None,
    run_input: str | None,
    tool_specs: list[ToolSpec] | None,
) -> TrainingExample:
    """The run's last request answered with the labeller's corrected answer; a run that made
    no LLM call (a plain-Python level) gets its input as the user turn."""
    rec = run.record
    assert fix.corrected_answer is not None
    if final is not None:
        msgs, tool_names = final
        specs = [t for t in (tool_specs or []) if t.name in tool_names] if tool_names else None
        prompt = render_messages(msgs, specs)
    else:
        prompt = [ChatMessage(role="user", content=run_input or "")]
    return TrainingExample(
        prompt=prompt,
        completion=[ChatMessage(role="assistant", content=fix.corrected_answer)],
        input=run_input,
        source="feedback",
        task=run.task,
        agent=run.agent,
        scenario_id=rec.scenario_id,
        trace_id=rec.trace_id,
        label=_label(rec),
        # a human's answer: preferred over any model reply to the same prompt when de-duplicating
        score=1.0,
        metadata={
            "eval_id": rec.eval_id,
            "repeat": rec.repeat,
            "correct": rec.correct,
            "run_score": rec.score,
            "declined": rec.declined,
            "feedback_id": fix.id,
            "rating": run.rating,
            "corrected": True,
        },
    )


def _label(rec: RunRecord) -> str:
    parts = []
    if rec.level is not None:
        parts.append(f"level={rec.level}")
    if rec.category:
        parts.append(rec.category)
    return " · ".join(parts) or ("correct" if rec.correct else "incorrect")


def _final_text(store: Store, run: StoreRun) -> tuple[list[ChatMessage], str] | None:
    """The prompt and answer of a single-call run (the only shape a pair can be built from)."""
    if not run.record.trace_id:
        return None
    calls = list(_llm_calls(store.trace_spans(run.record.trace_id)))
    if len(calls) != 1:
        return None
    msgs, text, _ = calls[0]
    return render_messages(msgs), text


def pairs_from_store(
    store: Store,
    flt: StoreFilter | None = None,
    *,
    min_margin: float = 0.5,
    use_ratings: bool = True,
) -> list[PreferencePair]:
    """Pairs of single-call runs on the same input and the same prompt whose outcome differs:
    by score (``min_margin`` apart), or, where both were rated, by human rating (≥ 1 apart)."""
    runs = stored_runs(store, flt)
    by_key: dict[tuple[str, str], list[tuple[StoreRun, list[ChatMessage], str]]] = defaultdict(list)
    for run in runs:
        got = _final_text(store, run)
        if got is None or not got[1].strip():
            continue
        prompt, text = got
        pkey = json.dumps([m.as_dict() for m in prompt])
        by_key[(run.record.scenario_id, pkey)].append((run, prompt, text))
    pairs: list[PreferencePair] = []
    for (sid, _), group in by_key.items():
        for i, (a, prompt, ta) in enumerate(group):
            for b, _, tb in group[i + 1 :]:
                if ta == tb:
                    continue
                signal, better = _prefer(a, b, min_margin, use_ratings)
                if better is None:
                    continue
                (w, tw), (lo, tl) = ((a, ta), (b, tb)) if better is a else ((b, tb), (a, ta))
                pairs.append(
                    PreferencePair(
                        prompt=prompt,
                        chosen=tw,
                        rejected=tl,
                        chosen_score=w.record.score if signal == "score" else w.rating,
                        rejected_score=lo.record.score if signal == "score" else lo.rating,
                        source="store",
                        task=w.task,
                        scenario_id=sid,
                        label=_label(w.record),
                        signal=signal,
                        metadata={
                            "chosen_trace": w.record.trace_id,
                            "rejected_trace": lo.record.trace_id,
                        },
                    )
                )
    if use_ratings:
        pairs += _correction_pairs(store, flt)
    return pairs


def _correction_pairs(store: Store, flt: StoreFilter | None) -> list[PreferencePair]:
    """A corrected answer against the model's reply to the same request (signal
    ``correction``): the reply a labeller rewrote is the one not to give."""
    corrections = _corrections(store)
    if not corrections:
        return []
    out: list[PreferencePair] = []
    for run in _stored_runs(store, flt, keep=set(corrections)):
        rec = run.record
        fix = corrections.get(rec.trace_id or "")
        if fix is None or fix.corrected_answer is None or not rec.trace_id:
            continue
        spans = store.trace_spans(rec.trace_id)
        final = _final_request(spans)
        replies = [sp for sp in spans if sp.kind == "llm" and sp.output]
        if final is None or not replies:
            continue
        reply = completion_text(max(replies, key=lambda sp: sp.start_ns).output)
        if reply.strip() == fix.corrected_answer.strip():
            continue
        out.append(
            PreferencePair(
                prompt=render_messages(final[0]),
                chosen=fix.corrected_answer,
                rejected=reply,
                input=_run_input(spans),
                chosen_score=None,
                rejected_score=rec.score,
                source="feedback",
                task=run.task,
                scenario_id=rec.scenario_id,
                label=_label(rec),
                signal="correction",
                metadata={"feedback_id": fix.id, "rejected_trace": rec.trace_id},
            )
        )
    return out


def _prefer(
    a: StoreRun, b: StoreRun, min_margin: float, use_ratings: bool
) -> tuple[str, StoreRun | None]:
    if (
        use_ratings
        and a.rating is not None
        and b.rating is not None
        and abs(a.rating - b.rating) >= 1
    ):
        return "rating", a if a.rating > b.rating else b
    if abs(a.record.score - b.record.score) >= min_margin:
        return "score", a if a.record.score > b.record.score else b
    return "score", None
