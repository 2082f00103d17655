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
from behaviorlab.tasks._files import DataTask, TaskFileError, load_file_task

__all__ = [
    "DataTask",
    "Scenario",
    "ScenarioOptions",
    "Score",
    "Task",
    "TaskFileError",
    "get_task",
    "load_file_task",
    "register_task",
    "task_names",
]
