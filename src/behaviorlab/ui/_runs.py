"""Runs and traces: recent traces, full-text search over inputs and outputs, one run's tree."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from behaviorlab.evals import find_result
from behaviorlab.feedback import list_feedback
from behaviorlab.trace import SpanRecord
from behaviorlab.ui._view import int_param, render, store_of, str_param

SEARCH_LIMIT = 100
SNIPPET = 90


@dataclass
class Node:
    """A span with what its kind shows: messages for LLM calls, arguments for tool calls."""

    span: SpanRecord
    children: list[Node] = field(default_factory=list)
    messages: list[dict[str, Any]] | None = None
    reply: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tool_name(self) -> str:
        return str(self.span.attributes.get("gen_ai.tool.name") or self.span.name)


def _llm_parts(node: Node) -> None:
    sp = node.span
    try:
        msgs = json.loads(sp.input or "")
        if isinstance(msgs, list):
            node.messages = [m for m in msgs if isinstance(m, dict)]
    except ValueError:
        pass
    node.reply = sp.output
    try:
        out = json.loads(sp.output or "")
    except ValueError:
        return
    if isinstance(out, dict) and isinstance(out.get("tool_calls"), list):
        node.reply = str(out.get("text") or "")
        node.tool_calls = [c for c in out["tool_calls"] if isinstance(c, dict)]


def span_tree(spans: list[SpanRecord]) -> list[Node]:
    nodes = {sp.span_id: Node(sp) for sp in spans}
    roots: list[Node] = []
    for sp in spans:  # already in start order
        node = nodes[sp.span_id]
        if sp.kind == "llm":
            _llm_parts(node)
        parent = nodes.get(sp.parent_id or "")
        (parent.children if parent is not None else roots).append(node)
    return roots


def _totals(spans: list[SpanRecord]) -> dict[str, float]:
    llm = [s for s in spans if s.kind == "llm"]
    return {
        "llm": len(llm),
        "tools": sum(s.kind == "tool" for s in spans),
        "input_tokens": sum(s.input_tokens for s in llm),
        "output_tokens": sum(s.output_tokens for s in llm),
        "cost": sum(s.cost_usd for s in llm),
    }


def run_page(request: Request) -> Response:
    trace_id = request.path_params["trace_id"]
    store = store_of(request)
    spans = store.trace_spans(trace_id)
    if not spans:
        raise HTTPException(404, f"no trace {trace_id!r} in the store")
    ids = {s.trace_id for s in spans}
    if len(ids) > 1:
        raise HTTPException(400, f"{trace_id!r} is the start of {len(ids)} traces; give more")
    full = spans[0].trace_id
    return render(
        request,
        "run.html",
        {
            "trace_id": full,
            "tree": span_tree(spans),
            "totals": _totals(spans),
            "n_spans": len(spans),
            "result": find_result(store, full),
            "feedback": list_feedback(store, trace_id=full),
            "saved": saved if (saved := request.query_params.get("saved", "")).isdigit() else None,
        },
    )


def _snippet(text: str | None, needle: str) -> str | None:
    if not text:
        return None
    at = text.lower().find(needle.lower())
    if at < 0:
        return None
    start = max(0, at - SNIPPET // 2)
    cut = text[start : at + len(needle) + SNIPPET // 2]
    return ("…" if start else "") + " ".join(cut.split()) + "…"


def traces_page(request: Request) -> Response:
    store = store_of(request)
    q = str_param(request, "q", max_len=500)
    limit = int_param(request, "limit", 50, lo=1, hi=500)
    hits: list[dict[str, Any]] = []
    recent: list[dict[str, Any]] = []
    if q:
        seen: set[str] = set()
        for sp in store.search_spans(q, limit=SEARCH_LIMIT):
            if sp.trace_id in seen:
                continue
            seen.add(sp.trace_id)
            where = "input" if _snippet(sp.input, q) else "output"
            hits.append(
                {
                    "span": sp,
                    "where": where,
                    "snippet": _snippet(sp.input if where == "input" else sp.output, q),
                    "result": find_result(store, sp.trace_id),
                }
            )
    else:
        roots = store.list_traces(limit=limit, name=str_param(request, "name"))
        totals = store.trace_totals([r.trace_id for r in roots])
        recent = [{"span": r, "t": totals[r.trace_id]} for r in roots]
    return render(
        request,
        "traces.html",
        {"q": q or "", "hits": hits, "recent": recent, "limit": limit, "max": SEARCH_LIMIT},
    )
