"""The distilled program as a chain: cheap levels first, each may decline and hand the input on.

L0 code first (no model), then the L1 workflow, then optionally the source L3 agent. A level
declines when it cannot parse its input, when its output fails validation, or (by default)
when it errors. Usage of every level tried counts toward the run: nested agent runs roll
their tokens and cost into the outer tally.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab import trace as tracing
from behaviorlab.agents import Agent, Result
from behaviorlab.evals import RunRecord

#: an output check: True/None accepts, False or a string (the reason) declines
OutputCheck = Callable[[Any], bool | str | None]


class LevelAttempt(BaseModel):
    agent: str
    level: str
    outcome: str
    """answered | declined | error | rejected (output failed validation)"""
    reason: str | None = None
    llm_calls: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0


class EscalationAgent(Agent):
    """Try ``levels`` in order; the first acceptable answer wins.

    ``Result.level`` and ``Result.answered_by`` name the level that answered, and
    ``Result.metadata["escalation"]`` lists every level tried with its outcome and reason.
    """

    level = "chain"

    def __init__(
        self,
        levels: Sequence[Agent],
        *,
        name: str = "escalation",
        validate: OutputCheck | None = None,
        escalate_on_error: bool = True,
    ) -> None:
        if not levels:
            raise ValueError("an escalation chain needs at least one level")
        self.levels = list(levels)
        self.name = name
        self.validate = validate
        self.escalate_on_error = escalate_on_error

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "levels": [a.settings() for a in self.levels],
            "escalate_on_error": self.escalate_on_error,
        }

    def _check(self, output: Any) -> str | None:
        if self.validate is None:
            return None
        verdict = self.validate(output)
        if verdict is None or verdict is True:
            return None
        return verdict if isinstance(verdict, str) else f"output {output!r} failed validation"

    def _run(self, input: Any) -> Result:
        attempts: list[LevelAttempt] = []
        last: Result | None = None
        for agent in self.levels:
            r = agent.run(input)
            last = r
            attempt = LevelAttempt(
                agent=agent.name,
                level=agent.level,
                outcome="answered",
                llm_calls=r.llm_calls,
                tokens=r.tokens,
                cost_usd=r.cost_usd,
                latency_s=r.latency_s,
            )
            if r.infra_error is not None:  # the next level would not help: the run is void
                attempt.outcome, attempt.reason = "error", r.infra_error
                attempts.append(attempt)
                _record(attempts, None)
                return r.model_copy(
                    update={"metadata": {**r.metadata, "escalation": _dump(attempts)}}
                )
            if r.declined:
                attempt.outcome, attempt.reason = "declined", r.reason
            elif r.error is not None:
                attempt.outcome, attempt.reason = "error", r.error
            else:
                problem = self._check(r.output)
                if problem is not None:
                    attempt.outcome, attempt.reason = "rejected", problem
            attempts.append(attempt)
            _record(attempts, agent if attempt.outcome == "answered" else None)
            if attempt.outcome == "answered":
                return r.model_copy(
                    update={
                        "level": r.level or agent.level,
                        "answered_by": agent.name,
                        "metadata": {**r.metadata, "escalation": _dump(attempts)},
                    }
                )
            if attempt.outcome == "error" and not self.escalate_on_error:
                return r.model_copy(
                    update={"metadata": {**r.metadata, "escalation": _dump(attempts)}}
                )
        reasons = "; ".join(f"{a.agent}: {a.reason}" for a in attempts)
        assert last is not None
        return Result(
            declined=True,
            reason=f"every level declined ({reasons})",
            level=self.level,
            answered_by=None,
            metadata={"escalation": _dump(attempts)},
        )


def _record(attempts: list[LevelAttempt], answered: Agent | None) -> None:
    """On the chain's span: which level answered, and every level tried."""
    span = tracing.current_span()
    if span is None:
        return
    span.set_attribute("behaviorlab.escalation", json.dumps(_dump(attempts), default=str))
    if answered is not None:
        span.set_attribute("behaviorlab.answered_by", answered.name)
        span.set_attribute("behaviorlab.answered_level", answered.level)


def _dump(attempts: list[LevelAttempt]) -> list[dict[str, Any]]:
    return [a.model_dump() for a in attempts]


