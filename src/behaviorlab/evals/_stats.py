"""Paired statistics for comparing two variants of an agent on the same scenarios.

Pure functions over numpy arrays (numpy + scipy only) so the regression gate, the CLI
and notebooks all share one implementation that is checked against statsmodels in tests.

Conventions: ``a`` is the baseline arm and ``b`` the candidate, so a difference is
``mean(b) - mean(a)`` and a ratio is ``mean(b) / mean(a)``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict
from scipy import stats as _sps

__all__ = [
    "BootstrapResult",
    "BootstrapStat",
    "holm",
    "mcnemar_exact",
    "paired_bootstrap",
    "paired_table",
    "wilson_interval",
]

BootstrapStat = Literal["diff_mean", "ratio_mean"]

# Upper bound on the (replicates x clusters) index matrix held at once; keeps memory
# flat for large inputs while the common case (2000 x a few hundred) is one chunk.
_MAX_CELLS = 4_000_000


def _check_confidence(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return float(confidence)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Chosen over the normal (Wald) interval because it stays inside [0, 1] and keeps
    close to nominal coverage at accuracies near 0 or 1, where agents often sit.
    ``n == 0`` carries no information and returns ``(0.0, 1.0)``.
    """
    _check_confidence(confidence)
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    z = float(_sps.norm.ppf(0.5 + confidence / 2.0))
    p = successes / n
    z2n = z * z / n
    denom = 1.0 + z2n
    center = (p + z2n / 2.0) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1; rounding would leave 1 - 1e-16.
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return (low, high)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant counts ``b`` and ``c``.

    Under H0 the discordant pairs split 50/50, so this is a two-sided binomial test of
    ``min(b, c)`` in ``b + c`` trials (same value as statsmodels ``mcnemar(exact=True)``
    and ``scipy.stats.binomtest(b, b + c, 0.5)``). No discordant pairs gives 1.0.
    """
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be >= 0, got b={b}, c={c}")
    n = b + c
    if n == 0:
        return 1.0
    return float(min(1.0, 2.0 * _sps.binom.cdf(min(b, c), n, 0.5)))


def paired_table(a_correct: Sequence[bool], b_correct: Sequence[bool]) -> tuple[int, int, int, int]:
    """2x2 paired table ``(n11, n10, n01, n00)``: first digit ``a`` correct, second ``b``.

    ``n10`` (a right, b wrong) and ``n01`` (a wrong, b right) are McNemar's ``b`` and ``c``.
    """
    if len(a_correct) != len(b_correct):
        raise ValueError(f"paired sequences differ in length: {len(a_correct)} vs {len(b_correct)}")
    a = np.asarray(a_correct, dtype=bool)
    b = np.asarray(b_correct, dtype=bool)
    n11 = int(np.sum(a & b))
    n10 = int(np.sum(a & ~b))
    n01 = int(np.sum(~a & b))
    n00 = int(np.sum(~a & ~b))
    return (n11, n10, n01, n00)


class BootstrapResult(BaseModel):
    """Point estimate, percentile interval and two-sided bootstrap p-value."""

    # Ratio resamples can be unbounded when a resampled baseline mean is 0.
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="strings")

    estimate: float
    low: float
    high: float
    p_value: float


def _ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    # A resample whose baseline mean is 0 has an unbounded ratio; 0/0 means both arms
    # are 0 in that resample, i.e. no change, so it counts as 1 rather than NaN.
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    zero = den == 0
    out[zero & (num == 0)] = 1.0
    out[zero & (num > 0)] = np.inf
    out[zero & (num < 0)] = -np.inf
    return out


def paired_bootstrap(
    a: ArrayLike,
    b: ArrayLike,
    stat: BootstrapStat,
    *,
    clusters: Sequence[Hashable] | ArrayLike | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> BootstrapResult:
    """Paired bootstrap of ``mean(b) - mean(a)`` or ``mean(b) / mean(a)``.

    Rows are paired (row ``i`` of ``a`` and of ``b`` is the same scenario-repeat) and are
    resampled together. With ``clusters`` (one id per row, e.g. the scenario id) whole
    clusters are resampled, so repeats of one scenario move together: repeats are
    correlated, and treating them as independent would give intervals that are too
    narrow. Means over a resample are ratio-of-sums, which handles unequal cluster sizes.

    The interval is the percentile interval at ``confidence``. The p-value is two-sided
    for H0 ``diff == 0`` / ``ratio == 1``: twice the smaller bootstrap tail beyond the
    null value, with the +1 correction so it is never reported as exactly 0.
    """
    _check_confidence(confidence)
    if stat not in ("diff_mean", "ratio_mean"):
        raise ValueError(f"stat must be 'diff_mean' or 'ratio_mean', got {stat!r}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    x = np.asarray(a, dtype=np.float64).ravel()
    y = np.asarray(b, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"paired arrays differ in length: {x.size} vs {y.size}")
    if x.size == 0:
        raise ValueError("paired_bootstrap needs at least one pair")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("paired_bootstrap inputs must be finite (no NaN or inf)")

    if clusters is None:
        sum_a, sum_b, size = x, y, np.ones_like(x)
    else:
        ids = np.asarray(clusters)
        if ids.shape != x.shape:
            raise ValueError(f"clusters has {ids.size} ids for {x.size} rows")
        _, inverse = np.unique(ids, return_inverse=True)
        inverse = inverse.ravel()
        sum_a = np.bincount(inverse, weights=x).astype(np.float64)
        sum_b = np.bincount(inverse, weights=y).astype(np.float64)
        size = np.bincount(inverse).astype(np.float64)

    mean_a, mean_b = float(x.mean()), float(y.mean())
    if stat == "ratio_mean":
        if mean_a == 0.0:
            raise ValueError("ratio_mean is undefined: the mean of the baseline arm `a` is 0")
        estimate, null = mean_b / mean_a, 1.0
    else:
        estimate, null = mean_b - mean_a, 0.0

    k = sum_a.size
    rng = np.random.default_rng(seed)
    dist = np.empty(n_boot, dtype=np.float64)
    chunk = max(1, _MAX_CELLS // k)
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        idx = rng.integers(0, k, size=(stop - start, k))
        n_rows = size[idx].sum(axis=1)
        boot_a = sum_a[idx].sum(axis=1) / n_rows
        boot_b = sum_b[idx].sum(axis=1) / n_rows
        dist[start:stop] = _ratio(boot_b, boot_a) if stat == "ratio_mean" else boot_b - boot_a

    tail = (1.0 - confidence) / 2.0
    # Linear interpolation between an infinite and a finite order statistic yields NaN.
    method: Literal["linear", "inverted_cdf"] = (
        "linear" if np.all(np.isfinite(dist)) else "inverted_cdf"
    )
    low = float(np.quantile(dist, tail, method=method))
    high = float(np.quantile(dist, 1.0 - tail, method=method))
    below = (1 + int(np.sum(dist <= null))) / (n_boot + 1)
    above = (1 + int(np.sum(dist >= null))) / (n_boot + 1)
    p_value = min(1.0, 2.0 * min(below, above))
    return BootstrapResult(estimate=estimate, low=low, high=high, p_value=p_value)


def holm(pvalues: Mapping[str, float]) -> dict[str, float]:
    """Holm-Bonferroni adjusted p-values, keyed and ordered like the input.

    Controls the family-wise error rate across the metrics of one comparison without
    assuming independence (accuracy, latency and cost of one run are correlated).
    """
    items = list(pvalues.items())
    for name, p in items:
        if not (0.0 <= p <= 1.0):  # also rejects NaN
            raise ValueError(f"p-value for {name!r} must be in [0, 1], got {p}")
    m = len(items)
    order = sorted(range(m), key=lambda i: items[i][1])
    adjusted: dict[str, float] = {}
    running = 0.0
    for rank, i in enumerate(order):
        name, p = items[i]
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[name] = running
    return {name: adjusted[name] for name, _ in items}
