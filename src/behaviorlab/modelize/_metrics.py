"""Scores for behaviour models: exact match, edit distance, BLEU, AUROC, precision and recall."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, Field

#: edit-distance histogram buckets (upper bounds, inclusive)
BUCKETS: tuple[tuple[str, int], ...] = (
    ("0", 0),
    ("1", 1),
    ("2", 2),
    ("3-5", 5),
    ("6-10", 10),
    (">10", 1 << 30),
)


def levenshtein(a: Sequence[str], b: Sequence[str]) -> int:
    """Token edit distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def corpus_bleu(
    references: Sequence[Sequence[str]], hypotheses: Sequence[Sequence[str]], max_n: int = 4
) -> float:
    """Corpus BLEU-4 (one reference each) with the brevity penalty, 0-1.

    An n-gram order with no match at all gets a tiny count instead of zero (smoothing
    "method 1"), so one short corpus does not score exactly 0.
    """
    matches = [0] * max_n
    totals = [0] * max_n
    ref_len = hyp_len = 0
    for ref, hyp in zip(references, hypotheses, strict=True):
        ref_len += len(ref)
        hyp_len += len(hyp)
        for n in range(1, max_n + 1):
            h = Counter(tuple(hyp[i : i + n]) for i in range(len(hyp) - n + 1))
            r = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
            matches[n - 1] += sum(min(c, r[g]) for g, c in h.items())
            totals[n - 1] += max(0, len(hyp) - n + 1)
    if hyp_len == 0:
        return 0.0
    logs = []
    for m, t in zip(matches, totals, strict=True):
        if t == 0:
            continue
        logs.append(math.log((m if m > 0 else 0.1) / t))
    if not logs:
        return 0.0
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return bp * math.exp(sum(logs) / len(logs))


def auroc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve: the chance a positive outscores a negative (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    ranked = sorted((s, i) for i, s in enumerate(scores))
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[ranked[k][1]] = (i + j) / 2 + 1
        i = j + 1
    rank_pos = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


class Detection(BaseModel):
    """Flags against ground truth."""

    tp: int
    fp: int
    fn: int
    tn: int

    @classmethod
    def of(cls, flagged: Sequence[bool], labels: Sequence[bool]) -> Detection:
        pairs = list(zip(flagged, labels, strict=True))
        return cls(
            tp=sum(f and y for f, y in pairs),
            fp=sum(f and not y for f, y in pairs),
            fn=sum(not f and y for f, y in pairs),
            tn=sum(not f and not y for f, y in pairs),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


class AccuracyReport(BaseModel):
    """How closely predictions match the real outputs."""

    n: int
    exact: float
    within_one_edit: float
    bleu: float
    mean_edit_distance: float
    edit_histogram: dict[str, int] = Field(default_factory=dict)
    latency_ms_median: float | None = None
    latency_ms_p90: float | None = None


def accuracy_report(
    references: Sequence[Sequence[str]],
    hypotheses: Sequence[Sequence[str]],
    latencies_s: Sequence[float] = (),
) -> AccuracyReport:
    """From tokenized references and predictions (tokens of the concrete texts)."""
    dists = [levenshtein(r, h) for r, h in zip(references, hypotheses, strict=True)]
    hist = dict.fromkeys((name for name, _ in BUCKETS), 0)
    for d in dists:
        for name, top in BUCKETS:
            if d <= top:
                hist[name] += 1
                break
    n = len(dists)
    lat = sorted(latencies_s)
    return AccuracyReport(
        n=n,
        exact=sum(d == 0 for d in dists) / n if n else 0.0,
        within_one_edit=sum(d <= 1 for d in dists) / n if n else 0.0,
        bleu=corpus_bleu(references, hypotheses),
        mean_edit_distance=statistics.fmean(dists) if dists else 0.0,
        edit_histogram=hist,
        latency_ms_median=1000 * statistics.median(lat) if lat else None,
        latency_ms_p90=1000 * lat[min(len(lat) - 1, int(0.9 * len(lat)))] if lat else None,
    )
