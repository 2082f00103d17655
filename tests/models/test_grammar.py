"""Ordered choices (``x-follows``, ``x-first``, ``x-last``) in a decoding schema: llama.cpp
grammar, plain schema."""

from __future__ import annotations

import re

import pytest

from behaviorlab.models._grammar import (
    FIRST,
    FOLLOWS,
    LAST,
    gbnf_for,
    has_ordered_choice,
    without_extensions,
)


def _schema(
    follows: list[list[int]], first: list[int] | None = None, last: list[int] | None = None
) -> dict:
    alts = [
        {"type": "object", "properties": {"n": {"const": v}}, "required": ["n"]} for v in (7, 8, 9)
    ]
    seq = {"type": "array", "items": {"anyOf": alts}, FOLLOWS: follows}
    if first is not None:
        seq[FIRST] = first
    if last is not None:
        seq[LAST] = last
    return {
        "type": "object",
        "properties": {"name": {"type": "string"}, "xs": seq},
        "required": ["name", "xs"],
    }


def test_the_grammar_lets_each_item_be_followed_only_by_the_alternatives_it_names():
    g = gbnf_for(_schema([[1, 2], [2], []]))
    rules = dict(line.split(" ::= ", 1) for line in g.splitlines())
    assert re.findall(r"seq0-item(\d) seq0-after", rules["seq0-after0"]) == ["1", "2"]
    assert re.findall(r"seq0-item(\d) seq0-after", rules["seq0-after1"]) == ["2"]
    assert rules["seq0-after2"] == '"]" space'  # nothing may follow the last
    # the list opens with any alternative, or closes empty; the sentinel left no trace
    xs = next(r for n, r in rules.items() if r.startswith('( "[" space'))
    assert re.findall(r"seq0-item(\d) seq0-after", xs) == ["0", "1", "2"] and '"]" space' in xs
    assert "__behaviorlab" not in g
    # the rest of the schema is llama.cpp's own conversion
    assert rules["root"].startswith('"{" space') and "name-kv" in rules["root"]


def test_the_grammar_opens_the_list_only_with_the_alternatives_x_first_names():
    g = gbnf_for(_schema([[1, 2], [2], []], first=[0, 1]))
    rules = dict(line.split(" ::= ", 1) for line in g.splitlines())
    xs = next(r for n, r in rules.items() if r.startswith('( "[" space'))
    assert re.findall(r"seq0-item(\d) seq0-after", xs) == ["0", "1"] and '"]" space' in xs
    # no first alternative: the list may only be empty
    empty = dict(
        line.split(" ::= ", 1) for line in gbnf_for(_schema([[], [], []], first=[])).splitlines()
    )
    assert (
        next(r for r in empty.values() if r.startswith('( "[" space'))
        == '( "[" space ( "]" space ) )'
    )


def test_the_grammar_closes_the_list_only_after_the_alternatives_x_last_names():
    g = gbnf_for(_schema([[1, 2], [2], []], last=[2]))
    rules = dict(line.split(" ::= ", 1) for line in g.splitlines())
    assert '"]"' not in rules["seq0-after0"] and '"]"' not in rules["seq0-after1"]
    assert rules["seq0-after2"] == '"]" space'
    # and the list is never empty
    xs = next(r for n, r in rules.items() if r.startswith('( "[" space'))
    assert '( "]" space' not in xs and "seq0-item0" in xs


def test_plain_schema_keeps_the_alternatives_and_drops_the_order():
    s = _schema([[1], [2], []], first=[0], last=[2])
    assert has_ordered_choice(s) and not has_ordered_choice(without_extensions(s))
    assert FIRST not in str(without_extensions(s)) and LAST not in str(without_extensions(s))
    assert without_extensions(s)["properties"]["xs"]["items"] == s["properties"]["xs"]["items"]


@pytest.mark.parametrize(
    ("follows", "message"),
    [([[1], []], "one entry per alternative"), ([[5], [], []], "do not exist: [5]")],
)
def test_a_malformed_order_is_named(follows, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        gbnf_for(_schema(follows))
    with pytest.raises(
        ValueError, match=re.escape("x-first names alternatives that do not exist: [3]")
    ):
        gbnf_for(_schema([[], [], []], first=[3]))
