"""Decoding constraints declared on an output type, read from the input text only.

A field says how its value relates to the input, never what the domain means:

- ``CopyNumber()`` on a number field: the value is one of the numbers written in the input
  ("1,025" reads as 1025 and as 1 and 25; "$90.00" as 90);
- ``CopySpan()`` on a string field: the value is a span of the input's words, one to
  ``max_words`` words that begin and end with a capital letter ("Rio de Janeiro");
- ``InInputOrder()`` on a list of objects: each item is copied from one line of the input
  (every ``CopyNumber`` field of an item from that line's numbers; a line offers an item
  if it holds as many numbers as the item copies, and a line holding fewer offers one
  together with the next few lines, for an item written over several lines) and the items
  follow the input's order (each from the same place as the one before or a later one;
  with ``reuse=False`` the list copies no number more often than the input writes it, so
  no item is listed twice from one place).

``constrain(output_type, text)`` builds, once per input, the type a workflow asks for: its
decoding schema enforces these (llama.cpp turns it into a grammar through ``gbnf_for``; the
list order uses the ``x-follows`` extension) and its validator checks them for any provider,
so a decoder that cannot enforce a grammar gets the same rule as a retry message. What a
grammar cannot say (the count of ``reuse=False``) is ``prefix_check``'s: a check a decoder
applies to each prefix it could write next (``CopyCountCheck``). An input
that offers no candidate for a required field raises ``UnreadableInput``: the caller declines
instead of letting the decoder write something that was never in the text.

None of this can make a right answer unwritable as long as the answer's values stand in the
text as written; property tests check that on every generated layout and on RuleArena.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Protocol, TypeVar, cast

from pydantic import BaseModel, create_model, model_validator

from behaviorlab.models._grammar import FIRST, FOLLOWS

COPY = "x-copy"
MAX_WORDS = "x-max-words"
ALLOW_EMPTY = "x-allow-empty"
REUSE = "x-reuse"
#: in a compiled ``reuse=False`` list: the input's numbers, each as often as it is written
NUMBERS_ONCE = "x-numbers-once"
#: keys of the declaration, dropped from the schema a decoder or a server sees
DECLARATION_KEYS = (COPY, MAX_WORDS, ALLOW_EMPTY, REUSE)

M = TypeVar("M", bound=BaseModel)


class UnreadableInput(ValueError):
    """The input offers no candidate for a required field: nothing could be copied."""


class _Marker:
    kind: str = ""

    def extra(self) -> dict[str, Any]:
        return {}

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        js = dict(handler(core_schema))
        js[COPY] = self.kind
        js.update(self.extra())
        return js


@dataclass(frozen=True)
class CopyNumber(_Marker):
    """``Annotated[int, CopyNumber()]``: a number written in the input."""

    kind = "number"


@dataclass(frozen=True)
class CopySpan(_Marker):
    """``Annotated[str, CopySpan()]``: words copied from the input, capitalised at both ends."""

    max_words: int = 4
    kind = "span"

    def extra(self) -> dict[str, Any]:
        return {MAX_WORDS: self.max_words}


@dataclass(frozen=True)
class InInputOrder(_Marker):
    """``Annotated[list[Item], InInputOrder()]``: items copied line by line, in the input's
    order. ``allow_empty``: an input with no line to copy an item from gives an empty list;
    otherwise (the default) it is unreadable. ``reuse``: one written number may feed several
    items (the default: "two bags, 20 lbs each"); with ``reuse=False`` the list copies each
    number at most as often as the input writes it, so an item written once is listed once
    (an input that writes one number for two items is then declined, never misread). A
    grammar cannot count: llama.cpp's decode keeps to it through ``CopyCountCheck`` beside
    the grammar, and validation checks it for every provider."""

    allow_empty: bool = False
    reuse: bool = True
    kind = "ordered"

    def extra(self) -> dict[str, Any]:
        return {ALLOW_EMPTY: self.allow_empty, REUSE: self.reuse}


# ---------------------------------------------------------------- reading the input


@dataclass(frozen=True)
class InputNumber:
    """A number as the input writes it: its value, where it stands, its line; ``whole``
    is false for an extra reading (the parts of "1,025")."""

    value: float
    start: int
    line: int
    whole: bool = True


_RUN = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])")
_WORD = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*\.?")


@lru_cache(maxsize=64)
def input_numbers(text: str) -> tuple[InputNumber, ...]:
    """Every number in ``text`` in order: each run of digits (with its decimals) and, where
    digits are grouped by thousands, the grouped value too (both readings are offered)."""

    def line(at: int) -> int:
        return text.count("\n", 0, at)

    out = [InputNumber(float(m.group()), m.start(), line(m.start())) for m in _RUN.finditer(text)]
    out += [
        InputNumber(float(m.group().replace(",", "")), m.start(), line(m.start()), whole=False)
        for m in _GROUPED.finditer(text)
    ]
    return tuple(sorted(out, key=lambda n: (n.start, n.whole)))


def _candidates(
    numbers: tuple[InputNumber, ...] | list[InputNumber], node: dict[str, Any]
) -> list[Any]:
    """The values of ``numbers`` a number field may take (integers only for an integer
    field, within its bounds), each once, in the input's order."""
    integer = node.get("type") == "integer"
    lo, hi = node.get("minimum"), node.get("maximum")
    out: list[Any] = []
    for n in numbers:
        v: Any = n.value
        if integer:
            if not float(v).is_integer():
                continue
            v = int(v)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            continue
        out.append(v)
    return list(dict.fromkeys(out))


