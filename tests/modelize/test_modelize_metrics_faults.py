from __future__ import annotations

import math
import random

import pytest

from behaviorlab.modelize import (
    HTML_FAULTS,
    TEXT_FAULTS,
    Detection,
    Pair,
    accuracy_report,
    auroc,
    corpus_bleu,
    inject_faults,
    levenshtein,
)


def test_levenshtein() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein([], ["a"]) == 1
    assert levenshtein(["a", "b"], ["a", "b"]) == 0


def test_bleu_bounds() -> None:
    ref = [["the", "cat", "sat", "on", "the", "mat"]]
    assert corpus_bleu(ref, ref) == pytest.approx(1.0)
    assert corpus_bleu(ref, [["dog", "ran", "far", "away", "from", "home"]]) < 0.05
    mid = corpus_bleu(ref, [["the", "cat", "sat", "on", "a", "mat"]])
    assert 0.3 < mid < 1.0
    # too short a hypothesis pays the brevity penalty
    assert corpus_bleu(ref, [["the", "cat", "sat"]]) < corpus_bleu(
        ref, [["the", "cat", "sat", "on", "the"]]
    )


def test_auroc() -> None:
    assert auroc([0.1, 0.2, 0.8, 0.9], [False, False, True, True]) == 1.0
    assert auroc([0.9, 0.8, 0.2, 0.1], [False, False, True, True]) == 0.0
    assert auroc([0.5, 0.5, 0.5, 0.5], [False, True, False, True]) == 0.5
    assert auroc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    assert math.isnan(auroc([1.0], [True]))


def test_detection() -> None:
    d = Detection.of([True, True, False, False, True], [True, False, True, False, True])
    assert (d.tp, d.fp, d.fn, d.tn) == (2, 1, 1, 1)
    assert d.precision == pytest.approx(2 / 3) and d.recall == pytest.approx(2 / 3)
    assert d.f1 == pytest.approx(2 / 3) and d.false_alarm_rate == 0.5


def test_accuracy_report() -> None:
    refs = [["a", "b"], ["a", "b"], ["a", "b", "c"]]
    hyps = [["a", "b"], ["a", "x"], ["z", "y", "x", "w", "v", "u", "t"]]
    r = accuracy_report(refs, hyps, [0.01, 0.02, 0.03])
    assert r.exact == pytest.approx(1 / 3) and r.within_one_edit == pytest.approx(2 / 3)
    assert (
        r.edit_histogram["0"] == 1 and r.edit_histogram["1"] == 1 and r.edit_histogram["6-10"] == 1
    )
    assert r.latency_ms_median == pytest.approx(20.0)


HTML = (
    "<h2>big <em>red</em> &amp; blue</h2>\n<ul>\n<li>one</li>\n<li>two <strong>x</strong></li>\n</ul>\n"
    '<p><a href="http://a.com/b">link</a> 41 <code>a &lt; b</code></p>'
)


@pytest.mark.parametrize("name", sorted(HTML_FAULTS))
def test_each_html_fault_changes_the_output(name: str) -> None:
    fault = HTML_FAULTS[name]
    broken = fault(HTML, random.Random(0))
    assert broken is not None and broken != HTML


def test_fault_catalogue_and_applicability() -> None:
    assert len(HTML_FAULTS) >= 8
    rng = random.Random(0)
    assert HTML_FAULTS["off_by_one"]("<h3>a</h3>", rng) in ("<h2>a</h2>", "<h4>a</h4>")
    assert HTML_FAULTS["wrong_escape"]("<p>a</p>", rng) is None
    assert HTML_FAULTS["swapped_tags"]("<p>a</p>", rng) is None
    assert TEXT_FAULTS["off_by_one"]("total 10", rng) in ("total 9", "total 11")


def test_inject_faults_only_labels_real_changes() -> None:
    pairs = [
        Pair(input=str(i), output=f"<p>x{i}</p>" if i % 2 else "<h1>t</h1>") for i in range(20)
    ]
    got = inject_faults(pairs, {"off_by_one": HTML_FAULTS["off_by_one"]}, per_fault=5, seed=1)
    assert len(got) == 5
    assert all(p.output == "<h2>t</h2>" for p, _ in got)
