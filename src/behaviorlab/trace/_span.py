"""Span records: what the recorder buffers and the store persists."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any, Literal

SpanKind = Literal["agent", "llm", "tool", "workflow", "eval", "anomaly", "other"]

#: cut stored inputs/outputs so one runaway generation can't bloat the store
MAX_TEXT = 20_000


def new_id(nbytes: int = 8) -> str:
    return os.urandom(nbytes).hex()


@dataclass(slots=True)
class SpanRecord:
    span_id: str
    trace_id: str
    parent_id: str | None
    name: str
    kind: str
    start_ns: int
    end_ns: int = 0
    status: str = "ok"
    error: str | None = None
    input: str | None = None
    output: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cpu_s: float = 0.0
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def duration_ms(self) -> float:
        return (self.end_ns - self.start_ns) / 1e6 if self.end_ns else 0.0


class Span:
    """The handle code holds while a span is open."""

    __slots__ = ("record",)

    def __init__(self, record: SpanRecord) -> None:
        self.record = record

    @property
    def span_id(self) -> str:
        return self.record.span_id

    @property
    def trace_id(self) -> str:
        return self.record.trace_id

    def set_attribute(self, key: str, value: Any) -> None:
        self.record.attributes[key] = value

    def set_attributes(self, attrs: dict[str, Any]) -> None:
        self.record.attributes.update(attrs)

    def set_input(self, value: Any) -> None:
        self.record.input = _text(value)

    def set_output(self, value: Any) -> None:
        self.record.output = _text(value)

    def set_usage(
        self, input_tokens: int, output_tokens: int, cost_usd: float = 0.0, cpu_s: float = 0.0
    ) -> None:
        r = self.record
        r.input_tokens, r.output_tokens, r.cost_usd, r.cpu_s = (
            input_tokens,
            output_tokens,
            cost_usd,
            cpu_s,
        )
        r.attributes["gen_ai.usage.input_tokens"] = input_tokens
        r.attributes["gen_ai.usage.output_tokens"] = output_tokens

    def set_error(self, error: BaseException | str) -> None:
        self.record.status = "error"
        self.record.error = error if isinstance(error, str) else f"{type(error).__name__}: {error}"

    def end(self) -> None:
        if not self.record.end_ns:
            self.record.end_ns = time.time_ns()


class NullSpan(Span):
    """Stands in when no recorder is active, so instrumented code needs no branches."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(SpanRecord("", "", None, "", "other", 0))

    def set_attribute(self, key: str, value: Any) -> None:
        pass

    def set_attributes(self, attrs: dict[str, Any]) -> None:
        pass

    def set_input(self, value: Any) -> None:
        pass

    def set_output(self, value: Any) -> None:
        pass


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            value = repr(value)
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + f"…[{len(value)} chars]"
