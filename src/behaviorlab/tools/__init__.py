"""Tools: typed functions an agent may call, a registry, and the code sandbox."""

from behaviorlab.tools._tool import Tool, ToolError, ToolRegistry, ToolResult, tool

__all__ = ["Tool", "ToolError", "ToolRegistry", "ToolResult", "tool"]
