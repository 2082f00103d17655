from __future__ import annotations

import json

import numpy as np
import pytest
from pydantic import ValidationError

from behaviorlab.evals._gate import (
    Comparison,
    GateCriteria,
    GateDecision,
    PairedData,
    PairedRow,
    compare_paired,
    decide,
)
from behaviorlab.evals._stats import holm


def _arm(
    correct: list[bool] | np.ndarray,
    latency: np.ndarray,
    cost: np.ndarray,
    tokens: np.ndarray,
    *,
    repeats: int = 1,
    label: str = "",
    prefix: str = "s",
) -> PairedData:
    n = len(correct)
    return PairedData(
        label=label,
        scenario_id=[f"{prefix}{i // repeats:04d}" for i in range(n)],
        repeat=[i % repeats for i in range(n)],
        correct=[bool(x) for x in correct],
        latency_s=[float(x) for x in latency],
        cost_usd=[float(x) for x in cost],
        tokens=[int(x) for x in tokens],
    )


def _similar_pair(n: int = 300, seed: int = 0) -> tuple[PairedData, PairedData]:
    """A candidate slightly better and cheaper than its baseline on n scenarios."""
    rng = np.random.default_rng(seed)
    base_correct = rng.random(n) < 0.8
    cand_correct = base_correct.copy()
    right = np.flatnonzero(base_correct)
    wrong = np.flatnonzero(~base_correct)
    cand_correct[right[:5]] = False
    cand_correct[wrong[:10]] = True
    base_lat = rng.lognormal(0.5, 0.4, n)
    cand_lat = base_lat * 0.9 * rng.lognormal(0, 0.05, n)
    base_tok = rng.integers(800, 1600, n)
    cand_tok = (base_tok * 0.9).astype(int)
    base_cost = base_tok * 2e-6
    cand_cost = cand_tok * 2e-6
    return (
        _arm(base_correct, base_lat, base_cost, base_tok, label="v1"),
        _arm(cand_correct, cand_lat, cand_cost, cand_tok, label="v2"),
    )


def test_approve_then_reject_when_criteria_tightened() -> None:
    base, cand = _similar_pair()
    comparison = compare_paired(base, cand)
    decision = decide(comparison, GateCriteria())
    assert decision.verdict == "APPROVE", decision.reasons
    assert [c.name for c in decision.checks] == ["accuracy", "latency", "cost", "wrong_rate"]
    assert all(c.passed for c in decision.checks)
    assert comparison.accuracy.low is not None and comparison.accuracy.low >= 0.95

    strict_latency = GateCriteria(max_latency_ratio=0.85)
    decision = decide(compare_paired(base, cand, strict_latency), strict_latency)
    assert decision.verdict == "REJECT"
    assert len(decision.reasons) == 1 and decision.reasons[0].startswith("latency ratio")
    assert "upper bound" in decision.reasons[0] and "≥ 0.85" in decision.reasons[0]

    strict_accuracy = GateCriteria(min_accuracy_ratio=1.05)
    decision = decide(compare_paired(base, cand, strict_accuracy), strict_accuracy)
    assert decision.verdict == "REJECT"
    assert [c.name for c in decision.checks if not c.passed] == ["accuracy"]
    assert "accuracy ratio" in decision.reasons[0] and "< 1.05" in decision.reasons[0]


def test_gate_uses_interval_bound_not_point_estimate() -> None:
    # 20 scenarios, equal accuracy (ratio exactly 1.0) but 6 discordant pairs: the point
    # estimate passes 0.95 while the lower bound does not.
    base_correct = [True] * 11 + [True] * 3 + [False] * 3 + [False] * 3
    cand_correct = [True] * 11 + [False] * 3 + [True] * 3 + [False] * 3
    ones = np.ones(20)
    base = _arm(base_correct, ones, ones * 0.01, ones * 100)
    cand = _arm(cand_correct, ones, ones * 0.01, ones * 100)
    comparison = compare_paired(base, cand)
    assert comparison.accuracy.ratio == pytest.approx(1.0)
    decision = decide(comparison)
    assert decision.verdict == "REJECT"
    acc = decision.checks[0]
    assert acc.name == "accuracy" and acc.bound == "lower" and not acc.passed
    assert acc.bound_used == comparison.accuracy.low and acc.bound_used < 0.95
    assert "lower bound" in decision.reasons[0] and "< 0.95" in decision.reasons[0]


