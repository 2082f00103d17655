from __future__ import annotations

from collections import Counter

import pytest

from behaviorlab.modelize import (
    MARKDOWN_GRAMMAR,
    SQL_GRAMMAR,
    GrammarError,
    GrammarGenerator,
    generate_inputs,
    grammar_hash,
    validate_grammar,
)
from behaviorlab.modelize._grammar import split_expansion


def test_split_expansion_treats_only_defined_names_as_nonterminals() -> None:
    g = {"<start>": ["<<url>>"], "<url>": ["http://x.com"]}
    assert split_expansion("<<url>> and <b>", g) == ["<", "<url>", "> and <b>"]


def test_validate_rejects_broken_grammars() -> None:
    with pytest.raises(GrammarError, match="start"):
        validate_grammar({"<a>": ["x"]})
    with pytest.raises(GrammarError, match="never finish"):
        validate_grammar({"<start>": ["<loop>"], "<loop>": ["a<loop>"]})
    with pytest.raises(GrammarError, match="probabilities"):
        validate_grammar({"<start>": [("a", {"prob": 0.8}), ("b", {"prob": 0.7})]})
    with pytest.raises(GrammarError, match="sum to"):
        validate_grammar({"<start>": [("a", {"prob": 0.2}), ("b", {"prob": 0.2})]})
    validate_grammar(MARKDOWN_GRAMMAR)
    validate_grammar(SQL_GRAMMAR)


def test_unique_inputs_are_distinct_and_reproducible() -> None:
    a = generate_inputs(MARKDOWN_GRAMMAR, 300, seed=3)
    b = generate_inputs(MARKDOWN_GRAMMAR, 300, seed=3)
    assert len(a) == 300 == len(set(a))
    assert a == b
    assert a != generate_inputs(MARKDOWN_GRAMMAR, 300, seed=4)


def test_exclude_keeps_sets_disjoint() -> None:
    train = generate_inputs(SQL_GRAMMAR, 200, seed=0)
    test = generate_inputs(SQL_GRAMMAR, 200, seed=0, exclude=train)
    assert not set(train) & set(test)


def test_small_language_runs_out_instead_of_looping() -> None:
    g = {"<start>": ["<d><d>"], "<d>": ["0", "1", "2"]}
    gen = GrammarGenerator(g, seed=1)
    got = gen.unique(50)
    assert sorted(got) == sorted(a + b for a in "012" for b in "012")
    assert gen.stats.duplicates > 0


def test_coverage_visits_every_alternative_early() -> None:
    gen = GrammarGenerator(MARKDOWN_GRAMMAR, seed=0)
    gen.unique(400)
    assert gen.stats.coverage == 1.0


def test_depth_limit_ends_recursion() -> None:
    g = {"<start>": ["<list>"], "<list>": [("x,<list>", {"prob": 0.95}), ("x", {"prob": 0.05})]}
    gen = GrammarGenerator(g, max_depth=6, coverage=False, seed=0)
    lengths = {len(gen.generate().split(",")) for _ in range(200)}
    # <list> expands freely at depths 1-5, and must take "x" at depth 6
    assert max(lengths) == 6
    assert Counter(len(gen.generate().split(",")) for _ in range(200))[6] > 100


def test_probabilities_are_followed() -> None:
    g = {"<start>": [("a", {"prob": 0.8}), "b", "c"]}  # b and c share the remaining 0.2
    gen = GrammarGenerator(g, coverage=False, seed=0)
    counts = Counter(gen.generate() for _ in range(5000))
    assert 0.77 < counts["a"] / 5000 < 0.83
    assert 0.08 < counts["b"] / 5000 < 0.12


def test_grammar_hash_is_stable_and_sensitive() -> None:
    assert grammar_hash(MARKDOWN_GRAMMAR) == grammar_hash(dict(MARKDOWN_GRAMMAR))
    changed = {**MARKDOWN_GRAMMAR, "<rule>": ["***"]}
    assert grammar_hash(changed) != grammar_hash(MARKDOWN_GRAMMAR)


def test_grammar_as_fandango_spec() -> None:
    from behaviorlab.modelize import to_fandango

    g = {"<start>": ["<a> x <<url>>", ("b", {"prob": 0.5})], "<a>": ['"q"'], "<url>": ["u"]}
    spec = to_fandango(g, ["len(str(<start>)) < 9"])
    assert spec.splitlines() == [
        '<start> ::= <a> " x <" <url> ">" | "b"',
        '<a> ::= "\\"q\\""',
        '<url> ::= "u"',
        "where len(str(<start>)) < 9",
    ]


def test_fandango_generator_when_installed() -> None:
    pytest.importorskip("fandango")
    from behaviorlab.modelize import FandangoGenerator, to_fandango

    spec = to_fandango(
        {"<start>": ["<d><d>"], "<d>": list("0123456789")}, ["int(str(<start>)) % 7 == 0"]
    )
    got = FandangoGenerator(spec).unique(5)
    assert got and all(int(x) % 7 == 0 for x in got) and len(set(got)) == len(got)