def numeric_output(output: Any) -> bool | str:
    """A ready output check for tasks whose answer is a number (the airline total)."""
    if isinstance(output, bool):
        return "a boolean is not a number"
    if isinstance(output, int | float):
        return output >= 0 or f"negative total {output}"
    return f"{type(output).__name__} is not a number"


class LevelShare(BaseModel):
    level: str
    answered: int
    share: float


class EscalationReport(BaseModel):
    """Who answered, and what the chain saved against always calling the top level."""

    runs: int
    shares: list[LevelShare]
    declined_all: int
    chain_tokens_mean: float
    chain_cost_mean_usd: float
    chain_llm_calls_mean: float
    chain_latency_mean_s: float
    baseline_tokens_mean: float | None = None
    baseline_cost_mean_usd: float | None = None
    baseline_llm_calls_mean: float | None = None
    baseline_latency_mean_s: float | None = None
    tokens_saved: float | None = Field(
        default=None, description="share of the baseline's tokens saved"
    )
    cost_saved: float | None = None
    latency_saved: float | None = None

    def to_markdown(self) -> str:
        lines = ["| level | answered | share |", "|---|---:|---:|"]
        lines += [f"| {s.level} | {s.answered} | {s.share:.0%} |" for s in self.shares]
        lines.append(
            f"| (every level declined) | {self.declined_all} | {self.declined_all / max(self.runs, 1):.0%} |"
        )
        out = "\n".join(lines)
        if self.baseline_tokens_mean is not None:
            out += (
                f"\n\nPer problem: chain {self.chain_tokens_mean:.0f} tokens, {self.chain_llm_calls_mean:.2f} LLM calls,"
                f" ${self.chain_cost_mean_usd:.5f}, {self.chain_latency_mean_s:.2f} s; always-L3 "
                f"{self.baseline_tokens_mean:.0f} tokens, {self.baseline_llm_calls_mean or 0:.2f} LLM calls,"
                f" ${self.baseline_cost_mean_usd or 0:.5f}, {self.baseline_latency_mean_s or 0:.2f} s"
                f" (tokens saved {_pct(self.tokens_saved)}, cost saved {_pct(self.cost_saved)},"
                f" latency saved {_pct(self.latency_saved)})."
            )
        return out


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _saved(chain: float, base: float | None) -> float | None:
    if base is None or base <= 0:
        return None
    return 1.0 - chain / base


def escalation_report(
    chain_rows: Sequence[RunRecord], baseline_rows: Sequence[RunRecord] | None = None
) -> EscalationReport:
    """Shares per answering level (from ``extra["level_answered"]``, which the harness stores)
    and, given the always-L3 evaluation on the same scenarios, the savings."""
    counts: Counter[str] = Counter()
    declined = 0
    for r in chain_rows:
        level = r.extra.get("level_answered")
        if r.declined or not level or level == "chain":
            declined += 1
        else:
            counts[str(level)] += 1
    n = len(chain_rows)
    order = sorted(counts, key=lambda lv: (lv.replace("L", ""), lv))
    rep = EscalationReport(
        runs=n,
        shares=[
            LevelShare(level=lv, answered=counts[lv], share=counts[lv] / n if n else 0.0)
            for lv in order
        ],
        declined_all=declined,
        chain_tokens_mean=_mean([r.tokens for r in chain_rows]),
        chain_cost_mean_usd=_mean([r.cost_usd for r in chain_rows]),
        chain_llm_calls_mean=_mean([r.llm_calls for r in chain_rows]),
        chain_latency_mean_s=_mean([r.latency_s for r in chain_rows]),
    )
    if baseline_rows:
        rep.baseline_tokens_mean = _mean([r.tokens for r in baseline_rows])
        rep.baseline_cost_mean_usd = _mean([r.cost_usd for r in baseline_rows])
        rep.baseline_llm_calls_mean = _mean([r.llm_calls for r in baseline_rows])
        rep.baseline_latency_mean_s = _mean([r.latency_s for r in baseline_rows])
        rep.tokens_saved = _saved(rep.chain_tokens_mean, rep.baseline_tokens_mean)
        rep.cost_saved = _saved(rep.chain_cost_mean_usd, rep.baseline_cost_mean_usd)
        rep.latency_saved = _saved(rep.chain_latency_mean_s, rep.baseline_latency_mean_s)
    return rep
