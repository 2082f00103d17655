"""A calculator that cannot reach Python: arithmetic expressions evaluated from their AST.

An LLM's tool arguments are untrusted data (a prompt injection in a task, a tool result or a
web page can write them), so no tool may hand them to ``eval``, ``sympify`` or ``parse_expr``.
This evaluator parses the text with ``ast.parse`` and walks a whitelist: number literals,
``+ - * / // % **`` (``^`` is read as a power, as calculators and sympy read it), unary signs,
parentheses, a few named constants and named math functions. Everything else — names,
attributes, subscripts, strings, keyword arguments, lambdas, comprehensions — is refused with
an :class:`ExpressionError` naming what was found. Sizes are bounded so an expression cannot
exhaust memory or CPU: the text's length, the number of nodes, exponents, factorials and the
digits of every intermediate integer.

Arithmetic on integers is exact (``Fraction`` for division); a float literal or a
transcendental function makes the result a float.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from behaviorlab.tools._tool import ToolError

Number = int | Fraction | float


class ExpressionError(ToolError):
    """The expression is not plain arithmetic, or its evaluation would exceed a bound."""


@dataclass(frozen=True)
class ExpressionLimits:
    max_length: int = 500
    max_nodes: int = 300
    max_exponent: int = 10_000
    max_digits: int = 1_000
    max_factorial: int = 400


_BINOPS: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}

_CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}

# functions of floats; each gets float arguments and returns a float
_FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt,
    "cbrt": math.cbrt,
    "exp": math.exp,
    "log10": math.log10,
    "log2": math.log2,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "atan2": math.atan2,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "hypot": math.hypot,
    "degrees": math.degrees,
    "radians": math.radians,
}

_INT_FUNCTIONS: dict[str, Callable[..., int]] = {
    "gcd": math.gcd,
    "lcm": math.lcm,
    "comb": math.comb,
    "perm": math.perm,
}

_OTHER_FUNCTIONS = frozenset(
    {"abs", "round", "floor", "ceil", "min", "max", "sum", "factorial", "log"}
)

FUNCTIONS: frozenset[str] = (
    frozenset(_FLOAT_FUNCTIONS) | frozenset(_INT_FUNCTIONS) | _OTHER_FUNCTIONS
)

_WHAT: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.Compare: "comparisons",
    ast.BoolOp: "boolean operators",
    ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignments",
    ast.JoinedStr: "strings",
    ast.Starred: "starred arguments",
    ast.Await: "await",
}


def evaluate_expression(expression: str, limits: ExpressionLimits | None = None) -> Number:
    """The value of an arithmetic ``expression``; raises :class:`ExpressionError` otherwise."""
    lim = limits or ExpressionLimits()
    if not isinstance(expression, str):
        raise ExpressionError(f"the expression must be text, not {type(expression).__name__}")
    text = expression.strip()
    if not text:
        raise ExpressionError("the expression is empty")
    if len(text) > lim.max_length:
        raise ExpressionError(f"the expression is longer than {lim.max_length} characters")
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"not an arithmetic expression: {e.msg} in {_quote(text)}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > lim.max_nodes:
        raise ExpressionError(f"the expression has {nodes} parts; at most {lim.max_nodes} allowed")
    return _Evaluator(lim).eval(tree.body)


def format_number(value: Number, *, max_denominator: int = 1000, digits: int = 15) -> str:
    """Integers as integers, small fractions as ``p/q``, everything else to ``digits`` places."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        if value.denominator < max_denominator:
            return f"{value.numerator}/{value.denominator}"
        value = float(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, f".{digits}g")
    return str(value)


_MONEY = re.compile(r"[$€£]")
_MONEY_AMOUNT = re.compile(r"[$€£]\s*\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w.])")
_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w.])")
_CALL = re.compile(r"[A-Za-z_]\w*\s*\(")


def strip_money(expression: str) -> str:
    """Currency signs removed, and thousands separators: in an amount with a currency sign
    always (``max($1,050, 9)``), elsewhere where no function call could mean the comma as an
    argument separator (``1,234 + 5`` but not ``max(1,234)``)."""
    text = _MONEY_AMOUNT.sub(lambda m: m.group(0).replace(",", ""), expression)
    text = _MONEY.sub("", text)
    if _CALL.search(text):
        return text
    return _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)


def _quote(text: str, n: int = 60) -> str:
    return repr(text if len(text) <= n else text[:n] + "…")


