"""Score an agent on a tool-use item: was the answer right, and was the tool decision right?"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from pydantic import BaseModel, ConfigDict

from ._types import ToolUseItem

_EXECUTION_TOOLS = frozenset({"code_executor", "calculator"})

# A number as people and models write it: optional sign (ASCII or Unicode minus), optional
# currency sign, thousands separators only in groups of three, optional decimals and exponent.
# The look-behind keeps digits inside words ("H2O", "x2") from counting.
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-−+])?[$€£]?"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\d])"
)
_ANSWER_MARKER = re.compile(r"(?:final answer|answer|result)\s*(?:is|:|=)|\\boxed\{", re.IGNORECASE)
_OUTPUT_MARKER = re.compile(
    r"(?:output|prints|printed|answer|result)\s*(?:is|:|=)?\s*:?", re.IGNORECASE
)
_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*\n?(.*?)```", re.DOTALL)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


class ToolDecision(BaseModel):
    """How an agent's choice of tools compares with an item's optimal and acceptable tools.

    ``used`` is the decision as scored: the execution tools called, in first-call order, or
    ``["answer_directly"]`` when none was. A wrong tool that is neither over- nor under-use
    (say, the calculator where only code can do the job) shows as not ``acceptable`` with
    both flags false.
    """

    model_config = ConfigDict(frozen=True)

    used: list[str]
    correct_choice: bool
    acceptable: bool
    overuse: bool
    underuse: bool


def tool_decision(item: ToolUseItem, tools_used: Sequence[str]) -> ToolDecision:
    """Compare the tools an agent called on ``item`` with the item's tool labels.

    ``answer_directly`` in ``tools_used`` is ignored when execution tools were also called:
    an agent that ran code and then delivered its answer through ``answer_directly`` decided
    to run code. An empty ``tools_used`` means the agent answered without any tool.
    """
    used = list(dict.fromkeys(t for t in tools_used if t != "answer_directly"))
    decision = set(used) if used else {"answer_directly"}
    optimal = set(item.optimal_tools)
    allowed = optimal | set(item.acceptable_tools)
    acceptable = decision <= allowed
    ran_something = bool(decision & _EXECUTION_TOOLS)
    return ToolDecision(
        used=used or ["answer_directly"],
        correct_choice=decision <= optimal,
        acceptable=acceptable,
        overuse=ran_something and "answer_directly" in optimal and not acceptable,
        underuse=not used and "answer_directly" not in allowed,
    )


# ---------------------------------------------------------------------------- numbers


def parse_number(text: str) -> Decimal | None:
    """Parse text that is one number ("$1,234.00", "-5", "12.5%", "1.2e3"); else None."""
    s = text.strip().strip("*_`").strip()
    s = s.rstrip(".").rstrip("%").strip()
    m = _NUMBER.fullmatch(s)
    if m is None:
        return None
    return _to_decimal(m)


def _to_decimal(m: re.Match[str]) -> Decimal | None:
    try:
        value = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    return -value if m.group("sign") in ("-", "−") else value


def extract_number(text: str) -> Decimal | None:
    """The number an answer commits to.

    The whole text if it is a number; else the first number after the last "answer is",
    "answer:", "result =" or ``\\boxed{``; else the last number in the text.
    """
    whole = parse_number(text)
    if whole is not None:
        return whole
    markers = list(_ANSWER_MARKER.finditer(text))
    if markers:
        m = _NUMBER.search(text, markers[-1].end())
        if m is not None:
            return _to_decimal(m)
    matches = list(_NUMBER.finditer(text))
    return _to_decimal(matches[-1]) if matches else None


def _numbers_match(expected: str, got: Decimal | None) -> bool:
    if got is None:
        return False
    want = Decimal(expected)
    exponent = want.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 0
    if places <= 0:
        return got == want
    # The expected value is rounded to `places` decimals: accept anything that rounds to it.
    return abs(got - want) <= Decimal(5).scaleb(-places - 1)


# ---------------------------------------------------------------------------- lists and text


def _norm_text(s: str) -> str:
    s = s.strip().strip("`").strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        s = s[1:-1]
    s = re.sub(r"\s+", " ", s.casefold()).strip()
    s = re.sub(r"\s*([,:;\[\](){}|=])\s*", r"\1", s)
    return s.rstrip(".").strip()


def _norm_element(value: object) -> str:
    s = str(value).strip().strip("`*").strip().strip("\"'").strip()
    number = parse_number(s)
    if number is not None:
        return format(number.normalize(), "f")
    return _norm_text(s)


def _parse_list(text: str) -> list[object] | None:
    brackets = re.findall(r"\[[^\[\]]*\]", text)
    if brackets:
        body = brackets[-1]
        for loader in (json.loads, ast.literal_eval):
            try:
                value = loader(body)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(value, list):
                return value
        return [p for p in body[1:-1].split(",") if p.strip()]
    fenced = _FENCE.findall(text)
    body = fenced[-1] if fenced else text
    lines = [ln for ln in body.strip().splitlines() if ln.strip()]
    if len(lines) > 1 and sum(bool(_BULLET.match(ln)) for ln in lines) >= len(lines) - 1:
        return [_BULLET.sub("", ln) for ln in lines if _BULLET.match(ln)]
    last = lines[-1] if lines else ""
    if ":" in last:
        last = last.rsplit(":", 1)[1]
    parts = re.split(r",|\band\b", last.strip().rstrip("."))
    return [p for p in parts if p.strip()] or None


def _list_matches(expected: str, answer: str) -> bool:
    want = [_norm_element(v) for v in json.loads(expected)]
    got = _parse_list(answer)
    return got is not None and [_norm_element(v) for v in got] == want


def _text_candidates(answer: str) -> list[str]:
    out = [answer]
    out += _FENCE.findall(answer)
    markers = list(_OUTPUT_MARKER.finditer(answer))
    if markers:
        out.append(answer[markers[-1].end() :])
    lines = [ln for ln in answer.splitlines() if ln.strip()]
    if lines:
        out.append(lines[-1])
    out += re.findall(r"`([^`]+)`", answer)
    return out


def _text_matches(expected: str, answer: str) -> bool:
    want = _norm_text(expected)
    if any(_norm_text(c) == want for c in _text_candidates(answer)):
        return True
    if parse_number(expected) is not None and _numbers_match(
        str(parse_number(expected)), extract_number(answer)
    ):
        return True
    # A one-word answer ("nit", "Wednesday") counts when the last line states it as a word.
    if " " not in want and want:
        lines = [ln for ln in answer.splitlines() if ln.strip()]
        tokens = re.findall(r"[^\s\"'`.,;:!?()]+", lines[-1].casefold()) if lines else []
        return want in tokens
    return False


def _keywords_match(keywords: Sequence[str], answer: str, fraction: float) -> bool:
    text = answer.casefold()
    hits = sum(any(alt.casefold() in text for alt in kw.split("|")) for kw in keywords)
    return hits >= math.ceil(fraction * len(keywords))


def score_answer(item: ToolUseItem, answer_text: str, *, keyword_fraction: float = 1.0) -> bool:
    """Is ``answer_text`` a correct final answer to ``item``?

    Numbers are parsed tolerantly ("$1,234.00" equals 1234, "−5" equals -5); integers must
    match exactly, values the item rounds to d decimals may differ by half a unit in the
    last place. Lists are read from a bracketed list, bullet lines or a comma-separated tail
    and compared in order after case and quote normalisation. Text is compared after case
    and whitespace normalisation against the whole answer, its last code block, what
    follows "output:"/"prints", and its last line. Items with no exact answer pass when the
    answer mentions ``keyword_fraction`` of the item's reference keywords (any non-empty
    answer when it has none).
    """
    if not answer_text.strip():
        return False
    expected = item.expected_output
    if item.answer_type == "none" or expected is None:
        if not item.reference_keywords:
            return True
        return _keywords_match(item.reference_keywords, answer_text, keyword_fraction)
    if item.answer_type == "number":
        return _numbers_match(expected, extract_number(answer_text))
    if item.answer_type == "list":
        return _list_matches(expected, answer_text)
    return _text_matches(expected, answer_text)
