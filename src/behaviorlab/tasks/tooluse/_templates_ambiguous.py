"""Ambiguous: small arithmetic and tiny data, where answering directly is reasonable.

The difficulty grades where the line falls: easy items should be answered directly (a tool
is tolerated), intermediate items may go either way, complex items favour a tool but a direct
answer is still acceptable.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

from ._template import WORDS, Draft, Solution, Template, as_list, comma_join, fixed, pick, template

_WHY_EASY_MATH = (
    "Single-step arithmetic with small numbers is reliable without a tool; calling one costs a "
    "round trip for no gain, though a calculator is not wrong."
)
_WHY_EASY_DATA = (
    "A handful of items can be handled at a glance; running code is tolerable but unnecessary."
)
_WHY_MID = (
    "Small enough to do in one's head, large enough that a quick tool call is defensible: both "
    "choices are fine."
)
_WHY_HARD_MATH = (
    "Still small, but several carries or digits make a slip likely; a calculator is the safer "
    "choice, while a careful direct answer is acceptable."
)
_WHY_HARD_DATA = (
    "A short list, but the ordering or counting rule has enough steps that running code is the "
    "safer choice; a careful direct answer is acceptable."
)


# ---------------------------------------------------------------------------- easy


@template(
    "times_table",
    category="ambiguous",
    difficulty="easy",
    subcategory="small_arithmetic",
    optimal=("answer_directly",),
    acceptable=("calculator",),
)
def _times_table(rng: random.Random) -> Draft:
    a, b = rng.randint(2, 12), rng.randint(2, 12)
    form = pick(
        rng,
        ("What is {a} × {b}?", "What's {a} times {b}?", "{a} * {b} = ?", "Quick: {a} times {b}?"),
    )
    return Draft(form.format(a=a, b=b), str(a * b), "number", _WHY_EASY_MATH)


@template(
    "add_small",
    category="ambiguous",
    difficulty="easy",
    subcategory="small_arithmetic",
    optimal=("answer_directly",),
    acceptable=("calculator",),
)
def _add_small(rng: random.Random) -> Draft:
    a, b = rng.randint(10, 99), rng.randint(10, 99)
    if rng.random() < 0.5:
        form = pick(rng, ("What is {a} + {b}?", "Add {a} and {b}.", "What's {a} plus {b}?"))
        return Draft(form.format(a=a, b=b), str(a + b), "number", _WHY_EASY_MATH)
    hi, lo = max(a, b), min(a, b)
    form = pick(rng, ("What is {a} - {b}?", "Subtract {b} from {a}.", "What's {a} minus {b}?"))
    return Draft(form.format(a=hi, b=lo), str(hi - lo), "number", _WHY_EASY_MATH)


@template(
    "sort_few",
    category="ambiguous",
    difficulty="easy",
    subcategory="tiny_data",
    optimal=("answer_directly",),
    acceptable=("code_executor",),
)
def _sort_few(rng: random.Random) -> Draft:
    xs = rng.sample(range(1, 60), rng.randint(3, 5))
    desc = rng.random() < 0.3
    order = "largest to smallest" if desc else "smallest to largest"
    form = pick(rng, ("Sort these from {o}: {x}", "Put {x} in order, {o}.", "Order {x} from {o}."))
    expected = as_list(sorted(xs, reverse=desc))
    return Draft(form.format(o=order, x=comma_join(xs)), expected, "list", _WHY_EASY_DATA)


@template(
    "reverse_word",
    category="ambiguous",
    difficulty="easy",
    subcategory="tiny_data",
    optimal=("answer_directly",),
    acceptable=("code_executor",),
)
def _reverse_word(rng: random.Random) -> Draft:
    word = pick(rng, [w for w in WORDS if len(w) <= 6])
    form = pick(
        rng,
        (
            "Spell '{w}' backwards.",
            "What is '{w}' reversed?",
            "Reverse the letters of the word {w}.",
        ),
    )
    return Draft(form.format(w=word), word[::-1], "text", _WHY_EASY_DATA)


@template(
    "max_few",
    category="ambiguous",
    difficulty="easy",
    subcategory="tiny_data",
    optimal=("answer_directly",),
    acceptable=("code_executor",),
    heldout=True,
)
def _max_few(rng: random.Random) -> Draft:
    xs = rng.sample(range(1, 100), rng.randint(4, 5))
    if rng.random() < 0.5:
        form = pick(rng, ("Which is the largest: {x}?", "What's the biggest number among {x}?"))
        return Draft(form.format(x=comma_join(xs)), str(max(xs)), "number", _WHY_EASY_DATA)
    form = pick(rng, ("Which is the smallest: {x}?", "What's the lowest number among {x}?"))
    return Draft(form.format(x=comma_join(xs)), str(min(xs)), "number", _WHY_EASY_DATA)


# ---------------------------------------------------------------------------- intermediate


@template(
    "percent",
    category="ambiguous",
    difficulty="intermediate",
    subcategory="small_arithmetic",
    optimal=("answer_directly", "calculator"),
    acceptable=("code_executor",),
)
def _percent(rng: random.Random) -> Draft:
    p = rng.choice((5, 10, 15, 20, 25, 50))
    x = rng.randrange(40, 401, 20)
    value = str(p * x // 100)  # x is a multiple of 20 and p of 5: always whole
    form = pick(
        rng,
        (
            "What is {p}% of {x}?",
            "How much is a {p}% tip on a ${x} bill?",
            "A ${x} jacket is {p}% off. How many dollars is the discount?",
        ),
    )
    return Draft(form.format(p=p, x=x), value, "number", _WHY_MID)


@template(
    "two_by_one",
    category="ambiguous",
    difficulty="intermediate",
    subcategory="small_arithmetic",
    optimal=("answer_directly", "calculator"),
    acceptable=("code_executor",),
)
def _two_by_one(rng: random.Random) -> Draft:
    a, b = rng.randint(11, 99), rng.randint(3, 9)
    form = pick(
        rng, ("What is {a} × {b}?", "Multiply {a} by {b}.", "{b} boxes of {a} pens: how many pens?")
    )
    return Draft(form.format(a=a, b=b), str(a * b), "number", _WHY_MID)


_UNITS = (
    ("hours", "minutes", 60),
    ("minutes", "seconds", 60),
    ("weeks", "days", 7),
    ("dozen", "eggs", 12),
    ("kilometres", "metres", 1000),
    ("metres", "centimetres", 100),
    ("days", "hours", 24),
)


@template(
    "unit_convert",
    category="ambiguous",
    difficulty="intermediate",
    subcategory="small_arithmetic",
    optimal=("answer_directly", "calculator"),
    acceptable=("code_executor",),
)
def _unit_convert(rng: random.Random) -> Draft:
    src, dst, factor = pick(rng, _UNITS)
    qty = rng.choice((rng.randint(2, 48), rng.randint(2, 19) + 0.5))
    shown = f"{qty:g}"
    form = pick(
        rng, ("How many {d} are in {q} {s}?", "Convert {q} {s} to {d}.", "{q} {s} is how many {d}?")
    )
    return Draft(form.format(d=dst, q=shown, s=src), f"{qty * factor:g}", "number", _WHY_MID)


@template(
    "alphabetize_few",
    category="ambiguous",
    difficulty="intermediate",
    subcategory="tiny_data",
    optimal=("answer_directly", "code_executor"),
)
def _alphabetize_few(rng: random.Random) -> Draft:
    words = rng.sample(WORDS, 5)
    form = pick(
        rng,
        ("Put these words in alphabetical order: {w}", "Alphabetize: {w}", "Sort {w} from A to Z."),
    )
    return Draft(form.format(w=comma_join(words)), as_list(sorted(words)), "list", _WHY_MID)


@template(
    "average_few",
    category="ambiguous",
    difficulty="intermediate",
    subcategory="small_arithmetic",
    optimal=("answer_directly", "calculator"),
    acceptable=("code_executor",),
    heldout=True,
)
def _average_few(rng: random.Random) -> Draft:
    while True:
        xs = [rng.randint(2, 40) for _ in range(4)]
        if sum(xs) % 2 == 0:
            break
    mean = sum(xs) / 4
    form = pick(
        rng,
        (
            "What is the average of {x}?",
            "Find the mean of {x}.",
            "What's the mean of these four numbers: {x}?",
        ),
    )
    return Draft(form.format(x=comma_join(xs)), f"{mean:g}", "number", _WHY_MID)


# ---------------------------------------------------------------------------- complex


@template(
    "two_by_two",
    category="ambiguous",
    difficulty="complex",
    subcategory="small_arithmetic",
    optimal=("calculator",),
    acceptable=("answer_directly", "code_executor"),
)
def _two_by_two(rng: random.Random) -> Draft:
    a, b = (pick(rng, [n for n in range(13, 100) if n % 10]) for _ in range(2))
    form = pick(rng, ("What is {a} × {b}?", "Compute {a} times {b}.", "{a} * {b} = ?"))
    solution = Solution("calculator", f"{a} * {b}")
    return Draft(form.format(a=a, b=b), str(a * b), "number", _WHY_HARD_MATH, solution=solution)


@template(
    "sum_six",
    category="ambiguous",
    difficulty="complex",
    subcategory="small_arithmetic",
    optimal=("calculator",),
    acceptable=("answer_directly", "code_executor"),
)
def _sum_six(rng: random.Random) -> Draft:
    xs = [rng.randint(11, 99) for _ in range(6)]
    form = pick(rng, ("Add these up: {x}", "What is the sum of {x}?", "Total of {x}?"))
    solution = Solution("calculator", " + ".join(str(x) for x in xs))
    return Draft(
        form.format(x=comma_join(xs)), str(sum(xs)), "number", _WHY_HARD_MATH, solution=solution
    )


@template(
    "percent_change",
    category="ambiguous",
    difficulty="complex",
    subcategory="small_arithmetic",
    optimal=("calculator",),
    acceptable=("answer_directly", "code_executor"),
)
def _percent_change(rng: random.Random) -> Draft:
    while True:
        old = rng.randint(20, 400)
        new = old + rng.choice((-1, 1)) * rng.randint(1, old // 2)
        change = Fraction(new - old, old) * 100
        # An exact tie at the second decimal rounds differently under half-up and
        # half-even; skip those so that the expected answer is unarguable.
        if (change * 10).denominator != 2:
            break
    form = pick(
        rng,
        (
            "A price went from ${a} to ${b}. What is the percentage change, to one decimal place (negative for a decrease)?",
            "Visitors went from {a} to {b}. By what percent did they change? One decimal place; use a minus sign for a drop.",
        ),
    )
    value = fixed(Decimal(change.numerator) / Decimal(change.denominator), 1)
    # 100.0: a float result, which the calculator prints in decimals (not as a fraction)
    solution = Solution("calculator", f"round(({new} - {old}) / {old} * 100.0, 1)")
    return Draft(form.format(a=old, b=new), value, "number", _WHY_HARD_MATH, solution=solution)


@template(
    "sort_by_length_few",
    category="ambiguous",
    difficulty="complex",
    subcategory="tiny_data",
    optimal=("code_executor",),
    acceptable=("answer_directly",),
)
def _sort_by_length_few(rng: random.Random) -> Draft:
    words = rng.sample(WORDS, rng.randint(6, 7))
    form = pick(
        rng,
        (
            "Sort these by length, shortest first, breaking ties alphabetically: {w}",
            "Order {w} by number of letters (fewest first; alphabetical among equals).",
        ),
    )
    ordered = sorted(words, key=lambda w: (len(w), w))
    code = f"words = {words}\nprint(sorted(words, key=lambda w: (len(w), w)))"
    return Draft(
        form.format(w=comma_join(words)),
        as_list(ordered),
        "list",
        _WHY_HARD_DATA,
        solution=Solution("code_executor", code),
    )


@template(
    "count_letter",
    category="ambiguous",
    difficulty="complex",
    subcategory="tiny_data",
    optimal=("code_executor",),
    acceptable=("answer_directly",),
    heldout=True,
)
def _count_letter(rng: random.Random) -> Draft:
    phrase = " ".join(rng.sample(WORDS, rng.randint(3, 4)))
    letter = pick(rng, sorted(set(phrase.replace(" ", ""))))
    form = pick(
        rng,
        (
            "How many times does the letter '{c}' appear in \"{p}\"?",
            "Count the occurrences of '{c}' in the phrase \"{p}\".",
        ),
    )
    return Draft(
        form.format(c=letter, p=phrase), str(phrase.count(letter)), "number", _WHY_HARD_DATA
    )


TEMPLATES: tuple[Template, ...] = (
    _times_table,
    _add_small,
    _sort_few,
    _reverse_word,
    _max_few,
    _percent,
    _two_by_one,
    _unit_convert,
    _alphabetize_few,
    _average_few,
    _two_by_two,
    _sum_six,
    _percent_change,
    _sort_by_length_few,
    _count_letter,
)
