"""The report's tables as plain-text cells, rendered to GitHub Markdown or escaped HTML.

Cells are built once and rendered twice, so the HTML page and the Markdown file cannot
disagree; every cell is treated as untrusted text by both renderers.
"""

from __future__ import annotations

import html
import math
import time
from typing import Any, Literal

from pydantic import BaseModel, Field

from behaviorlab.evals import Accuracy, RatioMetric
from behaviorlab.report._data import ABSection, ReportData

Align = Literal["l", "r"]


class Table(BaseModel):
    key: str
    title: str
    columns: list[str]
    align: list[Align]
    rows: list[list[str]]
    notes: list[str] = Field(default_factory=list)

    def to_markdown(self) -> str:
        def cell(text: str) -> str:
            # A pipe ends a cell and a newline ends the row in GitHub tables; "<" could open
            # an HTML tag.
            out = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<")
            return out.replace("\r", " ").replace("\n", " ")

        lines = [
            "| " + " | ".join(cell(c) for c in self.columns) + " |",
            "|" + "|".join("---:" if a == "r" else "---" for a in self.align) + "|",
        ]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def to_html(self) -> str:
        def td(text: str, a: Align, tag: str = "td") -> str:
            cls = ["num"] if a == "r" else []
            if text in ("APPROVE", "REJECT"):
                cls.append(f"verdict-{text.lower()}")
            attr = f' class="{" ".join(cls)}"' if cls else ""
            return f"<{tag}{attr}>{html.escape(text)}</{tag}>"

        head = "".join(td(c, a, "th") for c, a in zip(self.columns, self.align, strict=True))
        body = "\n".join(
            "<tr>" + "".join(td(c, a) for c, a in zip(row, self.align, strict=True)) + "</tr>"
            for row in self.rows
        )
        out = (
            f'<table id="table-{html.escape(self.key)}">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody>\n</table>\n"
        )
        if self.notes:
            out += (
                '<ul class="notes">'
                + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
                + "</ul>\n"
            )
        return out


# formatting ------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{x:.1%}"


def fmt_acc(a: Accuracy, counts: bool = False) -> str:
    if a.n == 0:
        return "n/a"
    return a.fmt() + (f" ({a.correct}/{a.n})" if counts else "")


def fmt_usd(x: float) -> str:
    if x == 0:
        return "$0"
    return f"${x:.4f}" if x >= 0.01 else f"${x:.6f}"


def fmt_bound(x: float | None) -> str:
    if x is None:
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.3f}"


def fmt_ratio(m: RatioMetric) -> str:
    if m.status != "ok" or m.ratio is None:
        return f"n/a ({m.status.replace('_', ' ')})"
    return f"{m.ratio:.3f} [{fmt_bound(m.low)}, {fmt_bound(m.high)}]"


def fmt_p(p: float | None) -> str:
    if p is None:
        return "n/a"
    return f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def fmt_time(t: float | None) -> str:
    if t is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(t))


def _level_sort_key(k: str) -> tuple[int, float, str]:
    try:
        return (0, float(k), k)
    except ValueError:
        return (1, 0.0, k)


def sorted_levels(keys: set[str]) -> list[str]:
    return sorted(keys, key=_level_sort_key)


# tables ----------------------------------------------------------------------


def _risk_coverage(m: Any) -> str:
    rc = m.risk_coverage
    if rc is None or not m.runs:
        return "n/a"
    aurc = f" ({rc.aurc:.3f})" if rc.aurc is not None else ""
    return f"{pct(rc.coverage)} / {pct(rc.risk)}{aurc}"