@lru_cache(maxsize=64)
def input_spans(text: str, max_words: int = 4) -> tuple[str, ...]:
    """Runs of one to ``max_words`` words (separated by spaces only) that begin and end with a
    capital letter, as the text writes them; a run ending in a full stop also without it."""
    out: list[str] = []
    words = list(_WORD.finditer(text))
    for i, first in enumerate(words):
        if not first.group()[0].isupper():
            continue
        for j in range(i, min(i + max_words, len(words))):
            if j > i and text[words[j - 1].end() : words[j].start()].strip(" \t"):
                break  # punctuation or a line break ends a span
            last = words[j].group()
            if not last[0].isupper():
                continue
            span = text[first.start() : words[j].end()]
            out.append(span)
            if span.endswith(".") and len(last) > 2 and "." not in last[:-1]:
                out.append(span[:-1])
    return tuple(dict.fromkeys(out))


# ---------------------------------------------------------------- compiling the schema


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in DECLARATION_KEYS}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _enum(values: list[Any], where: str) -> dict[str, Any]:
    if not values:
        raise UnreadableInput(f"the input offers nothing to copy into {where}")
    return {"enum": values}


#: a bag written over several lines ("Bag 2: 30 x 20 x 10 in" then "weight 50 lbs") is read
#: from a block of at most this many adjacent lines
BLOCK_LINES = 4


def _item_sources(text: str, need: int) -> list[list[InputNumber]]:
    """Where an item can be copied from, in the input's order: each line holding at least
    ``need`` numbers, and each line holding fewer together with the lines after it (at most
    ``BLOCK_LINES`` in all) up to the first where the block holds ``need``."""
    by_line: dict[int, list[InputNumber]] = {}
    for n in input_numbers(text):
        by_line.setdefault(n.line, []).append(n)
    lines = sorted(by_line)
    sources = []
    for i, first in enumerate(lines):
        numbers = list(by_line[first])
        j = i
        while (
            sum(n.whole for n in numbers) < need
            and j + 1 < len(lines)
            and lines[j + 1] - first < BLOCK_LINES
        ):
            j += 1
            numbers += by_line[lines[j]]
        if sum(n.whole for n in numbers) >= need:
            sources.append(numbers)
    return sources


