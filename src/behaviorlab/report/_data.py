"""Gather what a report shows: each evaluation's record, metrics and runs, and A/B comparisons."""

from __future__ import annotations

import time
from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

from behaviorlab.evals import (
    CompareReport,
    EvalMetrics,
    EvalRecord,
    GateCriteria,
    RunRecord,
    compare_evals,
    compute_metrics,
    get_eval,
    load_results,
)
from behaviorlab.store import Store


class EvalSection(BaseModel):
    """One evaluation: its record, its metrics and the per-run values the charts draw."""

    record: EvalRecord
    metrics: EvalMetrics
    latencies_s: list[float] = Field(default_factory=list)
    #: runs per level that answered (``extra["level_answered"]``), plus ``declined``
    answered_at: dict[str, int] = Field(default_factory=dict)

    @property
    def eval_id(self) -> str:
        return self.record.eval_id


class ABSection(BaseModel):
    """A candidate against the baseline: the comparison, or why it was not made."""

    baseline_id: str
    candidate_id: str
    report: CompareReport | None = None
    skipped: str | None = None


class ReportData(BaseModel):
    evals: list[EvalSection]
    comparisons: list[ABSection] = Field(default_factory=list)
    criteria: GateCriteria = Field(default_factory=GateCriteria)
    seed: int = 0
    generated_at: float = Field(default_factory=time.time)

    @property
    def baseline(self) -> EvalSection:
        return self.evals[0]

    @property
    def cost_basis(self) -> Literal["usd", "tokens"]:
        """Tokens stand in for cost when no run of any evaluation cost anything (local models)."""
        paid = any(e.metrics.cost_total_usd > 0 for e in self.evals)
        return "usd" if paid else "tokens"

    @property
    def answered_levels(self) -> list[str]:
        """Answering levels seen in any evaluation, in order (``declined``/unknown last)."""
        seen = {k for e in self.evals for k in e.answered_at}
        tail = [k for k in ("?", "declined") if k in seen]
        return sorted(seen - set(tail)) + tail

    @property
    def has_escalation(self) -> bool:
        """True when some evaluation answered at more than one level (an escalation chain)."""
        return any(
            len([k for k, n in e.answered_at.items() if n and k not in ("?", "declined")]) > 1
            for e in self.evals
        )


def _answered_at(rows: list[RunRecord]) -> dict[str, int]:
    # Counted here rather than read from EvalMetrics.answered_by so a level recorded
    # as a falsy value (0, "") is still a level and not "unknown".
    counts: Counter[str] = Counter()
    for r in rows:
        if r.declined:
            counts["declined"] += 1
            continue
        level = r.extra.get("level_answered")
        counts["?" if level is None or level == "" else str(level)] += 1
    return dict(counts)


def _resolve(store: Store, eval_ids: list[str]) -> list[EvalRecord]:
    if not eval_ids:
        raise ValueError("a report needs at least one evaluation id")
    records: list[EvalRecord] = []
    seen: dict[str, str] = {}
    for given in eval_ids:
        rec = get_eval(store, given)  # EvalNotFoundError names the id and the store
        if rec.eval_id in seen:
            raise ValueError(
                f"evaluation {rec.eval_id!r} is listed twice ({seen[rec.eval_id]!r} and {given!r})"
            )
        seen[rec.eval_id] = given
        records.append(rec)
    return records


def collect_report(
    store: Store,
    eval_ids: list[str],
    *,
    criteria: GateCriteria | None = None,
    seed: int = 0,
) -> ReportData:
    """Load the evaluations and compare every other one with the first (the baseline).

    Ids may be prefixes or ``latest[:TASK]``, as for :func:`behaviorlab.evals.get_eval`. A
    candidate that shares no (scenario, repeat) row with the baseline is not compared; the
    section says why instead.
    """
    crit = criteria or GateCriteria()
    sections: list[EvalSection] = []
    keys: list[set[tuple[str, int]]] = []
    for rec in _resolve(store, eval_ids):
        rows = load_results(store, rec.eval_id)
        sections.append(
            EvalSection(
                record=rec,
                metrics=compute_metrics(rows),
                latencies_s=[r.latency_s for r in rows],
                answered_at=_answered_at(rows),
            )
        )
        keys.append({(r.scenario_id, r.repeat) for r in rows})

    base = sections[0]
    comparisons: list[ABSection] = []
    for section, cand_keys in zip(sections[1:], keys[1:], strict=True):
        ab = ABSection(baseline_id=base.eval_id, candidate_id=section.eval_id)
        shared = keys[0] & cand_keys
        if not shared:
            base_sc = {s for s, _ in keys[0]}
            cand_sc = {s for s, _ in cand_keys}
            ab.skipped = (
                f"not compared: {section.eval_id} shares no (scenario, repeat) row with the "
                f"baseline {base.eval_id} ({len(cand_sc)} vs {len(base_sc)} scenarios, "
                f"{len(cand_sc & base_sc)} in common)"
            )
        else:
            ab.report = compare_evals(store, base.eval_id, section.eval_id, crit, seed=seed)
        comparisons.append(ab)
    return ReportData(evals=sections, comparisons=comparisons, criteria=crit, seed=seed)
