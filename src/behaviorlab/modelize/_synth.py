"""Input synthesis: unique grammar inputs run through the subject to give training pairs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from behaviorlab.modelize._behavior import Pair
from behaviorlab.modelize._grammar import GrammarGenerator
from behaviorlab.modelize._subjects import Subject, SubjectError


@dataclass
class SynthResult:
    pairs: list[Pair]
    failures: int = 0
    duplicates: int = 0
    coverage: float = 0.0
    generate_s: float = 0.0
    run_s: float = 0.0
    errors: list[str] = field(default_factory=list)


def synthesize(
    subject: Subject,
    n: int,
    *,
    seed: int = 0,
    exclude: Iterable[str] = (),
    max_length: int | None = 400,
    inputs: Iterable[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> SynthResult:
    """``n`` pairs from unique inputs the subject accepts; inputs in ``exclude`` are never drawn.

    Inputs come from the subject's grammar, or from ``inputs`` (for example
    ``FandangoGenerator(spec).iter_unique()`` where constraints matter). A rejected input
    (the subject raised) is counted and skipped, so the model learns only behaviour that
    was observed.
    """
    gen = GrammarGenerator(
        subject.grammar, seed=seed, max_depth=subject.max_depth, max_length=max_length
    )
    excluded = set(exclude)
    gen.exclude(list(excluded))
    pairs: list[Pair] = []
    res = SynthResult(pairs)
    t_gen = t_run = 0.0
    stream = (
        gen.iter_unique(max_tries=50 * n + 100)
        if inputs is None
        else (x for x in dict.fromkeys(inputs) if x not in excluded)
    )
    while len(pairs) < n:
        t0 = time.perf_counter()
        text = next(stream, None)
        t1 = time.perf_counter()
        t_gen += t1 - t0
        if text is None:
            break
        try:
            out = subject.run(text)
        except SubjectError as e:
            res.failures += 1
            if len(res.errors) < 5:
                res.errors.append(str(e))
            continue
        finally:
            t_run += time.perf_counter() - t1
        pairs.append(Pair(input=text, output=out))
        if on_progress is not None:
            on_progress(len(pairs))
    res.duplicates = gen.stats.duplicates
    res.coverage = gen.stats.coverage
    res.generate_s, res.run_s = t_gen, t_run
    return res


def split_pairs(subject: Subject, sizes: dict[str, int], *, seed: int = 0) -> dict[str, list[Pair]]:
    """Disjoint sets (for example train / calibrate / test) drawn one after another."""
    out: dict[str, list[Pair]] = {}
    seen: list[str] = []
    for i, (name, n) in enumerate(sizes.items()):
        res = synthesize(subject, n, seed=seed + 1000 * i, exclude=seen)
        out[name] = res.pairs
        seen.extend(p.input for p in res.pairs)
    return out


def write_pairs(pairs: Iterable[Pair], path: str | Path) -> int:
    n = 0
    with Path(path).open("w") as f:
        for p in pairs:
            f.write(p.model_dump_json() + "\n")
            n += 1
    return n


def read_pairs(path: str | Path) -> list[Pair]:
    with Path(path).open() as f:
        return [Pair.model_validate(json.loads(line)) for line in f if line.strip()]
