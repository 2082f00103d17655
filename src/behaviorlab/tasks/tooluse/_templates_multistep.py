"""Multi-step: run code, look at the result, run again.

Two shapes: searches ("find the smallest n such that ...") whose natural solution is to
run a loop, inspect, and adjust; and error recovery, where the prompt's program raises and
the answer is what the repaired program prints. For error recovery the generator checks that
the buggy program raises the promised exception and runs the repaired one for the answer.
Every buggy program states its intent in a comment, so the repair is unambiguous.
"""

from __future__ import annotations

import itertools
import math
import random

from ._exec import SnippetError, run_snippet, snippet_error
from ._template import WORDS, Draft, Solution, Template, code_block, pick, primes_below, template

_WHY_SEARCH = (
    "The answer comes from a search: compute, check the condition, and continue or refine. "
    "That is a loop to run, not something to guess, and the first attempt often needs a second run."
)
_WHY_FIX = (
    "The program fails at run time. The natural route is to run it, read the traceback, fix "
    "the bug and run it again to read the output."
)
_WHY_FIX_TWO = (
    "The program hides two bugs: fixing the first error only reveals the second, so it takes "
    "several execute-inspect-fix rounds."
)

_FIX_FORMS = (
    "This code raises an error. Fix it and tell me what the fixed program prints.\n\n{c}",
    "When I run this I get an exception. Can you repair it and report the output?\n\n{c}",
    "Debug the following program (keep its intent) and give me its output once it works.\n\n{c}",
    "My script crashes. Please fix it and tell me exactly what it prints after the fix.\n\n{c}",
)


def _fix_draft(
    rng: random.Random,
    buggy: str,
    fixed_code: str,
    error: type[BaseException],
    why: str,
    *,
    with_solution: bool = True,
) -> Draft:
    """The draft of an error-recovery item; its solution (unless ``with_solution`` is false,
    as for a held-out template) runs the repaired program."""
    raised = snippet_error(buggy)
    if raised is not error:
        raise SnippetError(f"expected {error.__name__}, buggy program raised {raised.__name__}")
    prompt = pick(rng, _FIX_FORMS).format(c=code_block(buggy))
    solution = Solution("code_executor", fixed_code) if with_solution else None
    return Draft(prompt, run_snippet(fixed_code), "text", why, solution=solution)


def _code(program: str) -> Solution:
    return Solution("code_executor", program)


# ---------------------------------------------------------------------------- easy


@template(
    "fix_name_error",
    category="multi_step",
    difficulty="easy",
    subcategory="error_recovery",
    optimal=("code_executor",),
)
def _fix_name_error(rng: random.Random) -> Draft:
    kind = rng.randrange(3)
    if kind == 0:
        nums = [rng.randint(2, 30) for _ in range(rng.randint(5, 8))]
        good = f"# print the sum of the squares\nnums = {nums}\nsquares = [n * n for n in nums]\nprint(sum(squares))"
        bad = good.replace("print(sum(squares))", "print(sum(sqaures))")
    elif kind == 1:
        words = rng.sample(WORDS, 6)
        good = (
            f"# print the longest word in capitals and its length\nwords = {words}\n"
            "longest = max(words, key=len)\nprint(longest.upper(), len(longest))"
        )
        bad = good.replace("len(longest))", "len(longst))")
    else:
        data = [rng.randint(1, 99) for _ in range(rng.randint(7, 10))]
        good = (
            f"# count the even numbers\ndata = {data}\ncount = 0\nfor n in data:\n"
            "    if n % 2 == 0:\n        count += 1\nprint('even:', count)"
        )
        bad = good.replace("print('even:', count)", "print('even:', cuont)")
    return _fix_draft(rng, bad, good, NameError, _WHY_FIX)


@template(
    "fix_type_error",
    category="multi_step",
    difficulty="easy",
    subcategory="error_recovery",
    optimal=("code_executor",),
)
def _fix_type_error(rng: random.Random) -> Draft:
    if rng.random() < 0.5:
        xs = [rng.randint(5, 500) for _ in range(rng.randint(4, 7))]
        label = pick(rng, ("Total", "Sum", "Grand total"))
        good = f'# print the total\nxs = {xs}\ntotal = sum(xs)\nprint("{label}: " + str(total))'
        bad = good.replace("str(total)", "total")
    else:
        ages = [str(rng.randint(18, 80)) for _ in range(rng.randint(3, 6))]
        good = (
            f"# print the average age (ages arrive as text)\nages = {ages}\n"
            "print(sum(int(a) for a in ages) / len(ages))"
        )
        bad = good.replace("sum(int(a) for a in ages)", "sum(ages)")
    return _fix_draft(rng, bad, good, TypeError, _WHY_FIX)


