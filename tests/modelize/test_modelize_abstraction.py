from __future__ import annotations

import markdown
import pytest

from behaviorlab.modelize import (
    HTML_LEXER,
    MARKDOWN_GRAMMAR,
    MARKDOWN_LEXER,
    SQL_LEXER,
    Lexer,
    LexRule,
    Vocab,
    abstract_source,
    abstract_target,
    concretize,
    generate_inputs,
    is_placeholder,
    placeholder,
)


def test_leaves_become_numbered_placeholders_and_come_back() -> None:
    text = "# red fox\n\n[red fox](http://a.com/x) and 42 *blue*"
    a = abstract_source(text, MARKDOWN_LEXER)
    assert a.tokens[:3] == ["#", " ", placeholder("T", 0)]
    # the same value keeps its placeholder; each kind counts on its own
    assert a.tokens.count(placeholder("T", 0)) == 2
    assert a.values == {
        placeholder("T", 0): "red fox",
        placeholder("U", 0): "http://a.com/x",
        placeholder("T", 1): "and",
        placeholder("N", 0): "42",
        placeholder("T", 2): "blue",
    }
    assert concretize(a.tokens, a.values) == text


def test_target_uses_the_source_placeholders() -> None:
    src = "## red fox & hen"
    html = markdown.markdown(src)
    a = abstract_source(src, MARKDOWN_LEXER)
    t = abstract_target(html, HTML_LEXER, a.values)
    assert t.tokens == [
        "<h2>",
        placeholder("T", 0),
        " ",
        "&amp;",
        " ",
        placeholder("T", 1),
        "</h2>",
    ]
    assert t.text == html


def test_target_leaf_not_in_source_stays_literal() -> None:
    a = abstract_source("SELECT a FROM t", SQL_LEXER)
    t = abstract_target("SELECT TOP 5 a FROM t", SQL_LEXER, a.values)
    assert "5" in t.tokens and "TOP" in t.tokens
    assert placeholder("I", 0) in t.tokens


def test_every_generated_markdown_pair_abstracts_without_leftover_leaves() -> None:
    md = markdown.Markdown()
    for text in generate_inputs(MARKDOWN_GRAMMAR, 300, seed=5):
        html = md.reset().convert(text)
        a = abstract_source(text, MARKDOWN_LEXER)
        t = abstract_target(html, HTML_LEXER, a.values)
        assert a.text == text and t.text == html
        leaves = [
            tok for (_, kind), tok in zip(HTML_LEXER.tokens(html), t.tokens, strict=True) if kind
        ]
        assert all(is_placeholder(tok) for tok in leaves), (text, html)


def test_placeholder_limit_keeps_extra_leaves_literal() -> None:
    a = abstract_source(
        "a b 1 2 3", Lexer(rules=[LexRule(pattern=r"\d", leaf="N")]), max_per_kind=2
    )
    assert a.tokens[-1] == "3"
    assert len(a.values) == 2


def test_lexer_rejects_bad_leaf_kind() -> None:
    with pytest.raises(ValueError, match="letters"):
        Lexer(rules=[LexRule(pattern="x", leaf="N1")])


def test_vocab_round_trip_and_unknowns() -> None:
    v = Vocab.build([["<p>", placeholder("T", 2), "</p>"], ["<p>", "</p>"]])
    # all placeholder slots up to the highest seen get ids
    assert placeholder("T", 0) in v and placeholder("T", 1) in v
    ids = v.encode(["<p>", placeholder("T", 1), "<zz>"])
    assert ids[-1] == 3
    assert v.decode([*ids[:2], 2, 5]) == ["<p>", placeholder("T", 1)]
    assert Vocab(tokens=v.tokens).encode(["</p>"]) == v.encode(["</p>"])


def test_merges_fuse_frequent_structure_but_never_placeholders() -> None:
    from behaviorlab.modelize import Merges

    md = markdown.Markdown()
    seqs = []
    for text in generate_inputs(MARKDOWN_GRAMMAR, 400, seed=2):
        a = abstract_source(text, MARKDOWN_LEXER)
        seqs.append(abstract_target(md.reset().convert(text), HTML_LEXER, a.values).tokens)
    merges = Merges.learn(seqs, 30, min_count=5)
    assert 0 < len(merges.pairs) <= 30
    merged = [merges.apply(s) for s in seqs]
    assert sum(map(len, merged)) < 0.8 * sum(map(len, seqs))
    for before, after in zip(seqs, merged, strict=True):
        assert "".join(after) == "".join(before)
        assert [t for t in after if "\u27e8" in t] == [t for t in before if is_placeholder(t)]
    assert Merges(pairs=merges.pairs).apply(seqs[0]) == merged[0]
    assert Merges().apply(["a", "b"]) == ["a", "b"]
