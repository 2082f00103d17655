"""``build_report``: write the HTML page and its Markdown and JSON twins."""

from __future__ import annotations

from pathlib import Path

from behaviorlab.evals import GateCriteria
from behaviorlab.report._data import ReportData, collect_report
from behaviorlab.report._html import render_html
from behaviorlab.report._text import render_json, render_markdown
from behaviorlab.store import Store


def write_report(data: ReportData, output: Path | str) -> list[Path]:
    """Write ``output`` (HTML) and the same stem with ``.md`` and ``.json``; return the paths."""
    out = Path(output)
    html_path = (
        out if out.suffix.lower() in (".html", ".htm") else out.with_name(out.name + ".html")
    )
    md_path, json_path = html_path.with_suffix(".md"), html_path.with_suffix(".json")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    # Render everything before writing anything, so a failure leaves no partial report.
    texts = {
        html_path: render_html(data),
        md_path: render_markdown(data),
        json_path: render_json(data),
    }
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    return list(texts)


def build_report(
    store: Store,
    eval_ids: list[str],
    output: Path | str,
    *,
    criteria: GateCriteria | None = None,
    seed: int = 0,
) -> list[Path]:
    """Report on ``eval_ids`` (the first is the A/B baseline) to ``output`` and its twins.

    Raises :class:`behaviorlab.evals.EvalNotFoundError` for an unknown or ambiguous id and
    ``ValueError`` for an empty or repeated list.
    """
    return write_report(collect_report(store, eval_ids, criteria=criteria, seed=seed), output)
