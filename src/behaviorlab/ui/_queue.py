"""The labelling queue: runs in the order ``behaviorlab feedback queue`` gives, a rating form
with keyboard shortcuts, and the one write this app makes (``add_feedback``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from behaviorlab.evals import RunRecord, find_result
from behaviorlab.feedback import FeedbackError, add_feedback, feedback_queue, list_feedback
from behaviorlab.store import Store
from behaviorlab.trace import SpanRecord
from behaviorlab.ui._view import int_param, render, store_of, str_param

QUEUE_SHOWN = 200
AUTHOR_COOKIE = "behaviorlab_ui_author"
MAX_TEXT = 20_000


def _run_input(spans: list[SpanRecord]) -> str | None:
    roots = [s for s in spans if s.parent_id is None]
    if not roots or roots[0].input is None:
        return None
    raw = roots[0].input
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)


def _last_reply(spans: list[SpanRecord]) -> str | None:
    llm = [s for s in spans if s.kind == "llm" and s.output]
    return llm[-1].output if llm else None


def run_context(store: Store, trace_id: str) -> dict[str, Any]:
    """What a labeller needs beside the form: the input, the answer, the model's last reply."""
    spans = store.trace_spans(trace_id) if len(trace_id) >= 8 else []
    result: RunRecord | None = find_result(store, trace_id)
    escalation = result.extra.get("escalation") if result else None
    return {
        "trace_id": trace_id,
        "found": bool(spans) or result is not None,
        "input": _run_input(spans),
        "result": result,
        "last_reply": _last_reply(spans),
        "escalation": escalation if isinstance(escalation, list) else None,
        "llm_calls": sum(s.kind == "llm" for s in spans),
        "tool_calls": [s for s in spans if s.kind == "tool"],
        "previous": list_feedback(store, trace_id=trace_id),
    }


def queue_page(request: Request) -> Response:
    store = store_of(request)
    eval_id = str_param(request, "eval")
    task = str_param(request, "task")
    pos = int_param(request, "pos", 0, hi=QUEUE_SHOWN - 1)
    items = feedback_queue(store, eval_id=eval_id, task=task, limit=QUEUE_SHOWN)
    current = items[pos] if pos < len(items) else None
    ctx: dict[str, Any] = {}
    trace = None
    if current is not None:
        trace = str_param(request, "trace")
        if trace not in current.trace_ids:
            trace = current.trace_ids[0] if current.trace_ids else None
        if trace:
            ctx = run_context(store, trace)
    filters = {k: v for k, v in (("eval", eval_id), ("task", task)) if v}
    return render(
        request,
        "queue.html",
        {
            "items": items,
            "pos": pos,
            "current": current,
            "trace": trace,
            "ctx": ctx,
            "filters": filters,
            "here": "/queue?" + urlencode({**filters, "pos": pos}),
            "qs": urlencode(filters),
            "saved": _saved(request),
            "author": request.cookies.get(AUTHOR_COOKIE, ""),
        },
    )


def _saved(request: Request) -> int | None:
    raw = request.query_params.get("saved", "")
    return int(raw) if raw.isdigit() else None


def label_page(request: Request) -> Response:
    trace_id = request.path_params["trace_id"]
    ctx = run_context(store_of(request), trace_id)
    if not ctx["found"]:
        raise HTTPException(404, f"no run or trace {trace_id!r} in the store")
    return render(
        request,
        "label.html",
        {
            "ctx": ctx,
            "trace": trace_id,
            "here": f"/runs/{trace_id}",
            "saved": _saved(request),
            "author": request.cookies.get(AUTHOR_COOKIE, ""),
        },
    )


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if value is None or not isinstance(value, str):
        return None
    if len(value) > MAX_TEXT:
        raise HTTPException(400, f"{name} is longer than {MAX_TEXT} characters")
    return value.strip() or None


def _rating(form: FormData, name: str, required: bool) -> int | None:
    raw = _field(form, name)
    if raw is None:
        if required:
            raise HTTPException(400, "choose a rating from 1 to 5 (keys 1-5)")
        return None
    if raw not in ("1", "2", "3", "4", "5"):
        raise HTTPException(400, f"{name.replace('_', ' ')} must be 1 to 5, not {raw!r}")
    return int(raw)


def _local(url: str | None) -> str:
    """Where to go after saving: a path on this server only (never an open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//"):
        return "/queue"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return "/queue"
    return url


async def post_feedback(request: Request) -> Response:
    form = await request.form()
    trace = _field(form, "trace")
    if not trace:
        raise HTTPException(400, "no run given (form field trace)")
    rating = _rating(form, "rating", required=True)
    assert rating is not None
    tools = _field(form, "suggested_tools") or ""
    author = _field(form, "author")
    try:
        fb = add_feedback(
            store_of(request),
            trace,
            rating,
            tool_selection=_rating(form, "tool_selection", required=False),
            comment=_field(form, "comment"),
            suggested_tools=[t.strip() for t in tools.split(",") if t.strip()],
            author=author,
            corrected_answer=_field(form, "corrected_answer"),
        )
    except FeedbackError as e:
        raise HTTPException(404, str(e)) from None
    except ValidationError as e:
        raise HTTPException(400, f"feedback not valid: {e.errors()[0]['msg']}") from None
    back = _local(_field(form, "next"))
    sep = "&" if "?" in back else "?"
    resp = RedirectResponse(f"{back}{sep}saved={fb.id}", status_code=303)
    if author:
        resp.set_cookie(AUTHOR_COOKIE, author, samesite="strict", max_age=365 * 86400)
    return resp