def _item_alternatives(items: dict[str, Any], text: str, where: str) -> list[dict[str, Any]]:
    """One alternative per place that can supply an item (a line, or a block of adjacent
    lines, see ``_item_sources``): its copied numbers from that place."""
    props = items.get("properties", {})
    copied = [k for k, v in props.items() if v.get(COPY) == "number"]
    alts = []
    for numbers in _item_sources(text, len(copied)):
        alt = copy.deepcopy(items)
        ok = True
        for k, v in props.items():
            if v.get(COPY) == "number":
                values = _candidates(numbers, v)
                ok = ok and bool(values)
                alt["properties"][k] = {"enum": values}
            elif v.get(COPY) == "span":
                spans = [s for s in input_spans(text, v.get(MAX_WORDS, 4)) if s]
                alt["properties"][k] = _enum(spans, f"{where}.{k}")
        if ok:
            alts.append(_strip(alt))
    return alts


def compile_constraints(schema: dict[str, Any], text: str) -> dict[str, Any]:
    """``schema`` (a ``json_schema_for`` output with ``$ref``s inlined) with every declared
    constraint turned into what a decoder enforces for ``text``: enums of the input's numbers
    and spans, and ordered alternatives (``x-follows``) for ``InInputOrder`` lists. Raises
    ``UnreadableInput`` when a required field has no candidate."""

    def walk(node: Any, where: str, required: bool) -> Any:
        if isinstance(node, list):
            return [walk(v, where, required) for v in node]
        if not isinstance(node, dict):
            return node
        kind = node.get(COPY)
        if kind == "number":
            values = _candidates(input_numbers(text), node)
            if not values and not required:
                return _strip(node)
            return _enum(values, where)
        if kind == "span":
            spans = list(input_spans(text, node.get(MAX_WORDS, 4)))
            if not spans and not required:
                return _strip(node)
            return _enum(spans, where)
        if kind == "ordered":
            alts = _item_alternatives(node.get("items", {}), text, where)
            out = {k: v for k, v in _strip(node).items() if k != "items"}
            if not alts:
                if node.get(ALLOW_EMPTY) or not required:
                    return {**out, "maxItems": 0}
                raise UnreadableInput(f"no line of the input offers an item for {where}")
            out["items"] = {"anyOf": alts}
            out[FOLLOWS] = [list(range(i, len(alts))) for i in range(len(alts))]
            out[FIRST] = list(range(len(alts)))
            if not node.get(REUSE, True):
                out[NUMBERS_ONCE] = sorted(n.value for n in input_numbers(text))
            return out
        req = set(node.get("required", []))
        return {
            k: (
                {p: walk(s, f"{where}.{p}" if where else p, p in req) for p, s in v.items()}
                if k == "properties" and isinstance(v, dict)
                else walk(v, where, required)
            )
            for k, v in node.items()
            if k not in DECLARATION_KEYS
        }

    return cast(dict[str, Any], walk(schema, "", True))


# ---------------------------------------------------------------- checking a value


def violation(compiled: dict[str, Any], value: Any, where: str = "") -> str | None:
    """Why ``value`` (plain JSON data) is not writable under ``compiled``, or None. Checks the
    enums and the ordered alternatives; the rest of the schema is pydantic's to validate."""
    if "enum" in compiled and value not in compiled["enum"]:
        shown = value if not isinstance(value, str) else repr(value)
        return f"{where or 'value'}: {shown} is not written in the input"
    if FOLLOWS in compiled and isinstance(value, list):
        alts = compiled["items"]["anyOf"]
        states: set[int] | None = None
        for n, item in enumerate(value):
            fits = {i for i, alt in enumerate(alts) if violation(alt, item) is None}
            allowed = (
                set(compiled.get(FIRST, range(len(alts))))
                if states is None
                else {j for i in states for j in compiled[FOLLOWS][i]}
            )
            states = fits & allowed
            if not states:
                if not fits:
                    return (
                        f"{where}[{n}]: no line of the input (nor block of up to {BLOCK_LINES} "
                        "adjacent lines) holds all of its numbers; copy each item from its own "
                        "line"
                    )
                return f"{where}[{n}]: it is copied from a line before the previous item's"
        return _copied_too_often(compiled, value, where)
    if "maxItems" in compiled and isinstance(value, list) and len(value) > compiled["maxItems"]:
        return f"{where}: the input offers no line to copy an item from"
    props = compiled.get("properties")
    if isinstance(props, dict) and isinstance(value, dict):
        for k, sub in props.items():
            if k in value:
                why = violation(sub, value[k], f"{where}.{k}" if where else k)
                if why:
                    return why
    return None


