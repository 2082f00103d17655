from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from behaviorlab.tasks.tooluse import (
    CATEGORIES,
    DIFFICULTIES,
    TOOL_NAMES,
    ToolUseItem,
    all_templates,
    cell_counts,
    generate_items,
    split_items,
    templates_by_cell,
)
from behaviorlab.tasks.tooluse._exec import SnippetError, run_snippet, snippet_error
from behaviorlab.tasks.tooluse._template import WORDS

SRC = Path(__file__).resolve().parents[3] / "src"


@pytest.fixture(scope="module")
def items() -> list[ToolUseItem]:
    return generate_items()


def test_counts_per_cell_and_total(items: list[ToolUseItem]) -> None:
    assert len(items) == 720
    cells = cell_counts(items)
    assert len(cells) == 12
    for cell in cells:
        assert cell.total == 60
        assert cell.total >= 50
        assert cell.heldout > 0 and cell.train > 0
    train, heldout = split_items(items)
    assert len(train) + len(heldout) == len(items)
    # About a fifth held out: one template in five or six per cell.
    assert 0.15 <= len(heldout) / len(items) <= 0.25


def test_grid_has_many_named_templates_per_cell() -> None:
    cells = templates_by_cell()
    assert set(cells) == {(c, d) for c in CATEGORIES for d in DIFFICULTIES}
    for templates in cells.values():
        assert len(templates) >= 5
        assert 1 <= sum(t.heldout for t in templates) <= 2
        assert len({t.subcategory for t in templates}) >= 1
    subcats = {(t.category, t.subcategory) for t in all_templates()}
    assert subcats == {
        ("reasoning", "explain"),
        ("reasoning", "review"),
        ("reasoning", "design"),
        ("execution", "numeric"),
        ("execution", "data_transform"),
        ("execution", "runtime_behavior"),
        ("ambiguous", "small_arithmetic"),
        ("ambiguous", "tiny_data"),
        ("multi_step", "search"),
        ("multi_step", "error_recovery"),
    }


def test_heldout_templates_disjoint_from_train(items: list[ToolUseItem]) -> None:
    train, heldout = split_items(items)
    train_t = {i.template for i in train}
    heldout_t = {i.template for i in heldout}
    assert train_t and heldout_t
    assert train_t.isdisjoint(heldout_t)
    assert train_t | heldout_t == {t.name for t in all_templates()}
    assert {i.prompt for i in train}.isdisjoint({i.prompt for i in heldout})


def test_items_are_consistent(items: list[ToolUseItem]) -> None:
    assert len({i.id for i in items}) == len(items)
    assert len({i.prompt for i in items}) == len(items)
    for i in items:
        assert set(i.optimal_tools) <= set(TOOL_NAMES)
        assert i.why
        if i.category == "reasoning":
            assert i.optimal_tools == ["answer_directly"] and i.acceptable_tools == []
            assert i.expected_output is None and i.answer_type == "none"
            assert i.reference_keywords
        else:
            assert i.expected_output is not None and i.answer_type != "none"
        if i.category in ("execution", "multi_step"):
            assert "answer_directly" not in i.optimal_tools + i.acceptable_tools
        if i.category == "ambiguous":
            assert "answer_directly" in i.optimal_tools + i.acceptable_tools
            assert len(i.optimal_tools) + len(i.acceptable_tools) >= 2
        if i.category == "ambiguous" and i.difficulty == "easy":
            assert i.optimal_tools == ["answer_directly"]
        if i.answer_type == "list":
            assert isinstance(json.loads(i.expected_output or ""), list)


def test_deterministic_for_a_seed_and_varies_with_it() -> None:
    a = [i.model_dump() for i in generate_items(15, seed=7)]
    b = [i.model_dump() for i in generate_items(15, seed=7)]
    c = [i.model_dump() for i in generate_items(15, seed=8)]
    assert a == b
    assert sum(x["prompt"] != y["prompt"] for x, y in zip(a, c, strict=True)) > 100


