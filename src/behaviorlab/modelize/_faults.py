"""Fault injection: deliberate bugs applied to a subject's output, to measure the monitor.

A fault takes an output and a random generator and returns the broken output, or
``None`` when it does not apply (no heading to shift, no entity to unescape) or would
change nothing; callers then pick another item, so every labelled fault is real.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from behaviorlab.modelize._subjects import Subject

FaultFn = Callable[[str, random.Random], str | None]


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    apply: FaultFn

    def __call__(self, output: str, rng: random.Random) -> str | None:
        out = self.apply(output, rng)
        return None if out is None or out == output else out


def _pick(rng: random.Random, matches: list[re.Match[str]]) -> re.Match[str] | None:
    return rng.choice(matches) if matches else None


_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>")
_NUMBER = re.compile(r"(?<![\w.])\d+(?![\w.])")
_BLOCK = re.compile(r"<li>.*?</li>\n?|<h[1-6]>.*?</h[1-6]>\n?|<p>.*?</p>\n?|<hr />\n?", re.S)
_INLINE = re.compile(r"<(em|strong|code)>(.*?)</\1>")
_CLOSE = re.compile(r"</[a-z0-9]+>")
_HREF = re.compile(r'(href|src)="([^"]*)"')


def _off_by_one(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_HEADING.finditer(out)))
    if m is not None:
        level = int(m.group(1))
        new = level + 1 if level < 6 and (level == 1 or rng.random() < 0.5) else level - 1
        return out[: m.start()] + f"<h{new}>{m.group(2)}</h{new}>" + out[m.end() :]
    n = _pick(rng, list(_NUMBER.finditer(out)))
    if n is None:
        return None
    return out[: n.start()] + str(int(n.group()) + 1) + out[n.end() :]


def _drop_element(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_BLOCK.finditer(out)))
    return None if m is None else out[: m.start()] + out[m.end() :]


def _duplicate_element(out: str, rng: random.Random) -> str | None:
    m = _pick(
        rng, [b for b in _BLOCK.finditer(out) if b.group().endswith("\n") or b.end() == len(out)]
    )
    if m is None:
        return None
    piece = m.group() if m.group().endswith("\n") else m.group() + "\n"
    return out[: m.start()] + piece + m.group() + out[m.end() :]


_SWAPS = (("em", "strong"), ("strong", "em"), ("ul", "ol"), ("ol", "ul"), ("code", "em"))


def _swap_tags(out: str, rng: random.Random) -> str | None:
    options = [(a, b) for a, b in _SWAPS if f"<{a}>" in out]
    if not options:
        return None
    a, b = rng.choice(options)
    start = out.index(f"<{a}>")
    end = out.find(f"</{a}>", start)
    if end < 0:
        return None
    inner = out[start + len(a) + 2 : end]
    return out[:start] + f"<{b}>{inner}</{b}>" + out[end + len(a) + 3 :]


_ENTITIES = (("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"))


def _wrong_escape(out: str, rng: random.Random) -> str | None:
    found = [(e, c) for e, c in _ENTITIES if e in out]
    if not found:
        return None
    entity, char = rng.choice(found)
    spots = [m.start() for m in re.finditer(re.escape(entity), out)]
    i = rng.choice(spots)
    replacement = char if rng.random() < 0.7 else "&amp;" + entity[1:]  # unescaped or escaped twice
    return out[:i] + replacement + out[i + len(entity) :]


def _truncate(out: str, rng: random.Random) -> str | None:
    if len(out) < 8:
        return None
    return out[: rng.randint(max(1, len(out) // 4), len(out) - 2)]


def _unclosed_tag(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_CLOSE.finditer(out)))
    return None if m is None else out[: m.start()] + out[m.end() :]


def _drop_markup(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_INLINE.finditer(out)))
    return None if m is None else out[: m.start()] + m.group(2) + out[m.end() :]


def _wrong_link(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_HREF.finditer(out)))
    if m is None:
        return None
    url = m.group(2)
    new = url.replace("http://", "https://", 1) if url.startswith("http://") else url + "/"
    return out[: m.start(2)] + new + out[m.end(2) :]


def _join_blocks(out: str, rng: random.Random) -> str | None:
    spots = [m.start() for m in re.finditer(r">\n<", out)]
    if not spots:
        return None
    i = rng.choice(spots) + 1
    return out[:i] + out[i + 1 :]


HTML_FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("off_by_one", "heading level (or a number) one off", _off_by_one),
        Fault("dropped_element", "a list item, paragraph, heading or rule left out", _drop_element),
        Fault("duplicated_element", "a block element emitted twice", _duplicate_element),
        Fault("swapped_tags", "em/strong, ul/ol or code/em confused", _swap_tags),
        Fault("wrong_escape", "an entity unescaped or escaped twice", _wrong_escape),
        Fault("truncated_output", "output cut short", _truncate),
        Fault("unclosed_tag", "a closing tag missing", _unclosed_tag),
        Fault("dropped_markup", "emphasis/code markup lost, text kept", _drop_markup),
        Fault("wrong_link", "a link or image URL altered", _wrong_link),
        Fault("joined_blocks", "the newline between two blocks lost", _join_blocks),
    )
}


# generic faults for any text output (SQL, fee breakdowns, tool results) ------------

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _number_off_by_one(out: str, rng: random.Random) -> str | None:
    n = _pick(rng, list(re.finditer(r"\d+", out)))
    return (
        None
        if n is None
        else out[: n.start()] + str(int(n.group()) + rng.choice((-1, 1))) + out[n.end() :]
    )


def _drop_token(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_TOKEN.finditer(out)))
    return None if m is None else out[: m.start()] + out[m.end() :]


def _swap_adjacent(out: str, rng: random.Random) -> str | None:
    toks = list(_TOKEN.finditer(out))
    if len(toks) < 2:
        return None
    i = rng.randrange(len(toks) - 1)
    a, b = toks[i], toks[i + 1]
    return out[: a.start()] + b.group() + out[a.end() : b.start()] + a.group() + out[b.end() :]


def _duplicate_token(out: str, rng: random.Random) -> str | None:
    m = _pick(rng, list(_TOKEN.finditer(out)))
    return None if m is None else out[: m.end()] + " " + m.group() + out[m.end() :]


TEXT_FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("off_by_one", "a number one off", _number_off_by_one),
        Fault("dropped_token", "a word or symbol left out", _drop_token),
        Fault("swapped_tokens", "two neighbouring tokens swapped", _swap_adjacent),
        Fault("duplicated_token", "a token emitted twice", _duplicate_token),
        Fault("truncated_output", "output cut short", _truncate),
    )
}


class FaultySubject(Subject):
    """The subject with one fault applied to every output it applies to."""

    def __init__(self, subject: Subject, fault: Fault, seed: int = 0) -> None:
        self.inner, self.fault, self.rng = subject, fault, random.Random(seed)
        self.name = f"{subject.name}+{fault.name}"
        self.description = f"{subject.description} with fault {fault.name}"
        self.grammar, self.max_depth = subject.grammar, subject.max_depth
        self.input_lexer, self.output_lexer = subject.input_lexer, subject.output_lexer

    def run(self, input: str) -> str:
        out = self.inner.run(input)
        broken = self.fault(out, self.rng)
        return out if broken is None else broken


def faults_for(subject: Subject) -> dict[str, Fault]:
    """HTML faults for subjects that emit HTML, the generic text faults otherwise."""
    from behaviorlab.modelize._abstraction import HTML_LEXER

    return HTML_FAULTS if subject.output_lexer == HTML_LEXER else TEXT_FAULTS
