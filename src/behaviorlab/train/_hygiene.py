"""Data hygiene applied to every export: PII scrubbing, de-duplication, a fixed held-out split
and a class-balance report.

The split is a pure function of the example's input (a salted hash), not of the export's
contents or order: the same input lands on the same side in every export, so a held-out
input never reaches a training run however the data are re-exported or filtered.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal, TypeVar

from pydantic import BaseModel, Field

from behaviorlab.models import ChatMessage, PreferencePair, TrainingExample

Split = Literal["train", "heldout"]

DEFAULT_SALT = "behaviorlab-heldout-v1"

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
# 13-19 digits, optionally grouped by single spaces or dashes; Luhn-checked below
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
# phone numbers: an optional +country code, then 3-3-4 with separators or parentheses, or a
# +international number; plain numbers (prices, sizes) have no such grouping
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)"
    r"|(?<![\w+])\+\d{1,3}(?:[ .-]?\d{2,4}){2,5}(?!\d)"
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class Redactions(BaseModel):
    email: int = 0
    phone: int = 0
    card: int = 0
    name: int = 0

    @property
    def total(self) -> int:
        return self.email + self.phone + self.card + self.name

    def add(self, other: Redactions) -> None:
        self.email += other.email
        self.phone += other.phone
        self.card += other.card
        self.name += other.name


class PIIScrubber:
    """Replaces emails, phone numbers, card-like numbers (Luhn-valid) and listed names with
    ``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[NAME]``; counts what it replaced."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
        self._names = (
            re.compile(r"\b(?:" + "|".join(re.escape(n) for n in self.names) + r")\b", re.I)
            if self.names
            else None
        )
        self.counts = Redactions()

    def scrub(self, text: str) -> str:
        text, n = _EMAIL.subn("[EMAIL]", text)
        self.counts.email += n

        def card(m: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", m.group(0))
            if 13 <= len(digits) <= 19 and _luhn(digits):
                self.counts.card += 1
                return "[CARD]"
            return m.group(0)

        text = _CARD.sub(card, text)
        text, n = _PHONE.subn("[PHONE]", text)
        self.counts.phone += n
        if self._names is not None:
            text, n = self._names.subn("[NAME]", text)
            self.counts.name += n
        return text

    def messages(self, msgs: list[ChatMessage]) -> list[ChatMessage]:
        return [ChatMessage(role=m.role, content=self.scrub(m.content)) for m in msgs]

    def example(self, ex: TrainingExample) -> TrainingExample:
        return ex.model_copy(
            update={
                "prompt": self.messages(ex.prompt),
                "completion": self.messages(ex.completion),
                "input": None if ex.input is None else self.scrub(ex.input),
            }
        )

    def pair(self, p: PreferencePair) -> PreferencePair:
        return p.model_copy(
            update={
                "prompt": self.messages(p.prompt),
                "chosen": self.scrub(p.chosen),
                "rejected": self.scrub(p.rejected),
                "input": None if p.input is None else self.scrub(p.input),
            }
        )


def split_of(key: str, heldout_fraction: float, salt: str = DEFAULT_SALT) -> Split:
    """``heldout`` for a fixed ``heldout_fraction`` of all possible inputs, by salted hash."""
    h = int(hashlib.sha256(f"{salt}\x00{key}".encode()).hexdigest()[:12], 16) / float(16**12)
    return "heldout" if h < heldout_fraction else "train"


class SplitSpec(BaseModel):
    heldout_fraction: float = Field(default=0.1, ge=0.0, lt=1.0)
    salt: str = DEFAULT_SALT

    def of(self, key: str) -> Split:
        return split_of(key, self.heldout_fraction, self.salt)


R = TypeVar("R", TrainingExample, PreferencePair)


class DedupReport(BaseModel):
    kept: int = 0
    exact_duplicates: int = 0
    #: same input and prompt, different completion: the better-scored one is kept
    conflicts: int = 0


def deduplicate(records: Sequence[R]) -> tuple[list[R], DedupReport]:
    """Drop exact repeats; of examples sharing a prompt keep the best-scored (first on ties)."""
    rep = DedupReport()
    seen: set[str] = set()
    best: dict[str, R] = {}
    order: list[str] = []
    for r in records:
        if r.id in seen:
            rep.exact_duplicates += 1
            continue
        seen.add(r.id)
        if isinstance(r, PreferencePair):
            pkey = r.id
        else:
            pkey = hashlib.sha256(
                "\x00".join(m.role + ":" + m.content for m in r.prompt).encode()
            ).hexdigest()
        if pkey in best:
            rep.conflicts += 1
            if _score(r) > _score(best[pkey]):
                best[pkey] = r
            continue
        best[pkey] = r
        order.append(pkey)
    kept = [best[k] for k in order]
    rep.kept = len(kept)
    return kept, rep


def _score(r: TrainingExample | PreferencePair) -> float:
    if isinstance(r, PreferencePair):
        return (r.chosen_score or 0.0) - (r.rejected_score or 0.0)
    return r.score if r.score is not None else 0.0


class BalanceReport(BaseModel):
    """How the examples spread over their labels; ``imbalance`` is largest/smallest class."""

    counts: dict[str, int]
    shares: dict[str, float]
    imbalance: float | None
    warning: str | None = None


def balance_report(labels: Iterable[str | None], warn_ratio: float = 5.0) -> BalanceReport:
    c = Counter(label or "-" for label in labels)
    total = sum(c.values())
    counts = dict(sorted(c.items()))
    shares = {k: round(v / total, 4) for k, v in counts.items()} if total else {}
    imbalance = (max(c.values()) / min(c.values())) if len(c) > 1 else None
    warning = None
    if imbalance is not None and imbalance > warn_ratio:
        small = min(c, key=lambda k: c[k])
        warning = f"class {small!r} has {c[small]} of {total} examples ({imbalance:.1f}x imbalance)"
    return BalanceReport(counts=counts, shares=shares, imbalance=imbalance, warning=warning)
