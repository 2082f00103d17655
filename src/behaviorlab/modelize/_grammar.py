"""Grammars as plain data and a fast probabilistic generator.

A grammar is the fuzzingbook dict format: non-terminal -> alternatives, where an
alternative is a string or ``(string, {"prob": p})``. Inside a string, ``<name>`` is a
non-terminal when ``<name>`` is a key of the grammar; anything else is literal text, so
grammars can emit ``<`` and ``>`` freely (HTML, autolinks). Alternatives without a
probability share what the explicit ones leave.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Expansion = str | tuple[str, dict[str, Any]]
Grammar = Mapping[str, Sequence[Expansion]]

START = "<start>"
_NONTERMINAL = re.compile(r"(<[^<> ]+>)")


class GrammarError(ValueError):
    pass


def expansion_text(alt: Expansion) -> str:
    return alt[0] if isinstance(alt, tuple) else alt


def expansion_prob(alt: Expansion) -> float | None:
    if isinstance(alt, tuple) and alt[1].get("prob") is not None:
        return float(alt[1]["prob"])
    return None


def split_expansion(text: str, grammar: Grammar) -> list[str]:
    """The symbols of one alternative, in order (terminals merged, empty ones dropped)."""
    out: list[str] = []
    for piece in _NONTERMINAL.split(text):
        if not piece:
            continue
        if piece in grammar or not out or out[-1] in grammar:
            out.append(piece)
        else:
            out[-1] += piece
    return out


def validate_grammar(grammar: Grammar, start: str = START) -> None:
    """Raise :class:`GrammarError` for a missing start, bad probabilities or a symbol that never ends."""
    if start not in grammar:
        raise GrammarError(f"grammar has no start symbol {start!r}")
    for nt, alts in grammar.items():
        if not alts:
            raise GrammarError(f"{nt} has no alternatives")
        probs = [p for p in map(expansion_prob, alts) if p is not None]
        if any(p < 0 for p in probs) or sum(probs) > 1 + 1e-9:
            raise GrammarError(f"{nt}: probabilities must be >= 0 and sum to at most 1")
        if len(probs) == len(alts) and abs(sum(probs) - 1) > 1e-6:
            raise GrammarError(f"{nt}: explicit probabilities sum to {sum(probs):.3f}, not 1")
    costs = _min_costs(grammar)
    endless = sorted(nt for nt, c in costs.items() if c == _INF)
    if endless:
        raise GrammarError(f"these non-terminals can never finish expanding: {', '.join(endless)}")


def grammar_hash(grammar: Grammar) -> str:
    """A stable digest of the grammar, recorded with every trained model."""
    canon = {
        k: [[expansion_text(a), expansion_prob(a)] for a in v] for k, v in sorted(grammar.items())
    }
    return hashlib.sha256(json.dumps(canon, sort_keys=True).encode()).hexdigest()[:16]


_INF = 1 << 30


def _min_costs(grammar: Grammar) -> dict[str, int]:
    """Fewest expansion levels each non-terminal needs to reach pure text (fixpoint)."""
    cost = dict.fromkeys(grammar, _INF)
    symbols = {
        nt: [[s for s in split_expansion(expansion_text(a), grammar) if s in grammar] for a in alts]
        for nt, alts in grammar.items()
    }
    changed = True
    while changed:
        changed = False
        for nt, alts in symbols.items():
            best = min(1 + max((cost[s] for s in syms), default=0) for syms in alts)
            if best < cost[nt]:
                cost[nt], changed = best, True
    return cost


@dataclass
class _Rule:
    alts: list[tuple[Any, ...]]  # each symbol: str terminal or int rule index
    cum: list[float]
    cheap: list[int]  # alternatives that finish soonest, used past max_depth
    alt_cost: list[int] = field(default_factory=list)


@dataclass
class GeneratorStats:
    generated: int = 0
    duplicates: int = 0
    covered: int = 0
    alternatives: int = 0

    @property
    def coverage(self) -> float:
        return self.covered / self.alternatives if self.alternatives else 1.0


class GrammarGenerator:
    """Probabilistic expansion with depth control, coverage of alternatives and de-duplication.

    While some alternatives are still unused, ``coverage=True`` picks an unused one whenever
    it is allowed at that depth (as fuzzingbook's coverage fuzzer does); afterwards choices
    follow the probabilities. Past ``max_depth`` only the alternatives that finish soonest
    are taken, so every derivation ends.
    """

    def __init__(
        self,
        grammar: Grammar,
        *,
        start: str = START,
        max_depth: int = 12,
        max_length: int | None = None,
        coverage: bool = True,
        seed: int | None = 0,
    ) -> None:
        validate_grammar(grammar, start)
        self.grammar = grammar
        self.start = start
        self.max_depth = max_depth
        self.max_length = max_length
        self.coverage = coverage
        self.rng = random.Random(seed)
        self._names = list(grammar)
        index = {nt: i for i, nt in enumerate(self._names)}
        costs = _min_costs(grammar)
        self._rules: list[_Rule] = []
        for nt in self._names:
            alts = grammar[nt]
            compiled = [
                tuple(index.get(s, s) for s in split_expansion(expansion_text(a), grammar))
                for a in alts
            ]
            alt_cost = [
                1
                + max(
                    (costs[s] for s in split_expansion(expansion_text(a), grammar) if s in grammar),
                    default=0,
                )
                for a in alts
            ]
            low = min(alt_cost)
            self._rules.append(
                _Rule(
                    alts=compiled,
                    cum=_cumulative([expansion_prob(a) for a in alts]),
                    cheap=[i for i, c in enumerate(alt_cost) if c == low],
                    alt_cost=alt_cost,
                )
            )
        self._min_cost = [costs[nt] for nt in self._names]
        self._uncovered: list[set[int]] = [set(range(len(r.alts))) for r in self._rules]
        self._seen: set[int] = set()
        self.stats = GeneratorStats(alternatives=sum(len(r.alts) for r in self._rules))
        self._start = index[start]

    # one derivation ---------------------------------------------------------
    def generate(self) -> str:
        """One input (possibly a duplicate of an earlier one)."""
        rules, rng, uncovered = self._rules, self.rng, self._uncovered
        max_depth, cover = self.max_depth, self.coverage
        out: list[str] = []
        stack: list[tuple[Any, int]] = [(self._start, 0)]
        pop, push = stack.pop, stack.append
        while stack:
            sym, depth = pop()
            if sym.__class__ is str:
                out.append(sym)
                continue
            rule = rules[sym]
            if depth >= max_depth:
                choice = rule.cheap[0] if len(rule.cheap) == 1 else rng.choice(rule.cheap)
            else:
                todo = uncovered[sym] if cover else None
                if todo:
                    room = max_depth - depth
                    fits = [i for i in todo if rule.alt_cost[i] <= room]
                    choice = rng.choice(fits) if fits else self._pick(rule)
                else:
                    choice = self._pick(rule)
            if cover and uncovered[sym] and choice in uncovered[sym]:
                uncovered[sym].discard(choice)
                self.stats.covered += 1
            for s in reversed(rule.alts[choice]):
                push((s, depth + 1))
        self.stats.generated += 1
        return "".join(out)

    def _pick(self, rule: _Rule) -> int:
        if len(rule.cum) == 1:
            return 0
        return bisect_right(rule.cum, self.rng.random() * rule.cum[-1])

    # unique inputs ----------------------------------------------------------
    def iter_unique(self, max_tries: int | None = None) -> Iterator[str]:
        """Inputs never produced before by this generator (de-duplicated by hash)."""
        tries = 0
        seen = self._seen
        while max_tries is None or tries < max_tries:
            tries += 1
            text = self.generate()
            if self.max_length is not None and len(text) > self.max_length:
                continue
            h = hash(text)
            if h in seen:
                self.stats.duplicates += 1
                continue
            seen.add(h)
            yield text

    def unique(self, n: int, max_tries: int | None = None) -> list[str]:
        """``n`` distinct inputs, or fewer when ``max_tries`` (default ``50 * n``) runs out."""
        out: list[str] = []
        for text in self.iter_unique(max_tries if max_tries is not None else 50 * n + 100):
            out.append(text)
            if len(out) >= n:
                break
        return out

    def exclude(self, texts: list[str]) -> None:
        """Never yield these (for example a training set, when drawing a test set)."""
        self._seen.update(hash(t) for t in texts)


def _cumulative(probs: list[float | None]) -> list[float]:
    given = sum(p for p in probs if p is not None)
    free = [p for p in probs if p is None]
    rest = max(0.0, 1.0 - given) / len(free) if free else 0.0
    cum, total = [], 0.0
    for p in probs:
        total += rest if p is None else p
        cum.append(total)
    return cum


def generate_inputs(
    grammar: Grammar,
    n: int,
    *,
    seed: int = 0,
    max_depth: int = 12,
    max_length: int | None = None,
    exclude: list[str] | None = None,
) -> list[str]:
    """``n`` unique inputs from ``grammar`` (convenience wrapper over :class:`GrammarGenerator`)."""
    gen = GrammarGenerator(grammar, seed=seed, max_depth=max_depth, max_length=max_length)
    if exclude:
        gen.exclude(exclude)
    return gen.unique(n)
