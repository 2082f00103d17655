"""The report's tables as GitHub Markdown, and its data as JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import BaseModel

from behaviorlab.report._data import ReportData
from behaviorlab.report._tables import all_tables, fmt_time


def _md_text(s: object) -> str:
    # Outside tables only the characters that would start markup need escaping.
    out = str(s)
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(data: ReportData) -> str:
    from behaviorlab import __version__

    ids = ", ".join(_md_text(e.eval_id) for e in data.evals)
    lines = [
        "# Evaluation report",
        "",
        f"{len(data.evals)} evaluation(s): {ids}. Baseline: **{_md_text(data.baseline.eval_id)}**. "
        f"Generated {fmt_time(data.generated_at)} by behaviorlab {__version__}. "
        "Charts are in the HTML report.",
        "",
    ]
    for table in all_tables(data):
        lines += [f"## {table.title}", "", table.to_markdown()]
        if table.key == "ab":
            lines += _gate_markdown(data)
    return "\n".join(lines).rstrip() + "\n"


def _gate_markdown(data: ReportData) -> list[str]:
    lines: list[str] = []
    for ab in data.comparisons:
        if ab.report is None:
            continue
        d, c = ab.report.decision, ab.report.comparison
        lines += [
            f"### {_md_text(ab.candidate_id)} vs {_md_text(ab.baseline_id)}: **{d.verdict}**",
            "",
        ]
        # Reasons and notes are the gate's own text (numbers and fixed words), not user input.
        lines += [f"- {r}" for r in d.reasons]
        if d.significant:
            lines.append(
                f"- Significant after Holm correction at α = {d.alpha:g}: {', '.join(d.significant)}."
            )
        lines += [f"- Note: {n}" for n in c.notes]
        lines.append("")
    return lines


def _finite(obj: Any) -> Any:
    """Non-finite floats as the strings pydantic uses, so the file is strict JSON."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return "NaN" if math.isnan(obj) else ("Infinity" if obj > 0 else "-Infinity")
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def _dump(model: BaseModel) -> Any:
    return _finite(model.model_dump(mode="json"))


def report_dict(data: ReportData) -> dict[str, Any]:
    """Everything the report shows, JSON-serialisable: records, metrics, comparisons, tables."""
    from behaviorlab import __version__

    return {
        "generated_at": data.generated_at,
        "behaviorlab_version": __version__,
        "baseline": data.baseline.eval_id,
        "cost_basis": data.cost_basis,
        "criteria": _dump(data.criteria),
        "seed": data.seed,
        "evals": [
            {
                "eval": _dump(e.record),
                "metrics": _dump(e.metrics),
                "answered_at": e.answered_at,
                "latencies_s": e.latencies_s,
            }
            for e in data.evals
        ],
        "comparisons": [
            {
                "baseline": ab.baseline_id,
                "candidate": ab.candidate_id,
                "skipped": ab.skipped,
                "comparison": _dump(ab.report.comparison) if ab.report else None,
                "decision": _dump(ab.report.decision) if ab.report else None,
            }
            for ab in data.comparisons
        ],
        "tables": [_dump(t) for t in all_tables(data)],
    }


def render_json(data: ReportData) -> str:
    return json.dumps(report_dict(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
