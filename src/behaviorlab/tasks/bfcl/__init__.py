"""BFCL (Berkeley Function Calling Leaderboard) v4, single-turn categories, as a task.

Items are read from the installed ``bfcl-eval`` wheel and scored by BFCL's own AST checker;
``fc`` is the single-turn function-calling agent (``fc-prompt`` the same prompt with nothing
constraining the decode). ``behaviorlab run bfcl --agent fc --split simple_python -n 20``.

Training data for the agent comes from synthetic APIs written here (never from BFCL), each
example verified, with a contamination report:
``behaviorlab train export --task bfcl --source generated -o DIR``.
"""

from behaviorlab.tasks.bfcl._agents import (
    FC_SYSTEM_PROMPT,
    FCInput,
    FCOutput,
    FunctionCallingAgent,
    fc_messages,
)
from behaviorlab.tasks.bfcl._apis import APIS, Api, Param
from behaviorlab.tasks.bfcl._checker import (
    CHECKER_MODEL,
    CheckResult,
    check,
)
from behaviorlab.tasks.bfcl._contamination import (
    CategoryOverlap,
    ContaminationReport,
    contamination_report,
    item_text,
)
from behaviorlab.tasks.bfcl._data import (
    CATEGORIES,
    RELEVANCE_CATEGORIES,
    VERSION,
    BFCLItem,
    BFCLNotInstalledError,
    data_dir,
    load_category,
    reference_answer,
)
from behaviorlab.tasks.bfcl._schema import json_schema, tool_specs
from behaviorlab.tasks.bfcl._synth import KINDS, SynthExample, generate, verify
from behaviorlab.tasks.bfcl._task import BFCLTask, scenario_for
from behaviorlab.tasks.bfcl._trainingdata import (
    SynthSummary,
    prompt_messages,
    synth_training_set,
)

__all__ = [
    "APIS",
    "CATEGORIES",
    "CHECKER_MODEL",
    "FC_SYSTEM_PROMPT",
    "KINDS",
    "RELEVANCE_CATEGORIES",
    "VERSION",
    "Api",
    "BFCLItem",
    "BFCLNotInstalledError",
    "BFCLTask",
    "CategoryOverlap",
    "CheckResult",
    "ContaminationReport",
    "FCInput",
    "FCOutput",
    "FunctionCallingAgent",
    "Param",
    "SynthExample",
    "SynthSummary",
    "check",
    "contamination_report",
    "data_dir",
    "fc_messages",
    "generate",
    "item_text",
    "json_schema",
    "load_category",
    "prompt_messages",
    "reference_answer",
    "scenario_for",
    "synth_training_set",
    "tool_specs",
    "verify",
]
