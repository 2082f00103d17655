"""Regression gate: compare a candidate variant with a baseline on the same scenarios.

``compare_paired`` turns two arms of per-(scenario, repeat) results into a
``Comparison`` (point estimates, intervals, p-values); ``decide`` turns a comparison
into APPROVE / REJECT by looking only at interval bounds, so a candidate is approved
when the data rule out a regression beyond the tolerated margin, not merely when the
point estimate looks fine.

Choices worth knowing:

- Rows are aligned on ``(scenario_id, repeat)``; rows present in one arm only are
  dropped and counted in ``Comparison.dropped_*`` and ``notes``.
- McNemar's test needs one binary outcome per pair; with repeats a scenario counts as
  correct when a strict majority of its repeats are correct (a 1-of-2 tie is
  incorrect, for both arms alike, so the rule favours neither arm).
- Wilson intervals are per attempt (every row counted) and descriptive; the gate uses
  bootstrap intervals that resample whole scenarios, which account for repeats.
- Accuracy 0 in both arms fails the accuracy check: such a comparison cannot show that
  the candidate works, so it is never approved (nor promoted).
- Cost: when every aligned row of both arms costs $0 (local models), the cost check
  uses tokens as the cost proxy; when tokens are also all 0 it is "n/a: both zero" and
  passes. A baseline mean of 0 against a non-zero candidate is an unbounded ratio and
  fails the check.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._stats import BootstrapResult, holm, mcnemar_exact, paired_bootstrap, wilson_interval

__all__ = [
    "ArmSummary",
    "Check",
    "Comparison",
    "GateCriteria",
    "GateDecision",
    "McNemarResult",
    "MetricName",
    "PairedData",
    "PairedRow",
    "RatioMetric",
    "compare_paired",
    "decide",
]

MetricName = Literal["accuracy", "latency", "cost", "tokens"]


class GateCriteria(BaseModel):
    """Tolerances for a candidate relative to its baseline (ratios are candidate/baseline)."""

    model_config = ConfigDict(frozen=True)

    min_accuracy_ratio: float = Field(default=0.95, gt=0)
    max_latency_ratio: float = Field(default=1.10, gt=0)
    max_cost_ratio: float = Field(default=1.20, gt=0)
    # Unchecked by default: token use is already covered by cost (or by the token proxy).
    max_token_ratio: float | None = Field(default=None, gt=0)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    n_boot: int = Field(default=2000, ge=100)
    #: the most the share of wrong answers (answered, not right) may rise, candidate minus
    #: baseline, on the paired rows (a point check: a silent wrong answer costs more than a
    #: decline); None leaves it unchecked
    max_wrong_rate_increase: float | None = Field(default=0.0, ge=0)


class PairedRow(BaseModel):
    """One scenario attempt of one arm."""

    scenario_id: str
    repeat: int = 0
    correct: bool
    latency_s: float = Field(ge=0)
    cost_usd: float = Field(ge=0)
    tokens: int = Field(ge=0)
    #: answered, and not right (a decline or an error is not a wrong answer)
    wrong: bool = False


class PairedData(BaseModel):
    """Results of one arm in columns, one entry per (scenario_id, repeat)."""

    label: str = ""
    scenario_id: list[str]
    repeat: list[int]
    correct: list[bool]
    latency_s: list[float]
    cost_usd: list[float]
    tokens: list[int]
    #: per row: answered and not right (empty: not recorded, read as none wrong)
    wrong: list[bool] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        columns = {
            "scenario_id": len(self.scenario_id),
            "repeat": len(self.repeat),
            "correct": len(self.correct),
            "latency_s": len(self.latency_s),
            "cost_usd": len(self.cost_usd),
            "tokens": len(self.tokens),
        }
        if len(set(columns.values())) != 1:
            raise ValueError(f"columns differ in length: {columns}")
        keys = set(zip(self.scenario_id, self.repeat, strict=True))
        if len(keys) != len(self.scenario_id):
            raise ValueError(
                f"{len(self.scenario_id) - len(keys)} duplicate (scenario_id, repeat) rows"
            )
        for name in ("latency_s", "cost_usd"):
            values: list[float] = getattr(self, name)
            if any(not math.isfinite(v) or v < 0 for v in values):
                raise ValueError(f"{name} must be finite and >= 0")
        if any(t < 0 for t in self.tokens):
            raise ValueError("tokens must be >= 0")
        return self

    @classmethod
    def from_rows(cls, rows: Iterable[PairedRow], label: str = "") -> PairedData:
        rows = list(rows)
        return cls(
            label=label,
            scenario_id=[r.scenario_id for r in rows],
            repeat=[r.repeat for r in rows],
            correct=[r.correct for r in rows],
            latency_s=[r.latency_s for r in rows],
            cost_usd=[r.cost_usd for r in rows],
            tokens=[r.tokens for r in rows],
            wrong=[r.wrong for r in rows],
        )

    def __len__(self) -> int:
        return len(self.scenario_id)


class ArmSummary(BaseModel):
    """Per-arm means over the aligned rows; accuracy with its Wilson interval."""

    label: str
    n: int
    n_correct: int
    accuracy: float
    accuracy_low: float
    accuracy_high: float
    mean_latency_s: float
    mean_cost_usd: float
    mean_tokens: float
    n_wrong: int = 0
    wrong_rate: float = 0.0


class McNemarResult(BaseModel):
    """Paired 2x2 table (first digit baseline correct, second candidate) and exact p."""

    unit: Literal["row", "scenario_majority"]
    n11: int
    n10: int
    n01: int
    n00: int
    p_value: float


class RatioMetric(BaseModel):
    """Candidate/baseline ratio of a per-row mean with its paired bootstrap interval.

    ``status`` is ``"ok"`` when the ratio is defined; ``"both_zero"`` and
    ``"baseline_zero"`` leave ``ratio``/``low``/``high`` unset. For accuracy ``p_value``
    is McNemar's exact p (the paired test on correctness), not a bootstrap p, and is
    always set; for the other metrics it is the bootstrap p for ratio == 1.
    """

    model_config = ConfigDict(ser_json_inf_nan="strings")

    name: MetricName
    basis: Literal["correct", "latency_s", "cost_usd", "tokens"]
    baseline_mean: float
    candidate_mean: float
    status: Literal["ok", "both_zero", "baseline_zero"]
    ratio: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    p_holm: float | None = None


class Comparison(BaseModel):
    """Everything measured about candidate vs baseline; input to ``decide``."""

    model_config = ConfigDict(ser_json_inf_nan="strings")

    confidence: float
    n_boot: int
    seed: int
    n_rows: int
    n_scenarios: int
    max_repeats: int
    dropped_baseline: int
    dropped_candidate: int
    baseline: ArmSummary
    candidate: ArmSummary
    mcnemar: McNemarResult
    accuracy_diff: BootstrapResult
    accuracy: RatioMetric
    latency: RatioMetric
    cost: RatioMetric
    tokens: RatioMetric
    holm: dict[str, float]
    notes: list[str] = Field(default_factory=list)

    def metric(self, name: MetricName) -> RatioMetric:
        metrics: dict[str, RatioMetric] = {
            "accuracy": self.accuracy,
            "latency": self.latency,
            "cost": self.cost,
            "tokens": self.tokens,
        }
        return metrics[name]

    def to_markdown(self) -> str:
        pct = f"{self.confidence:.0%}"
        b, c = self.baseline, self.candidate
        lines = [
            f"Paired comparison: {self.n_scenarios} scenarios, {self.n_rows} aligned rows "
            f"(at most {self.max_repeats} per scenario), {pct} intervals, {self.n_boot} "
            f"bootstrap resamples (seed {self.seed}).",
            "",
            f"| metric | {b.label or 'baseline'} | {c.label or 'candidate'} | ratio | {pct} CI "
            "| p | p (Holm) |",
            "|---|---|---|---|---|---|---|",
            f"| accuracy | {_acc(b)} | {_acc(c)} | {_ratio_cells(self.accuracy)} "
            f"| {_p(self.mcnemar.p_value)} (McNemar) | {_p(self.accuracy.p_holm)} |",
            f"| latency (s) | {b.mean_latency_s:.3f} | {c.mean_latency_s:.3f} "
            f"| {_ratio_cells(self.latency)} | {_p(self.latency.p_value)} "
            f"| {_p(self.latency.p_holm)} |",
            f"| {_cost_label(self.cost)} | {_cost_value(self.cost, 'baseline')} "
            f"| {_cost_value(self.cost, 'candidate')} | {_ratio_cells(self.cost)} "
            f"| {_p(self.cost.p_value)} | {_p(self.cost.p_holm)} |",
            f"| tokens | {b.mean_tokens:.1f} | {c.mean_tokens:.1f} "
            f"| {_ratio_cells(self.tokens)} | {_p(self.tokens.p_value)} "
            f"| {_p(self.tokens.p_holm)} |",
            f"| wrong answers | {b.n_wrong}/{b.n} ({b.wrong_rate:.1%}) "
            f"| {c.n_wrong}/{c.n} ({c.wrong_rate:.1%}) | - | - | - | - |",
            "",
            f"Accuracy difference (candidate − baseline): {self.accuracy_diff.estimate:+.3f} "
            f"[{self.accuracy_diff.low:+.3f}, {self.accuracy_diff.high:+.3f}], "
            f"bootstrap p {_p(self.accuracy_diff.p_value)}.",
            f"McNemar ({self.mcnemar.unit.replace('_', ' ')}): baseline-only correct "
            f"{self.mcnemar.n10}, candidate-only correct {self.mcnemar.n01}, "
            f"exact p {_p(self.mcnemar.p_value)}.",
        ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


class Check(BaseModel):
    """One gate criterion, decided on an interval bound.

    ``bound_used`` is the value of the ``bound`` side of the interval that was compared
    with ``threshold``; it is None when the ratio is undefined (see ``detail``).
    """

    model_config = ConfigDict(ser_json_inf_nan="strings")

    name: MetricName | Literal["wrong_rate"]
    bound: Literal["lower", "upper"]
    bound_used: float | None
    threshold: float
    passed: bool
    detail: str
    p_holm: float | None = None
    significant: bool = False


class GateDecision(BaseModel):
    verdict: Literal["APPROVE", "REJECT"]
    reasons: list[str]
    checks: list[Check]
    alpha: float
    # Metrics whose change is significant after Holm correction (either direction).
    significant: list[str] = Field(default_factory=list)

    def to_markdown(self) -> str:
        lines = [f"**{self.verdict}**", ""]
        lines += [f"- {r}" for r in self.reasons]
        lines += [
            "",
            "| check | bound | value | threshold | passed | Holm p | detail |",
            "|---|---|---|---|---|---|---|",
        ]
        for ch in self.checks:
            value = "n/a" if ch.bound_used is None else f"{ch.bound_used:.3f}"
            sig = " *" if ch.significant else ""
            lines.append(
                f"| {ch.name} | {ch.bound} | {value} | {ch.threshold:g} "
                f"| {'yes' if ch.passed else 'NO'} | {_p(ch.p_holm)}{sig} | {ch.detail} |"
            )
        if self.significant:
            lines += ["", f"\\* significant after Holm correction at α = {self.alpha:g}."]
        return "\n".join(lines) + "\n"


def _p(p: float | None) -> str:
    if p is None:
        return "n/a"
    return f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def _acc(arm: ArmSummary) -> str:
    return f"{arm.accuracy:.3f} [{arm.accuracy_low:.3f}, {arm.accuracy_high:.3f}]"


def _interval(m: RatioMetric) -> str:
    return f"[{m.low:.3f}, {m.high:.3f}]"


def _ratio_cells(m: RatioMetric) -> str:
    if m.status != "ok" or m.ratio is None:
        return f"n/a ({m.status.replace('_', ' ')}) | n/a"
    return f"{m.ratio:.3f} | {_interval(m)}"


def _cost_label(m: RatioMetric) -> str:
    return "cost ($)" if m.basis == "cost_usd" else "cost (tokens as proxy)"


def _cost_value(m: RatioMetric, arm: Literal["baseline", "candidate"]) -> str:
    value = m.baseline_mean if arm == "baseline" else m.candidate_mean
    return f"{value:.6f}" if m.basis == "cost_usd" else f"{value:.1f}"


def _align(
    baseline: PairedData, candidate: PairedData
) -> tuple[NDArray[np.intp], NDArray[np.intp], list[tuple[str, int]]]:
    base_index = {
        k: i for i, k in enumerate(zip(baseline.scenario_id, baseline.repeat, strict=True))
    }
    cand_index = {
        k: i for i, k in enumerate(zip(candidate.scenario_id, candidate.repeat, strict=True))
    }
    shared = sorted(base_index.keys() & cand_index.keys())
    if not shared:
        raise ValueError(
            "baseline and candidate share no (scenario_id, repeat) rows: baseline has "
            f"{len(baseline)} rows over {len(set(baseline.scenario_id))} scenarios, "
            f"candidate has {len(candidate)} rows over {len(set(candidate.scenario_id))} "
            "scenarios, 0 in common; were they run on the same scenario set?"
        )
    bi = np.fromiter((base_index[k] for k in shared), dtype=np.intp, count=len(shared))
    ci = np.fromiter((cand_index[k] for k in shared), dtype=np.intp, count=len(shared))
    return bi, ci, shared


def _summary(
    label: str,
    correct: NDArray[np.bool_],
    latency: NDArray[np.float64],
    cost: NDArray[np.float64],
    tokens: NDArray[np.float64],
    confidence: float,
) -> ArmSummary:
    n_correct = int(correct.sum())
    low, high = wilson_interval(n_correct, correct.size, confidence)
    return ArmSummary(
        label=label,
        n=int(correct.size),
        n_correct=n_correct,
        accuracy=n_correct / correct.size,
        accuracy_low=low,
        accuracy_high=high,
        mean_latency_s=float(latency.mean()),
        mean_cost_usd=float(cost.mean()),
        mean_tokens=float(tokens.mean()),
    )


def _majority(correct: NDArray[np.bool_], inverse: NDArray[np.intp], k: int) -> NDArray[np.bool_]:
    hits = np.bincount(inverse, weights=correct.astype(np.float64), minlength=k)
    sizes = np.bincount(inverse, minlength=k)
    return np.asarray(2 * hits > sizes, dtype=bool)


def _ratio_metric(
    name: MetricName,
    basis: Literal["correct", "latency_s", "cost_usd", "tokens"],
    base: NDArray[np.float64],
    cand: NDArray[np.float64],
    clusters: NDArray[np.intp],
    criteria: GateCriteria,
    seed: int,
) -> RatioMetric:
    bm, cm = float(base.mean()), float(cand.mean())
    if bm == 0.0:
        status: Literal["both_zero", "baseline_zero"] = (
            "both_zero" if cm == 0.0 else "baseline_zero"
        )
        return RatioMetric(
            name=name, basis=basis, baseline_mean=bm, candidate_mean=cm, status=status
        )
    # One seed for every metric: all metrics see the same resampled scenarios, so their
    # intervals describe the same hypothetical re-runs.
    r = paired_bootstrap(
        base,
        cand,
        "ratio_mean",
        clusters=clusters,
        n_boot=criteria.n_boot,
        seed=seed,
        confidence=criteria.confidence,
    )
    return RatioMetric(
        name=name,
        basis=basis,
        baseline_mean=bm,
        candidate_mean=cm,
        status="ok",
        ratio=r.estimate,
        low=r.low,
        high=r.high,
        p_value=r.p_value,
    )


def compare_paired(
    baseline: PairedData,
    candidate: PairedData,
    criteria: GateCriteria | None = None,
    seed: int = 0,
) -> Comparison:
    """Paired comparison of ``candidate`` against ``baseline`` on their shared rows."""
    criteria = criteria or GateCriteria()
    bi, ci, shared = _align(baseline, candidate)
    notes: list[str] = []
    dropped_b, dropped_c = len(baseline) - len(shared), len(candidate) - len(shared)
    if dropped_b or dropped_c:
        notes.append(
            f"dropped {dropped_b} baseline and {dropped_c} candidate rows with no "
            f"(scenario_id, repeat) match; compared {len(shared)} shared rows"
        )

    def col(data: PairedData, name: str, idx: NDArray[np.intp]) -> NDArray[np.float64]:
        return np.asarray(getattr(data, name), dtype=np.float64)[idx]

    b_correct = np.asarray(baseline.correct, dtype=bool)[bi]
    c_correct = np.asarray(candidate.correct, dtype=bool)[ci]
    b_lat, c_lat = col(baseline, "latency_s", bi), col(candidate, "latency_s", ci)
    b_cost, c_cost = col(baseline, "cost_usd", bi), col(candidate, "cost_usd", ci)
    b_tok, c_tok = col(baseline, "tokens", bi), col(candidate, "tokens", ci)

    def wrong(data: PairedData, idx: NDArray[np.intp]) -> NDArray[np.bool_]:
        return np.asarray(data.wrong or [False] * len(data), dtype=bool)[idx]

    b_wrong, c_wrong = wrong(baseline, bi), wrong(candidate, ci)

    scenario_ids = [sid for sid, _ in shared]
    _, inverse = np.unique(np.asarray(scenario_ids), return_inverse=True)
    inverse = inverse.ravel()
    k = int(inverse.max()) + 1
    max_repeats = int(np.bincount(inverse).max())

    if max_repeats > 1:
        b_major, c_major = _majority(b_correct, inverse, k), _majority(c_correct, inverse, k)
        unit: Literal["row", "scenario_majority"] = "scenario_majority"
    else:
        b_major, c_major = b_correct, c_correct
        unit = "row"
    n11 = int(np.sum(b_major & c_major))
    n10 = int(np.sum(b_major & ~c_major))
    n01 = int(np.sum(~b_major & c_major))
    n00 = int(np.sum(~b_major & ~c_major))
    mcnemar = McNemarResult(
        unit=unit, n11=n11, n10=n10, n01=n01, n00=n00, p_value=mcnemar_exact(n10, n01)
    )

    b_acc, c_acc = b_correct.astype(np.float64), c_correct.astype(np.float64)
    accuracy_diff = paired_bootstrap(
        b_acc,
        c_acc,
        "diff_mean",
        clusters=inverse,
        n_boot=criteria.n_boot,
        seed=seed,
        confidence=criteria.confidence,
    )
    accuracy = _ratio_metric("accuracy", "correct", b_acc, c_acc, inverse, criteria, seed)
    latency = _ratio_metric("latency", "latency_s", b_lat, c_lat, inverse, criteria, seed)
    tokens = _ratio_metric("tokens", "tokens", b_tok, c_tok, inverse, criteria, seed)
    if np.any(b_cost) or np.any(c_cost):
        cost = _ratio_metric("cost", "cost_usd", b_cost, c_cost, inverse, criteria, seed)
    else:
        cost = _ratio_metric("cost", "tokens", b_tok, c_tok, inverse, criteria, seed)
        notes.append("both arms cost $0 on every row; the cost check uses tokens as proxy")

    # The accuracy family member is McNemar (exact, paired), not the bootstrap ratio p.
    family: dict[str, float] = {"accuracy": mcnemar.p_value}
    for m in (latency, cost, tokens):
        if m.p_value is not None:
            family[m.name] = m.p_value
    adjusted = holm(family)
    accuracy = accuracy.model_copy(update={"p_value": mcnemar.p_value})
    metrics = {
        m.name: m.model_copy(update={"p_holm": adjusted.get(m.name)})
        for m in (accuracy, latency, cost, tokens)
    }

    return Comparison(
        confidence=criteria.confidence,
        n_boot=criteria.n_boot,
        seed=seed,
        n_rows=len(shared),
        n_scenarios=k,
        max_repeats=max_repeats,
        dropped_baseline=dropped_b,
        dropped_candidate=dropped_c,
        baseline=_summary(
            baseline.label or "baseline", b_correct, b_lat, b_cost, b_tok, criteria.confidence
        ).model_copy(update={"n_wrong": int(b_wrong.sum()), "wrong_rate": float(b_wrong.mean())}),
        candidate=_summary(
            candidate.label or "candidate", c_correct, c_lat, c_cost, c_tok, criteria.confidence
        ).model_copy(update={"n_wrong": int(c_wrong.sum()), "wrong_rate": float(c_wrong.mean())}),
        mcnemar=mcnemar,
        accuracy_diff=accuracy_diff,
        accuracy=metrics["accuracy"],
        latency=metrics["latency"],
        cost=metrics["cost"],
        tokens=metrics["tokens"],
        holm=adjusted,
        notes=notes,
    )


def _metric_label(m: RatioMetric) -> str:
    if m.name == "cost" and m.basis == "tokens":
        return "cost ratio (tokens as proxy; both arms cost $0)"
    return f"{m.name} ratio"


def _means(m: RatioMetric) -> str:
    if m.basis == "cost_usd":
        return f"candidate ${m.candidate_mean:.6f} vs baseline ${m.baseline_mean:.6f} a row"
    if m.basis == "tokens":
        return f"candidate {m.candidate_mean:.1f} vs baseline {m.baseline_mean:.1f} tokens a row"
    unit = " s" if m.basis == "latency_s" else ""
    return f"candidate {m.candidate_mean:.3f}{unit} vs baseline {m.baseline_mean:.3f}{unit}"


def _lower_check(m: RatioMetric, threshold: float, alpha: float) -> Check:
    bound_used: float | None = None
    if m.status == "both_zero":
        # Neither arm got anything right: the data say nothing about the candidate working,
        # and a gate that approved here would let a useless model replace a useless one.
        passed = False
        detail = f"{m.name} is 0 in both arms: no evidence the candidate works ({_means(m)})"
    elif m.status != "ok" or m.low is None:
        # Baseline accuracy 0, candidate above it: any candidate meets threshold x 0.
        passed = True
        detail = (
            f"{m.name} ratio n/a: baseline is 0, so the candidate cannot be worse ({_means(m)})"
        )
    else:
        bound_used, passed = m.low, m.low >= threshold
        detail = (
            f"{_metric_label(m)} {m.ratio:.3f} [{m.low:.3f}, {m.high:.3f}] ({_means(m)}): "
            f"lower bound {m.low:.3f} {'≥' if passed else '<'} {threshold:g}"
        )
    return Check(
        name=m.name,
        bound="lower",
        bound_used=bound_used,
        threshold=threshold,
        passed=passed,
        detail=detail,
        p_holm=m.p_holm,
        significant=m.p_holm is not None and m.p_holm < alpha,
    )


def _upper_check(m: RatioMetric, threshold: float, alpha: float) -> Check:
    sig = m.p_holm is not None and m.p_holm < alpha
    if m.status == "both_zero":
        what = (
            "both arms cost $0 and used 0 tokens"
            if m.name == "cost"
            else f"{m.basis} is 0 for both arms"
        )
        return Check(
            name=m.name,
            bound="upper",
            bound_used=None,
            threshold=threshold,
            passed=True,
            detail=f"{m.name} n/a: both zero ({what})",
            p_holm=m.p_holm,
            significant=sig,
        )
    if m.status == "baseline_zero" or m.high is None:
        return Check(
            name=m.name,
            bound="upper",
            bound_used=None,
            threshold=threshold,
            passed=False,
            detail=f"{_metric_label(m)} unbounded: baseline is 0 but the candidate is not "
            f"({_means(m)})",
            p_holm=m.p_holm,
            significant=sig,
        )
    passed = m.high < threshold
    detail = (
        f"{_metric_label(m)} {m.ratio:.3f} [{m.low:.3f}, {m.high:.3f}] ({_means(m)}): "
        f"upper bound {m.high:.3f} {'<' if passed else '≥'} {threshold:g}"
    )
    return Check(
        name=m.name,
        bound="upper",
        bound_used=m.high,
        threshold=threshold,
        passed=passed,
        detail=detail,
        p_holm=m.p_holm,
        significant=sig,
    )


def _wrong_check(c: Comparison, max_increase: float) -> Check:
    b, k = c.baseline, c.candidate
    rise = k.wrong_rate - b.wrong_rate
    passed = rise <= max_increase + 1e-12
    return Check(
        name="wrong_rate",
        bound="upper",
        bound_used=rise,
        threshold=max_increase,
        passed=passed,
        detail=(
            f"wrong answers {b.n_wrong}/{b.n} -> {k.n_wrong}/{k.n} "
            f"({rise:+.1%}; at most {max_increase:+.1%}): {'ok' if passed else 'more wrong answers'}"
        ),
    )


def decide(comparison: Comparison, criteria: GateCriteria | None = None) -> GateDecision:
    """APPROVE only if every check passes on its interval bound.

    Accuracy needs the lower bound of the accuracy ratio ≥ ``min_accuracy_ratio``;
    latency, cost (and tokens, when ``max_token_ratio`` is set) need the upper bound of
    their ratio < the maximum. With a two-sided interval at ``confidence`` each bound is
    a one-sided test at level (1 - confidence) / 2. Holm-adjusted p-values at ``alpha``
    only flag which changes are significant; they do not change the verdict.
    """
    criteria = criteria or GateCriteria()
    if not math.isclose(criteria.confidence, comparison.confidence):
        raise ValueError(
            f"comparison intervals are at confidence {comparison.confidence}, criteria ask "
            f"for {criteria.confidence}; rerun compare_paired with these criteria"
        )
    a = criteria.alpha
    checks = [
        _lower_check(comparison.accuracy, criteria.min_accuracy_ratio, a),
        _upper_check(comparison.latency, criteria.max_latency_ratio, a),
        _upper_check(comparison.cost, criteria.max_cost_ratio, a),
    ]
    if criteria.max_token_ratio is not None:
        checks.append(_upper_check(comparison.tokens, criteria.max_token_ratio, a))
    if criteria.max_wrong_rate_increase is not None:
        checks.append(_wrong_check(comparison, criteria.max_wrong_rate_increase))
    failed = [c for c in checks if not c.passed]
    verdict: Literal["APPROVE", "REJECT"] = "REJECT" if failed else "APPROVE"
    reasons = [c.detail for c in (failed or checks)]
    significant = [
        name
        for name in ("accuracy", "latency", "cost", "tokens")
        if (p := comparison.holm.get(name)) is not None and p < a
    ]
    return GateDecision(
        verdict=verdict, reasons=reasons, checks=checks, alpha=a, significant=significant
    )
