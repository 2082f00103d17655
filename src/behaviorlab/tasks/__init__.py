"""Tasks: scenarios, scorers, generators and the agents that ship with each domain."""

from behaviorlab.tasks._base import (
    Scenario,
    ScenarioOptions,
    Score,
    Task,
    get_task,
    register_task,
    task_names,
)

__all__ = [
    "Scenario",
    "ScenarioOptions",
    "Score",
    "Task",
    "get_task",
    "register_task",
    "task_names",
]
