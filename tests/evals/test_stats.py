from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from behaviorlab.evals._stats import (
    holm,
    mcnemar_exact,
    paired_bootstrap,
    paired_table,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "n"), [(0, 1), (1, 1), (0, 10), (7, 20), (50, 100), (299, 300), (3, 7)]
)
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(successes: int, n: int, confidence: float) -> None:
    ref = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(successes, n, confidence) == pytest.approx(ref, abs=1e-12)


def test_wilson_edge_cases() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(10, 10)
    assert high == 1.0 and 0.6 < low < 0.75
    with pytest.raises(ValueError):
        wilson_interval(5, 3)
    with pytest.raises(ValueError):
        wilson_interval(1, 3, confidence=1.0)


@pytest.mark.parametrize(
    ("b", "c"), [(0, 0), (0, 1), (1, 0), (3, 3), (10, 2), (2, 10), (0, 9), (25, 40), (17, 3)]
)
def test_mcnemar_matches_statsmodels_and_scipy(b: int, c: int) -> None:
    table = [[12, b], [c, 30]]
    ref = mcnemar(table, exact=True).pvalue
    assert mcnemar_exact(b, c) == pytest.approx(ref, rel=1e-12)
    if b + c > 0:  # scipy's binomtest needs n >= 1
        assert mcnemar_exact(b, c) == pytest.approx(binomtest(b, b + c, 0.5).pvalue, rel=1e-12)


def test_mcnemar_no_discordant_pairs_is_one() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar(np.array([[40, 0], [0, 60]]), exact=True).pvalue == 1.0


def test_known_difference_gives_exact_mcnemar_p() -> None:
    # 100 scenarios: 60 both right, 10 only the baseline right, 2 only the candidate.
    a = [True] * 60 + [True] * 10 + [False] * 2 + [False] * 28
    b = [True] * 60 + [False] * 10 + [True] * 2 + [False] * 28
    n11, n10, n01, n00 = paired_table(a, b)
    assert (n11, n10, n01, n00) == (60, 10, 2, 28)
    # 2 * P(X <= 2 | n=12, p=.5) = 2 * (1 + 12 + 66) / 4096
    assert mcnemar_exact(n10, n01) == pytest.approx(158 / 4096, rel=1e-12)


def test_paired_table_length_mismatch() -> None:
    with pytest.raises(ValueError, match="3 vs 2"):
        paired_table([True, False, True], [True, False])


def test_bootstrap_deterministic_for_seed() -> None:
    rng = np.random.default_rng(7)
    a = rng.gamma(2.0, 1.0, 300)
    b = a * 1.05 + rng.normal(0, 0.2, 300)
    r1 = paired_bootstrap(a, b, "ratio_mean", seed=3)
    r2 = paired_bootstrap(a, b, "ratio_mean", seed=3)
    r3 = paired_bootstrap(a, b, "ratio_mean", seed=4)
    assert r1 == r2
    assert (r1.low, r1.high) != (r3.low, r3.high)
    assert r1.estimate == pytest.approx(b.mean() / a.mean())
    assert r1.low < r1.estimate < r1.high


def test_bootstrap_diff_interval_and_p_value() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(10.0, 1.0, 300)
    shifted = paired_bootstrap(a, a + 0.5 + rng.normal(0, 0.3, 300), "diff_mean")
    assert shifted.low > 0.4 and shifted.high < 0.6
    # Every resample lies above 0: p is the smallest value the +1 correction allows.
    assert shifted.p_value == pytest.approx(2 / 2001)

    same = paired_bootstrap(a, a + rng.normal(0, 0.3, 300), "diff_mean")
    assert same.low < 0 < same.high
    assert same.p_value > 0.05

    identical = paired_bootstrap(a, a, "diff_mean")
    assert (identical.estimate, identical.low, identical.high, identical.p_value) == (
        0.0,
        0.0,
        0.0,
        1.0,
    )


