"""Tracing: spans with OpenTelemetry GenAI attribute names, recorded in batches."""

from behaviorlab.trace._context import (
    Budget,
    BudgetExceeded,
    Tally,
    ToolCallRecord,
    budget,
    current_recorder,
    current_span,
    current_tally,
    span,
    tally_llm,
    tally_tool,
    tallying,
)
from behaviorlab.trace._otlp import OTLPExporter, to_otlp_json
from behaviorlab.trace._recorder import Recorder, SpanExporter, SpanSink, traced
from behaviorlab.trace._span import NullSpan, Span, SpanRecord

__all__ = [
    "Budget",
    "BudgetExceeded",
    "NullSpan",
    "OTLPExporter",
    "Recorder",
    "Span",
    "SpanExporter",
    "SpanRecord",
    "SpanSink",
    "Tally",
    "ToolCallRecord",
    "budget",
    "current_recorder",
    "current_span",
    "current_tally",
    "span",
    "tally_llm",
    "tally_tool",
    "tallying",
    "to_otlp_json",
    "traced",
]
