"""behaviorlab: trace, evaluate, distil, train and monitor LLM agents that use tools."""

__version__ = "0.1.0"