@template(
    "factorial_threshold",
    category="multi_step",
    difficulty="easy",
    subcategory="search",
    optimal=("code_executor",),
)
def _factorial_threshold(rng: random.Random) -> Draft:
    if rng.random() < 0.5:
        k = rng.randint(8, 80)
        n = 1
        while math.factorial(n) <= 10**k:
            n += 1
        form = pick(
            rng,
            (
                "Find the smallest n such that n! > 10^{k}.",
                "What is the smallest positive integer n for which n factorial exceeds 10**{k}?",
            ),
        )
        code = f"import math\n\nn = 1\nwhile math.factorial(n) <= 10**{k}:\n    n += 1\nprint(n)"
        return Draft(form.format(k=k), str(n), "number", _WHY_SEARCH, solution=_code(code))
    d = rng.randint(10, 150)
    n = 1
    while len(str(math.factorial(n))) <= d:
        n += 1
    form = pick(
        rng,
        (
            "What is the smallest n such that n! has more than {d} digits?",
            "Find the first n whose factorial is longer than {d} decimal digits.",
        ),
    )
    code = f"import math\n\nn = 1\nwhile len(str(math.factorial(n))) <= {d}:\n    n += 1\nprint(n)"
    return Draft(form.format(d=d), str(n), "number", _WHY_SEARCH, solution=_code(code))


@template(
    "sum_of_squares_threshold",
    category="multi_step",
    difficulty="easy",
    subcategory="search",
    optimal=("code_executor",),
)
def _sum_of_squares_threshold(rng: random.Random) -> Draft:
    target = rng.randint(10_000, 50_000_000)
    n, acc = 0, 0
    while acc <= target:
        n += 1
        acc += n * n
    form = pick(
        rng,
        (
            "Find the smallest positive integer n such that 1² + 2² + ... + n² exceeds {t:,}.",
            "How many consecutive squares, starting from 1², must be added before the total passes {t}?",
        ),
    )
    code = f"n = total = 0\nwhile total <= {target}:\n    n += 1\n    total += n * n\nprint(n)"
    return Draft(form.format(t=target), str(n), "number", _WHY_SEARCH, solution=_code(code))


@template(
    "fix_attribute_error",
    category="multi_step",
    difficulty="easy",
    subcategory="error_recovery",
    optimal=("code_executor",),
    heldout=True,
)
def _fix_attribute_error(rng: random.Random) -> Draft:
    kind = rng.randrange(3)
    if kind == 0:
        xs = [rng.randint(1, 50) for _ in range(5)]
        good = f"# keep the numbers above 10, doubled\nout = []\nfor x in {xs}:\n    if x > 10:\n        out.append(x * 2)\nprint(out)"
        bad = good.replace("out.append(", "out.push(")
    elif kind == 1:
        word = pick(rng, WORDS)
        good = f'# print the word in capitals and its number of letters\nw = "{word}"\nprint(w.upper(), len(w))'
        bad = good.replace("len(w))", "w.length)")
    else:
        keys = rng.sample(WORDS, 4)
        d = {k: rng.randint(1, 9) for k in keys[:3]}
        good = (
            f"# print the stock of each item (0 when not stocked)\nstock = {d}\n"
            f"for item in {keys}:\n    print(item, stock.get(item, 0))"
        )
        bad = good.replace("stock.get(item, 0)", "stock.get_default(item, 0)")
    return _fix_draft(rng, bad, good, AttributeError, _WHY_FIX, with_solution=False)


# ---------------------------------------------------------------------------- intermediate


@template(
    "harmonic_threshold",
    category="multi_step",
    difficulty="intermediate",
    subcategory="search",
    optimal=("code_executor",),
)
def _harmonic_threshold(rng: random.Random) -> Draft:
    k = rng.randint(12, 36) / 4  # 3 to 9 in quarter steps
    n, acc = 0, 0.0
    while acc <= k:
        n += 1
        acc += 1 / n
    form = pick(
        rng,
        (
            "What is the smallest n such that 1 + 1/2 + 1/3 + ... + 1/n > {k}?",
            "Find the first n for which the harmonic number H_n exceeds {k}.",
        ),
    )
    code = f"n, total = 0, 0.0\nwhile total <= {k:g}:\n    n += 1\n    total += 1 / n\nprint(n)"
    return Draft(form.format(k=f"{k:g}"), str(n), "number", _WHY_SEARCH, solution=_code(code))