def test_known_difference_mcnemar_in_comparison() -> None:
    base_correct = [True] * 60 + [True] * 10 + [False] * 2 + [False] * 28
    cand_correct = [True] * 60 + [False] * 10 + [True] * 2 + [False] * 28
    ones = np.ones(100)
    comparison = compare_paired(
        _arm(base_correct, ones, ones, ones), _arm(cand_correct, ones, ones, ones)
    )
    m = comparison.mcnemar
    assert (m.unit, m.n11, m.n10, m.n01, m.n00) == ("row", 60, 10, 2, 28)
    assert m.p_value == pytest.approx(158 / 4096, rel=1e-12)
    assert comparison.accuracy.p_value == m.p_value
    assert comparison.baseline.accuracy == 0.70 and comparison.candidate.accuracy == 0.62
    assert comparison.accuracy_diff.estimate == pytest.approx(-0.08)
    assert comparison.accuracy_diff.high < 0


def test_repeats_use_scenario_majority_for_mcnemar() -> None:
    # 3 repeats per scenario; baseline majority-right on s0, s1; candidate on s1, s2.
    base = [True, True, False, True, True, True, False, False, True, False, False, False]
    cand = [True, False, False, True, True, False, True, True, False, False, False, False]
    ones = np.ones(12)
    comparison = compare_paired(
        _arm(base, ones, ones, ones, repeats=3), _arm(cand, ones, ones, ones, repeats=3)
    )
    m = comparison.mcnemar
    assert comparison.n_scenarios == 4 and comparison.max_repeats == 3
    assert (m.unit, m.n11, m.n10, m.n01, m.n00) == ("scenario_majority", 1, 1, 1, 1)
    assert m.p_value == 1.0
    # Wilson stays per attempt: 6 of 12 right for the baseline.
    assert comparison.baseline.n == 12 and comparison.baseline.n_correct == 6


def test_repeats_cluster_by_scenario_widens_intervals() -> None:
    rng = np.random.default_rng(4)
    scen = np.repeat(rng.lognormal(0, 0.5, 30), 10)  # shared by a scenario's repeats
    base_lat = 1.0 + rng.normal(0, 0.01, 300)
    cand_lat = base_lat * scen * rng.lognormal(0, 0.01, 300)
    correct = np.ones(300, dtype=bool)
    ones = np.ones(300)
    clustered = compare_paired(
        _arm(correct, base_lat, ones, ones, repeats=10),
        _arm(correct, cand_lat, ones, ones, repeats=10),
    )
    independent = compare_paired(  # same rows, each repeat relabelled as its own scenario
        _arm(correct, base_lat, ones, ones), _arm(correct, cand_lat, ones, ones)
    )
    c, i = clustered.latency, independent.latency
    assert c.ratio == pytest.approx(i.ratio)
    assert c.low is not None and c.high is not None and i.low is not None and i.high is not None
    assert (c.high - c.low) > 2.0 * (i.high - i.low)


def test_no_overlap_raises_with_counts() -> None:
    ones = np.ones(5)
    base = _arm([True] * 5, ones, ones, ones, prefix="a")
    cand = _arm([True] * 4, ones[:4], ones[:4], ones[:4], prefix="b")
    with pytest.raises(ValueError, match=r"baseline has 5 rows.*candidate has 4 rows.*0 in common"):
        compare_paired(base, cand)


