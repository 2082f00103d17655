"""Where a value could have come from: value references, leaves of JSON values, matching
against the input text (normalised case and number formatting)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

PathItem = str | int
#: a list element selected by the current loop iteration
ITER = "i"


@dataclass(frozen=True)
class Ref:
    """A value source.

    - ``res``: the result of node ``node`` at ``path``; ``arg``: argument ``param`` of ``node``;
      with ``same_iter`` the node is in a loop and the value is this iteration's;
    - ``input``: copied from the input text; ``const``: the same value every time (``const`` is
      its JSON);
    - ``sum`` (of ``parts``), ``eq0``/``gt0`` (a test of ``parts[0]``): computed from earlier values;
    - ``terms``: an arithmetic expression ``a + b + ...`` whose terms are ``parts`` (a part of kind
      ``seg`` stands for the results of loop nodes over all iterations, interleaved);
    - ``unknown``: none of these: the LLM computed it.
    """

    kind: str
    node: str | None = None
    param: str | None = None
    path: tuple[PathItem, ...] = ()
    same_iter: bool = False
    const: str | None = None
    parts: tuple[Ref, ...] = ()

    def at(self, path: tuple[PathItem, ...]) -> Ref:
        return replace(self, path=self.path + path)

    def describe(self, names: dict[str, str] | None = None) -> str:
        names = names or {}
        node = names.get(self.node or "", self.node or "")
        p = "".join(f"[{x}]" if isinstance(x, int) or x == ITER else f".{x}" for x in self.path)
        it = "[i]" if self.same_iter else ""
        if self.kind == "res":
            return f"{node}{it} result{p}"
        if self.kind == "arg":
            return f"{node}{it} arg {self.param}{p}"
        if self.kind == "const":
            return f"constant {self.const}"
        if self.kind == "sum":
            return " + ".join(x.describe(names) for x in self.parts)
        if self.kind in ("eq0", "gt0"):
            return f"{self.parts[0].describe(names)} {'== 0' if self.kind == 'eq0' else '> 0'}"
        if self.kind == "terms":
            return "sum of [" + ", ".join(x.describe(names) for x in self.parts) + "]"
        if self.kind == "seg":
            return "each iteration's (" + ", ".join(x.describe(names) for x in self.parts) + ")"
        return self.kind


INPUT = Ref("input")
UNKNOWN = Ref("unknown")

#: how strongly a source is preferred when several explain the same observations
PRIORITY = {
    "res": 6,
    "arg": 5,
    "sum": 4,
    "eq0": 4,
    "gt0": 4,
    "terms": 4,
    "input": 3,
    "const": 2,
    "unknown": 0,
}


def category(kind: str) -> str:
    return {
        "res": "derived",
        "arg": "derived",
        "sum": "computed",
        "eq0": "computed",
        "gt0": "computed",
        "terms": "computed",
        "input": "input",
        "const": "constant",
    }.get(kind, "unknown (LLM-computed)")


def as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def same(a: Any, b: Any) -> bool:
    """Equal as data: numbers by value (1 == 1.0), booleans only with booleans."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, list | dict) and isinstance(b, list | dict):
        return bool(a) and as_json(a) == as_json(b)
    return False


def leaves(
    value: Any, iteration: int | None, depth: int = 0
) -> Iterator[tuple[tuple[PathItem, ...], Any]]:
    """``(path, value)`` for the value and its parts: dict keys, list elements (by literal index
    for short tuples, by the loop iteration for lists a loop walks)."""
    yield (), value
    if depth >= 3:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            for p, leaf in leaves(v, None, depth + 1):
                yield (str(k), *p), leaf
    elif isinstance(value, list):
        if iteration is not None and iteration < len(value):
            for p, leaf in leaves(value[iteration], None, depth + 1):
                yield (ITER, *p), leaf
        if len(value) <= 3:
            for idx, v in enumerate(value):
                for p, leaf in leaves(v, None, depth + 1):
                    yield (idx, *p), leaf


# ----------------------------------------------------------------------------- input text

# a number may touch letters ("20x13x6", "US$497"); "1,234" is read both as 1234 and as 1 and
# 234 (a CSV row), since a spare candidate costs nothing and a missed one loses a match
_NUM = re.compile(r"(?<![\d.])\$?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_PLAIN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)")


def normalise_text(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return " " + " ".join(re.sub(r"[^0-9a-z]+", " ", s).split()) + " "


@lru_cache(maxsize=4096)
def _text_index(text: str) -> tuple[str, frozenset[float]]:
    found = [m.replace(",", "") for m in _NUM.findall(text)] + _PLAIN.findall(text)
    nums = frozenset(float(m) for m in found)
    return normalise_text(text), nums


def numbers_in(text: str) -> frozenset[float]:
    return _text_index(text)[1]


def in_text(value: Any, text: str) -> bool:
    """Whether ``value`` is written in ``text``: numbers in any formatting ("$1,234.00" is
    1234), strings ignoring case, accents and punctuation ("premium-economy" is "Premium Economy")."""
    norm, nums = _text_index(text)
    if isinstance(value, bool) or value is None:
        return False
    if is_number(value):
        return float(value) in nums
    if isinstance(value, str):
        v = normalise_text(value)
        return len(v.strip()) >= 2 and v in norm
    return False


def context_words(value: Any, text: str, before: int = 3) -> list[str]:
    """The words just before where ``value`` is written in ``text`` (for naming a field)."""
    if is_number(value):
        for m in _NUM.finditer(text):
            if float(m.group(1).replace(",", "")) == float(value):
                words = re.findall(r"[A-Za-z]+", text[: m.start()])
                return [w.lower() for w in words[-before:]]
    return []