def _copied_too_often(compiled: dict[str, Any], items: list[Any], where: str) -> str | None:
    """Where the list copies a number more often than the input writes it (``reuse=False``)."""
    if NUMBERS_ONCE not in compiled:
        return None
    b = _budget(compiled)
    written = b.written
    used = Counter(
        float(v)
        for item in items
        if isinstance(item, dict)
        for k, v in item.items()
        if k in b.copied and isinstance(v, int | float)
    )
    for v, k in used.items():
        if k > written[v]:
            times = {1: "once", 2: "twice"}.get(written[v], f"{written[v]} times")
            return (
                f"{where}: the input writes {v:g} {times} but the list copies it {k} times; "
                "list each item once and copy each number from its own place"
            )
    return None


# ---------------------------------------------------------------- checking a prefix


#: what a JSON string's escapes stand for (``\uXXXX`` aside)
_UNESCAPED = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


class _JsonScan:
    """Reads a JSON prefix character by character, resumable (``copy`` then ``feed`` more):
    each complete number with its path (object keys, and an array item's index), the path
    where the prefix ends (its last key is None where a key is yet to come) and the digits of
    a number still being written there."""

    __slots__ = ("done", "escape", "hexits", "key", "number", "number_at", "stack", "string")

    def __init__(self) -> None:
        self.stack: list[list[Any]] = []  # ["o", key, expecting a key] or ["a", index]
        self.done: list[tuple[tuple[Any, ...], str]] = []
        self.string: list[str] | None = None  # the characters of an open string
        self.escape = False
        self.hexits: str | None = None  # the hex digits of an open \u escape
        self.key = False  # the open string is a key
        self.number: str | None = None  # the characters of an open number
        self.number_at: tuple[Any, ...] = ()

    def copy(self) -> _JsonScan:
        other = _JsonScan()
        other.stack = [list(f) for f in self.stack]
        other.done = list(self.done)
        other.string = None if self.string is None else list(self.string)
        other.escape, other.hexits, other.key = self.escape, self.hexits, self.key
        other.number, other.number_at = self.number, self.number_at
        return other

    def path(self) -> tuple[Any, ...]:
        return tuple(f[1] for f in self.stack)

    def end(self) -> tuple[tuple[Any, ...], str]:
        """Where the prefix ends, and the digits of the number open there."""
        if self.number is not None:
            return self.number_at, self.number
        return self.path(), ""

    def feed(self, text: str) -> _JsonScan:
        for c in text:
            if self.string is not None:
                if self.hexits is not None:  # \uXXXX: four hex digits make one character
                    self.hexits += c
                    if len(self.hexits) == 4:
                        try:
                            self.string.append(chr(int(self.hexits, 16)))
                        except ValueError:
                            self.string.append(self.hexits)
                        self.hexits = None
                elif self.escape:
                    self.escape = False
                    if c == "u":
                        self.hexits = ""
                    else:
                        self.string.append(_UNESCAPED.get(c, c))
                elif c == "\\":
                    self.escape = True
                elif c == '"':
                    if self.key:
                        self.stack[-1][1] = "".join(self.string)
                    self.string = None
                else:
                    self.string.append(c)
                continue
            if self.number is not None:
                if c.isdigit() or c in ".eE+-":
                    self.number += c
                    continue
                self.done.append((self.number_at, self.number))
                self.number = None
            top = self.stack[-1] if self.stack else None
            if c == '"':
                self.string, self.key = [], bool(top and top[0] == "o" and top[2])
            elif c == "{":
                self.stack.append(["o", None, True])
            elif c == "[":
                self.stack.append(["a", 0])
            elif c in "}]":
                if self.stack:
                    self.stack.pop()
            elif c == ":" and top and top[0] == "o":
                top[2] = False
            elif c == "," and top:
                if top[0] == "o":
                    top[1], top[2] = None, True
                else:
                    top[1] += 1
            elif c == "-" or c.isdigit():
                self.number, self.number_at = c, self.path()
        return self


