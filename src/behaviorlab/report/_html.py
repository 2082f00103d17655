"""The self-contained HTML page: escaped tables, plotly charts with plotly.js inlined once."""

from __future__ import annotations

import html
import json

from behaviorlab.report._charts import Chart, all_charts
from behaviorlab.report._data import ReportData
from behaviorlab.report._tables import Table, all_tables, fmt_time

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
       margin: 0; background: #f7f8fa; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { margin-bottom: 4px; }
h2 { margin-top: 40px; border-bottom: 1px solid #d9dee5; padding-bottom: 4px; }
section, figure { background: #fff; border: 1px solid #e3e7ed; border-radius: 6px;
                  padding: 12px 18px; margin: 18px 0; }
figure { margin: 18px 0; }
figcaption, .meta, .notes { color: #52606d; font-size: 0.9em; }
.chart { width: 100%; }
table { border-collapse: collapse; font-size: 0.9em; margin: 8px 0; width: 100%; }
th, td { border-bottom: 1px solid #e3e7ed; padding: 5px 8px; text-align: left;
         vertical-align: top; }
th { background: #f0f3f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.verdict-approve, .badge.approve { color: #fff; background: #2f855a; font-weight: 600; }
.verdict-reject, .badge.reject { color: #fff; background: #c53030; font-weight: 600; }
.badge { border-radius: 4px; padding: 1px 8px; font-size: 0.8em; margin-left: 8px; }
nav a { margin-right: 14px; }
.scroll { overflow-x: auto; }
td { white-space: nowrap; }
pre { background: #f0f3f7; padding: 8px; overflow-x: auto; font-size: 0.85em; }
"""

PLOTLY_CONFIG = {"responsive": True, "displaylogo": False}


def _e(s: object) -> str:
    return html.escape(str(s))


def chart_html(chart: Chart, include_js: bool = False) -> str:
    """One chart as a ``<figure>``; without ``include_js`` the page must load plotly.js."""
    return _chart_html(chart, include_js)


def _chart_html(chart: Chart, include_js: bool) -> str:
    import plotly.io as pio

    # Fixed div ids keep the page byte-stable for the same data; plotly's own are random.
    div = pio.to_html(
        chart.figure,
        full_html=False,
        include_plotlyjs=include_js,
        config={**PLOTLY_CONFIG, "toImageButtonOptions": {"filename": chart.key}},
        div_id=f"chart-{chart.key}",
        default_height=f"{chart.figure.layout.height or 450}px",
    )
    caption = f"<figcaption>{_e(chart.caption)}</figcaption>" if chart.caption else ""
    return (
        f'<figure id="figure-{_e(chart.key)}"><h3>{_e(chart.title)}</h3>'
        f'<div class="chart">{div}</div>{caption}</figure>\n'
    )


def _table_html(table: Table) -> str:
    return (
        f'<section id="section-{_e(table.key)}"><h2>{_e(table.title)}</h2>\n'
        f'<div class="scroll">{table.to_html()}</div></section>\n'
    )


def _gate_html(data: ReportData) -> str:
    parts = []
    for ab in data.comparisons:
        if ab.report is None:
            continue
        d, c = ab.report.decision, ab.report.comparison
        verdict = d.verdict.lower()
        items = "".join(f"<li>{_e(r)}</li>" for r in d.reasons)
        notes = "".join(f"<li>{_e(n)}</li>" for n in c.notes)
        sig = (
            f"<p class='meta'>Significant after Holm correction at α = {d.alpha:g}: "
            f"{_e(', '.join(d.significant))}.</p>"
            if d.significant
            else ""
        )
        parts.append(
            f'<div class="gate"><h3>{_e(ab.candidate_id)} vs {_e(ab.baseline_id)}'
            f'<span class="badge {verdict}">{_e(d.verdict)}</span></h3><ul>{items}</ul>{sig}'
            + (f'<ul class="notes">{notes}</ul>' if notes else "")
            + "</div>"
        )
    if not parts:
        return ""
    return '<section id="section-gate"><h2>Gate verdicts</h2>\n' + "\n".join(parts) + "</section>\n"


def _configs_html(data: ReportData) -> str:
    items = "".join(
        f"<details><summary>{_e(e.eval_id)}: configuration</summary>"
        f"<pre>{_e(json.dumps(e.record.config, indent=2, sort_keys=True, default=str))}</pre></details>"
        for e in data.evals
    )
    return f'<section id="section-configs"><h2>Configurations</h2>{items}</section>\n'


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document that needs no network to display."""
    from behaviorlab import __version__

    charts = {c.key: c for c in all_charts(data)}
    tables = {t.key: t for t in all_tables(data)}
    js_done = False

    def chart(key: str) -> str:
        nonlocal js_done
        if key not in charts:
            return ""
        out = _chart_html(charts[key], include_js=not js_done)
        js_done = True
        return out

    def table(key: str) -> str:
        return _table_html(tables[key]) if key in tables else ""

    body = [
        table("summary"),
        chart("accuracy-cost"),
        chart("latency"),
        chart("levels"),
        table("level"),
        table("answered"),
        table("category"),
    ]
    if data.comparisons:
        body += [chart("ab"), table("ab"), _gate_html(data)]
    body += [table("evals"), _configs_html(data)]

    ids = ", ".join(e.eval_id for e in data.evals)
    nav_items = [("section-summary", "Summary")]
    nav_items += [(f"figure-{k}", c.title) for k, c in charts.items()]
    nav_items += [(f"section-{k}", t.title) for k, t in tables.items() if k != "summary"]
    titles: dict[str, str] = {}
    for anchor, title in nav_items:  # a chart and its table share a title: link the first
        titles.setdefault(title, anchor)
    nav = " ".join(f'<a href="#{_e(a)}">{_e(t)}</a>' for t, a in titles.items())
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>behaviorlab report: {_e(ids)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        "<h1>Evaluation report</h1>\n"
        f'<p class="meta">{len(data.evals)} evaluation(s): {_e(ids)}. Baseline: '
        f"<b>{_e(data.baseline.eval_id)}</b>. Generated {_e(fmt_time(data.generated_at))} "
        f"by behaviorlab {_e(__version__)}.</p>\n<nav>{nav}</nav>\n"
        + "".join(body)
        + "</main>\n</body>\n</html>\n"
    )
