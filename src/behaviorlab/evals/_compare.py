"""Compare two stored evaluations on the same scenarios and gate the candidate."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from behaviorlab.evals._gate import (
    Comparison,
    GateCriteria,
    GateDecision,
    PairedData,
    PairedRow,
    compare_paired,
    decide,
)
from behaviorlab.evals._metrics import EvalMetrics, compute_metrics, is_wrong
from behaviorlab.evals._repo import (
    EvalRecord,
    get_eval,
    list_evals,
    load_results,
    require_scored,
    unscored_summary,
)
from behaviorlab.store import Store


def paired_data(store: Store, eval_id: str) -> tuple[EvalRecord, PairedData]:
    """The evaluation's runs for pairing; raises ``UnscoredRunsError`` if the infrastructure
    left any unscored (a comparison would count them as wrong or silently drop them)."""
    rec = get_eval(store, eval_id)
    rows = load_results(store, rec.eval_id)
    require_scored(rec, rows)
    data = PairedData.from_rows(
        [
            PairedRow(
                scenario_id=r.scenario_id,
                repeat=r.repeat,
                correct=r.correct,
                latency_s=r.latency_s,
                cost_usd=r.cost_usd,
                tokens=r.tokens,
                wrong=is_wrong(r),
            )
            for r in rows
        ],
        label=f"{rec.agent} · {rec.model} ({rec.eval_id})",
    )
    return rec, data


class CompareReport(BaseModel):
    baseline: EvalRecord
    candidate: EvalRecord
    comparison: Comparison
    decision: GateDecision

    def to_markdown(self) -> str:
        return (
            f"## {self.candidate.agent} ({self.candidate.eval_id}) vs "
            f"{self.baseline.agent} ({self.baseline.eval_id})\n\n"
            + self.comparison.to_markdown()
            + "\n\n"
            + self.decision.to_markdown()
        )


def compare_evals(
    store: Store,
    baseline_id: str,
    candidate_id: str,
    criteria: GateCriteria | None = None,
    seed: int = 0,
) -> CompareReport:
    crit = criteria or GateCriteria()
    brec, bdata = paired_data(store, baseline_id)
    crec, cdata = paired_data(store, candidate_id)
    comparison = compare_paired(bdata, cdata, crit, seed=seed)
    return CompareReport(
        baseline=brec, candidate=crec, comparison=comparison, decision=decide(comparison, crit)
    )


class HistoryPoint(BaseModel):
    eval_id: str
    created_at: float
    code_version: str
    value: float | None
    n: int
    #: why the point has no value: its evaluation has runs the infrastructure left unscored
    unscored: str | None = None


class HistorySeries(BaseModel):
    """One configuration (agent, model, level, prompt, data source and content hash) over time."""

    key: str
    agent: str
    model: str
    level: Any = None
    prompt_hash: str | None = None
    points: list[HistoryPoint]


METRICS = {
    "accuracy": lambda m: m.accuracy.accuracy,
    "cost": lambda m: m.cost_per_run_usd,
    "latency_p50": lambda m: m.latency_p50_s,
    "latency_p95": lambda m: m.latency_p95_s,
    "tokens": lambda m: m.tokens_mean,
    "declined": lambda m: m.declined_rate,
    "wrong": lambda m: m.wrong_rate,
    "llm_calls": lambda m: m.llm_calls_mean,
    "variance": lambda m: m.repeat_disagreement,
}


def history(store: Store, task: str | None, metric: str = "accuracy") -> list[HistorySeries]:
    if metric not in METRICS:
        raise KeyError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")
    get = METRICS[metric]
    series: dict[str, HistorySeries] = {}
    for rec in list_evals(store, task):
        rows = load_results(store, rec.eval_id)
        m: EvalMetrics = compute_metrics(rows)
        level = rec.config.get("options", {}).get("level")
        ph = rec.config.get("prompt_hash")
        data = rec.config.get("data") or {}
        key = (
            f"{rec.task} · {rec.agent} · {rec.model} · L{level if level is not None else '*'} · "
            f"{ph or '-'} · data {data.get('source', '-')} #{data.get('hash', '-')}"
        )
        s = series.setdefault(
            key,
            HistorySeries(
                key=key, agent=rec.agent, model=rec.model, level=level, prompt_hash=ph, points=[]
            ),
        )
        why = unscored_summary(rows)
        s.points.append(
            HistoryPoint(
                eval_id=rec.eval_id,
                created_at=rec.created_at,
                code_version=rec.code_version,
                value=get(m) if rows and why is None else None,
                n=len(rows),
                unscored=why,
            )
        )
    return list(series.values())
