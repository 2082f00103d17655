"""Per-evaluation metrics: accuracy with Wilson interval, breakdowns, cost, latency, variance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, Field

from behaviorlab.evals._repo import RunRecord
from behaviorlab.evals._stats import wilson_interval


class Accuracy(BaseModel):
    n: int
    correct: int
    accuracy: float
    low: float
    high: float

    @classmethod
    def of(cls, flags: Sequence[bool]) -> Accuracy:
        n, k = len(flags), int(sum(flags))
        lo, hi = wilson_interval(k, n)
        return cls(n=n, correct=k, accuracy=k / n if n else 0.0, low=lo, high=hi)

    def fmt(self) -> str:
        return f"{self.accuracy:.1%} [{self.low:.1%}, {self.high:.1%}]"


class RiskCoverage(BaseModel):
    """Selective prediction: what share the agent answered (coverage), what share of those
    were wrong (risk), and, where runs record a ``confidence``, the risk-coverage curve of
    that confidence over every answer the agent would give (its answers, and those it
    declined for low confidence, ``answer_if_sure``) with its area (AURC: lower is better,
    0 when every wrong answer ranks below every right one)."""

    answered: int
    wrong: int
    coverage: float
    risk: float
    aurc: float | None = None
    #: (coverage, risk) answering the k most confident, k = 1, 2, ...
    curve: list[tuple[float, float]] = Field(default_factory=list)


def is_wrong(r: RunRecord) -> bool:
    """Answered, and not right (a decline, an error or an unscored run is not an answer)."""
    return not r.correct and not r.declined and r.error is None and r.infra_error is None


def _same(a: object, b: object) -> bool:
    try:
        return float(a) == float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return a == b


def risk_coverage(rows: Sequence[RunRecord]) -> RiskCoverage:
    n = len(rows)
    answered = [r for r in rows if not r.declined and r.error is None and r.infra_error is None]
    wrong = sum(not r.correct for r in answered)
    ranked: list[tuple[float, bool]] = []
    answered_ids = {id(r) for r in answered}
    for r in rows:
        conf = r.extra.get("confidence")
        if not isinstance(conf, int | float):
            continue
        if id(r) in answered_ids:
            ranked.append((float(conf), r.correct))
        elif r.declined and r.extra.get("answer_if_sure") is not None:
            ranked.append((float(conf), _same(r.extra["answer_if_sure"], r.expected)))
    ranked.sort(key=lambda x: -x[0])
    curve, misses = [], 0
    for k, (_, ok) in enumerate(ranked, start=1):
        misses += not ok
        curve.append((k / n, misses / k))
    return RiskCoverage(
        answered=len(answered),
        wrong=wrong,
        coverage=len(answered) / n if n else 0.0,
        risk=wrong / len(answered) if answered else 0.0,
        aurc=float(np.mean([r for _, r in curve])) if curve else None,
        curve=curve,
    )


class EvalMetrics(BaseModel):
    """Metrics of the scored runs; runs the infrastructure failed are only counted
    (``unscored``), never scored as wrong."""

    runs: int
    scenarios: int
    repeats: int
    accuracy: Accuracy
    by_level: dict[str, Accuracy] = Field(default_factory=dict)
    by_category: dict[str, Accuracy] = Field(default_factory=dict)
    declined_rate: float = 0.0
    error_rate: float = 0.0
    #: answered and not right, as a share of all runs (declines and errors are not answers)
    wrong_rate: float = 0.0
    risk_coverage: RiskCoverage | None = None
    input_tokens_mean: float = 0.0
    output_tokens_mean: float = 0.0
    tokens_mean: float = 0.0
    latency_p50_s: float = 0.0
    latency_p95_s: float = 0.0
    latency_mean_s: float = 0.0
    cost_per_run_usd: float = 0.0
    cost_total_usd: float = 0.0
    cpu_s_mean: float = 0.0
    llm_calls_mean: float = 0.0
    tool_calls_mean: float = 0.0
    #: share of scenarios whose correctness differs between repeats (0 with one repeat)
    repeat_disagreement: float = 0.0
    tool_f1_mean: float | None = None
    tool_precision_mean: float | None = None
    tool_recall_mean: float | None = None
    answered_by: dict[str, int] = Field(default_factory=dict)
    model_s_mean: float = 0.0
    tool_s_mean: float = 0.0
    #: means of numeric/boolean score details (e.g. over-use rate), overall and per category
    details_mean: dict[str, float] = Field(default_factory=dict)
    details_by_category: dict[str, dict[str, float]] = Field(default_factory=dict)
    #: runs left unscored by infrastructure errors (model endpoint, model file, credentials)
    unscored: int = 0


def _group(rows: Sequence[RunRecord], key: Callable[[RunRecord], object]) -> dict[str, Accuracy]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        k = key(r)
        if k is not None:
            groups[str(k)].append(r.correct)
    return {k: Accuracy.of(v) for k, v in sorted(groups.items())}


def compute_metrics(rows: Sequence[RunRecord]) -> EvalMetrics:
    unscored = sum(1 for r in rows if r.infra_error is not None)
    if unscored:
        m = compute_metrics([r for r in rows if r.infra_error is None])
        return m.model_copy(update={"unscored": unscored})
    if not rows:
        return EvalMetrics(runs=0, scenarios=0, repeats=0, accuracy=Accuracy.of([]))
    lat = np.array([r.latency_s for r in rows])
    per_scenario: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        per_scenario[r.scenario_id].append(r.correct)
    multi = [v for v in per_scenario.values() if len(v) > 1]
    disagreement = sum(1 for v in multi if len(set(v)) > 1) / len(multi) if multi else 0.0
    f1s = [r.scores["tool_f1"] for r in rows if "tool_f1" in r.scores]
    ps = [r.scores["tool_precision"] for r in rows if "tool_precision" in r.scores]
    rs = [r.scores["tool_recall"] for r in rows if "tool_recall" in r.scores]
    answered: dict[str, int] = defaultdict(int)
    for r in rows:
        lvl = r.extra.get("level_answered")
        answered["declined" if r.declined else ("?" if lvl is None else str(lvl))] += 1
    n = len(rows)
    return EvalMetrics(
        runs=n,
        scenarios=len(per_scenario),
        repeats=max(len(v) for v in per_scenario.values()),
        accuracy=Accuracy.of([r.correct for r in rows]),
        by_level=_group(rows, lambda r: r.level),
        by_category=_group(rows, lambda r: r.category),
        declined_rate=sum(r.declined for r in rows) / n,
        error_rate=sum(r.error is not None and not r.declined for r in rows) / n,
        wrong_rate=sum(is_wrong(r) for r in rows) / n,
        risk_coverage=risk_coverage(rows),
        input_tokens_mean=float(np.mean([r.input_tokens for r in rows])),
        output_tokens_mean=float(np.mean([r.output_tokens for r in rows])),
        tokens_mean=float(np.mean([r.tokens for r in rows])),
        latency_p50_s=float(np.percentile(lat, 50)),
        latency_p95_s=float(np.percentile(lat, 95)),
        latency_mean_s=float(lat.mean()),
        cost_per_run_usd=float(np.mean([r.cost_usd for r in rows])),
        cost_total_usd=float(np.sum([r.cost_usd for r in rows])),
        cpu_s_mean=float(np.mean([r.cpu_s for r in rows])),
        llm_calls_mean=float(np.mean([r.llm_calls for r in rows])),
        tool_calls_mean=float(np.mean([len(r.tools_used) for r in rows])),
        repeat_disagreement=disagreement,
        tool_f1_mean=float(np.mean(f1s)) if f1s else None,
        tool_precision_mean=float(np.mean(ps)) if ps else None,
        tool_recall_mean=float(np.mean(rs)) if rs else None,
        answered_by=dict(answered),
        model_s_mean=float(np.mean([r.model_s for r in rows])),
        tool_s_mean=float(np.mean([r.tool_s for r in rows])),
        details_mean=_detail_means(rows),
        details_by_category={
            cat: _detail_means([r for r in rows if r.category == cat])
            for cat in sorted({r.category for r in rows if r.category})
        },
    )


def _detail_means(rows: Sequence[RunRecord]) -> dict[str, float]:
    sums: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for k, v in r.scores.items():
            if isinstance(v, bool | int | float):
                sums[k].append(float(v))
    return {k: float(np.mean(v)) for k, v in sorted(sums.items())}
