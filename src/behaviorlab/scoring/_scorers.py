"""Scorers: robust numeric parsing, exact/enum/includes/regex/JSON/choice match, tool-selection
P/R/F1, and a registry of named scorers (custom ones by decorator).

A scorer is ``fn(answer, expected) -> bool | float``: True/1.0 is right. Tasks and the
evaluation harness both use these, so they live below both.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

# a number with optional thousands separators and decimals: 1,234.50 | 1234 | -3.5 | 1 234
_NUM = re.compile(r"-?\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?")


def parse_number(text: Any) -> float | None:
    """The number a person would read in ``text``: "$1,234.00", "USD 1,234", "1234" → 1234.0.

    Where several numbers appear the last one wins ("... so the total is $1,234").
    RuleArena's scorer strips "." before parsing and reads "$1,234.00" as 123400; this doesn't.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return None if isinstance(text, float) and math.isnan(text) else float(text)
    s = str(text)
    matches = _NUM.findall(s)
    if not matches:
        return None
    raw = re.sub(r"[,\u202f\u00a0 ]", "", matches[-1])
    try:
        return float(Decimal(raw))
    except InvalidOperation:
        return None


def numeric_match(
    answer: Any, expected: Any, *, abs_tol: float = 0.01, rel_tol: float = 0.0
) -> bool:
    a, e = parse_number(answer), parse_number(expected)
    if a is None or e is None:
        return False
    return math.isclose(a, e, abs_tol=abs_tol, rel_tol=rel_tol)


def _norm(s: Any) -> str:
    return " ".join(str(s).strip().lower().split())


def exact_match(answer: Any, expected: Any, *, normalise: bool = True) -> bool:
    if answer is None:
        return False
    return _norm(answer) == _norm(expected) if normalise else answer == expected


def enum_match(answer: Any, expected: Any, choices: Iterable[str]) -> bool:
    """True when ``answer`` names exactly one of ``choices`` and it is ``expected``."""
    if answer is None:
        return False
    text = _norm(answer)
    hits = [c for c in choices if re.search(rf"\b{re.escape(_norm(c))}\b", text)]
    return len(hits) == 1 and _norm(hits[0]) == _norm(expected)


class ToolSelection(BaseModel):
    precision: float
    recall: float
    f1: float
    true_positives: int
    used: list[str]
    expected: list[str]


def tool_selection(used: Iterable[str], expected: Iterable[str]) -> ToolSelection:
    """Set-based precision/recall/F1 of the tools used against the expected set.

    Both empty counts as perfect (correctly used no tool)."""
    u, e = set(used), set(expected)
    tp = len(u & e)
    if not u and not e:
        p = r = f = 1.0
    else:
        p = tp / len(u) if u else 0.0
        r = tp / len(e) if e else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
    return ToolSelection(
        precision=p, recall=r, f1=f, true_positives=tp, used=sorted(u), expected=sorted(e)
    )


def includes_match(answer: Any, expected: Any) -> bool:
    """The expected text (or every one of a list of texts) occurs in the answer, ignoring case
    and runs of whitespace."""
    if answer is None:
        return False
    wanted = expected if isinstance(expected, list) else [expected]
    text = _norm(answer)
    return bool(wanted) and all(_norm(w) in text for w in wanted)


def regex_match(answer: Any, expected: Any) -> bool:
    """``expected`` is a regular expression that must match somewhere in the answer."""
    if answer is None:
        return False
    try:
        return re.search(str(expected), str(answer), flags=re.IGNORECASE | re.DOTALL) is not None
    except re.error as e:
        raise ValueError(
            f"expected value {expected!r} is not a valid regular expression: {e}"
        ) from e


def _json_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", text, flags=re.DOTALL)
    if fence:
        text = fence.group(1).strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
        if start < 0:
            raise
        value, _ = json.JSONDecoder().raw_decode(text[start:])
        return value


def json_match(answer: Any, expected: Any) -> bool:
    """The answer holds a JSON value (bare, in a ```json fence, or after some prose) equal to
    the expected one; object key order does not matter."""
    if answer is None:
        return False
    try:
        return bool(_json_value(answer) == _json_value(expected))
    except (json.JSONDecodeError, ValueError):
        return False


_LETTER = re.compile(r"(?:^|answer(?: is)?\s*[:=]?\s*|\(|\b)([A-Z])(?:\)|\.|:|\b)")


def choice_match(answer: Any, expected: Any, choices: Iterable[str] | None = None) -> bool:
    """Multiple choice: with ``choices``, the answer names exactly one of them and it is the
    expected one; without, the answer's option letter ("B", "(B)", "Answer: B") is the
    expected letter."""
    if answer is None:
        return False
    if choices:
        return enum_match(answer, expected, list(choices))
    want = str(expected).strip().upper()
    text = str(answer).strip()
    if text.upper() == want:
        return True
    letters = {m.group(1) for m in _LETTER.finditer(text) if m.group(1).isupper()}
    return letters == {want}


ScorerFn = Callable[[Any, Any], bool | float]
_SCORERS: dict[str, ScorerFn] = {
    "numeric": numeric_match,
    "exact": exact_match,
    "includes": includes_match,
    "regex": regex_match,
    "json": json_match,
    "choice": choice_match,
}


def scorer(fn: ScorerFn | None = None, *, name: str | None = None) -> Any:
    """Register a custom scorer ``fn(answer, expected) -> bool | float`` by name."""

    def deco(f: ScorerFn) -> ScorerFn:
        _SCORERS[name or f.__name__] = f
        return f

    return deco(fn) if fn is not None else deco


def get_scorer(name: str) -> ScorerFn:
    if name not in _SCORERS:
        raise KeyError(
            f"unknown scorer {name!r}; known: {', '.join(sorted(_SCORERS))}, or model:PROVIDER/MODEL"
        )
    return _SCORERS[name]


def scorer_names() -> list[str]:
    return sorted(_SCORERS)
