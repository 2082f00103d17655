"""BFCL (Berkeley Function Calling Leaderboard) v4, single-turn categories, as a task.

Items are read from the installed ``bfcl-eval`` wheel and scored by BFCL's own AST checker;
``fc`` is the single-turn function-calling agent (``fc-prompt`` the same prompt with nothing
constraining the decode). ``behaviorlab run bfcl --agent fc --split simple_python -n 20``.
"""

from behaviorlab.tasks.bfcl._agents import (
    FC_SYSTEM_PROMPT,
    FCInput,
    FCOutput,
    FunctionCallingAgent,
    fc_messages,
    functions_json,
)
from behaviorlab.tasks.bfcl._checker import (
    CHECKER_MODEL,
    CheckResult,
    check,
    has_call,
    is_call_list,
)
from behaviorlab.tasks.bfcl._data import (
    CATEGORIES,
    RELEVANCE_CATEGORIES,
    VERSION,
    BFCLItem,
    BFCLNotInstalledError,
    data_dir,
    load_category,
    wheel_version,
)
from behaviorlab.tasks.bfcl._schema import json_schema, original_calls, portable_name, tool_specs
from behaviorlab.tasks.bfcl._task import BFCLTask, scenario_for

__all__ = [
    "CATEGORIES",
    "CHECKER_MODEL",
    "FC_SYSTEM_PROMPT",
    "RELEVANCE_CATEGORIES",
    "VERSION",
    "BFCLItem",
    "BFCLNotInstalledError",
    "BFCLTask",
    "CheckResult",
    "FCInput",
    "FCOutput",
    "FunctionCallingAgent",
    "check",
    "data_dir",
    "fc_messages",
    "functions_json",
    "has_call",
    "is_call_list",
    "json_schema",
    "load_category",
    "original_calls",
    "portable_name",
    "scenario_for",
    "tool_specs",
    "wheel_version",
]