class _Evaluator:
    def __init__(self, limits: ExpressionLimits) -> None:
        self.lim = limits

    def eval(self, node: ast.AST) -> Number:
        if isinstance(node, ast.Constant):
            return self._constant(node.value)
        if isinstance(node, ast.Name):
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            raise ExpressionError(
                f"unknown name {node.id!r}: only numbers, {', '.join(sorted(_CONSTANTS))} and "
                "calls of math functions are allowed"
            )
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            v = self.eval(node.operand)
            return -v if isinstance(node.op, ast.USub) else +v
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        what = _WHAT.get(type(node), type(node).__name__)
        raise ExpressionError(f"{what} not allowed in an arithmetic expression")

    def _constant(self, value: object) -> Number:
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "strings" if isinstance(value, str | bytes) else type(value).__name__
            raise ExpressionError(f"{kind} not allowed in an arithmetic expression")
        return self._checked(value)

    def _checked(self, value: Number) -> Number:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ExpressionError("the result is not a finite number")
            return value
        ints = (value,) if isinstance(value, int) else (value.numerator, value.denominator)
        limit_bits = int(self.lim.max_digits * 3.33)
        if any(abs(i).bit_length() > limit_bits for i in ints):
            raise ExpressionError(f"a result has more than {self.lim.max_digits} digits")
        if isinstance(value, Fraction) and value.denominator == 1:
            return value.numerator
        return value

    def _binop(self, node: ast.BinOp) -> Number:
        left, right = self.eval(node.left), self.eval(node.right)
        try:
            if isinstance(node.op, ast.Div):
                if isinstance(left, float) or isinstance(right, float):
                    return self._checked(float(left) / float(right))
                return self._checked(Fraction(left) / Fraction(right))
            if isinstance(node.op, ast.Pow):
                return self._power(left, right)
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise ExpressionError(
                    f"operator {type(node.op).__name__} not allowed in an arithmetic expression"
                )
            return self._checked(op(left, right))
        except ZeroDivisionError:
            raise ExpressionError("division by zero") from None
        except OverflowError:
            raise ExpressionError("the result is too large") from None

    def _power(self, base: Number, exp: Number) -> Number:
        if isinstance(exp, Fraction) and exp.denominator != 1:
            exp = float(exp)
        if isinstance(exp, float) or isinstance(base, float):
            if abs(float(exp)) > self.lim.max_exponent:
                raise ExpressionError(f"exponent larger than {self.lim.max_exponent}")
            result = float(base) ** float(exp)
            if isinstance(result, complex):
                raise ExpressionError("the result is not a real number")
            return self._checked(result)
        e = int(exp)
        if abs(e) > self.lim.max_exponent:
            raise ExpressionError(f"exponent larger than {self.lim.max_exponent}")
        mag = (
            max(abs(base.numerator), abs(base.denominator))
            if isinstance(base, Fraction)
            else abs(base)
        )
        if mag > 1 and abs(e) * math.log10(mag) > self.lim.max_digits:
            raise ExpressionError(f"the result would have more than {self.lim.max_digits} digits")
        if e < 0:
            return self._checked(Fraction(base) ** e)
        return self._checked(base**e)

    def _call(self, node: ast.Call) -> Number:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only named math functions may be called, e.g. sqrt(2)")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(
                f"unknown function {name!r}; allowed: {', '.join(sorted(FUNCTIONS))}"
            )
        if node.keywords:
            raise ExpressionError(f"{name}() takes no keyword arguments")
        args = [self.eval(a) for a in node.args]
        try:
            return self._apply(name, args)
        except (ValueError, TypeError) as e:
            raise ExpressionError(f"{name}{tuple(args)}: {e}") from None
        except OverflowError:
            raise ExpressionError(f"{name}() of these arguments is too large") from None

    def _apply(self, name: str, args: list[Number]) -> Number:
        if name in ("min", "max", "sum"):
            if not args:
                raise ValueError("needs at least one argument")
            agg: dict[str, Callable[[list[Number]], Number]] = {"min": min, "max": max, "sum": sum}
            return self._checked(agg[name](args))
        if name == "abs":
            (x,) = _arity(name, args, 1)
            return -x if x < 0 else x
        if name in ("floor", "ceil"):
            (x,) = _arity(name, args, 1)
            return self._checked(math.floor(x) if name == "floor" else math.ceil(x))
        if name == "round":
            if len(args) not in (1, 2):
                raise ValueError("takes 1 or 2 arguments")
            x, places = args[0], (_integer(args[1]) if len(args) == 2 else 0)
            if isinstance(x, float):
                return self._checked(round(x, places) if len(args) == 2 else float(round(x)))
            rounded: Number = round(Fraction(x), places)
            return self._checked(rounded)
        if name == "factorial":
            (x,) = _arity(name, args, 1)
            n = _integer(x)
            if n > self.lim.max_factorial:
                raise ValueError(f"argument larger than {self.lim.max_factorial}")
            return self._checked(math.factorial(n))
        if name == "log":
            if len(args) == 1:
                return self._checked(math.log(float(args[0])))
            x, base = _arity(name, args, 2)
            return self._checked(math.log(float(x), float(base)))
        if name in _INT_FUNCTIONS:
            ints = [_integer(a) for a in args]
            if name in ("comb", "perm") and any(i > self.lim.max_factorial for i in ints):
                raise ValueError(f"argument larger than {self.lim.max_factorial}")
            return self._checked(_INT_FUNCTIONS[name](*ints))
        return self._checked(_FLOAT_FUNCTIONS[name](*(float(a) for a in args)))


def _arity(name: str, args: list[Number], n: int) -> list[Number]:
    if len(args) != n:
        raise ValueError(f"takes {n} argument{'s' if n > 1 else ''}, got {len(args)}")
    return args


def _integer(x: Number) -> int:
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    if isinstance(x, float) and x.is_integer():
        return int(x)
    raise ValueError(f"{x} is not an integer")
