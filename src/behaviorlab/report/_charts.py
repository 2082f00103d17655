"""Plotly figures for the report: accuracy vs cost, latency, per-level accuracy, A/B deltas.

Plotly renders its labels as a subset of HTML, so every user-provided string (eval ids,
agent and model names) goes through :func:`_t`, and reaches hover templates only through
``customdata`` so that a ``%{`` in a name is never read as a template field.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from behaviorlab.evals import CompareReport, HistorySeries, RatioMetric
from behaviorlab.report._data import ReportData
from behaviorlab.report._tables import sorted_levels

if TYPE_CHECKING:
    import plotly.graph_objects as go

PALETTE = [
    "#636efa",
    "#ef553b",
    "#00cc96",
    "#ab63fa",
    "#ffa15a",
    "#19d3f3",
    "#ff6692",
    "#b6e880",
    "#ff97ff",
    "#fecb52",
]
PASS, FAIL, UNGATED = "#2ca02c", "#d62728", "#7f7f7f"
# Latency spread this wide is easier to read on a log axis.
LOG_LATENCY_SPREAD = 50.0
# Above this many runs per eval the box plot shows outliers only, to keep the page light.
MAX_POINTS = 400


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: go.Figure
    caption: str = ""


def _t(s: object) -> str:
    return html.escape(str(s), quote=False)


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _layout(fig: go.Figure, **kw: Any) -> None:
    fig.update_layout(
        template="plotly_white",
        margin={"l": 60, "r": 30, "t": 50, "b": 60},
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 13},
        **kw,
    )


def accuracy_vs_cost(data: ReportData) -> Chart | None:
    import plotly.graph_objects as go

    tokens = data.cost_basis == "tokens"
    fig = go.Figure()
    xs: list[float] = []
    for i, e in enumerate(data.evals):
        m, a = e.metrics, e.metrics.accuracy
        if m.runs == 0:
            continue
        x = m.tokens_mean if tokens else m.cost_per_run_usd
        xs.append(x)
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[a.accuracy],
                mode="markers",
                name=_t(e.eval_id) + (" (baseline)" if i == 0 else ""),
                marker={
                    "size": 14,
                    "color": _color(i),
                    "symbol": "diamond" if i == 0 else "circle",
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [a.high - a.accuracy],
                    "arrayminus": [a.accuracy - a.low],
                    "thickness": 2,
                },
                customdata=[
                    [_t(e.eval_id), _t(e.record.agent), _t(e.record.model), a.low, a.high, m.runs]
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<br>"
                    "accuracy %{y:.1%} [%{customdata[3]:.1%}, %{customdata[4]:.1%}]<br>"
                    + ("tokens/run %{x:,.1f}" if tokens else "cost/run $%{x:.6f}")
                    + "<br>%{customdata[5]} runs<extra></extra>"
                ),
            )
        )
    if not fig.data:
        return None
    xtitle = (
        "tokens per run (every run cost $0: local models, so tokens stand in for cost)"
        if tokens
        else "cost per run (USD)"
    )
    _layout(fig, height=460, legend={"title": {"text": "evaluation"}})
    # Start a little left of 0 so a free model's marker at x = 0 is not cut in half.
    top = max(xs) * 1.08 or 1.0
    fig.update_xaxes(title_text=xtitle, range=[-0.04 * top, top], tickprefix="" if tokens else "$")
    fig.update_yaxes(title_text="accuracy (95% Wilson CI)", tickformat=".0%", range=[0, 1.05])
    return Chart(
        "accuracy-cost",
        "Accuracy vs cost" if not tokens else "Accuracy vs tokens",
        fig,
        "One point per evaluation; bars are 95% Wilson intervals over runs. Up and left is better.",
    )


def latency_distribution(data: ReportData) -> Chart | None:
    import plotly.graph_objects as go

    fig = go.Figure()
    values: list[float] = []
    for i, e in enumerate(data.evals):
        if not e.latencies_s:
            continue
        values += e.latencies_s
        fig.add_trace(
            go.Box(
                y=e.latencies_s,
                name=_t(e.eval_id),
                marker_color=_color(i),
                boxmean=True,
                boxpoints="all" if len(e.latencies_s) <= MAX_POINTS else "outliers",
                jitter=0.4,
                pointpos=0,
                marker={"size": 4, "opacity": 0.5},
                hovertemplate="%{y:.3f} s<extra>%{x}</extra>",
            )
        )
    if not fig.data:
        return None
    positive = [v for v in values if v > 0]
    log = len(positive) == len(values) and max(positive) / min(positive) > LOG_LATENCY_SPREAD
    _layout(fig, height=460, showlegend=False)
    fig.update_yaxes(
        title_text="latency per run (s)" + (", log scale" if log else ""),
        type="log" if log else "linear",
    )
    return Chart(
        "latency",
        "Latency distribution",
        fig,
        "Every run's wall-clock latency; the box spans the quartiles, the solid line is the "
        "median and the dashed line the mean.",
    )


def accuracy_by_level(data: ReportData) -> Chart | None:
    import plotly.graph_objects as go

    levels = sorted_levels({k for e in data.evals for k in e.metrics.by_level})
    if not levels:
        return None
    fig = go.Figure()
    for i, e in enumerate(data.evals):
        by = e.metrics.by_level
        present = [k for k in levels if k in by]
        if not present:
            continue
        accs = [by[k] for k in present]
        fig.add_trace(
            go.Bar(
                x=[f"level {_t(k)}" for k in present],
                y=[a.accuracy for a in accs],
                name=_t(e.eval_id),
                marker_color=_color(i),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [a.high - a.accuracy for a in accs],
                    "arrayminus": [a.accuracy - a.low for a in accs],
                },
                customdata=[[a.low, a.high, a.correct, a.n] for a in accs],
                hovertemplate=(
                    "%{x}: %{y:.1%} [%{customdata[0]:.1%}, %{customdata[1]:.1%}]"
                    "<br>%{customdata[2]}/%{customdata[3]} correct<extra>%{fullData.name}</extra>"
                ),
            )
        )
    _layout(fig, height=440, barmode="group", legend={"title": {"text": "evaluation"}})
    fig.update_yaxes(title_text="accuracy (95% Wilson CI)", tickformat=".0%", range=[0, 1.05])
    fig.update_xaxes(categoryorder="array", categoryarray=[f"level {_t(k)}" for k in levels])
    return Chart(
        "levels",
        "Per-level accuracy",
        fig,
        "Grouped by scenario level; bars are 95% Wilson intervals.",
    )


def _ratio_label(m: RatioMetric) -> str:
    name = "cost (tokens)" if m.name == "cost" and m.basis == "tokens" else m.name
    if m.status != "ok":
        return f"{name}: n/a ({m.status.replace('_', ' ')})"
    return name


def _finite_cap(reports: list[CompareReport]) -> float:
    bounds = [
        v
        for r in reports
        for m in (
            r.comparison.accuracy,
            r.comparison.latency,
            r.comparison.cost,
            r.comparison.tokens,
        )
        for v in (m.low, m.high, m.ratio)
        if v is not None and math.isfinite(v)
    ]
    return max([2.0, *bounds]) * 1.15


def ab_deltas(data: ReportData) -> Chart | None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    pairs = [(ab, ab.report) for ab in data.comparisons if ab.report is not None]
    if not pairs:
        return None
    reports = [r for _, r in pairs]
    cap = _finite_cap(reports)
    crit = data.criteria
    thresholds = {
        "accuracy": crit.min_accuracy_ratio,
        "latency": crit.max_latency_ratio,
        "cost": crit.max_cost_ratio,
        "tokens": crit.max_token_ratio,
    }
    titles: list[str] = []
    for ab, r in pairs:
        name = f"{_t(ab.candidate_id)} vs {_t(ab.baseline_id)}"
        titles += [
            f"{name}: accuracy Δ (points)",
            f"<b>{r.decision.verdict}</b> · ratios candidate / baseline",
        ]
    fig = make_subplots(
        rows=len(pairs),
        cols=2,
        column_widths=[0.35, 0.65],
        subplot_titles=titles,
        horizontal_spacing=0.14,
        vertical_spacing=min(0.25, 0.5 / len(pairs)),
    )
    for row, (_, r) in enumerate(pairs, start=1):
        c, checks = r.comparison, {ch.name: ch for ch in r.decision.checks}
        d = c.accuracy_diff
        fig.add_trace(
            go.Scatter(
                x=[d.estimate * 100],
                y=["accuracy Δ"],
                mode="markers",
                marker={"size": 12, "color": PASS if checks["accuracy"].passed else FAIL},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [(d.high - d.estimate) * 100],
                    "arrayminus": [(d.estimate - d.low) * 100],
                    "thickness": 2,
                },
                customdata=[[d.low * 100, d.high * 100, d.p_value]],
                hovertemplate=(
                    "accuracy Δ %{x:+.1f} points [%{customdata[0]:+.1f}, %{customdata[1]:+.1f}]"
                    "<br>bootstrap p %{customdata[2]:.3g}<extra></extra>"
                ),
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        fig.add_vline(x=0, line_dash="dot", line_color="#444", row=row, col=1)
        metrics = [c.accuracy, c.latency, c.cost, c.tokens]
        labels = [_ratio_label(m) for m in metrics]
        xs, lo, hi, colors, hover = [], [], [], [], []
        for m in metrics:
            ok = (
                m.status == "ok"
                and m.ratio is not None
                and m.low is not None
                and m.high is not None
            )
            est = m.ratio if ok and m.ratio is not None else None
            low = (
                m.low
                if ok and m.low is not None and math.isfinite(m.low)
                else (0.0 if ok else None)
            )
            high = (
                m.high
                if ok and m.high is not None and math.isfinite(m.high)
                else (cap if ok else None)
            )
            xs.append(est)
            lo.append(0.0 if est is None or low is None else est - low)
            hi.append(0.0 if est is None or high is None else high - est)
            ch = checks.get(m.name)
            colors.append(UNGATED if ch is None else PASS if ch.passed else FAIL)
            hover.append(
                f"{m.name} ratio {m.ratio:.3f} [{m.low:.3f}, {m.high:.3f}]<br>"
                f"baseline {m.baseline_mean:.4g}, candidate {m.candidate_mean:.4g}"
                if est is not None and m.low is not None and m.high is not None
                else f"{m.name}: n/a"
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=labels,
                mode="markers",
                marker={"size": 12, "color": colors},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": hi,
                    "arrayminus": lo,
                    "thickness": 2,
                },
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
                showlegend=False,
            ),
            row=row,
            col=2,
        )
        tx = [
            (lab, thresholds[m.name])
            for lab, m in zip(labels, metrics, strict=True)
            if m.name in checks
        ]
        fig.add_trace(
            go.Scatter(
                x=[v for _, v in tx],
                y=[lab for lab, _ in tx],
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": "#222",
                    "line": {"width": 2},
                },
                name="gate threshold",
                hovertemplate="gate threshold %{x:g}<extra></extra>",
                showlegend=row == 1,
            ),
            row=row,
            col=2,
        )
        fig.add_vline(x=1, line_dash="dot", line_color="#444", row=row, col=2)
        fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], row=row, col=2)
    _layout(
        fig,
        height=140 + 260 * len(pairs),
        legend={
            "orientation": "h",
            "y": -0.08 if len(pairs) > 1 else -0.2,
            "x": 1,
            "xanchor": "right",
        },
    )
    fig.update_annotations(font_size=13)
    return Chart(
        "ab",
        "A/B deltas with intervals",
        fig,
        f"Paired bootstrap {crit.confidence:.0%} intervals over scenarios. Green: the gate "
        "check passed; red: failed; grey: not gated. Ticks mark the gate thresholds (accuracy "
        "needs the lower bound above its tick, the others the upper bound below theirs); "
        "dotted lines mark no change.",
    )


def history_chart(series: list[HistorySeries], metric: str) -> Chart | None:
    """One line per configuration over time (``behaviorlab history``'s series)."""
    import datetime as dt

    import plotly.graph_objects as go

    fig = go.Figure()
    for i, s in enumerate(series):
        pts = [p for p in s.points if p.value is not None]
        if not pts:
            continue
        fig.add_trace(
            go.Scatter(
                x=[dt.datetime.fromtimestamp(p.created_at, dt.UTC) for p in pts],
                y=[p.value for p in pts],
                mode="lines+markers",
                name=_t(s.key),
                marker={"color": _color(i), "size": 8},
                line={"color": _color(i)},
                customdata=[[_t(p.eval_id), _t(p.code_version), p.n] for p in pts],
                hovertemplate="%{y:.4g}<br>%{customdata[0]} · code %{customdata[1]} · "
                "n=%{customdata[2]}<extra></extra>",
            )
        )
    if not fig.data:
        return None
    _layout(fig, height=420, legend={"orientation": "h", "y": -0.25})
    fig.update_yaxes(title_text=_t(metric))
    fig.update_xaxes(title_text="evaluation started (UTC)")
    return Chart(
        "history",
        f"History: {metric}",
        fig,
        "One line per configuration (task, agent, model, level, prompt); one point per evaluation.",
    )


def all_charts(data: ReportData) -> list[Chart]:
    charts = [
        accuracy_vs_cost(data),
        latency_distribution(data),
        accuracy_by_level(data),
        ab_deltas(data),
    ]
    return [c for c in charts if c is not None]
