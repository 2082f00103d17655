"""One protocol for every level of autonomy: ``run(input) -> Result``."""

from __future__ import annotations

import contextvars
import time
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from behaviorlab import trace as tracing
from behaviorlab.models import infra_cause


class Declined(Exception):
    """Raised inside an agent that cannot answer this input; the run records a decline."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_notes: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "result_notes", default=None
)


def annotate(**values: Any) -> None:
    """Add ``values`` to the ``Result.metadata`` of the agent run in progress (a workflow's
    confidence, say), whether it answers or declines; outside a run it does nothing."""
    notes = _notes.get()
    if notes is not None:
        notes.update(values)


class ToolUse(BaseModel):
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: str = ""
    error: str | None = None
    latency_s: float = 0.0


class Result(BaseModel):
    """What one agent run produced and what it cost."""

    output: Any = None
    declined: bool = False
    reason: str | None = None
    error: str | None = None
    #: set when the model's infrastructure failed (endpoint, model file, credentials): the run
    #: says nothing about the agent, so an evaluation leaves it unscored and re-runs it
    infra_error: str | None = None
    level: str = ""
    answered_by: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cpu_s: float = 0.0
    latency_s: float = 0.0
    model_s: float = 0.0
    tool_s: float = 0.0
    llm_calls: int = 0
    tool_calls: list[ToolUse] = Field(default_factory=list)
    steps: int = 0
    trace_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.declined and self.error is None

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    def tools_used(self) -> list[str]:
        return [t.name for t in self.tool_calls]


class Agent(ABC):
    """Subclasses implement ``_run``; ``run`` adds the agent span, timing and the usage tally.

    ``_run`` returns the output, or raises :class:`Declined`. Any other exception becomes
    ``Result.error`` so one bad input never stops an evaluation; one caused by the model's
    infrastructure (``models.InfraError``) also sets ``Result.infra_error``.
    """

    level: ClassVar[str] = "L?"
    name: str = "agent"

    @abstractmethod
    def _run(self, input: Any) -> Any: ...

    def settings(self) -> dict[str, Any]:
        """Everything that defines this agent's behaviour; recorded with each evaluation."""
        return {"agent": self.name, "level": self.level}

    def run(self, input: Any) -> Result:
        attrs = {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": self.name,
            "behaviorlab.agent.level": self.level,
        }
        t0 = time.perf_counter()
        with (
            tracing.span(f"invoke_agent {self.name}", kind="agent", attributes=attrs) as span,
            tracing.tallying() as tally,
        ):
            span.set_input(input)
            result = Result(level=self.level, answered_by=self.name)
            notes = _notes.set({})
            try:
                out = self._run(input)
                if isinstance(out, Result):  # composite agents (escalation) pass a result through
                    result = out.model_copy(update={"level": out.level or self.level})
                else:
                    result.output = out
            except Declined as d:
                result.declined, result.reason = True, d.reason
                span.set_attribute("behaviorlab.declined", d.reason)
            except Exception as e:
                result.error = f"{type(e).__name__}: {e}"
                infra = infra_cause(e)
                if infra is not None:
                    result.infra_error = str(infra)
                    span.set_attribute("behaviorlab.infra_error", str(infra))
                span.set_error(e)
            finally:
                noted = _notes.get() or {}
                _notes.reset(notes)
            result.metadata = {**noted, **result.metadata}
            span.set_output(result.output if result.ok else (result.reason or result.error))
            result.latency_s = time.perf_counter() - t0
            result.input_tokens = tally.input_tokens
            result.output_tokens = tally.output_tokens
            result.cost_usd = tally.cost_usd
            result.cpu_s = tally.cpu_s
            result.model_s = tally.model_s
            result.tool_s = tally.tool_s
            result.llm_calls = tally.llm_calls
            result.tool_calls = [
                ToolUse(
                    name=t.name,
                    arguments=t.arguments,
                    result=t.result[:2000],
                    error=t.error,
                    latency_s=t.latency_s,
                )
                for t in tally.tool_calls
            ]
            result.trace_id = span.trace_id or None
            span.set_usage(result.input_tokens, result.output_tokens, result.cost_usd, result.cpu_s)
            span.set_attribute("behaviorlab.llm_calls", result.llm_calls)
        return result


class FunctionAgent(Agent):
    """L0: a plain Python function is the agent."""

    level = "L0"

    def __init__(self, fn: Any, name: str | None = None) -> None:
        self.fn = fn
        self.name = name or str(getattr(fn, "__name__", "function"))

    def _run(self, input: Any) -> Any:
        return self.fn(input)
