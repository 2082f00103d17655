"""Execution required: exact numbers, data transformations and program outputs.

Every expected output here is computed by the generator in Python (big integers, Decimal,
or by running the snippet that the prompt shows), never typed in by hand.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import statistics
from collections import Counter
from decimal import Decimal, localcontext
from fractions import Fraction

from ._exec import run_snippet
from ._template import (
    WORDS,
    Draft,
    Solution,
    Template,
    as_list,
    code_block,
    comma_join,
    fixed,
    money,
    pick,
    primes_below,
    template,
)

_WHY_BIG_NUMBER = (
    "The exact result has many digits; a language model's mental arithmetic drops or swaps "
    "digits, so a tool must compute it."
)
_WHY_TRANSFORM = (
    "The answer is one exact arrangement of many items; doing it in the head misplaces items, "
    "and a few lines of code get it right."
)
_WHY_RUNTIME = (
    "The question is what the program actually prints; running it is the reliable way to know."
)


# ---------------------------------------------------------------------------- easy


@template(
    "multiply",
    category="execution",
    difficulty="easy",
    subcategory="numeric",
    optimal=("calculator",),
    acceptable=("code_executor",),
)
def _multiply(rng: random.Random) -> Draft:
    a, b = rng.randint(10_000, 99_999), rng.randint(1_000, 9_999)
    form = pick(
        rng,
        (
            "What is {a} × {b}?",
            "Compute {a} * {b}.",
            "Multiply {a} by {b}. I need the exact number.",
            "What's the exact product of {a} and {b}?",
        ),
    )
    solution = Solution("calculator", f"{a} * {b}")
    return Draft(form.format(a=a, b=b), str(a * b), "number", _WHY_BIG_NUMBER, solution=solution)


@template(
    "power",
    category="execution",
    difficulty="easy",
    subcategory="numeric",
    optimal=("calculator",),
    acceptable=("code_executor",),
)
def _power(rng: random.Random) -> Draft:
    base = rng.choice((2, 3, 5, 6, 7, 11, 12, 13))
    exp = rng.randint(20, 45)
    form = pick(
        rng,
        (
            "What is {b}^{e}? Give every digit.",
            "Compute {b} to the power of {e}, exactly.",
            "What is the exact value of {b}**{e}?",
        ),
    )
    solution = Solution("calculator", f"{base}**{exp}")
    prompt = form.format(b=base, e=exp)
    return Draft(prompt, str(base**exp), "number", _WHY_BIG_NUMBER, solution=solution)


@template(
    "sort_words",
    category="execution",
    difficulty="easy",
    subcategory="data_transform",
    optimal=("code_executor",),
)
def _sort_words(rng: random.Random) -> Draft:
    words = rng.sample(WORDS, rng.randint(16, 22))
    reverse = rng.random() < 0.3
    order = "in reverse alphabetical order" if reverse else "alphabetically"
    form = pick(
        rng,
        (
            "Sort these words {o}: {w}",
            "Put the following words {o} and give me the list: {w}",
            "Here is a list of words: {w}. Return them sorted {o}.",
        ),
    )
    expected = as_list(sorted(words, reverse=reverse))
    call = "sorted(words, reverse=True)" if reverse else "sorted(words)"
    solution = Solution("code_executor", f"words = {words}\nprint({call})")
    prompt = form.format(o=order, w=comma_join(words))
    return Draft(prompt, expected, "list", _WHY_TRANSFORM, solution=solution)


def _easy_snippet(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        phrase = " ".join(rng.sample(WORDS, 3))
        step = rng.randint(2, 3)
        return f's = "{phrase}"\nprint(s.title().replace(" ", "")[::{step}])'
    if kind == 1:
        xs = [rng.randint(-50, 99) for _ in range(rng.randint(6, 9))]
        m = rng.randint(3, 9)
        return f"xs = {xs}\nprint(sorted(xs)[-3:], sum(xs) % {m})"
    if kind == 2:
        n = rng.randint(20, 500)
        return f"n = {n}\nprint(bin(n), hex(n * n), n.bit_length())"
    if kind == 3:
        a, b = rng.randint(20, 999), rng.randint(3, 19)
        return f"a, b = {a}, {b}\nprint(divmod(a, b), a // -b, -a % b)"
    word = pick(rng, WORDS)
    i, j = sorted(rng.sample(range(len(word) + 1), 2))
    return f'w = "{word}"\nprint(w[{i}:{j}], w[::-1], w.count("{word[0]}"), w.upper()[-2:])'


@template(
    "print_snippet",
    category="execution",
    difficulty="easy",
    subcategory="runtime_behavior",
    optimal=("code_executor",),
)
def _print_snippet(rng: random.Random) -> Draft:
    code = _easy_snippet(rng)
    form = pick(
        rng,
        (
            "What does this Python code print?\n\n{c}",
            "What is the exact output of the following?\n\n{c}",
            "Tell me exactly what this prints:\n\n{c}",
        ),
    )
    prompt, expected = form.format(c=code_block(code)), run_snippet(code)
    return Draft(prompt, expected, "text", _WHY_RUNTIME, solution=Solution("code_executor", code))


@template(
    "sum_list",
    category="execution",
    difficulty="easy",
    subcategory="numeric",
    optimal=("calculator",),
    acceptable=("code_executor",),
    heldout=True,
)
def _sum_list(rng: random.Random) -> Draft:
    xs = [rng.randint(1_000, 99_999) for _ in range(rng.randint(10, 14))]
    form = pick(
        rng,
        (
            "Add up these numbers: {x}",
            "What is the total of {x}?",
            "Sum the following values and give the exact total: {x}",
        ),
    )
    return Draft(form.format(x=comma_join(xs)), str(sum(xs)), "number", _WHY_BIG_NUMBER)


# ---------------------------------------------------------------------------- intermediate


@template(
    "compound_interest",
    category="execution",
    difficulty="intermediate",
    subcategory="numeric",
    optimal=("calculator", "code_executor"),
)
def _compound_interest(rng: random.Random) -> Draft:
    principal = rng.randrange(1_000, 50_001, 50)
    rate = pick(rng, ("2.5", "3", "3.25", "4", "4.5", "5", "5.75", "6", "7"))
    years = rng.randint(3, 30)
    label, per_year = pick(rng, (("monthly", 12), ("quarterly", 4), ("annually", 1)))
    with localcontext() as ctx:
        ctx.prec = 40
        balance = Decimal(principal) * (1 + Decimal(rate) / 100 / per_year) ** (per_year * years)
    form = pick(
        rng,
        (
            "If I invest ${p:,} at {r}% annual interest compounded {c}, what is the balance after {y} years? Round to the cent.",
            "${p:,} sits in an account paying {r}% a year, compounded {c}. How much is there after {y} years (to the cent)?",
            "Compute the future value of ${p:,} after {y} years at {r}% interest compounded {c}, rounded to cents.",
        ),
    )
    why = (
        "Compound growth over many periods needs exact exponentiation and rounding; estimating "
        "it in the head is off by dollars. A calculator or code gives the cents."
    )
    prompt = form.format(p=principal, r=rate, c=label, y=years)
    # the rate as a decimal fraction (a float, so the power stays a float, not a huge fraction)
    r = Decimal(rate) / 100
    growth = (
        f"(1 + {r})**{years}" if per_year == 1 else f"(1 + {r}/{per_year})**({per_year}*{years})"
    )
    solution = Solution("calculator", f"round({principal} * {growth}, 2)")
    return Draft(prompt, money(balance), "number", why, solution=solution)


@template(
    "statistics",
    category="execution",
    difficulty="intermediate",
    subcategory="numeric",
    optimal=("code_executor",),
    acceptable=("calculator",),
)
def _statistics(rng: random.Random) -> Draft:
    xs = [rng.randint(10, 999) for _ in range(rng.randint(10, 15))]
    name, fn = pick(
        rng,
        (
            ("sample standard deviation", statistics.stdev),
            ("population standard deviation", statistics.pstdev),
            ("sample variance", statistics.variance),
        ),
    )
    form = pick(
        rng,
        (
            "Compute the {n} of these measurements, rounded to 4 decimal places: {x}",
            "What is the {n} of {x}? Give 4 decimal places.",
            "Here are {k} readings: {x}. Report their {n} to 4 decimals.",
        ),
    )
    prompt = form.format(n=name, x=comma_join(xs), k=len(xs))
    why = (
        "A variance over a dozen three-digit numbers means many squares and a square root; a "
        "tool computes it exactly, mental arithmetic does not."
    )
    code = f'import statistics\n\nxs = {xs}\nprint(f"{{statistics.{fn.__name__}(xs):.4f}}")'
    return Draft(prompt, fixed(fn(xs), 4), "number", why, solution=Solution("code_executor", code))


@template(
    "sort_length_alpha",
    category="execution",
    difficulty="intermediate",
    subcategory="data_transform",
    optimal=("code_executor",),
)
def _sort_length_alpha(rng: random.Random) -> Draft:
    words = rng.sample(WORDS, rng.randint(12, 16))
    longest_first = rng.random() < 0.3
    if longest_first:
        order = "by length, longest first, and alphabetically among words of the same length"
        expected = sorted(words, key=lambda w: (-len(w), w))
        key = "(-len(w), w)"
    else:
        order = "by length (shortest first), then alphabetically within each length"
        expected = sorted(words, key=lambda w: (len(w), w))
        key = "(len(w), w)"
    form = pick(
        rng,
        (
            "Sort these words {o}: {w}",
            "Order the following {o}: {w}",
            "Take this list and sort it {o}. List: {w}",
        ),
    )
    prompt = form.format(o=order, w=comma_join(words))
    code = f"words = {words}\nprint(sorted(words, key=lambda w: {key}))"
    solution = Solution("code_executor", code)
    return Draft(prompt, as_list(expected), "list", _WHY_TRANSFORM, solution=solution)


@template(
    "word_frequency",
    category="execution",
    difficulty="intermediate",
    subcategory="data_transform",
    optimal=("code_executor",),
)
def _word_frequency(rng: random.Random) -> Draft:
    vocab = rng.sample(WORDS, 14)
    tokens: list[str] = []
    for w in vocab[:6]:
        tokens += [w] * rng.randint(2, 7)
    tokens += vocab[6:]
    rng.shuffle(tokens)
    shown = []
    for t in tokens:
        t = t.capitalize() if rng.random() < 0.25 else t
        shown.append(t + (pick(rng, (",", ".", "!", ";")) if rng.random() < 0.15 else ""))
    counts = Counter(tokens)
    top = sorted(counts, key=lambda w: (-counts[w], w))[:3]
    form = pick(
        rng,
        (
            'Which 3 words occur most often in this text? Ignore case and punctuation, break ties alphabetically, most frequent first.\n\n"{t}"',
            'Find the three most frequent words (case-insensitive, punctuation ignored; ties broken alphabetically), ordered by frequency:\n\n"{t}"',
        ),
    )
    why = "Counting dozens of tokens by eye loses counts; code counts them exactly."
    code = (
        "import re\nfrom collections import Counter\n\n"
        f'text = "{" ".join(shown)}"\n'
        'counts = Counter(re.findall(r"[a-z]+", text.lower()))\n'
        "print(sorted(counts, key=lambda w: (-counts[w], w))[:3])"
    )
    solution = Solution("code_executor", code)
    return Draft(form.format(t=" ".join(shown)), as_list(top), "list", why, solution=solution)


def _loop_snippet(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        word = "".join(rng.choice("abcde") for _ in range(rng.randint(12, 18)))
        return (
            f'counts = {{}}\nfor ch in "{word}":\n    counts[ch] = counts.get(ch, 0) + 1\n'
            "print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3])"
        )
    if kind == 1:
        xs = [rng.randint(1, 60) for _ in range(10)]
        k = rng.randint(3, 5)
        r = rng.randrange(k)
        return f"xs = {xs}\nprint([x * x for x in xs if x % {k} == {r}])"
    if kind == 2:
        n = rng.randint(20, 200)
        return (
            f"n = {n}\nsteps = 0\nwhile n != 1:\n    n = n // 2 if n % 2 == 0 else 3 * n + 1\n"
            "    steps += 1\nprint(steps)"
        )
    if kind == 3:
        a = [rng.randint(-9, 20) for _ in range(6)]
        b = [rng.randint(-9, 20) for _ in range(6)]
        return (
            f"a = {a}\nb = {b}\n"
            "print(sum(x * y for x, y in zip(a, b)), max(enumerate(a), key=lambda t: t[1]))"
        )
    words = rng.sample(WORDS, 5)
    k = rng.randint(2, 4)
    return f'words = {words}\nprint("-".join(w[:{k}] for w in sorted(words, key=len)))'


@template(
    "loop_snippet",
    category="execution",
    difficulty="intermediate",
    subcategory="runtime_behavior",
    optimal=("code_executor",),
)
def _loop_snippet_t(rng: random.Random) -> Draft:
    code = _loop_snippet(rng)
    form = pick(
        rng,
        (
            "What does this print?\n\n{c}",
            "Tell me the exact output of this Python program:\n\n{c}",
            "What will be printed when this runs?\n\n{c}",
        ),
    )
    prompt, expected = form.format(c=code_block(code)), run_snippet(code)
    return Draft(prompt, expected, "text", _WHY_RUNTIME, solution=Solution("code_executor", code))


@template(
    "dates",
    category="execution",
    difficulty="intermediate",
    subcategory="numeric",
    optimal=("code_executor",),
    heldout=True,
)
def _dates(rng: random.Random) -> Draft:
    start = dt.date(1990, 1, 1)
    d1 = start + dt.timedelta(days=rng.randrange(365 * 40))
    d2 = d1 + dt.timedelta(days=rng.randint(200, 9000))
    why = "Calendar arithmetic across leap years is easy to get wrong by hand; datetime is exact."
    if rng.random() < 0.6:
        form = pick(
            rng,
            (
                "How many days are there between {a} and {b}?",
                "Count the days from {a} to {b}.",
            ),
        )
        prompt = form.format(a=f"{d1:%B} {d1.day}, {d1.year}", b=f"{d2:%B} {d2.day}, {d2.year}")
        return Draft(prompt, str((d2 - d1).days), "number", why)
    prompt = pick(rng, ("What day of the week was {d}?", "Which weekday fell on {d}?"))
    return Draft(prompt.format(d=d2.isoformat()), f"{d2:%A}", "text", why)


# ---------------------------------------------------------------------------- complex


# A sieve of Eratosthenes over range(n), as the primes solutions write it.
_SIEVE = (
    "is_prime = [True] * n\n"
    "is_prime[0] = is_prime[1] = False\n"
    "for i in range(2, int(n**0.5) + 1):\n"
    "    if is_prime[i]:\n"
    "        is_prime[i * i :: i] = [False] * len(range(i * i, n, i))\n"
)


@template(
    "primes",
    category="execution",
    difficulty="complex",
    subcategory="numeric",
    optimal=("code_executor",),
    acceptable=("calculator",),
)
def _primes(rng: random.Random) -> Draft:
    why = "Counting or indexing primes in the tens of thousands needs a sieve, i.e. code."
    if rng.random() < 0.5:
        n = rng.randint(20_000, 250_000)
        form = pick(
            rng, ("How many prime numbers are there below {n}?", "Count the primes less than {n}.")
        )
        count = sum(1 for p in primes_below(250_000) if p < n)
        solution = Solution("code_executor", f"n = {n}\n{_SIEVE}print(sum(is_prime))")
        return Draft(form.format(n=f"{n:,}"), str(count), "number", why, solution=solution)
    k = rng.randint(1_000, 15_000)
    primes = primes_below(250_000)
    form = pick(rng, ("What is the {k}th prime number?", "Find prime number #{k} (2 is the 1st)."))
    code = (
        f"import math\n\nk = {k}\n"
        "# the kth prime is below k * (ln k + ln ln k) for k >= 6 (Rosser's theorem)\n"
        f"n = int(k * (math.log(k) + math.log(math.log(k))))\n{_SIEVE}"
        "primes = [i for i in range(n) if is_prime[i]]\nprint(primes[k - 1])"
    )
    solution = Solution("code_executor", code)
    return Draft(form.format(k=k), str(primes[k - 1]), "number", why, solution=solution)


@template(
    "digit_sum_power",
    category="execution",
    difficulty="complex",
    subcategory="numeric",
    optimal=("code_executor",),
)
def _digit_sum_power(rng: random.Random) -> Draft:
    base, exp = rng.randint(2, 99), rng.randint(100, 999)
    form = pick(
        rng,
        (
            "What is the sum of the digits of {b}^{e}?",
            "Take {b} raised to the power {e} and add up all of its decimal digits. What do you get?",
        ),
    )
    expected = str(sum(int(c) for c in str(base**exp)))
    why = "The power has hundreds of digits; only code can expand and sum them."
    solution = Solution("code_executor", f"print(sum(int(d) for d in str({base}**{exp})))")
    return Draft(form.format(b=base, e=exp), expected, "number", why, solution=solution)


_REGIONS = ("North", "South", "East", "West", "Central")
_PRODUCTS = ("widget", "gadget", "gizmo", "doohickey", "sprocket")


@template(
    "csv_groupby",
    category="execution",
    difficulty="complex",
    subcategory="data_transform",
    optimal=("code_executor",),
)
def _csv_groupby(rng: random.Random) -> Draft:
    while True:
        regions = rng.sample(_REGIONS, rng.randint(3, 5))
        rows = [
            (
                pick(rng, regions),
                pick(rng, _PRODUCTS),
                rng.randint(1, 40),
                Decimal(rng.randrange(150, 4_000, 25)) / 100,
            )
            for _ in range(rng.randint(15, 24))
        ]
        totals: dict[str, Decimal] = {}
        for region, _, units, price in rows:
            totals[region] = totals.get(region, Decimal(0)) + units * price
        # Ties would make the ranking ambiguous; draw again (rare).
        if len(set(totals.values())) == len(totals):
            break
    table = "region,product,units,unit_price\n" + "\n".join(
        f"{r},{p},{u},{pr}" for r, p, u, pr in rows
    )
    why = "Aggregating twenty rows by group needs exact sums of products; code does it reliably."
    code = (
        f'import csv\nfrom decimal import Decimal\n\ndata = """{table}"""\n\n'
        "revenue = {}\nfor row in csv.DictReader(data.splitlines()):\n"
        '    amount = int(row["units"]) * Decimal(row["unit_price"])\n'
        '    revenue[row["region"]] = revenue.get(row["region"], 0) + amount\n'
    )
    if rng.random() < 0.5:
        ranked = sorted(totals, key=lambda r: -totals[r])
        prompt = (
            "Here is a sales table in CSV. Revenue is units × unit_price. List the regions "
            f"ordered by total revenue, highest first.\n\n```\n{table}\n```"
        )
        code += "print(sorted(revenue, key=revenue.get, reverse=True))"
        return Draft(prompt, as_list(ranked), "list", why, solution=Solution("code_executor", code))
    region = pick(rng, sorted(totals))
    prompt = (
        f"From this CSV, what is the total revenue (units × unit_price) of the {region} "
        f"region?\n\n```\n{table}\n```"
    )
    code += f'print(revenue["{region}"])'
    solution = Solution("code_executor", code)
    return Draft(prompt, money(totals[region]), "number", why, solution=solution)


def _tricky_snippet(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        n = rng.randint(4, 12)
        return f"g = (x * x for x in range({n}))\nprint(sum(g), sum(g), list(g))"
    if kind == 1:
        a, b = rng.sample(WORDS, 2)
        return (
            "def add(item, bag=[]):\n    bag.append(item)\n    return len(bag)\n\n"
            f'print(add("{a}"), add("{b}"), add("{a}", []), add("{b}"))'
        )
    if kind == 2:
        n, m = rng.randint(3, 6), rng.randint(2, 9)
        return (
            f"fs = [lambda x: x * i for i in range({n})]\n"
            f"gs = [lambda x, i=i: x * i for i in range({n})]\n"
            f"print([f({m}) for f in fs], [g({m}) for g in gs])"
        )
    if kind == 3:
        k = rng.randint(2, 5)
        return (
            "class Team:\n    members = []\n\n    def __init__(self, name):\n"
            "        self.name = name\n        self.members.append(name)\n\n"
            f"teams = [Team(n) for n in {rng.sample(WORDS, k)}]\n"
            "print(len(teams[0].members), teams[-1].members[0])"
        )
    if kind == 4:
        left = sorted(rng.sample(range(1, 30), rng.randint(5, 8)))
        right = sorted(rng.sample(range(1, 30), rng.randint(5, 8)))
        return f"a = set({left})\nb = set({right})\nprint(sorted(a ^ b), len(a & b), sorted(a - b)[:3])"
    x, y, z = round(rng.uniform(-999, 999), 4), pick(rng, WORDS), rng.randint(1, 255)
    return f'x, y, z = {x}, "{y}", {z}\nprint(f"{{x:>10.2f}}|{{y:^11}}|{{z:08b}}|{{z:#x}}")'


@template(
    "tricky_snippet",
    category="execution",
    difficulty="complex",
    subcategory="runtime_behavior",
    optimal=("code_executor",),
)
def _tricky_snippet_t(rng: random.Random) -> Draft:
    code = _tricky_snippet(rng)
    form = pick(
        rng,
        (
            "What exactly does this Python program print?\n\n{c}",
            "Predict the output of this code precisely:\n\n{c}",
            "What is printed here?\n\n{c}",
        ),
    )
    why = (
        _WHY_RUNTIME
        + " This snippet relies on semantics (generators, defaults, closures, formatting) that are easy to misjudge."
    )
    prompt, solution = form.format(c=code_block(code)), Solution("code_executor", code)
    return Draft(prompt, run_snippet(code), "text", why, solution=solution)


def _determinant(m: list[list[int]]) -> int:
    a = [[Fraction(v) for v in row] for row in m]
    n, det = len(a), Fraction(1)
    for col in range(n):
        pivot = next((r for r in range(col, n) if a[r][col] != 0), None)
        if pivot is None:
            return 0
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
            det = -det
        det *= a[col][col]
        for r in range(col + 1, n):
            f = a[r][col] / a[col][col]
            a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
    return int(det)


def _det4_expression(m: list[list[int]]) -> str:
    """The determinant of a 4×4 matrix as one calculator expression: Laplace expansion along
    the first two rows (each 2×2 minor of rows 1-2 times its complementary minor of rows 3-4),
    which stays within the calculator's size limits where a cofactor expansion does not."""
    e = [[f"({v})" if v < 0 else str(v) for v in row] for row in m]

    def minor(r: int, j: int, k: int) -> str:
        return f"({e[r][j]}*{e[r + 1][k]} - {e[r][k]}*{e[r + 1][j]})"

    terms = []
    for j, k in itertools.combinations(range(4), 2):
        rest_j, rest_k = (c for c in range(4) if c not in (j, k))
        sign = "+" if (j + k) % 2 else "-"
        terms.append(f"{sign} {minor(0, j, k)}*{minor(2, rest_j, rest_k)}")
    return " ".join(terms).removeprefix("+ ")