def test_partial_overlap_reports_dropped_rows() -> None:
    base, cand = _similar_pair(n=60)
    cand_short = PairedData(
        label=cand.label,
        scenario_id=cand.scenario_id[:50],
        repeat=cand.repeat[:50],
        correct=cand.correct[:50],
        latency_s=cand.latency_s[:50],
        cost_usd=cand.cost_usd[:50],
        tokens=cand.tokens[:50],
    )
    comparison = compare_paired(base, cand_short)
    assert comparison.n_rows == 50
    assert (comparison.dropped_baseline, comparison.dropped_candidate) == (10, 0)
    assert any("dropped 10 baseline and 0 candidate rows" in n for n in comparison.notes)
    assert "dropped 10 baseline" in comparison.to_markdown()


def test_zero_cost_falls_back_to_tokens() -> None:
    ones = np.ones(100)
    zeros = np.zeros(100)
    correct = [True] * 80 + [False] * 20
    base = _arm(correct, ones, zeros, ones * 100)
    cand = _arm(correct, ones, zeros, ones * 200 + np.arange(100))
    comparison = compare_paired(base, cand)
    assert comparison.cost.basis == "tokens"
    assert comparison.cost.ratio == pytest.approx(comparison.tokens.ratio)
    decision = decide(comparison)
    assert decision.verdict == "REJECT"
    assert [c.name for c in decision.checks if not c.passed] == ["cost"]
    assert "tokens as proxy" in decision.reasons[0]


def test_zero_cost_and_zero_tokens_is_decidable_and_passes() -> None:
    ones = np.ones(50)
    zeros = np.zeros(50)
    correct = [True] * 40 + [False] * 10
    comparison = compare_paired(
        _arm(correct, ones, zeros, zeros), _arm(correct, ones * 0.9, zeros, zeros)
    )
    assert comparison.cost.status == "both_zero" and comparison.cost.ratio is None
    decision = decide(comparison)
    assert decision.verdict == "APPROVE", decision.reasons
    cost = next(c for c in decision.checks if c.name == "cost")
    assert cost.passed and cost.bound_used is None and "n/a: both zero" in cost.detail
    assert "cost" not in comparison.holm


def test_free_baseline_against_paid_candidate_fails_cost() -> None:
    ones = np.ones(30)
    correct = [True] * 30
    comparison = compare_paired(
        _arm(correct, ones, np.zeros(30), ones * 10), _arm(correct, ones, ones * 0.01, ones * 10)
    )
    assert comparison.cost.status == "baseline_zero"
    decision = decide(comparison)
    assert decision.verdict == "REJECT"
    assert "cost ratio unbounded" in decision.reasons[0]


def test_token_criterion_is_optional() -> None:
    base, cand = _similar_pair()
    assert [c.name for c in decide(compare_paired(base, cand)).checks] == [
        "accuracy",
        "latency",
        "cost",
        "wrong_rate",
    ]
    criteria = GateCriteria(max_token_ratio=0.8)
    decision = decide(compare_paired(base, cand, criteria), criteria)
    assert decision.verdict == "REJECT"
    assert [c.name for c in decision.checks if not c.passed] == ["tokens"]


def test_holm_applied_across_metrics() -> None:
    base, cand = _similar_pair()
    comparison = compare_paired(base, cand)
    family = {
        "accuracy": comparison.mcnemar.p_value,
        "latency": comparison.latency.p_value,
        "cost": comparison.cost.p_value,
        "tokens": comparison.tokens.p_value,
    }
    assert comparison.holm == holm({k: v for k, v in family.items() if v is not None})
    assert comparison.latency.p_holm == comparison.holm["latency"]
    decision = decide(comparison)
    # Latency and tokens drop by ~10% on every row: significant even after Holm.
    assert {"latency", "tokens"} <= set(decision.significant)


def test_compare_is_deterministic_and_seed_matters() -> None:
    base, cand = _similar_pair(n=80)
    assert compare_paired(base, cand, seed=1) == compare_paired(base, cand, seed=1)
    assert compare_paired(base, cand, seed=1).latency != compare_paired(base, cand, seed=2).latency


