"""Training a subject's model and measuring it: accuracy, inversion, monitoring under faults."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from behaviorlab.modelize._behavior import BehaviorModel, ModelInfo, Pair, lexers_for, oriented
from behaviorlab.modelize._config import Direction, EpochLog, ModelConfig, TrainConfig
from behaviorlab.modelize._faults import Fault
from behaviorlab.modelize._metrics import AccuracyReport, Detection, accuracy_report, auroc
from behaviorlab.modelize._monitor import Calibration, Monitor
from behaviorlab.modelize._subjects import Subject
from behaviorlab.modelize._uses import invert


def train_model(
    subject: Subject,
    pairs: list[Pair],
    direction: Direction = "forward",
    *,
    model_config: ModelConfig | None = None,
    train_config: TrainConfig | None = None,
    on_epoch: Callable[[EpochLog], None] | None = None,
) -> BehaviorModel:
    """Fit a model of ``subject`` in ``direction`` on observed (input, output) pairs."""
    src_lexer, tgt_lexer = lexers_for(subject, direction)
    info = ModelInfo(
        subject=subject.name, direction=direction, grammar_hash=subject.info().grammar_hash
    )
    return BehaviorModel.fit(
        oriented(pairs, direction),
        src_lexer=src_lexer,
        tgt_lexer=tgt_lexer,
        model_config=model_config,
        train_config=train_config,
        info=info,
        on_epoch=on_epoch,
    )


def evaluate_accuracy(
    model: BehaviorModel,
    pairs: Sequence[Pair],
    *,
    latency_items: int = 100,
    beam: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> AccuracyReport:
    """Exact match, ≤1-edit match, BLEU and the edit-distance histogram on held-out pairs.

    ``pairs`` are (input, output) of the subject; a reverse model is scored on predicting
    the input from the output. Latency is one item at a time (as a mock would be called)
    on the first ``latency_items`` pairs. ``beam`` > 1 scores beam search instead of greedy
    decoding.
    """
    data = oriented(list(pairs), model.info.direction)
    preds: list[str] = []
    for i in range(0, len(data), 64):
        chunk = [p.input for p in data[i : i + 64]]
        preds.extend(
            model.predict_many(chunk) if beam <= 1 else [model.predict(t, beam) for t in chunk]
        )
        if on_progress is not None:
            on_progress(min(len(data), i + 64))
    lat: list[float] = []
    for p in data[:latency_items]:
        t0 = time.perf_counter()
        model.predict(p.input, beam)
        lat.append(time.perf_counter() - t0)
    lex = model.tgt_lexer
    refs = [[v for v, _ in lex.tokens(p.output)] for p in data]
    hyps = [[v for v, _ in lex.tokens(h)] for h in preds]
    return accuracy_report(refs, hyps, lat)


class InversionReport(BaseModel):
    n: int
    k: int
    #: predicted input equals the original input (several inputs may give one output)
    reverse_exact: float
    #: the top candidate, run through the real subject, gives back the output
    round_trip_top1: float
    #: some candidate among the k round-trips
    round_trip_any: float
    subject_errors: int
    latency_ms_median: float


def evaluate_inversion(
    subject: Subject,
    reverse: BehaviorModel,
    pairs: Sequence[Pair],
    *,
    k: int = 5,
    on_progress: Callable[[int], None] | None = None,
) -> InversionReport:
    top1 = anyk = exact = errors = 0
    lat: list[float] = []
    for i, p in enumerate(pairs):
        t0 = time.perf_counter()
        inv = invert(subject, reverse, p.output, k=k)
        lat.append(time.perf_counter() - t0)
        if inv.candidates:
            first = inv.candidates[0]
            exact += first.input == p.input
            top1 += first.round_trip
            errors += sum(c.error is not None for c in inv.candidates)
        anyk += inv.found is not None
        if on_progress is not None:
            on_progress(i + 1)
    n = len(pairs)
    return InversionReport(
        n=n,
        k=k,
        reverse_exact=exact / n if n else 0.0,
        round_trip_top1=top1 / n if n else 0.0,
        round_trip_any=anyk / n if n else 0.0,
        subject_errors=errors,
        latency_ms_median=1000 * statistics.median(lat) if lat else 0.0,
    )


class FaultRecall(BaseModel):
    fault: str
    n: int
    recall: float


class MonitorReport(BaseModel):
    calibration: Calibration
    n_clean: int
    n_faulty: int
    precision: float
    recall: float
    f1: float
    auroc: float
    false_alarm_rate: float
    per_fault: list[FaultRecall] = Field(default_factory=list)


def inject_faults(
    pairs: Sequence[Pair], faults: dict[str, Fault], per_fault: int, *, seed: int = 0
) -> list[tuple[Pair, str]]:
    """``per_fault`` broken pairs for each fault, from pairs the fault applies to."""
    rng = random.Random(seed)
    out: list[tuple[Pair, str]] = []
    for name, fault in faults.items():
        order = list(range(len(pairs)))
        rng.shuffle(order)
        got = 0
        for i in order:
            broken = fault(pairs[i].output, rng)
            if broken is None:
                continue
            out.append((Pair(input=pairs[i].input, output=broken), name))
            got += 1
            if got >= per_fault:
                break
    return out


def evaluate_monitor(
    monitor: Monitor,
    calibration: Sequence[Pair],
    clean: Sequence[Pair],
    faulty: Sequence[tuple[Pair, str]],
    *,
    false_alarm_rate: float = 0.02,
) -> MonitorReport:
    """Calibrate on ``calibration`` (clean), then score ``clean`` and ``faulty`` (disjoint sets)."""
    cal = monitor.calibrate(
        [p.input for p in calibration], [p.output for p in calibration], false_alarm_rate
    )
    items = [(p, None) for p in clean] + [(p, f) for p, f in faulty]
    # check_many (not score_many): flagged pairs are recorded as anomaly spans when a
    # recorder is set or active, as in live use
    verdicts = monitor.check_many([p.input for p, _ in items], [p.output for p, _ in items])
    labels = [f is not None for _, f in items]
    values = [v.score.score for v in verdicts]
    flagged = [v > monitor.threshold for v in values]
    det = Detection.of(flagged, labels)
    per: dict[str, list[bool]] = {}
    for (_, f), hit in zip(items, flagged, strict=True):
        if f is not None:
            per.setdefault(f, []).append(hit)
    return MonitorReport(
        calibration=cal,
        n_clean=len(clean),
        n_faulty=len(faulty),
        precision=det.precision,
        recall=det.recall,
        f1=det.f1,
        auroc=auroc(values, labels),
        false_alarm_rate=det.false_alarm_rate,
        per_fault=[FaultRecall(fault=f, n=len(h), recall=sum(h) / len(h)) for f, h in per.items()],
    )
