"""PII scrubbing, de-duplication, the fixed held-out split and the balance report."""

from __future__ import annotations

from behaviorlab.train import (
    ChatMessage,
    PIIScrubber,
    SplitSpec,
    TrainingExample,
    balance_report,
    deduplicate,
    split_of,
)


def _ex(
    user: str, answer: str = "ok", score: float = 1.0, label: str | None = None
) -> TrainingExample:
    return TrainingExample(
        prompt=[ChatMessage(role="system", content="sys"), ChatMessage(role="user", content=user)],
        completion=[ChatMessage(role="assistant", content=answer)],
        input=user,
        score=score,
        label=label,
    )


def test_scrubber_redacts_pii_and_counts_it_but_keeps_prices_and_sizes():
    s = PIIScrubber(names=["Priya Natarajan", "Kenji"])
    text = (
        "Priya Natarajan (priya.n@example.com, +1 (415) 555-0134 or 415-555-0199) paid with "
        "4111 1111 1111 1111; Kenji's card 4111-1111-1111-1112 is not Luhn-valid. "
        "Ticket $1,234, bag 22 x 14 x 9 inches, 51 lbs, booking 1234567890123."
    )
    out = s.scrub(text)
    assert "[NAME] ([EMAIL], [PHONE] or [PHONE]) paid with [CARD]" in out
    assert "[NAME]'s card 4111-1111-1111-1112" in out  # fails the Luhn check: not a card
    assert "$1,234" in out and "22 x 14 x 9 inches, 51 lbs" in out and "1234567890123" in out
    assert (s.counts.email, s.counts.phone, s.counts.card, s.counts.name) == (1, 2, 1, 2)
    assert s.counts.total == 6


def test_scrubbing_an_example_covers_prompt_completion_and_input():
    s = PIIScrubber(names=["Daniel"])
    ex = s.example(_ex("Daniel flies to Paris", "Daniel: a@b.io"))
    assert ex.input == "[NAME] flies to Paris"
    assert ex.prompt[1].content == "[NAME] flies to Paris"
    assert ex.completion[0].content == "[NAME]: [EMAIL]"


def test_split_is_a_fixed_function_of_the_input():
    keys = [f"problem {i}" for i in range(2000)]
    first = [split_of(k, 0.2) for k in keys]
    assert first == [split_of(k, 0.2) for k in reversed(keys)][::-1]  # order does not matter
    share = first.count("heldout") / len(keys)
    assert 0.17 < share < 0.23
    # a larger held-out fraction only moves inputs into held-out, never out of it
    wider = [split_of(k, 0.3) for k in keys]
    assert all(w == "heldout" for f, w in zip(first, wider, strict=True) if f == "heldout")
    # another salt is another split
    assert [split_of(k, 0.2, salt="other") for k in keys] != first
    assert SplitSpec(heldout_fraction=0.2).of("problem 7") == first[7]


def test_dedup_drops_exact_repeats_and_keeps_the_best_of_conflicts():
    a, a2 = _ex("q1", "x", 1.0), _ex("q1", "x", 1.0)
    worse, better = _ex("q2", "wrong", 0.0), _ex("q2", "right", 1.0)
    kept, rep = deduplicate([a, a2, worse, better, _ex("q3")])
    assert [k.completion[0].content for k in kept] == ["x", "right", "ok"]
    assert (rep.exact_duplicates, rep.conflicts, rep.kept) == (1, 1, 3)


def test_balance_report_flags_rare_classes():
    rep = balance_report(["a"] * 12 + ["b"] * 2 + [None])
    assert rep.counts == {"-": 1, "a": 12, "b": 2}
    assert rep.imbalance == 12.0
    assert rep.warning is not None and "'-'" in rep.warning
    assert balance_report(["a", "b"]).warning is None