def _written_form(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


@dataclass(frozen=True)
class _Budget:
    """A ``reuse=False`` list of a compiled schema: where it stands, how often the input
    writes each number, and per item alternative (a place in the input) the numbers each
    copied field may take."""

    at: tuple[Any, ...]
    written: Counter[float]
    alternatives: tuple[dict[str, frozenset[float]], ...]
    first: frozenset[int]  # the places the first item may come from
    follows: tuple[frozenset[int], ...]  # per place, those the next item may come from

    _places: dict[tuple[Any, ...], frozenset[int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def places(self, items: list[dict[str, float]]) -> frozenset[int]:
        """The places the item after ``items`` (their copied fields) may come from, as the
        grammar tracks them: each item from a place that fits it and follows the last's
        (remembered per list of items: a decode asks again at every step)."""
        key = tuple(tuple(sorted(item.items())) for item in items)
        if key in self._places:
            return self._places[key]
        allowed = self.places(items[:-1]) if items else self.first
        if items:
            fits = {
                i
                for i in allowed
                if all(v in self.alternatives[i].get(k, ()) for k, v in items[-1].items())
            }
            allowed = frozenset(j for i in fits for j in self.follows[i])
        if len(self._places) > 4096:
            self._places.clear()
        self._places[key] = allowed
        return allowed

    @cached_property
    def copied(self) -> frozenset[str]:
        return frozenset(k for alt in self.alternatives for k in alt)

    def holds(self, path: tuple[Any, ...]) -> bool:
        """Whether a number at ``path`` is a copied field of one of this list's items."""
        n = len(self.at)
        return len(path) == n + 2 and path[:n] == self.at and path[-1] in self.copied


def _number_enum(sub: Any) -> bool:
    """Whether a compiled field is a copied number (an enum of the input's numbers)."""
    return "enum" in sub and all(isinstance(v, int | float) for v in sub["enum"])


def _budget(node: dict[str, Any], at: tuple[Any, ...] = ()) -> _Budget:
    """The ``_Budget`` of a compiled ``reuse=False`` list (one with ``NUMBERS_ONCE``)."""
    alts = tuple(
        {
            k: frozenset(float(v) for v in sub["enum"])
            for k, sub in alt.get("properties", {}).items()
            if _number_enum(sub)
        }
        for alt in node["items"]["anyOf"]
    )
    written = Counter(float(v) for v in node[NUMBERS_ONCE])
    first = frozenset(node.get(FIRST, range(len(alts))))
    follows = tuple(frozenset(f) for f in node[FOLLOWS])
    return _Budget(at, written, alts, first, follows)


def _budgets(node: Any, at: tuple[Any, ...] = ()) -> list[_Budget]:
    if not isinstance(node, dict):
        return []
    if NUMBERS_ONCE in node:
        return [_budget(node, at)]
    out = []
    for k, sub in (node.get("properties") or {}).items():
        out += _budgets(sub, (*at, k))
    return out


class CopyCountCheck:
    """What a grammar cannot say about a compiled schema, as a check a decoder applies to
    each prefix it could write next (``check(prefix) -> bool``): in a ``reuse=False`` list
    no number copied more often than the input writes it, and no item begun that the numbers
    with copies left cannot finish: some place (line or block) that offers the item's fields
    so far, and that the input order lets the item come from, must offer the rest, each from a number with a copy left, the one being written
    from those its digits begin. So a decoder never reaches a step where the grammar allows
    only spent numbers.

    A decoder that holds each step to the grammar and to this check (llama.cpp's
    ``GrammarMask``) writes a list that validation accepts the first time, where one that
    does not gets the rule back as a retry message. ``matters(written, piece)``: whether
    ``piece`` after ``written`` (which passed) could fail, so a decoder tests only those
    pieces: the verdict changes only where a number is written or ended, or an item, a
    field or a value begins."""

    def __init__(self, budgets: list[_Budget]) -> None:
        self.budgets = budgets
        # scans of recent prefixes, with each list's tally of the numbers they copy: a
        # decoder asks about its text so far plus one token, so each call resumes the scan
        # of the text it extends
        self._scans: dict[str, tuple[_JsonScan, list[_Tally]]] = {
            "": (_JsonScan(), [_Tally() for _ in budgets])
        }

    def _scan(self, prefix: str) -> tuple[_JsonScan, list[_Tally]]:
        base = max((k for k in self._scans if prefix.startswith(k)), key=len)
        scan0, tallies0 = self._scans[base]
        scan = scan0.copy().feed(prefix[len(base) :])
        tallies = [t.copy().add(b, scan.done) for b, t in zip(self.budgets, tallies0, strict=True)]
        if len(self._scans) >= 16:  # keep the empty scan and the longest ones
            for k in sorted(self._scans, key=len)[1:9]:
                del self._scans[k]
        self._scans[prefix] = (scan, tallies)
        return scan, tallies

    def could_go_on(self, value: Any) -> list[tuple[Any, ...]]:
        """The lists of ``value`` (plain JSON data, a complete output) that end where the input
        still offers a whole item after them: a place that the input order lets the next item
        come from and whose numbers have copies left for every copied field. Empty where each
        list was read to its end. A decoder held to the check could have written another item
        there, so a list that stops short of one may have left one out (or the input writes
        numbers the list rightly skips: a caller decides what it means)."""
        out = []
        for b in self.budgets:
            mark = "\u0000behaviorlab-next\u0000"
            node: Any = value
            for k in b.at:
                node = node.get(k) if isinstance(node, dict) else None
            if not isinstance(node, list):
                continue
            node.append(mark)
            try:
                text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            finally:
                node.pop()
            if self(text[: text.index(json.dumps(mark))]):
                out.append(b.at)
        return out

    def admits(self, written: str, prefix: str) -> bool:
        """``GrammarMask``'s question: whether ``prefix`` (``written`` and one more piece)
        passes; this check reads the prefix alone."""
        return self(prefix)

    @staticmethod
    def matters(written: str, piece: str) -> bool:
        return bool(written[-1:].isdigit() or any(c.isdigit() or c in ",:{[" for c in piece))

    def __call__(self, prefix: str) -> bool:
        scan, tallies = self._scan(prefix)
        end, digits = scan.end()
        for b, tally in zip(self.budgets, tallies, strict=True):
            depth = len(b.at)
            used, fields = tally.used, tally.fields
            if any(k > b.written[v] for v, k in used.items()):
                return False
            if len(end) <= depth or end[:depth] != b.at:
                continue  # the prefix does not end inside this list
            key = end[depth + 1] if len(end) > depth + 1 else None
            open_key = key if key in b.copied else None
            before = [fields[i] for i in sorted(fields) if i < end[depth]]
            item = fields.get(end[depth], {})
            places = b.places(before)
            if not _fillable(b, places, item, used, open_key, digits):
                return False
        return True


class _Tally:
    """What a list's items copied so far: how often each number, and each item's fields
    (updated with the numbers a scan completed since the last update)."""

    __slots__ = ("counted", "fields", "used")

    def __init__(self) -> None:
        self.counted = 0
        self.used: Counter[float] = Counter()
        self.fields: dict[Any, dict[str, float]] = {}

    def copy(self) -> _Tally:
        other = _Tally()
        other.counted, other.used = self.counted, Counter(self.used)
        other.fields = {k: dict(v) for k, v in self.fields.items()}
        return other

    def add(self, b: _Budget, done: list[tuple[tuple[Any, ...], str]]) -> _Tally:
        depth = len(b.at)
        for p, literal in done[self.counted :]:
            if not b.holds(p):
                continue
            try:
                v = float(literal)
            except ValueError:
                continue
            self.used[v] += 1
            self.fields.setdefault(p[depth], {})[p[-1]] = v
        self.counted = len(done)
        return self


def _fillable(
    b: _Budget,
    places: frozenset[int],
    item: dict[str, float],
    used: Counter[float],
    open_key: str | None,
    digits: str,
) -> bool:
    """Whether some place of ``places`` that fits ``item``'s copied fields so far can fill the rest from
    the numbers with copies left (written, less ``used``; the one being written,
    ``open_key``, from those its ``digits`` begin): a decoder held to this never starts an
    item it cannot finish."""
    taken: Counter[float] = Counter()

    def fill(alt: dict[str, frozenset[float]], keys: list[str]) -> bool:
        if not keys:
            return True
        k = keys[0]
        for v in alt[k]:
            if b.written[v] - used[v] - taken[v] <= 0 or (
                k == open_key and not _written_form(v).startswith(digits)
            ):
                continue
            taken[v] += 1
            ok = fill(alt, keys[1:])
            taken[v] -= 1
            if ok:
                return True
        return False

    for i in sorted(places):
        alt = b.alternatives[i]
        if any(v not in alt.get(k, ()) for k, v in item.items()):
            continue
        rest = sorted((k for k in alt if k not in item), key=lambda k: k != open_key)
        if fill(alt, rest):
            return True
    return False


class PrefixCheck(Protocol):
    """What ``GrammarMask`` holds a decode to beside its grammar: ``matters(written, piece)``,
    whether ``piece`` after ``written`` (which passed) could fail; ``admits(written, prefix)``,
    whether ``prefix`` (``written`` and that piece) passes."""

    def matters(self, written: str, piece: str) -> bool: ...

    def admits(self, written: str, prefix: str) -> bool: ...


def prefix_check(compiled: dict[str, Any]) -> CopyCountCheck | None:
    """The ``CopyCountCheck`` of a compiled schema, or None when it has no ``reuse=False``
    list."""
    budgets = _budgets(compiled)
    return CopyCountCheck(budgets) if budgets else None


def constrain(output_type: type[M], text: str) -> type[M]:
    """``output_type`` bound to ``text``: its decoding schema enforces the declared
    constraints and its validator checks them. Raises ``UnreadableInput`` (see above)."""
    from behaviorlab.models._structured import json_schema_for

    compiled = compile_constraints(json_schema_for(output_type), text)

    def check(self: BaseModel) -> BaseModel:
        why = violation(compiled, self.model_dump(mode="json"))
        if why is not None:
            raise ValueError(why)
        return self

    bound = cast(
        type[M],
        create_model(  # type: ignore[call-overload]
            output_type.__name__,
            __base__=output_type,
            __doc__=output_type.__doc__,
            __validators__={"_copied_from_input": model_validator(mode="after")(check)},  # type: ignore[dict-item]
        ),
    )
    bound.decoding_schema = staticmethod(lambda _schema: copy.deepcopy(compiled))  # type: ignore[attr-defined]
    bound.compiled_constraints = compiled  # type: ignore[attr-defined]
    return bound


# ---------------------------------------------------------------- a decoder with no model


def first_choice(schema: dict[str, Any]) -> Any:
    """What a decoder with no model writes under ``schema``: the first value every enum
    allows, and for an ordered list one item per alternative in the input's order, each
    copied field taking the alternative's numbers in turn (the first field the first
    number, ...). The ablation that shows how much the constraints decide on their own."""
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if FOLLOWS in schema:
        items = []
        for alt in schema["items"]["anyOf"]:
            item, k = {}, 0
            for name, sub in alt.get("properties", {}).items():
                if _number_enum(sub):
                    item[name] = sub["enum"][k % len(sub["enum"])]
                    k += 1
                else:
                    item[name] = first_choice(sub)
            items.append(item)
        return items
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: first_choice(v) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return []
    return {"integer": 0, "number": 0, "boolean": False, "string": ""}.get(str(kind))