def test_bootstrap_interval_matches_resampling_by_hand() -> None:
    # The vectorised path must equal the obvious loop with the same index draws.
    rng = np.random.default_rng(5)
    a = rng.random(40)
    b = rng.random(40)
    res = paired_bootstrap(a, b, "diff_mean", n_boot=500, seed=11)
    draws = np.random.default_rng(11).integers(0, 40, size=(500, 40))
    dist = np.array([b[i].mean() - a[i].mean() for i in draws])
    assert res.low == pytest.approx(np.quantile(dist, 0.025))
    assert res.high == pytest.approx(np.quantile(dist, 0.975))


def test_bootstrap_clusters_widen_interval_on_correlated_repeats() -> None:
    # 30 scenarios x 10 repeats; the scenario effect dominates, repeats barely differ.
    rng = np.random.default_rng(2)
    scenario_effect = np.repeat(rng.normal(0, 1.0, 30), 10)
    a = 5 + rng.normal(0, 0.05, 300)
    b = a + 0.2 + scenario_effect + rng.normal(0, 0.05, 300)
    ids = np.repeat([f"s{i}" for i in range(30)], 10)
    flat = paired_bootstrap(a, b, "diff_mean", seed=0)
    clustered = paired_bootstrap(a, b, "diff_mean", clusters=ids, seed=0)
    assert clustered.estimate == pytest.approx(flat.estimate)
    width_flat = flat.high - flat.low
    width_clustered = clustered.high - clustered.low
    # With 10 near-identical repeats the honest interval is about sqrt(10) wider.
    assert width_clustered > 2.0 * width_flat


def test_bootstrap_clusters_of_size_one_equal_no_clusters() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.random(50) + 1, rng.random(50) + 1
    ids = [f"s{i:02d}" for i in range(50)]  # sorted order == row order
    assert paired_bootstrap(a, b, "ratio_mean", clusters=ids) == paired_bootstrap(
        a, b, "ratio_mean"
    )


def test_bootstrap_ratio_survives_zero_baseline_resamples() -> None:
    # Baseline accuracy 1/20: many resamples have a zero baseline mean.
    a = np.zeros(20)
    a[0] = 1.0
    b = np.zeros(20)
    b[:5] = 1.0
    res = paired_bootstrap(a, b, "ratio_mean")
    assert res.estimate == pytest.approx(5.0)
    assert not np.isnan(res.low) and not np.isnan(res.high)
    assert res.high == np.inf


def test_bootstrap_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        paired_bootstrap([1.0, 2.0], [1.0], "diff_mean")
    with pytest.raises(ValueError, match="baseline"):
        paired_bootstrap([0.0, 0.0], [1.0, 2.0], "ratio_mean")
    with pytest.raises(ValueError, match="finite"):
        paired_bootstrap([1.0, np.nan], [1.0, 2.0], "diff_mean")
    with pytest.raises(ValueError, match="stat"):
        paired_bootstrap([1.0], [1.0], "median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="clusters"):
        paired_bootstrap([1.0, 2.0], [1.0, 2.0], "diff_mean", clusters=["x"])


@pytest.mark.parametrize(
    "pvalues",
    [
        {"accuracy": 0.01, "latency": 0.04, "cost": 0.03, "tokens": 0.5},
        {"a": 0.2, "b": 0.2, "c": 0.001},
        {"only": 0.03},
        {"x": 0.9, "y": 0.8, "z": 0.7, "w": 0.0},
    ],
)
def test_holm_matches_statsmodels(pvalues: dict[str, float]) -> None:
    ref = multipletests(list(pvalues.values()), method="holm")[1]
    got = holm(pvalues)
    assert list(got) == list(pvalues)
    assert list(got.values()) == pytest.approx(list(ref), abs=1e-12)


def test_holm_edge_cases() -> None:
    assert holm({}) == {}
    with pytest.raises(ValueError):
        holm({"a": float("nan")})
    with pytest.raises(ValueError):
        holm({"a": 1.5})
