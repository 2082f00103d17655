"""Scoring exactly as BFCL scores: its own AST checker, imported from the installed wheel.

``bfcl_eval.eval_checker.ast_eval.ast_checker`` imports ``bfcl_eval.constants.model_config``,
which imports every provider SDK BFCL supports. The checker reads one thing from it,
``MODEL_CONFIG_MAPPING[model].underscore_to_dot`` (whether a function named ``math.factorial``
is expected back as ``math_factorial``), so a stand-in module holding that one entry is put in
``sys.modules`` while the checker is imported, and taken out again: the checker keeps its own
reference. Calls are checked under the original (dotted) names, BFCL's prompt-mode setting.

The decode rules around the checker are BFCL's ``eval_runner``'s, restated here because the
module holding them imports the same SDKs: an output that is not a list of one-key
``{function: {argument: value}}`` objects fails; in the irrelevance categories an item passes
when there is no call (``[]`` or ``[{}]``), in live_relevance when there is one.
"""

from __future__ import annotations

import copy
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from behaviorlab.tasks.bfcl._data import BFCLItem, BFCLNotInstalledError

#: the model name the checker is called with (the stand-in's only entry)
CHECKER_MODEL = "behaviorlab"
_MODULE = "bfcl_eval.constants.model_config"
_lock = threading.Lock()
_checker: tuple[Callable[..., dict[str, Any]], Any] | None = None


@dataclass(frozen=True)
class _StandInConfig:
    underscore_to_dot: bool = False


class CheckResult(BaseModel):
    valid: bool
    error: str | None = None
    error_type: str | None = None


def _load() -> tuple[Callable[..., dict[str, Any]], Any]:
    global _checker
    with _lock:
        if _checker is None:
            previous = sys.modules.get(_MODULE)
            stand_in = types.ModuleType(_MODULE)
            stand_in.MODEL_CONFIG_MAPPING = {CHECKER_MODEL: _StandInConfig()}  # type: ignore[attr-defined]
            sys.modules[_MODULE] = stand_in
            try:
                from bfcl_eval.constants.enums import Language
                from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker
            except ImportError as e:
                raise BFCLNotInstalledError(
                    f"cannot import BFCL's AST checker from bfcl-eval: {e}"
                ) from e
            finally:
                if previous is None:
                    sys.modules.pop(_MODULE, None)
                else:
                    sys.modules[_MODULE] = previous
            _checker = (ast_checker, Language.PYTHON)
        return _checker


def is_call_list(output: Any) -> bool:
    """BFCL's ``is_function_calling_format_output``: ``[{name: {arg: value}}, ...]``."""
    return isinstance(output, list) and all(
        isinstance(c, dict) and len(c) == 1 and isinstance(next(iter(c.values())), dict)
        for c in output
    )


def has_call(output: Any) -> bool:
    """Whether BFCL's relevance rule sees a call (``[]`` and ``[{}]`` are none)."""
    if not is_call_list(output) or not output:
        return False
    return not (len(output) == 1 and len(output[0]) == 0)


def check(item: BFCLItem, calls: Any) -> CheckResult:
    """BFCL's verdict on ``calls`` (BFCL's format, original function names) for ``item``."""
    if item.category in ("irrelevance", "live_irrelevance"):
        if has_call(calls):
            return CheckResult(
                valid=False,
                error="a function was called where none fits",
                error_type="irrelevance_error:decoder_success",
            )
        return CheckResult(valid=True)
    if item.category == "live_relevance":
        if has_call(calls):
            return CheckResult(valid=True)
        return CheckResult(
            valid=False, error="no function was called", error_type="relevance_error"
        )
    if item.ground_truth is None:
        raise ValueError(f"BFCL item {item.id} has no possible answer to check against")
    if not is_call_list(calls):
        return CheckResult(
            valid=False,
            error=f"not a list of {{function: {{argument: value}}}} calls: {str(calls)[:200]}",
            error_type="ast_decoder:decoder_wrong_output_format",
        )
    ast_checker, python = _load()
    # deep copies: the checker must never see (or leave changes in) the item's own lists
    r = ast_checker(
        copy.deepcopy(item.functions),
        copy.deepcopy(calls),
        copy.deepcopy(item.ground_truth),
        python,
        item.category,
        CHECKER_MODEL,
    )
    if r.get("valid"):
        return CheckResult(valid=True)
    errors = r.get("error") or []
    return CheckResult(
        valid=False,
        error="; ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors),
        error_type=r.get("error_type"),
    )
