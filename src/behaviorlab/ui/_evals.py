"""Evaluations: the list, one evaluation, an A/B comparison, history per configuration."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from behaviorlab.evals import (
    EvalNotFoundError,
    EvalRecord,
    RunRecord,
    UnscoredRunsError,
    get_eval,
    history,
    load_results,
    summarize_evals,
    wilson_interval,
)
from behaviorlab.report import (
    all_charts,
    all_tables,
    chart_html,
    collect_report,
    history_chart,
)
from behaviorlab.ui._view import int_param, render, store_of, str_param

PAGE = 50
SHOW = ("all", "wrong", "declined", "correct", "unscored")
RUNS_PAGE = 100
HISTORY_METRICS = (
    "accuracy",
    "cost",
    "latency_p50",
    "latency_p95",
    "tokens",
    "declined",
    "llm_calls",
    "variance",
)


def data_of(rec: EvalRecord) -> str:
    """The scenario options an evaluation ran with, compactly (source, level, n, split...)."""
    opts = rec.config.get("options") or {}
    if not isinstance(opts, dict):
        return str(opts)
    parts = [f"{k}={v}" for k, v in sorted(opts.items()) if v not in (None, "", [], {})]
    reps = rec.config.get("repeats")
    if isinstance(reps, int) and reps > 1:
        parts.append(f"repeats={reps}")
    return " ".join(parts) or "-"


def _lookup(request: Request, eval_id: str) -> EvalRecord:
    try:
        return get_eval(store_of(request), eval_id)
    except EvalNotFoundError as e:
        raise HTTPException(404, str(e)) from None


def index(request: Request) -> Response:
    task = str_param(request, "task")
    agent = str_param(request, "agent")
    model = str_param(request, "model")
    offset = int_param(request, "offset", 0, hi=10_000_000)
    store = store_of(request)
    summaries, total = summarize_evals(
        store, task=task, agent=agent, model=model, limit=PAGE, offset=offset
    )
    rows: list[dict[str, Any]] = []
    for s in summaries:
        lo, hi = wilson_interval(s.correct, s.runs)
        rows.append(
            {
                "s": s,
                "r": s.record,
                "data": data_of(s.record),
                "acc": s.correct / s.runs if s.runs else None,
                "lo": lo,
                "hi": hi,
            }
        )
    return render(
        request,
        "index.html",
        {
            "rows": rows,
            "total": total,
            "offset": offset,
            "page": PAGE,
            "filters": {"task": task or "", "agent": agent or "", "model": model or ""},
        },
    )


class ChartCache:
    """The report's charts as HTML, per app. Building plotly figures costs ~0.5 s for 1,000
    runs, and an evaluation's rows change only while it runs: the key holds ids, statuses and
    row counts."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], list[str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, data: Any, keys: tuple[str, ...]) -> list[str]:
        key = (keys, *((e.eval_id, e.record.status, e.metrics.runs) for e in data.evals))
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        charts = {c.key: c for c in all_charts(data)}
        html = [chart_html(charts[k]) for k in keys if k in charts]
        with self._lock:
            self._items[key] = html
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return html


def _charts(request: Request, data: Any, keys: tuple[str, ...]) -> list[str]:
    cache: ChartCache = request.app.state.charts
    return cache.get(data, keys)


def eval_page(request: Request) -> Response:
    rec = _lookup(request, request.path_params["eval_id"])
    store = store_of(request)
    show = str_param(request, "show") or "all"
    if show not in SHOW:
        raise HTTPException(400, f"show must be one of {', '.join(SHOW)}, not {show!r}")
    offset = int_param(request, "offset", 0, hi=10_000_000)
    data = collect_report(store, [rec.eval_id])
    tables = {t.key: t for t in all_tables(data)}
    runs = load_results(store, rec.eval_id)
    picked = [r for r in runs if _shows(r, show)]
    return render(
        request,
        "eval.html",
        {
            "rec": rec,
            "data_desc": data_of(rec),
            "metrics": data.evals[0].metrics,
            "tables": [
                tables[k] for k in ("summary", "level", "category", "answered") if k in tables
            ],
            "charts": _charts(request, data, ("accuracy-cost", "latency", "levels")),
            "runs": picked[offset : offset + RUNS_PAGE],
            "n_picked": len(picked),
            "offset": offset,
            "page": RUNS_PAGE,
            "show": show,
            "level": rec.config.get("options", {}).get("level"),
        },
    )


def _shows(r: RunRecord, show: str) -> bool:
    if show == "unscored":
        return r.infra_error is not None
    if show == "wrong":
        return not r.correct and not r.declined and r.infra_error is None
    if show == "declined":
        return r.declined
    if show == "correct":
        return r.correct
    return True


def compare_page(request: Request) -> Response:
    a, b = str_param(request, "a"), str_param(request, "b")
    if not a or not b:
        raise HTTPException(400, "compare needs two evaluations: ?a=BASELINE&b=CANDIDATE")
    store = store_of(request)
    base, cand = _lookup(request, a), _lookup(request, b)
    try:
        data = collect_report(store, [base.eval_id, cand.eval_id])
    except UnscoredRunsError as e:
        raise HTTPException(409, f"not compared: {e}") from None
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    ab = data.comparisons[0]
    tables = {t.key: t for t in all_tables(data)}
    base_runs = {(r.scenario_id, r.repeat): r for r in load_results(store, base.eval_id)}
    cand_runs = {(r.scenario_id, r.repeat): r for r in load_results(store, cand.eval_id)}
    disagree = []
    for key in sorted(base_runs.keys() & cand_runs.keys()):
        x, y = base_runs[key], cand_runs[key]
        if x.correct != y.correct or x.answer != y.answer:
            disagree.append({"a": x, "b": y, "flip": x.correct != y.correct})
    disagree.sort(key=lambda d: not d["flip"])  # correctness flips first
    return render(
        request,
        "compare.html",
        {
            "base": base,
            "cand": cand,
            "ab": ab,
            "tables": [tables[k] for k in ("summary", "ab", "level") if k in tables],
            "charts": _charts(request, data, ("ab", "accuracy-cost")) if ab.report else [],
            "disagree": disagree,
        },
    )


def history_page(request: Request) -> Response:
    task = str_param(request, "task")
    metric = str_param(request, "metric") or "accuracy"
    if metric not in HISTORY_METRICS:
        raise HTTPException(
            400, f"unknown metric {metric!r}; choose from {', '.join(HISTORY_METRICS)}"
        )
    eval_id = str_param(request, "eval")
    series = history(store_of(request), task, metric)
    if eval_id:  # the configuration this evaluation belongs to
        series = [s for s in series if any(p.eval_id == eval_id for p in s.points)]
    chart = history_chart(series, metric)
    return render(
        request,
        "history.html",
        {
            "task": task or "",
            "metric": metric,
            "metrics": HISTORY_METRICS,
            "eval_id": eval_id,
            "series": series,
            "chart": chart_html(chart) if chart else None,
        },
    )
