"""Run the generator's own snippets to obtain exact expected outputs.

The snippets are the generator's templates (trusted code), so this is not a sandbox: the
restricted namespace only keeps a template bug from reaching files, the network or the
process's stdout. Output is captured through a private ``print`` rather than by redirecting
``sys.stdout``, which is process-global and would race with other threads.
"""

from __future__ import annotations

import builtins
import io
from collections.abc import Mapping, Sequence
from typing import Any

_ALLOWED_MODULES = frozenset(
    {
        "math",
        "itertools",
        "collections",
        "functools",
        "statistics",
        "datetime",
        "json",
        "re",
        "fractions",
        "decimal",
        "string",
        "operator",
    }
)

_SAFE_BUILTINS = (  # noqa: SIM905 - a word list reads better as text
    "abs all any bin bool chr dict divmod enumerate filter float format frozenset getattr hasattr "
    "hex int isinstance issubclass iter len list map max min next object oct ord pow range repr "
    "reversed round set slice sorted str sum super tuple type zip property staticmethod "
    "classmethod callable __build_class__ "
    "ArithmeticError AssertionError AttributeError Exception IndexError KeyError LookupError "
    "NameError RecursionError RuntimeError StopIteration TypeError ValueError ZeroDivisionError "
    "UnboundLocalError"
).split()


class SnippetError(RuntimeError):
    """A generator snippet did not behave as its template promised."""


def _restricted_import(
    name: str,
    globals_: Mapping[str, object] | None = None,
    locals_: Mapping[str, object] | None = None,
    fromlist: Sequence[str] = (),
    level: int = 0,
) -> Any:
    if level != 0 or name.split(".")[0] not in _ALLOWED_MODULES:
        raise ImportError(f"import of {name!r} is not allowed in generator snippets")
    return builtins.__import__(name, globals_, locals_, fromlist, level)


def _namespace(out: io.StringIO) -> dict[str, Any]:
    safe: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTINS}

    def _print(*args: object, sep: str | None = " ", end: str | None = "\n", **_: object) -> None:
        out.write((" " if sep is None else sep).join(str(a) for a in args))
        out.write("\n" if end is None else end)

    safe["print"] = _print
    safe["__import__"] = _restricted_import
    return {"__builtins__": safe, "__name__": "__snippet__"}


def run_snippet(code: str) -> str:
    """Execute ``code`` and return what it printed, without the final newline."""
    out = io.StringIO()
    try:
        exec(compile(code, "<snippet>", "exec"), _namespace(out))
    except Exception as exc:
        raise SnippetError(f"snippet raised {type(exc).__name__}: {exc}\n{code}") from exc
    return out.getvalue().rstrip("\n")


def snippet_error(code: str) -> type[BaseException]:
    """Execute ``code``, which must raise; return the exception type it raised."""
    out = io.StringIO()
    try:
        exec(compile(code, "<snippet>", "exec"), _namespace(out))
    except Exception as exc:
        return type(exc)
    raise SnippetError(f"snippet was expected to raise but printed {out.getvalue()!r}\n{code}")
