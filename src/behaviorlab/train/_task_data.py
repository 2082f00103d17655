"""Training data a task makes itself, through its capabilities: ``generated`` (the task's
``TrainingExamples``: a ptool's prompts with labelled targets, and preference pairs) or
``cloning`` (its ``ExpertTrajectories`` as multi-turn behaviour-cloning examples)."""

from __future__ import annotations

from behaviorlab.tasks import (
    ExpertTrajectories,
    Task,
    TrainingExamples,
    TrainingOptions,
    TrainingSet,
    capability,
    get_task,
)

#: the ``train export --source`` values a task answers (``store`` reads recorded runs)
GENERATED_SOURCES = ("generated", "cloning")


def task_training_set(task: Task | str, source: str, options: TrainingOptions) -> TrainingSet:
    """The task's own training records for ``source`` (one of ``GENERATED_SOURCES``); a task
    without the capability raises ``MissingCapabilityError`` naming the task and it."""
    t = get_task(task) if isinstance(task, str) else task
    if source == "generated":
        return capability(t, TrainingExamples).training_examples(options)
    if source == "cloning":
        return capability(t, ExpertTrajectories).cloning_examples(options)
    raise ValueError(f"source must be one of {', '.join(GENERATED_SOURCES)}, not {source!r}")
