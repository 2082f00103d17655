"""The report split: four templates written after the held-out split had steered a lever.

The written answers were tried because the held-out split showed code, given to be explained,
being run; so that split no longer measures over-use for it untouched. These templates were
written and frozen (``REPORT_SHA256`` in the tests) before any model was run on them. They are
outside the category × difficulty cells, so the other splits' items are unchanged; marked
held out, so no solution or written answer exists for them and nothing is trained on them.
One per category, two where answering directly is best and two where a tool is.
"""

from __future__ import annotations

import random

from ._template import Draft, Template, code_block, pick, template

_BUGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "def {f}({xs}):\n    return {xs}[len({xs})]",
        "Without running it, what goes wrong when this function is called, and how would you "
        "fix it?",
        ("indexerror|out of range|past the end", "len({xs}) - 1|[-1]|- 1"),
    ),
    (
        "def {f}({xs}):\n    return sum({xs}) / len({xs})",
        "Read this function (do not run it). What happens when it is given an empty list, and "
        "how would you guard against that?",
        ("zero", "empty|len("),
    ),
    (
        "def {f}({xs}, n):\n    for i in range(n):\n        if {xs}[i] = n:\n            return i",
        "Just by reading it: why will Python refuse to run this, and what is the fix?",
        ("==", "assign|comparison|compare"),
    ),
)


@template(
    "spot_bug",
    category="reasoning",
    difficulty="intermediate",
    subcategory="review",
    optimal=("answer_directly",),
    heldout=True,
)
def _spot_bug(rng: random.Random) -> Draft:
    code, ask, kws = pick(rng, _BUGS)
    f = pick(rng, ("last", "tail", "average", "mean_of", "find", "lookup", "pick"))
    xs = pick(rng, ("values", "rows", "scores", "items", "readings"))
    shown = code.format(f=f, xs=xs)
    why = "The question asks what the code means, answered by reading it; running it adds nothing."
    keywords = tuple(k.format(xs=xs) for k in kws)
    return Draft(f"{ask}\n\n{code_block(shown)}", None, "none", why, keywords)


@template(
    "digit_sum_power",
    category="execution",
    difficulty="intermediate",
    subcategory="compute",
    optimal=("code_executor",),
    heldout=True,
)
def _digit_sum_power(rng: random.Random) -> Draft:
    base, exp = rng.randint(2, 9), rng.randint(60, 160)
    form = pick(
        rng,
        (
            "What is the sum of the decimal digits of {b}**{e}?",
            "Add up all the digits of {b} to the power {e}. What total do you get?",
            "If you write out {b}^{e} in full, what do its digits sum to?",
        ),
    )
    total = sum(int(d) for d in str(base**exp))
    why = "A number of dozens of digits, then a sum over them: exact work for a program."
    return Draft(form.format(b=base, e=exp), str(total), "number", why)


@template(
    "small_sum",
    category="ambiguous",
    difficulty="easy",
    subcategory="arithmetic",
    optimal=("answer_directly",),
    acceptable=("calculator", "code_executor"),
    heldout=True,
)
def _small_sum(rng: random.Random) -> Draft:
    a, b = rng.randint(2, 30), rng.randint(2, 30)
    form = pick(
        rng,
        (
            "Quick one: what is {a} + {b}?",
            "I have {a} apples and buy {b} more. How many apples now?",
            "{a} plus {b} equals what?",
        ),
    )
    why = "Adding two small numbers is reliable without a tool; a tool is tolerated."
    return Draft(form.format(a=a, b=b), str(a + b), "number", why)


@template(
    "years_to_exceed",
    category="multi_step",
    difficulty="intermediate",
    subcategory="search",
    optimal=("code_executor",),
    heldout=True,
)
def _years_to_exceed(rng: random.Random) -> Draft:
    start = rng.randrange(1_000, 20_000, 100)
    rate = rng.randint(2, 9)
    target = start * rng.randint(3, 12)
    years, value_x100n, scale = 0, start, 1
    while value_x100n <= target * scale:  # start*(100+r)^n > target*100^n, exactly
        years += 1
        value_x100n *= 100 + rate
        scale *= 100
    form = pick(
        rng,
        (
            "A savings account starts at ${s} and earns {r}% a year, compounded yearly. After how "
            "many whole years is the balance first above ${t}?",
            "Starting from {s} and growing by {r}% every year (compounded), how many years until "
            "the amount first exceeds {t}?",
        ),
    )
    why = "Compound growth until a threshold: a loop to run and check, not a guess."
    return Draft(form.format(s=start, r=rate, t=target), str(years), "number", why)


TEMPLATES: tuple[Template, ...] = (_spot_bug, _digit_sum_power, _small_sum, _years_to_exceed)
