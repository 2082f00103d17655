"""Evaluation reports: a self-contained HTML page with charts, plus Markdown and JSON twins."""

from behaviorlab.report._build import build_report, write_report
from behaviorlab.report._charts import Chart, all_charts, history_chart
from behaviorlab.report._data import ABSection, EvalSection, ReportData, collect_report
from behaviorlab.report._html import chart_html, render_html
from behaviorlab.report._tables import Table, all_tables
from behaviorlab.report._text import render_markdown

__all__ = [
    "ABSection",
    "Chart",
    "EvalSection",
    "ReportData",
    "Table",
    "all_charts",
    "all_tables",
    "build_report",
    "chart_html",
    "collect_report",
    "history_chart",
    "render_html",
    "render_markdown",
    "write_report",
]
