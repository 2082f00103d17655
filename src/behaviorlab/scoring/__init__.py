"""Scoring primitives shared by tasks and the evaluation harness: number parsing, named
match scorers (exact, numeric, includes, regex, json, choice), a model-graded scorer, and
tool-selection precision/recall/F1. Below both tasks and evals, so neither imports the other
for them."""

from behaviorlab.scoring._graded import model_graded, resolve_scorer
from behaviorlab.scoring._scorers import (
    ScorerFn,
    ToolSelection,
    choice_match,
    enum_match,
    exact_match,
    get_scorer,
    includes_match,
    json_match,
    numeric_match,
    parse_number,
    regex_match,
    scorer,
    scorer_names,
    tool_selection,
)

__all__ = [
    "ScorerFn",
    "ToolSelection",
    "choice_match",
    "enum_match",
    "exact_match",
    "get_scorer",
    "includes_match",
    "json_match",
    "model_graded",
    "numeric_match",
    "parse_number",
    "regex_match",
    "resolve_scorer",
    "scorer",
    "scorer_names",
    "tool_selection",
]