@template(
    "determinant",
    category="execution",
    difficulty="complex",
    subcategory="numeric",
    optimal=("calculator",),
    acceptable=("code_executor",),
)
def _determinant_t(rng: random.Random) -> Draft:
    n = rng.choice((4, 4, 5))
    m = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
    rows = "\n".join(" ".join(f"{v:>3}" for v in row) for row in m)
    form = pick(
        rng,
        (
            "Compute the determinant of this {n}×{n} matrix:\n\n{r}",
            "What is det(A) for\n\n{r}",
        ),
    )
    why = "A 4×4 or 5×5 determinant means dozens of exact products; sympy computes it directly."
    # A 5×5 determinant as one expression needs more than the calculator's 300 nodes, and
    # code is not among this template's best tools: those items have no solution.
    solution = Solution("calculator", _det4_expression(m)) if n == 4 else None
    prompt = form.format(n=n, r=rows)
    return Draft(prompt, str(_determinant(m)), "number", why, solution=solution)


@template(
    "loan_payment",
    category="execution",
    difficulty="complex",
    subcategory="numeric",
    optimal=("calculator", "code_executor"),
    heldout=True,
)
def _loan_payment(rng: random.Random) -> Draft:
    principal = rng.randrange(50_000, 500_001, 1_000)
    apr = pick(rng, ("3.5", "3.875", "4.25", "5", "5.5", "6.125", "6.75", "7.25"))
    years = rng.choice((10, 15, 20, 25, 30))
    with localcontext() as ctx:
        ctx.prec = 40
        r = Decimal(apr) / 100 / 12
        payment = Decimal(principal) * r / (1 - (1 + r) ** (-12 * years))
    form = pick(
        rng,
        (
            "What is the monthly payment on a ${p:,} loan at {a}% APR over {y} years (standard amortisation)? Round to the cent.",
            "I'm borrowing ${p:,} for {y} years at {a}% annual interest, paid monthly. What's my monthly payment, to the cent?",
        ),
    )
    why = "The annuity formula needs a power with hundreds of periods; compute it, don't estimate."
    return Draft(form.format(p=principal, a=apr, y=years), money(payment), "number", why)


TEMPLATES: tuple[Template, ...] = (
    _multiply,
    _power,
    _sort_words,
    _print_snippet,
    _sum_list,
    _compound_interest,
    _statistics,
    _sort_length_alpha,
    _word_frequency,
    _loop_snippet_t,
    _dates,
    _primes,
    _digit_sum_power,
    _csv_groupby,
    _tricky_snippet_t,
    _determinant_t,
    _loan_payment,
)
