"""Tools: typed functions an agent may call, a registry, a safe calculator and the code sandbox.

A tool's arguments are untrusted data: nothing here evaluates them as code outside the sandbox.
"""

from behaviorlab.tools._expr import (
    FUNCTIONS,
    ExpressionError,
    ExpressionLimits,
    evaluate_expression,
    format_number,
    strip_money,
)
from behaviorlab.tools._tool import Tool, ToolError, ToolRegistry, ToolResult, tool

__all__ = [
    "FUNCTIONS",
    "ExpressionError",
    "ExpressionLimits",
    "Tool",
    "ToolError",
    "ToolRegistry",
    "ToolResult",
    "evaluate_expression",
    "format_number",
    "strip_money",
    "tool",
]