def test_json_round_trip_and_markdown() -> None:
    base, cand = _similar_pair(n=60)
    comparison = compare_paired(base, cand)
    decision = decide(comparison)
    assert Comparison.model_validate_json(comparison.model_dump_json()) == comparison
    assert GateDecision.model_validate_json(decision.model_dump_json()) == decision
    payload = json.loads(decision.model_dump_json())
    assert payload["verdict"] in ("APPROVE", "REJECT")
    assert {"name", "bound_used", "threshold", "passed", "detail"} <= set(payload["checks"][0])

    md = comparison.to_markdown()
    assert "| metric | v1 | v2 |" in md
    assert f"{comparison.latency.ratio:.3f}" in md
    assert "McNemar" in md
    dmd = decision.to_markdown()
    assert dmd.startswith(f"**{decision.verdict}**")
    assert dmd.count("\n| accuracy |") == 1 and "| latency |" in dmd


def test_decide_refuses_mismatched_confidence() -> None:
    base, cand = _similar_pair(n=40)
    comparison = compare_paired(base, cand, GateCriteria(confidence=0.9))
    with pytest.raises(ValueError, match="confidence"):
        decide(comparison, GateCriteria())


def test_paired_data_validation_and_from_rows() -> None:
    with pytest.raises(ValidationError, match="duplicate"):
        PairedData(
            scenario_id=["a", "a"],
            repeat=[0, 0],
            correct=[True, False],
            latency_s=[1.0, 1.0],
            cost_usd=[0.0, 0.0],
            tokens=[1, 1],
        )
    with pytest.raises(ValidationError, match="differ in length"):
        PairedData(
            scenario_id=["a", "b"],
            repeat=[0, 0],
            correct=[True],
            latency_s=[1.0, 1.0],
            cost_usd=[0.0, 0.0],
            tokens=[1, 1],
        )
    rows = [
        PairedRow(scenario_id="x", repeat=1, correct=True, latency_s=0.5, cost_usd=0.1, tokens=9),
        PairedRow(scenario_id="x", correct=False, latency_s=0.7, cost_usd=0.2, tokens=11),
    ]
    data = PairedData.from_rows(rows, label="arm")
    assert len(data) == 2 and data.repeat == [1, 0] and data.correct == [True, False]
    assert data.label == "arm"


def test_zero_accuracy_in_both_arms_is_never_approved() -> None:
    # a useless candidate against a useless baseline: cheaper and faster, still REJECT
    ones = np.ones(30)
    wrong = [False] * 30
    comparison = compare_paired(
        _arm(wrong, ones, ones, ones * 100), _arm(wrong, ones * 0.5, ones * 0.5, ones * 50)
    )
    assert comparison.accuracy.status == "both_zero"
    decision = decide(comparison)
    assert decision.verdict == "REJECT"
    assert [c.name for c in decision.checks if not c.passed] == ["accuracy"]
    assert "no evidence the candidate works" in decision.reasons[0]
    # a candidate that gets something right over a 0% baseline still passes accuracy
    better = compare_paired(
        _arm(wrong, ones, ones, ones * 100), _arm([True] * 3 + wrong[3:], ones, ones, ones * 100)
    )
    assert next(c for c in decide(better).checks if c.name == "accuracy").passed


def test_a_candidate_may_not_raise_the_wrong_answer_rate() -> None:
    from behaviorlab.evals import PairedData

    def arm(wrong: list[bool], label: str) -> PairedData:
        n = len(wrong)
        return PairedData(
            label=label,
            scenario_id=[f"s{i}" for i in range(n)],
            repeat=[0] * n,
            correct=[not w for w in wrong],
            latency_s=[1.0] * n,
            cost_usd=[0.0] * n,
            tokens=[10] * n,
            wrong=wrong,
        )

    base = arm([False] * 40, "declines")
    cand = arm([False] * 39 + [True], "one wrong")
    d = decide(compare_paired(base, cand))
    check = next(c for c in d.checks if c.name == "wrong_rate")
    assert not check.passed and d.verdict == "REJECT" and "0/40 -> 1/40" in check.detail
    relaxed = decide(compare_paired(base, cand), GateCriteria(max_wrong_rate_increase=0.05))
    assert next(c for c in relaxed.checks if c.name == "wrong_rate").passed
