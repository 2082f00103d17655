"""Tool-use decision dataset: when should an agent run code, use a calculator, or just answer?

A seeded generator over four categories (pure reasoning, execution required, ambiguous,
multi-step) × three difficulties, with exact expected outputs computed in Python, a held-out
split by template, JSONL storage, scorers for answers and tool decisions, and a loader for
the BFCL irrelevance data shipped in the ``bfcl-eval`` wheel.

Write the dataset with ``python -m behaviorlab.tasks.tooluse generate -o DIR``.
"""

from ._bfcl import (
    BFCLFunction,
    BFCLIrrelevanceItem,
    BFCLMessage,
    BFCLNotInstalledError,
    BFCLSubset,
    bfcl_data_files,
    bfcl_version,
    load_bfcl_irrelevance,
)
from ._generator import all_templates, cell_counts, generate_items, split_items, templates_by_cell
from ._io import DatasetRowError, read_jsonl, write_dataset, write_jsonl
from ._scoring import ToolDecision, extract_number, parse_number, score_answer, tool_decision
from ._template import Draft, Template
from ._types import (
    CATEGORIES,
    DIFFICULTIES,
    TOOL_NAMES,
    AnswerType,
    Category,
    CellCount,
    DatasetSummary,
    Difficulty,
    Split,
    ToolName,
    ToolUseItem,
)

__all__ = [
    "CATEGORIES",
    "DIFFICULTIES",
    "TOOL_NAMES",
    "AnswerType",
    "BFCLFunction",
    "BFCLIrrelevanceItem",
    "BFCLMessage",
    "BFCLNotInstalledError",
    "BFCLSubset",
    "Category",
    "CellCount",
    "DatasetRowError",
    "DatasetSummary",
    "Difficulty",
    "Draft",
    "Split",
    "Template",
    "ToolDecision",
    "ToolName",
    "ToolUseItem",
    "all_templates",
    "bfcl_data_files",
    "bfcl_version",
    "cell_counts",
    "extract_number",
    "generate_items",
    "load_bfcl_irrelevance",
    "parse_number",
    "read_jsonl",
    "score_answer",
    "split_items",
    "templates_by_cell",
    "tool_decision",
    "write_dataset",
    "write_jsonl",
]