@template(
    "fibonacci_digits",
    category="multi_step",
    difficulty="intermediate",
    subcategory="search",
    optimal=("code_executor",),
)
def _fibonacci_digits(rng: random.Random) -> Draft:
    d = rng.randint(10, 400)
    a, b, i = 1, 1, 1
    while len(str(a)) < d:
        a, b, i = b, a + b, i + 1
    form = pick(
        rng,
        (
            "With F(1) = F(2) = 1, what is the index of the first Fibonacci number with {d} digits?",
            "Taking F1 = 1 and F2 = 1, find the smallest n such that F(n) has {d} decimal digits.",
        ),
    )
    code = f"a, b, n = 1, 1, 1\nwhile len(str(a)) < {d}:\n    a, b = b, a + b\n    n += 1\nprint(n)"
    return Draft(form.format(d=d), str(i), "number", _WHY_SEARCH, solution=_code(code))


@template(
    "fix_index_error",
    category="multi_step",
    difficulty="intermediate",
    subcategory="error_recovery",
    optimal=("code_executor",),
)
def _fix_index_error(rng: random.Random) -> Draft:
    xs = [rng.randint(-20, 90) for _ in range(rng.randint(6, 9))]
    kind = rng.randrange(3)
    if kind == 0:
        good = (
            f"# differences between consecutive readings\nxs = {xs}\ndiffs = []\n"
            "for i in range(len(xs) - 1):\n    diffs.append(xs[i + 1] - xs[i])\nprint(diffs, max(diffs))"
        )
        bad = good.replace("range(len(xs) - 1)", "range(len(xs))")
    elif kind == 1:
        good = (
            f"# add up every element, then print the total and the last element\nxs = {xs}\n"
            "total = 0\nfor i in range(len(xs)):\n    total += xs[i]\nprint(total, xs[len(xs) - 1])"
        )
        bad = good.replace("range(len(xs))", "range(len(xs) + 1)").replace(
            "xs[len(xs) - 1]", "xs[len(xs)]"
        )
    else:
        w = rng.randint(2, 3)
        good = (
            f"# sums of each window of {w} consecutive values\nxs = {xs}\n"
            f"print([sum(xs[i + j] for j in range({w})) for i in range(len(xs) - {w - 1})])"
        )
        bad = good.replace(f"range(len(xs) - {w - 1})", "range(len(xs))")
    return _fix_draft(rng, bad, good, IndexError, _WHY_FIX)


@template(
    "fix_key_error",
    category="multi_step",
    difficulty="intermediate",
    subcategory="error_recovery",
    optimal=("code_executor",),
)
def _fix_key_error(rng: random.Random) -> Draft:
    kind = rng.randrange(3)
    if kind == 0:
        vocab = rng.sample(WORDS, 4)
        words = [pick(rng, vocab) for _ in range(rng.randint(8, 14))]
        good = (
            f"# count how often each word occurs\nwords = {words}\ncounts = {{}}\nfor w in words:\n"
            "    counts[w] = counts.get(w, 0) + 1\nprint(sorted(counts.items()))"
        )
        bad = good.replace("counts[w] = counts.get(w, 0) + 1", "counts[w] += 1")
    elif kind == 1:
        names = rng.sample(WORDS, rng.randint(6, 8))
        teams = [pick(rng, ("red", "blue", "green")) for _ in names]
        pairs = list(zip(names, teams, strict=True))
        good = (
            f"# group the names by team\npairs = {pairs}\ngroups = {{}}\nfor name, team in pairs:\n"
            "    groups.setdefault(team, []).append(name)\nprint(sorted(groups.items()))"
        )
        bad = good.replace("groups.setdefault(team, []).append(name)", "groups[team].append(name)")
    else:
        items = rng.sample(WORDS, 5)
        prices = {it: rng.randint(1, 40) for it in items[:4]}
        order = [pick(rng, items) for _ in range(rng.randint(5, 8))]
        if items[4] not in order:
            order[rng.randrange(len(order))] = items[4]
        good = (
            f"# total price of the order; items without a price count as 0\nprices = {prices}\n"
            f"order = {order}\nprint(sum(prices.get(item, 0) for item in order))"
        )
        bad = good.replace("prices.get(item, 0)", "prices[item]")
    return _fix_draft(rng, bad, good, KeyError, _WHY_FIX)