def test_deterministic_across_processes_with_different_hash_seeds() -> None:
    code = (
        "import hashlib, json\n"
        "from behaviorlab.tasks.tooluse import generate_items\n"
        "items = [i.model_dump() for i in generate_items(10, seed=3)]\n"
        "print(hashlib.sha256(json.dumps(items).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    here = [i.model_dump() for i in generate_items(10, seed=3)]
    digests.add(hashlib.sha256(json.dumps(here).encode()).hexdigest())
    assert len(digests) == 1


def test_n_per_cell_is_respected_and_validated() -> None:
    small = generate_items(6, seed=1)
    assert [c.total for c in cell_counts(small)] == [6] * 12
    with pytest.raises(ValueError):
        generate_items(0)


# ---------------------------------------------------------------------------- ground truth
# Each recomputation reads only the prompt and uses its own code, not the generator's.


def _ints(prompt: str) -> list[int]:
    return [
        int(x.replace(",", "")) for x in re.findall(r"(?<![\w.])\d[\d,]*\d|(?<![\w.])\d", prompt)
    ]


def _word_list(prompt: str) -> list[str]:
    m = re.search(r"[a-z]+(?:, [a-z]+){3,}", prompt)
    assert m, prompt
    return m.group(0).split(", ")


def _num_list(prompt: str) -> list[int]:
    m = re.search(r"\d+(?:, \d+){2,}", prompt)
    assert m, prompt
    return [int(x) for x in m.group(0).split(", ")]


def _code(prompt: str) -> str:
    m = re.search(r"```python\n(.*?)```", prompt, re.DOTALL)
    assert m, prompt
    return m.group(1)


def _real_exec(prompt: str) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(_code(prompt), {"__name__": "__check__"})
    return buf.getvalue().rstrip("\n")


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))


def _first_gap(gap: int) -> int:
    p = 2
    while True:
        q = p + 1
        while not _is_prime(q):
            q += 1
        if q - p >= gap:
            return p
        p = q


def _fib_index(digits: int) -> int:
    a, b, n = 1, 1, 1
    while a < 10 ** (digits - 1):
        a, b, n = b, a + b, n + 1
    return n


def _harmonic(k: float) -> int:
    n, h = 0, 0.0
    while h <= k:
        n += 1
        h += 1.0 / n
    return n


def _factorial_threshold(p: str) -> int:
    (k,) = _ints(p.replace("10^", "").replace("10**", ""))[-1:]
    n = 1
    if "digits" in p:
        while len(str(math.factorial(n))) <= k:
            n += 1
    else:
        while math.factorial(n) <= 10**k:
            n += 1
    return n


def _squares(p: str) -> int:
    t = _ints(p)[-1]
    n = 1
    while n * (n + 1) * (2 * n + 1) // 6 <= t:
        n += 1
    return n


def _dates(p: str) -> str:
    if "weekday" in p or "day of the week" in p:
        d = dt.date.fromisoformat(re.search(r"\d{4}-\d{2}-\d{2}", p).group(0))  # type: ignore[union-attr]
        return d.strftime("%A")
    a, b = re.findall(r"[A-Z][a-z]+ \d{1,2}, \d{4}", p)
    fmt = "%B %d, %Y"
    return str((dt.datetime.strptime(b, fmt) - dt.datetime.strptime(a, fmt)).days)


def _matrix_det(p: str) -> int:
    rows = [r for r in p.splitlines() if re.fullmatch(r"[\s\d-]+", r) and r.strip()]
    m = np.array([[int(v) for v in r.split()] for r in rows], dtype=float)
    return round(float(np.linalg.det(m)))


def _compound(p: str) -> float:
    principal = float(re.search(r"\$([\d,]+)", p).group(1).replace(",", ""))  # type: ignore[union-attr]
    rate = float(re.search(r"([\d.]+)%", p).group(1))  # type: ignore[union-attr]
    years = int(re.search(r"(\d+) years", p).group(1))  # type: ignore[union-attr]
    k = {"monthly": 12, "quarterly": 4, "annually": 1}[
        re.search(r"monthly|quarterly|annually", p).group(0)  # type: ignore[union-attr]
    ]
    return principal * (1 + rate / 100 / k) ** (k * years)


def _loan(p: str) -> float:
    principal = float(re.search(r"\$([\d,]+)", p).group(1).replace(",", ""))  # type: ignore[union-attr]
    r = float(re.search(r"([\d.]+)%", p).group(1)) / 1200  # type: ignore[union-attr]
    n = 12 * int(re.search(r"(\d+) years", p).group(1))  # type: ignore[union-attr]
    return principal * r / (1 - (1 + r) ** -n)


def _stats(p: str) -> float:
    xs = np.array(_num_list(p), dtype=float)
    if "variance" in p:
        return float(np.var(xs, ddof=1))
    return float(np.std(xs, ddof=1 if "sample" in p else 0))


def _letter_count(p: str) -> int:
    letter = re.search(r"'(\w)'", p).group(1)  # type: ignore[union-attr]
    phrase = re.search(r'"([^"]+)"', p).group(1)  # type: ignore[union-attr]
    return phrase.count(letter)


def _reverse(p: str) -> str:
    m = re.search(r"'(\w+)'", p) or re.search(r"word (\w+)\.", p)
    assert m, p
    return m.group(1)[::-1]


def _add_small(p: str) -> int:
    a, b = _ints(p)
    return a + b if ("+" in p or "Add" in p or "plus" in p) else abs(a - b)


def _product(p: str) -> int:
    a, b = _ints(p)
    return a * b


def _sorted_words(p: str) -> list[str]:
    return sorted(_word_list(p), reverse="reverse" in p)


