"""Tokenization and abstraction: grammar leaves become numbered placeholders.

A :class:`Lexer` is an ordered list of regular expressions; rules with a ``leaf`` kind
(text, number, URL, identifier, ...) mark the values that the model should not learn
by heart. On the source side every leaf becomes a placeholder numbered by first
occurrence (``⟨T0⟩``, ``⟨T1⟩``, ``⟨U0⟩``); on the target side a leaf token whose value
appeared in the source becomes that source placeholder. After prediction the
placeholders are substituted back. The model thus learns structure ("a heading holds
its text") rather than words.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
_PH_OPEN, _PH_CLOSE = "\u27e8", "\u27e9"
_PH = re.compile(rf"^{_PH_OPEN}([A-Z]+)(\d+){_PH_CLOSE}$")


def placeholder(kind: str, index: int) -> str:
    return f"{_PH_OPEN}{kind}{index}{_PH_CLOSE}"


def is_placeholder(token: str) -> bool:
    return token.startswith(_PH_OPEN) and _PH.match(token) is not None


class LexRule(BaseModel):
    """One token shape; ``leaf`` names the placeholder kind (one capital letter or more)."""

    pattern: str
    leaf: str | None = None


class Lexer(BaseModel):
    """Ordered token rules; any character no rule matches is a token of its own."""

    rules: list[LexRule]

    def model_post_init(self, _ctx: object) -> None:
        for r in self.rules:
            if r.leaf is not None and not r.leaf.isalpha():
                raise ValueError(f"leaf kind must be letters, got {r.leaf!r}")
        alts = [f"(?P<r{i}>{r.pattern})" for i, r in enumerate(self.rules)]
        alts.append(r"(?P<other>[\s\S])")
        self._re = re.compile("|".join(alts))
        self._kinds = {f"r{i}": r.leaf for i, r in enumerate(self.rules)}

    def tokens(self, text: str) -> list[tuple[str, str | None]]:
        """(value, leaf kind or None) for each token, in order."""
        kinds = self._kinds
        out: list[tuple[str, str | None]] = []
        for m in self._re.finditer(text):
            group = m.lastgroup or "other"
            out.append((m.group(), kinds.get(group)))
        return out


@dataclass
class Abstracted:
    """A tokenized text with its placeholders; ``values`` maps placeholder -> concrete text."""

    tokens: list[str]
    values: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return concretize(self.tokens, self.values)


def abstract_source(text: str, lexer: Lexer, max_per_kind: int = 32) -> Abstracted:
    """Replace each leaf by a placeholder; the same value always gets the same one."""
    by_value: dict[tuple[str, str], str] = {}
    counts: Counter[str] = Counter()
    out: list[str] = []
    values: dict[str, str] = {}
    for value, kind in lexer.tokens(text):
        if kind is None:
            out.append(value)
            continue
        key = (kind, value)
        ph = by_value.get(key)
        if ph is None:
            if counts[kind] >= max_per_kind:
                out.append(value)  # too many distinct leaves: keep the literal
                continue
            ph = placeholder(kind, counts[kind])
            counts[kind] += 1
            by_value[key] = ph
            values[ph] = value
        out.append(ph)
    return Abstracted(out, values)


def abstract_target(text: str, lexer: Lexer, values: dict[str, str]) -> Abstracted:
    """Tokenize a target; leaf tokens equal to a source value become that placeholder."""
    inverse = {v: ph for ph, v in values.items()}
    out = [
        inverse.get(value, value) if kind is not None else value
        for value, kind in lexer.tokens(text)
    ]
    return Abstracted(out, dict(values))


def concretize(tokens: Iterable[str], values: dict[str, str]) -> str:
    """Join tokens, substituting placeholders (an unknown placeholder stays as written)."""
    return "".join(values.get(t, t) for t in tokens)


class Vocab(BaseModel):
    """Token <-> id; ids 0-3 are the specials (pad, bos, eos, unk)."""

    tokens: list[str]

    def model_post_init(self, _ctx: object) -> None:
        self._index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def build(cls, sequences: Iterable[list[str]], min_count: int = 1) -> Vocab:
        counts: Counter[str] = Counter()
        for seq in sequences:
            counts.update(seq)
        # all placeholders up to the largest index seen, so a rarely seen slot still has an id
        top: dict[str, int] = {}
        for t in counts:
            m = _PH.match(t)
            if m:
                top[m.group(1)] = max(top.get(m.group(1), 0), int(m.group(2)))
        phs = [placeholder(k, i) for k in sorted(top) for i in range(top[k] + 1)]
        rest = sorted(
            (t for t, c in counts.items() if c >= min_count and not is_placeholder(t)),
            key=lambda t: (-counts[t], t),
        )
        return cls(tokens=[*SPECIALS, *phs, *rest])

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._index

    def encode(self, tokens: list[str]) -> list[int]:
        unk = 3
        idx = self._index
        return [idx.get(t, unk) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        out: list[str] = []
        for i in ids:
            if i == 2:  # eos
                break
            if i > 3:
                out.append(self.tokens[i])
            elif i == 3:
                out.append(UNK)
        return out


# Lexers shared by the built-in subjects ---------------------------------------

_URL = r"https?://[A-Za-z0-9][A-Za-z0-9./_#?=-]*[A-Za-z0-9/]"
_NUM = r"\d+(?:\.\d+)?"
_TEXT = r"[A-Za-z]+(?: [A-Za-z]+)*"

MARKDOWN_LEXER = Lexer(
    rules=[
        LexRule(pattern=_URL, leaf="U"),
        LexRule(pattern=_NUM, leaf="N"),
        LexRule(pattern=_TEXT, leaf="T"),
        LexRule(pattern=r"\n"),
        LexRule(pattern=r" +"),
        LexRule(pattern=r"#+|\*+|_+|-+|=+|`+"),
    ]
)

HTML_LEXER = Lexer(
    rules=[
        LexRule(pattern=r"</?[a-z][a-z0-9]*>"),  # whole simple tags: <p>, </em>
        LexRule(pattern=r"<[a-z][a-z0-9]*"),  # tag opening with attributes: <a, <img
        LexRule(pattern=r' [a-z]+="'),  # attribute start: ` href="`
        LexRule(pattern=r'" ?/?>'),  # attribute end and tag close: `">`, `" />`
        LexRule(pattern=r"&[a-z]+;|&#\d+;"),
        LexRule(pattern=_URL, leaf="U"),
        LexRule(pattern=_NUM, leaf="N"),
        LexRule(pattern=_TEXT, leaf="T"),
        LexRule(pattern=r"\n"),
        LexRule(pattern=r" +"),
    ]
)

SQL_LEXER = Lexer(
    rules=[
        LexRule(pattern=r"'[^']*'", leaf="S"),
        LexRule(pattern=r"\b[A-Z][A-Z_]*\b"),  # keywords and function names stay literal
        LexRule(pattern=r"[a-z_][a-z0-9_]*", leaf="I"),
        LexRule(pattern=_NUM, leaf="N"),
        LexRule(pattern=r"<=|>=|<>|!=|\|\||::"),
        LexRule(pattern=r" +|\n"),
    ]
)


class Merges(BaseModel):
    """Frequent neighbouring structure tokens fused into one (byte-pair encoding over tokens).

    ``</li>``, ``\\n``, ``<li>`` become ``</li>\\n<li>``: fewer, more telling steps for the
    model. Placeholders and specials never merge, so concretizing still works.
    """

    pairs: list[tuple[str, str]] = Field(default_factory=list)

    def model_post_init(self, _ctx: object) -> None:
        self._rank = {p: i for i, p in enumerate(self.pairs)}

    @classmethod
    def learn(cls, sequences: Iterable[list[str]], n: int, min_count: int = 20) -> Merges:
        seqs = [list(s) for s in sequences]
        pairs: list[tuple[str, str]] = []
        for _ in range(n):
            counts: Counter[tuple[str, str]] = Counter()
            for s in seqs:
                for a, b in itertools.pairwise(s):
                    if _mergeable(a) and _mergeable(b):
                        counts[a, b] += 1
            if not counts:
                break
            best, count = counts.most_common(1)[0]
            if count < min_count:
                break
            pairs.append(best)
            seqs = [_merge_pair(s, best) for s in seqs]
        return cls(pairs=pairs)

    def apply(self, tokens: list[str]) -> list[str]:
        if not self.pairs or len(tokens) < 2:
            return tokens
        rank = self._rank
        out = list(tokens)
        while len(out) > 1:
            best_i, best_r = -1, len(rank)
            for i in range(len(out) - 1):
                r = rank.get((out[i], out[i + 1]), best_r)
                if r < best_r:
                    best_i, best_r = i, r
            if best_i < 0:
                break
            out = _merge_pair(out, self.pairs[best_r])
        return out


def _mergeable(token: str) -> bool:
    return token not in SPECIALS and not is_placeholder(token)


def _merge_pair(seq: list[str], pair: tuple[str, str]) -> list[str]:
    a, b = pair
    out: list[str] = []
    i = 0
    while i < len(seq):
        if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out
