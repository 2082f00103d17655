"""Tasks: scenarios to run agents on, a scorer, and the agents that ship with the task."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from behaviorlab.agents import Agent, Result
from behaviorlab.models import Model
from behaviorlab.tools import Tool


class Scenario(BaseModel):
    """One input to run. Agents receive only ``input``; the rest is for scoring and reports."""

    id: str
    input: Any
    expected: Any = None
    level: int | None = None
    category: str | None = None
    expected_tools: list[str] | None = None
    #: hidden parameters and provenance; never shown to an agent
    metadata: dict[str, Any] = Field(default_factory=dict)


class Score(BaseModel):
    correct: bool
    value: float
    answer: Any = None
    expected: Any = None
    details: dict[str, Any] = Field(default_factory=dict)


class ScenarioOptions(BaseModel):
    """How a task picks scenarios; recorded with each evaluation."""

    level: int | None = None
    n: int | None = None
    seed: int = 0
    source: str | None = None
    data_dir: str | None = None
    split: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    #: ``-T key=value``: the arguments a file task is built with (``get_task(spec, task_args)``)
    task_args: dict[str, Any] = Field(default_factory=dict)


AgentFactory = Callable[[Model | None, ScenarioOptions], Agent]


class Task(ABC):
    """Scenarios and a scorer, the agents that ship with them, and (optionally) what the use
    cases may ask the task for: training examples, expert trajectories, behaviour-model
    subjects, tool monitoring (the Protocols of ``tasks/_capabilities.py``, looked up with
    ``capability(task, Protocol)``; a task offers one by having its methods)."""

    name: ClassVar[str]
    #: the agents shipped with the task, by short name (l0, l1, l3, cot, ...)
    agent_factories: ClassVar[dict[str, AgentFactory]] = {}
    #: agents that call no model
    model_free_agents: ClassVar[frozenset[str]] = frozenset()
    #: the agent ``behaviorlab run`` uses when none is named (else the first of
    #: ``agent_factories``)
    default_agent: ClassVar[str | None] = None
    #: the model an agent runs on when none is given (e.g. a fine-tuned adapter the task
    #: ships); others get the library's default
    default_models: ClassVar[dict[str, str]] = {}

    @abstractmethod
    def scenarios(self, options: ScenarioOptions) -> list[Scenario]: ...

    @abstractmethod
    def score(self, scenario: Scenario, result: Result) -> Score: ...

    def agent(
        self, name: str, model: Model | None, options: ScenarioOptions | None = None
    ) -> Agent:
        factory = self.agent_factories.get(name)
        if factory is None:
            raise KeyError(
                f"task {self.name!r} has no agent {name!r}; it has: {', '.join(self.agent_factories)} "
                "(or pass a .py file)"
            )
        return factory(model, options or ScenarioOptions())

    def default_agent_name(self) -> str | None:
        """The agent to run when none is named: ``default_agent``, else the task's first."""
        return self.default_agent or next(iter(self.agent_factories), None)

    def hidden_fields(self) -> frozenset[str]:
        """Names of the hidden parameters behind a scenario's label (its ``metadata`` keys
        that an agent must never read): a distilled workflow naming one fails the leak check."""
        return frozenset()

    def tools(self) -> list[Tool]:
        """Every tool the task's agents may call, so each can be audited (the injection test
        walks them) and offered to a user's own agent."""
        return []

    def jsonl_answer(self, record: Any) -> Any:
        """What ``--jsonl`` prints as a run's answer (``record`` is the run's ``RunRecord``);
        tasks override to normalise."""
        return record.answer

    def jsonl_fields(self, record: Any, scenario: Scenario) -> dict[str, Any]:
        """A task's own columns in a ``--jsonl`` row (BFCL: its id and the decoded calls)."""
        return {}


_TASKS: dict[str, type[Task]] = {}


def register_task(cls: type[Task]) -> type[Task]:
    _TASKS[cls.name] = cls
    return cls


def get_task(name: str, args: Mapping[str, Any] | None = None) -> Task:
    """A task by registered name, or from a file: ``PATH.py[@NAME]`` or a data file
    (``.jsonl``/``.json``/``.csv``/``.parquet``); ``args`` are the ``-T key=value`` task
    arguments a file task is built with (registered tasks read them from their options)."""
    from behaviorlab.tasks._files import is_file_spec, load_file_task

    if is_file_spec(name):
        return load_file_task(name, args)
    if name not in _TASKS:
        for ep in entry_points(group="behaviorlab.tasks"):
            if ep.name == name:
                cls = ep.load()
                if not (isinstance(cls, type) and issubclass(cls, Task)):
                    raise TypeError(f"entry point {ep.value!r} for task {name!r} is not a Task")
                _TASKS[name] = cls
    if name not in _TASKS:
        raise KeyError(
            f"unknown task {name!r}; known: {', '.join(task_names())} "
            "(or a file: tasks.py@NAME, data.jsonl|.csv|.parquet)"
        )
    return _TASKS[name]()


def task_names() -> list[str]:
    """Tasks registered in this process (``@register_task``) and by installed packages'
    ``behaviorlab.tasks`` entry points, the built-in ones included."""
    return sorted(set(_TASKS) | {ep.name for ep in entry_points(group="behaviorlab.tasks")})
