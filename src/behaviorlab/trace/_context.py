"""Context-local state: the active recorder, the open span and the running agent's tally.

Context variables rather than globals, so threads and concurrent runs never share state.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from behaviorlab.trace._span import NullSpan, Span

if TYPE_CHECKING:
    from behaviorlab.trace._recorder import Recorder

_recorder: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "behaviorlab_recorder", default=None
)
_span: contextvars.ContextVar[Span | None] = contextvars.ContextVar(
    "behaviorlab_span", default=None
)
_tally: contextvars.ContextVar[Tally | None] = contextvars.ContextVar(
    "behaviorlab_tally", default=None
)


@dataclass
class ToolCallRecord:
    name: str
    arguments: dict[str, Any]
    result: str
    error: str | None = None
    latency_s: float = 0.0


@dataclass
class Tally:
    """What one agent run consumed; filled by models and tools as they are called."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cpu_s: float = 0.0
    model_s: float = 0.0
    tool_s: float = 0.0
    llm_calls: int = 0
    tool_calls: list[ToolCallRecord] = field(default_factory=list)


class BudgetExceeded(RuntimeError):
    """A run used more tokens, money or time than its budget allows."""


@dataclass
class Budget:
    """Per-run limits, checked after every model and tool call (cooperative: a call in
    progress finishes, the next step does not start)."""

    max_tokens: int | None = None
    max_cost_usd: float | None = None
    timeout_s: float | None = None
    tokens: int = 0
    cost_usd: float = 0.0
    started: float = field(default_factory=time.perf_counter)

    def check(self) -> None:
        if self.max_tokens is not None and self.tokens > self.max_tokens:
            raise BudgetExceeded(f"token budget exceeded: {self.tokens} > {self.max_tokens}")
        if self.max_cost_usd is not None and self.cost_usd > self.max_cost_usd:
            raise BudgetExceeded(
                f"cost budget exceeded: ${self.cost_usd:.4f} > ${self.max_cost_usd:.4f}"
            )
        if self.timeout_s is not None:
            elapsed = time.perf_counter() - self.started
            if elapsed > self.timeout_s:
                raise BudgetExceeded(
                    f"time budget exceeded: {elapsed:.1f}s > {self.timeout_s:.1f}s"
                )


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "behaviorlab_budget", default=None
)


@contextmanager
def budget(b: Budget | None) -> Iterator[Budget | None]:
    token = _budget.set(b)
    try:
        yield b
    finally:
        _budget.reset(token)


def check_budget() -> None:
    b = _budget.get()
    if b is not None:
        b.check()


def current_recorder() -> Recorder | None:
    return _recorder.get()


def current_span() -> Span | None:
    return _span.get()


def current_tally() -> Tally | None:
    return _tally.get()


@contextmanager
def span(
    name: str, kind: str = "other", attributes: dict[str, Any] | None = None
) -> Iterator[Span]:
    """Open a child of the current span on the active recorder (a no-op without one)."""
    rec = _recorder.get()
    if rec is None:
        yield NullSpan()
        return
    with rec.span(name, kind=kind, attributes=attributes) as s:
        yield s


@contextmanager
def tallying() -> Iterator[Tally]:
    """A fresh tally for one run; on exit its totals also count toward the enclosing run."""
    parent = _tally.get()
    t = Tally()
    token = _tally.set(t)
    try:
        yield t
    finally:
        _tally.reset(token)
        if parent is not None:
            parent.input_tokens += t.input_tokens
            parent.output_tokens += t.output_tokens
            parent.cost_usd += t.cost_usd
            parent.cpu_s += t.cpu_s
            parent.model_s += t.model_s
            parent.tool_s += t.tool_s
            parent.llm_calls += t.llm_calls
            parent.tool_calls.extend(t.tool_calls)


class _Tokens(Protocol):
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...


class LLMUsage(Protocol):
    """What a tally reads of one LLM call (a ``models.Completion`` has it); declared here so
    tracing, below the model providers, does not import them."""

    @property
    def usage(self) -> _Tokens: ...
    @property
    def cost_usd(self) -> float: ...
    @property
    def cpu_s(self) -> float: ...
    @property
    def latency_s(self) -> float: ...


def tally_llm(c: LLMUsage) -> None:
    b = _budget.get()
    if b is not None:
        b.tokens += c.usage.input_tokens + c.usage.output_tokens
        b.cost_usd += c.cost_usd
    _tally_llm(c)
    if b is not None:
        b.check()


def _tally_llm(c: LLMUsage) -> None:
    t = _tally.get()
    if t is None:
        return
    t.input_tokens += c.usage.input_tokens
    t.output_tokens += c.usage.output_tokens
    t.cost_usd += c.cost_usd
    t.cpu_s += c.cpu_s
    t.model_s += c.latency_s
    t.llm_calls += 1


def tally_tool(record: ToolCallRecord) -> None:
    t = _tally.get()
    if t is not None:
        t.tool_calls.append(record)
        t.tool_s += record.latency_s
    check_budget()