def summary_table(data: ReportData) -> Table:
    cost_col = "cost/run" if data.cost_basis == "usd" else "cost/run (all $0: local)"
    rows = []
    for e in data.evals:
        m, r = e.metrics, e.record
        rows.append(
            [
                r.eval_id,
                r.task,
                r.agent,
                r.model,
                str(m.runs),
                fmt_acc(m.accuracy),
                pct(m.declined_rate) if m.runs else "n/a",
                pct(m.wrong_rate) if m.runs else "n/a",
                _risk_coverage(m),
                pct(m.error_rate) if m.runs else "n/a",
                f"{m.tokens_mean:,.1f}",
                f"{m.llm_calls_mean:.2f}",
                f"{m.latency_p50_s:.3f} / {m.latency_p95_s:.3f}",
                fmt_usd(m.cost_per_run_usd),
            ]
        )
    notes = [f"Baseline for A/B deltas: {data.baseline.eval_id}."] if len(data.evals) > 1 else []
    notes += [f"{e.eval_id} has no results." for e in data.evals if e.metrics.runs == 0]
    return Table(
        key="summary",
        title="Summary",
        columns=[
            "eval",
            "task",
            "agent",
            "model",
            "runs",
            "accuracy [95% CI]",
            "declined",
            "wrong",
            "coverage / risk (AURC)",
            "errors",
            "tokens/run",
            "LLM calls/run",
            "latency p50 / p95 (s)",
            cost_col,
        ],
        align=["l", "l", "l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
        rows=rows,
        notes=notes,
    )


def _breakdown(data: ReportData, key: str, title: str, what: str) -> Table | None:
    groups = [getattr(e.metrics, f"by_{key}") for e in data.evals]
    names = sorted_levels({k for g in groups for k in g})
    if not names:
        return None
    rows = [
        [name] + [fmt_acc(g[name], counts=True) if name in g else "-" for g in groups]
        for name in names
    ]
    return Table(
        key=key,
        title=title,
        columns=[what] + [e.eval_id for e in data.evals],
        align=["l"] + ["r"] * len(data.evals),
        rows=rows,
        notes=["Accuracy [95% Wilson CI] (correct/runs)."],
    )


def level_table(data: ReportData) -> Table | None:
    return _breakdown(data, "level", "Accuracy by scenario level", "level")


def category_table(data: ReportData) -> Table | None:
    return _breakdown(data, "category", "Accuracy by category", "category")


def answered_table(data: ReportData) -> Table | None:
    """Share of runs answered at each level, shown only for escalation chains."""
    if not data.has_escalation:
        return None
    levels = data.answered_levels
    rows = []
    for e in data.evals:
        n = sum(e.answered_at.values())
        rows.append(
            [e.eval_id, str(n)]
            + [
                f"{pct(e.answered_at.get(k, 0) / n)} ({e.answered_at.get(k, 0)})" if n else "-"
                for k in levels
            ]
        )
    return Table(
        key="answered",
        title="Share of runs answered at each level",
        columns=["eval", "runs"] + [k if k != "?" else "unknown" for k in levels],
        align=["l"] + ["r"] * (len(levels) + 1),
        rows=rows,
    )


def _ab_row(ab: ABSection) -> list[str] | None:
    if ab.report is None:
        return None
    c, d = ab.report.comparison, ab.report.decision
    diff = c.accuracy_diff
    cost = fmt_ratio(c.cost) + (" (tokens)" if c.cost.basis == "tokens" else "")
    return [
        ab.candidate_id,
        ab.baseline_id,
        f"{c.n_scenarios} / {c.n_rows}",
        f"{diff.estimate * 100:+.1f} [{diff.low * 100:+.1f}, {diff.high * 100:+.1f}]",
        fmt_p(c.mcnemar.p_value),
        fmt_ratio(c.accuracy),
        fmt_ratio(c.latency),
        cost,
        fmt_ratio(c.tokens),
        d.verdict,
    ]


def ab_table(data: ReportData) -> Table | None:
    if not data.comparisons:
        return None
    rows = [row for ab in data.comparisons if (row := _ab_row(ab)) is not None]
    notes = [ab.skipped for ab in data.comparisons if ab.skipped]
    crit = data.criteria
    notes.append(
        f"{crit.confidence:.0%} paired bootstrap intervals over scenarios ({crit.n_boot} "
        f"resamples, seed {data.seed}); ratios are candidate / baseline. Gate: accuracy ratio "
        f"lower bound ≥ {crit.min_accuracy_ratio:g}, latency ratio upper bound < "
        f"{crit.max_latency_ratio:g}, cost ratio upper bound < {crit.max_cost_ratio:g}"
        + (
            f", tokens ratio upper bound < {crit.max_token_ratio:g}."
            if crit.max_token_ratio is not None
            else "."
        )
    )
    return Table(
        key="ab",
        title="A/B deltas against the baseline",
        columns=[
            "candidate",
            "baseline",
            "scenarios / rows",
            "accuracy Δ (points) [CI]",
            "McNemar p",
            "accuracy ratio [CI]",
            "latency ratio [CI]",
            "cost ratio [CI]",
            "tokens ratio [CI]",
            "verdict",
        ],
        align=["l", "l", "r", "r", "r", "r", "r", "r", "r", "l"],
        rows=rows,
        notes=notes,
    )


def data_label(config: dict[str, Any]) -> str:
    """``source #hash`` of the scenarios an evaluation ran on (``-`` for older records)."""
    d = config.get("data") or {}
    return f"{d.get('source', '-')} #{d.get('hash', '-')}" if d else "-"


def runs_table(data: ReportData) -> Table:
    rows = [
        [
            e.record.eval_id,
            fmt_time(e.record.created_at),
            fmt_time(e.record.finished_at),
            e.record.status,
            e.record.code_version,
            str(e.record.seed),
            e.record.config_hash,
            data_label(e.record.config),
            f"{e.metrics.scenarios} × {e.metrics.repeats}",
        ]
        for e in data.evals
    ]
    return Table(
        key="evals",
        title="Evaluations",
        columns=[
            "eval",
            "created",
            "finished",
            "status",
            "code version",
            "seed",
            "config hash",
            "data",
            "scenarios × repeats",
        ],
        align=["l", "l", "l", "l", "l", "r", "l", "l", "r"],
        rows=rows,
    )


def all_tables(data: ReportData) -> list[Table]:
    """Every table of the report, in page order; absent ones (no levels, ...) are left out."""
    tables = [
        summary_table(data),
        level_table(data),
        answered_table(data),
        category_table(data),
        ab_table(data),
        runs_table(data),
    ]
    return [t for t in tables if t is not None]