@template(
    "multiple_digit_sum",
    category="multi_step",
    difficulty="intermediate",
    subcategory="search",
    optimal=("code_executor",),
    heldout=True,
)
def _multiple_digit_sum(rng: random.Random) -> Draft:
    while True:
        d = pick(rng, [n for n in range(7, 98) if n % 3])
        s = rng.randint(10, 36)
        m = next((k * d for k in range(1, 200_000) if sum(map(int, str(k * d))) == s), None)
        if m is not None:
            break
    form = pick(
        rng,
        (
            "What is the smallest positive multiple of {d} whose digits add up to {s}?",
            "Find the least positive integer that is divisible by {d} and has digit sum {s}.",
        ),
    )
    return Draft(form.format(d=d, s=s), str(m), "number", _WHY_SEARCH)


# ---------------------------------------------------------------------------- complex


def _collatz_len(n: int, memo: dict[int, int]) -> int:
    path = []
    while n != 1 and n not in memo:
        path.append(n)
        n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps = memo.get(n, 0)
    for m in reversed(path):
        steps += 1
        memo[m] = steps
    return steps


@template(
    "collatz_longest",
    category="multi_step",
    difficulty="complex",
    subcategory="search",
    optimal=("code_executor",),
)
def _collatz_longest(rng: random.Random) -> Draft:
    limit = rng.randint(1_000, 20_000)
    memo: dict[int, int] = {}
    best = max(range(1, limit), key=lambda n: (_collatz_len(n, memo), -n))
    form = pick(
        rng,
        (
            "Among the starting values 1 to {m}, which one produces the longest Collatz sequence (n → n/2 if even, 3n+1 if odd, until 1)? If tied, give the smallest.",
            "For every start below {l}, run the Collatz process until it reaches 1. Which start takes the most steps? (Smallest on ties.)",
        ),
    )
    code = (
        "def steps(n):\n    count = 0\n    while n != 1:\n"
        "        n = n // 2 if n % 2 == 0 else 3 * n + 1\n        count += 1\n    return count\n\n"
        f"# max keeps the first (smallest) start on ties\nprint(max(range(1, {limit}), key=steps))"
    )
    prompt = form.format(m=limit - 1, l=limit)
    return Draft(prompt, str(best), "number", _WHY_SEARCH, solution=_code(code))


@template(
    "prime_gap",
    category="multi_step",
    difficulty="complex",
    subcategory="search",
    optimal=("code_executor",),
)
def _prime_gap(rng: random.Random) -> Draft:
    gap = rng.randrange(10, 74, 2)
    primes = primes_below(250_000)
    first = next(p for p, q in itertools.pairwise(primes) if q - p >= gap)
    form = pick(
        rng,
        (
            "Find the first pair of consecutive primes that differ by at least {g}. Report the smaller prime.",
            "What is the smallest prime p such that the next prime after p is at least p + {g}?",
        ),
    )
    code = (
        "import math\n\n\ndef is_prime(n):\n"
        "    return n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))\n\n\n"
        "p = 2\nwhile True:\n    q = p + 1\n    while not is_prime(q):\n        q += 1\n"
        f"    if q - p >= {gap}:\n        break\n    p = q\nprint(p)"
    )
    return Draft(form.format(g=gap), str(first), "number", _WHY_SEARCH, solution=_code(code))