def _sorted_by_length(p: str) -> list[str]:
    words = _word_list(p)
    if "longest first" in p:
        return sorted(words, key=lambda w: (-len(w), w))
    return sorted(words, key=lambda w: (len(w), w))


EXACT: dict[str, Callable[[str], object]] = {
    "execution.easy.multiply": _product,
    "execution.easy.power": lambda p: (lambda b, e: b**e)(*_ints(p)[:2]),
    "execution.easy.sum_list": lambda p: sum(_ints(p)),
    "execution.easy.sort_words": _sorted_words,
    "execution.easy.print_snippet": _real_exec,
    "execution.intermediate.sort_length_alpha": _sorted_by_length,
    "execution.intermediate.loop_snippet": _real_exec,
    "execution.intermediate.dates": _dates,
    "execution.complex.tricky_snippet": _real_exec,
    "execution.complex.digit_sum_power": lambda p: sum(
        int(c) for c in str(_ints(p)[0] ** _ints(p)[1])
    ),
    "execution.complex.determinant": _matrix_det,
    "ambiguous.easy.times_table": _product,
    "ambiguous.easy.add_small": _add_small,
    "ambiguous.easy.reverse_word": _reverse,
    "ambiguous.easy.sort_few": lambda p: sorted(_ints(p), reverse="largest to" in p),
    "ambiguous.intermediate.two_by_one": _product,
    "ambiguous.intermediate.alphabetize_few": lambda p: sorted(_word_list(p)),
    "ambiguous.complex.two_by_two": _product,
    "ambiguous.complex.sum_six": lambda p: sum(_ints(p)),
    "ambiguous.complex.sort_by_length_few": _sorted_by_length,
    "ambiguous.complex.count_letter": _letter_count,
    "multi_step.easy.factorial_threshold": _factorial_threshold,
    "multi_step.easy.sum_of_squares_threshold": _squares,
    "multi_step.intermediate.harmonic_threshold": lambda p: _harmonic(
        float(re.search(r"(?:>|exceeds) (\d+(?:\.\d+)?)", p).group(1))  # type: ignore[union-attr]
    ),
    "multi_step.intermediate.fibonacci_digits": lambda p: _fib_index(_ints(p)[-1]),
    "multi_step.complex.prime_gap": lambda p: _first_gap(_ints(p)[-1]),
}
APPROX: dict[str, tuple[Callable[[str], float], float]] = {
    "execution.intermediate.compound_interest": (_compound, 0.011),
    "execution.intermediate.statistics": (_stats, 0.0001),
    "execution.complex.loan_payment": (_loan, 0.011),
}
RAISES: dict[str, type[BaseException]] = {
    "multi_step.easy.fix_name_error": NameError,
    "multi_step.easy.fix_type_error": TypeError,
    "multi_step.easy.fix_attribute_error": AttributeError,
    "multi_step.intermediate.fix_index_error": IndexError,
    "multi_step.intermediate.fix_key_error": KeyError,
    "multi_step.complex.fix_recursion": RecursionError,
}


def _as_expected(value: object) -> str:
    return json.dumps(value) if isinstance(value, list) else str(value)


def test_ground_truth_recomputed_independently(items: list[ToolUseItem]) -> None:
    checked: Counter[str] = Counter()
    for item in items:
        if item.template in EXACT:
            assert _as_expected(EXACT[item.template](item.prompt)) == item.expected_output, item
        elif item.template in APPROX:
            fn, tol = APPROX[item.template]
            assert abs(fn(item.prompt) - float(item.expected_output or "nan")) <= tol, item
        else:
            continue
        checked[item.template] += 1
    assert len(checked) == len(EXACT) + len(APPROX)
    assert sum(checked.values()) >= 300


def test_buggy_programs_raise_under_real_python(items: list[ToolUseItem]) -> None:
    checked = 0
    for item in items:
        if item.subcategory != "error_recovery":
            continue
        with pytest.raises(Exception) as info:
            _real_exec(item.prompt)
        if item.template in RAISES:
            assert info.type is RAISES[item.template], item.prompt
        assert item.answer_type == "text" and item.expected_output
        checked += 1
    assert checked >= 80


def test_words_are_distinct_lowercase() -> None:
    assert len(set(WORDS)) == len(WORDS)
    assert all(w.isalpha() and w.islower() for w in WORDS)


def test_snippet_runner_captures_output_and_blocks_escape() -> None:
    assert run_snippet("print(1, 2, sep='-')\nprint('x', end='')") == "1-2\nx"
    assert run_snippet("import math\nprint(math.isqrt(50))") == "7"
    with pytest.raises(SnippetError):
        run_snippet("import os\nprint(os.getcwd())")
    with pytest.raises(SnippetError):
        run_snippet("open('/etc/passwd')")
    assert snippet_error("print(undefined_name)") is NameError
    with pytest.raises(SnippetError):
        snippet_error("print('fine')")
