"""Ordered choices in a decoding schema, for decoders that take a grammar (llama.cpp's GBNF).

JSON Schema can limit each item of an array to a set of alternatives (``items.anyOf``) but
not make the next item depend on the one before. A schema built from an input sometimes
knows that order: the bags of a passenger's text are copied in the order the text lists
them, so once a bag is copied from one place, the next comes from further on. The
extension keyword ``x-follows`` on such an array says it: ``x-follows[i]`` lists the
alternatives (indices into ``items.anyOf``) that may come right after alternative ``i``;
``x-first`` (optional, beside it) lists those that may come first (default: any), and
``x-last`` (optional) those after which the array may close (default: any; with it, the array
is never empty).

``gbnf_for(schema)`` turns a schema that uses it into a llama.cpp grammar (the rest of the
schema converted by llama.cpp's own converter); ``without_extensions`` drops the keyword for
a decoder that takes plain JSON Schema (it then enforces the alternatives, not the order).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from typing import Any

FOLLOWS = "x-follows"
FIRST = "x-first"
LAST = "x-last"
#: the extensions, and the declarations of ``_constraints`` (compiled away before decoding)
_EXTENSIONS = (
    FOLLOWS,
    FIRST,
    LAST,
    "x-copy",
    "x-max-words",
    "x-allow-empty",
    "x-reuse",
    "x-numbers-once",
)
_SENTINEL = "__behaviorlab_sequence_{}__"


def has_ordered_choice(schema: Any) -> bool:
    if isinstance(schema, dict):
        return FOLLOWS in schema or any(has_ordered_choice(v) for v in schema.values())
    if isinstance(schema, list):
        return any(has_ordered_choice(v) for v in schema)
    return False


def without_extensions(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without ``x-follows``, ``x-first`` and ``x-last`` (plain JSON Schema, for
    servers that validate it)."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items() if k not in _EXTENSIONS}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


def _indices(indices: Iterable[int], what: str, n: int) -> list[int]:
    """``indices`` (into ``n`` alternatives), or a ValueError naming ``what`` holds the bad ones."""
    listed = list(indices)
    bad = [j for j in listed if not 0 <= j < n]
    if bad:
        raise ValueError(f"{what} names alternatives that do not exist: {bad}")
    return listed


def gbnf_for(schema: dict[str, Any]) -> str:
    """A llama.cpp grammar enforcing ``schema``, the orders of ``x-follows``, ``x-first`` and
    ``x-last`` included."""
    from llama_cpp.llama_grammar import SchemaConverter

    schema = copy.deepcopy(schema)
    sequences: list[dict[str, Any]] = []

    def cut(node: Any) -> Any:
        # each ordered array becomes a constant the converter turns into a literal rule;
        # the literal is replaced by the sequence's own rules below
        if isinstance(node, dict):
            if FOLLOWS in node:
                sequences.append(node)
                return {"const": _SENTINEL.format(len(sequences) - 1)}
            return {k: cut(v) for k, v in node.items()}
        if isinstance(node, list):
            return [cut(v) for v in node]
        return node

    schema = cut(schema)
    conv = SchemaConverter(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
    conv.visit(conv.resolve_refs(schema, "input"), "")
    for k, seq in enumerate(sequences):
        alternatives = seq.get("items", {}).get("anyOf")
        follows = seq[FOLLOWS]
        if not isinstance(alternatives, list) or len(follows) != len(alternatives):
            raise ValueError(
                f"{FOLLOWS} needs items.anyOf with one entry per alternative "
                f"({len(follows)} entries for {len(alternatives or [])} alternatives)"
            )
        items = [conv.visit(alt, f"seq{k}-item{i}") for i, alt in enumerate(alternatives)]

        def choice(indices: list[int], k: int = k, items: list[str] = items) -> str:
            return " | ".join(f"{items[j]} seq{k}-after{j}" for j in indices)

        n, close = len(alternatives), '"]" space'
        ends = set(_indices(seq.get(LAST, range(n)), LAST, n))
        for i, nxt in enumerate(follows):
            nxt = _indices(nxt, f"{FOLLOWS}[{i}]", n)
            ways = ([close] if i in ends else []) + (
                [f'"," space ( {choice(nxt)} )'] if nxt else []
            )
            # one that may neither close nor be followed closes all the same (validation judges)
            conv._add_rule(f"seq{k}-after{i}", " | ".join(ways or [close]))
        starts = _indices(seq.get(FIRST, range(n)), FIRST, n)
        opens = ([] if LAST in seq else [close]) + ([choice(starts)] if starts else [])
        opened = " | ".join(opens or [close])
        body = f'"[" space ( {opened} )'
        literal = conv._format_literal(json.dumps(_SENTINEL.format(k)))
        for name, rule in conv._rules.items():
            if literal in rule:
                conv._rules[name] = rule.replace(literal, f"( {body} )")
    return str(conv.format_grammar())