@template(
    "fix_two_bugs",
    category="multi_step",
    difficulty="complex",
    subcategory="error_recovery",
    optimal=("code_executor",),
)
def _fix_two_bugs(rng: random.Random) -> Draft:
    kind = rng.randrange(3)
    if kind == 0:
        names = rng.sample(WORDS, 4)
        while True:
            scores = [rng.randint(40, 100) for _ in names]
            if sum(scores) % len(scores) == 0 and scores.count(max(scores)) == 1:
                break
        table = dict(zip(names, scores, strict=True))
        good = (
            f"# report the average score and the best student\nscores = {table}\n"
            "avg = sum(scores.values()) / len(scores)\nbest = max(scores, key=scores.get)\n"
            'print("average: " + str(avg), "best:", best)'
        )
        bad = good.replace("len(scores)", "len(score)").replace("str(avg)", "avg")
        first: type[BaseException] = NameError
    elif kind == 1:
        words = rng.sample(WORDS, rng.randint(4, 6))
        good = (
            f"# print each word with its length, longest first\nwords = {words}\n"
            "ranked = sorted(words, key=len, reverse=True)\nfor i in range(len(ranked)):\n"
            '    print(ranked[i] + ": " + str(len(ranked[i])))'
        )
        bad = good.replace("range(len(ranked))", "range(len(ranked) + 1)").replace(
            "str(len(ranked[i]))", "len(ranked[i])"
        )
        first = TypeError
    else:
        stock = [
            (w, str(rng.randint(1, 60)), rng.randrange(5, 500, 5) / 100)
            for w in rng.sample(WORDS, 4)
        ]
        good = (
            f"# total inventory value (quantities arrive as text)\nstock = {stock}\ntotal = 0\n"
            "for name, qty, price in stock:\n    total += int(qty) * price\n"
            'print("Total value: %.2f" % total)'
        )
        bad = good.replace("int(qty) * price", "qty * price").replace("% total)", "% totl)")
        first = TypeError
    return _fix_draft(rng, bad, good, first, _WHY_FIX_TWO)


@template(
    "fix_recursion",
    category="multi_step",
    difficulty="complex",
    subcategory="error_recovery",
    optimal=("code_executor",),
)
def _fix_recursion(rng: random.Random) -> Draft:
    kind = rng.randrange(3)
    if kind == 0:
        k = rng.randint(15, 40)
        good = (
            "# n! (with 0! = 1! = 1)\ndef fact(n):\n    if n <= 1:\n        return 1\n"
            f"    return n * fact(n - 1)\n\nprint(fact({k}))"
        )
        bad = good.replace("    if n <= 1:\n        return 1\n", "")
    elif kind == 1:
        n = rng.randint(10**8, 10**15)
        good = (
            "# sum of the decimal digits of n\ndef digit_sum(n):\n    if n == 0:\n        return 0\n"
            f"    return n % 10 + digit_sum(n // 10)\n\nprint(digit_sum({n}))"
        )
        bad = good.replace("    if n == 0:\n        return 0\n", "")
    else:
        k = rng.randint(8, 18)
        good = (
            "# Fibonacci numbers with fib(0) = 0 and fib(1) = 1\ndef fib(n):\n    if n < 2:\n"
            f"        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint([fib(i) for i in range({k})])"
        )
        bad = good.replace("    if n < 2:\n        return n\n", "")
    return _fix_draft(rng, bad, good, RecursionError, _WHY_FIX)


@template(
    "search_then_compute",
    category="multi_step",
    difficulty="complex",
    subcategory="search",
    optimal=("code_executor",),
    heldout=True,
)
def _search_then_compute(rng: random.Random) -> Draft:
    why = (
        "Two dependent stages: first search for n, then compute with the n found; each stage "
        "is a separate run whose result feeds the next."
    )
    if rng.random() < 0.5:
        digits = rng.randint(50, 400)
        n = 1
        while len(str(math.factorial(n))) <= digits:
            n += 1
        value = sum(map(int, str(math.factorial(n))))
        prompt = pick(
            rng,
            (
                "Find the smallest n such that n! has more than {d} digits, then give the sum of the digits of that n!.",
                "Let n be the first integer whose factorial exceeds {d} digits. What is the digit sum of n!?",
            ),
        ).format(d=digits)
        return Draft(prompt, str(value), "number", why)
    prefix = str(rng.randint(10, 199))
    n = next(k for k in range(1, 100_000) if str(2**k).startswith(prefix))
    prompt = pick(
        rng,
        (
            "Find the smallest n such that 2^n begins with the digits {p}, then report how many digits 2^n has.",
            "Let n be the least exponent for which the decimal expansion of 2**n starts with {p}. How many digits does 2**n have?",
        ),
    ).format(p=prefix)
    return Draft(prompt, str(len(str(2**n))), "number", why)


TEMPLATES: tuple[Template, ...] = (
    _fix_name_error,
    _fix_type_error,
    _factorial_threshold,
    _sum_of_squares_threshold,
    _fix_attribute_error,
    _harmonic_threshold,
    _fibonacci_digits,
    _fix_index_error,
    _fix_key_error,
    _multiple_digit_sum,
    _collatz_longest,
    _prime_gap,
    _fix_two_bugs,
    _fix_recursion,
    _search_then_compute,
)
