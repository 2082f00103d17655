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
from behaviorlab.tasks._capabilities import (
    BehaviourSubjects,
    ExpertTrajectories,
    FaultSpec,
    MissingCapabilityError,
    SubjectSpec,
    ToolMonitoring,
    TrainingExamples,
    TrainingOptions,
    TrainingSet,
    capability,
)
from behaviorlab.tasks._files import DataTask, TaskFileError

__all__ = [
    "BehaviourSubjects",
    "DataTask",
    "ExpertTrajectories",
    "FaultSpec",
    "MissingCapabilityError",
    "Scenario",
    "ScenarioOptions",
    "Score",
    "SubjectSpec",
    "Task",
    "TaskFileError",
    "ToolMonitoring",
    "TrainingExamples",
    "TrainingOptions",
    "TrainingSet",
    "capability",
    "get_task",
    "register_task",
    "task_names",
]
