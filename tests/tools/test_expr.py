"""The safe calculator: exact arithmetic, and nothing that reaches Python."""

from __future__ import annotations

import builtins
import math
from fractions import Fraction

import pytest

from behaviorlab.tools import (
    ExpressionError,
    ExpressionLimits,
    ToolError,
    evaluate_expression,
    format_number,
    strip_money,
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("48213*9377", 48213 * 9377),
        ("2^64", 2**64),
        ("2**-2", Fraction(1, 4)),
        ("factorial(20)", math.factorial(20)),
        ("(1 + 2) * 3 - 4 / 2", 7),
        ("7 // 2 + 10 % 3", 4),
        ("-(3)**2", -9),
        ("max(1, 5, 3) + min(4, 2) + sum(1, 2, 3)", 13),
        ("gcd(12, 18) + lcm(4, 6) + comb(5, 2) + perm(4, 2)", 6 + 12 + 10 + 12),
        ("1/3", Fraction(1, 3)),
        ("abs(-4) + round(2.5) + floor(2.7) + ceil(2.1)", 4 + 2 + 2 + 3),
        ("round(3.14159, 2)", 3.14),
    ],
)
def test_exact_arithmetic(expression: str, expected: object) -> None:
    assert evaluate_expression(expression) == expected


def test_floats_and_functions() -> None:
    assert evaluate_expression("sqrt(2)") == pytest.approx(math.sqrt(2))
    assert evaluate_expression("log(8, 2)") == pytest.approx(3)
    assert evaluate_expression("sin(pi / 2) + e") == pytest.approx(1 + math.e)
    assert evaluate_expression("1.5 * 4") == 6.0


def test_format_number() -> None:
    assert format_number(evaluate_expression("48213*9377")) == "452093301"
    assert format_number(Fraction(1, 3)) == "1/3"
    assert format_number(Fraction(1, 3001)) == format(1 / 3001, ".15g")
    assert format_number(6.0) == "6"
    assert format_number(0.1 + 0.2) == "0.3"


def test_strip_money_keeps_argument_commas() -> None:
    assert strip_money("$1,234 + 5") == "1234 + 5"
    assert strip_money("1,234,567.5 * 2") == "1234567.5 * 2"
    assert strip_money("max(1,234)") == "max(1,234)"
    assert strip_money("max($1,050, 9)") == "max(1050, 9)"
    assert evaluate_expression(strip_money("$180 + $1,050")) == 1230


# Each of these would run code, read files, loop for ever or exhaust memory if it reached
# Python's eval (sympify included); here each must be refused with a message.
PAYLOADS = [
    "__import__('os').system('touch pwned')",
    "().__class__.__base__.__subclasses__()",
    "open('pwned', 'w').write('x')",
    "exec(\"open('pwned', 'w')\")",
    "eval('1+1')",
    "getattr(1, 'real')",
    "globals()",
    "__builtins__",
    "lambda: 0",
    "[x for x in range(10**9)]",
    "(1).__class__",
    "'a' * 10**9",
    "import os",
    "x = 1",
    "1; import os",
    "sqrt(x=4)",
    "factorial(10**6)",
    "9**9**9**9",
    "10**10000",
    "2.0**100000",
    "1e308 * 10",
    "-" * 499 + "1",
    "1" + "+1" * 400,
    "comb(10**6, 500000)",
    "(" * 240 + "1" + ")" * 240,
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_payloads_are_refused_and_run_nothing(
    payload: str, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ExpressionError) as info:
        evaluate_expression(payload)
    assert isinstance(info.value, ToolError)
    assert str(info.value)  # a message naming what was wrong
    assert list(tmp_path.iterdir()) == []  # type: ignore[attr-defined]
    assert not hasattr(builtins, "PWNED")


def test_messages_name_the_problem() -> None:
    cases = {
        "__import__('os')": "unknown function '__import__'",
        "os": "unknown name 'os'",
        "(1).real": "attribute access",
        "'abc'": "strings",
        "10**10000": "more than 1000 digits",
        "1/0": "division by zero",
        "sqrt(-1)": "math domain error",
        "": "empty",
    }
    for expression, words in cases.items():
        with pytest.raises(ExpressionError, match=words.replace("(", r"\(")):
            evaluate_expression(expression)


def test_limits_are_settings() -> None:
    tight = ExpressionLimits(max_length=10, max_exponent=3)
    with pytest.raises(ExpressionError, match="longer than 10"):
        evaluate_expression("1+2+3+4+5+6", tight)
    with pytest.raises(ExpressionError, match="exponent larger than 3"):
        evaluate_expression("2**4", tight)
    assert evaluate_expression("2**3", tight) == 8
