"""Agents at every level of autonomy, behind one ``run(input) -> Result`` protocol."""

from behaviorlab.agents._base import Agent, Declined, FunctionAgent, Result, ToolUse, annotate
from behaviorlab.agents._ptool import PTool, PToolError, WorkflowAgent, ptool, using_model
from behaviorlab.agents._react import MaxStepsError, ReActAgent
from behaviorlab.agents._single import SingleCallAgent

__all__ = [
    "Agent",
    "Declined",
    "FunctionAgent",
    "MaxStepsError",
    "PTool",
    "PToolError",
    "ReActAgent",
    "Result",
    "SingleCallAgent",
    "ToolUse",
    "WorkflowAgent",
    "annotate",
    "ptool",
    "using_model",
]
