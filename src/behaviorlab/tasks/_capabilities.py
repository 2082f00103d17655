"""What a task may offer the use cases beyond scenarios and a scorer, declared as Protocols.

``train``, ``distill`` and ``modelize`` import no domain: they ask a task for a capability
(``capability(task, TrainingExamples)``) and get a clear error naming the task and the
capability when it offers none. A task offers one by having its methods; nothing is
registered. Hidden fields for the leak check are on every ``Task`` (``hidden_fields``,
empty unless the task says otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, Field

from behaviorlab.models import PreferencePair, TrainingExample

if TYPE_CHECKING:
    from behaviorlab.agents import Agent
    from behaviorlab.tasks._base import Scenario, Task
    from behaviorlab.tools import Tool


class TrainingOptions(BaseModel):
    """How many generated problems, from which seed and levels (keep training seeds apart
    from evaluation seeds), and the task's own arguments (``extra``)."""

    n: int = 100
    seed: int = 1000
    levels: tuple[int, ...] = (0, 1, 2)
    pairs: bool = True
    #: how much more often some families or phrasings are drawn, e.g. {"rulearena": 3}
    weights: dict[str, int] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)


@dataclass
class TrainingSet:
    """Training records a task made, and how it wants them exported."""

    examples: list[TrainingExample] = field(default_factory=list)
    pairs: list[PreferencePair] = field(default_factory=list)
    #: lines for the export report (how many the labeller kept, ...)
    notes: list[str] = field(default_factory=list)
    #: where the records came from, for the export report (default: the source's name)
    sources: list[str] = field(default_factory=list)
    #: the held-out share and the split's salt when the task fixes them
    heldout_fraction: float | None = None
    split_salt: str | None = None
    #: extra files written beside the export (file name -> text), e.g. a contamination report
    files: dict[str, str] = field(default_factory=dict)
    #: objects for the caller (a contamination report, ...)
    info: dict[str, Any] = field(default_factory=dict)
    #: how the examples were made, as plain data a recipe's manifest records (the labeller's
    #: counts, the generator's summary)
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubjectSpec:
    """A program as a behaviour-model subject, in plain data: ``run`` maps an input text to
    an output text (raising on an input it cannot read), ``grammar`` generates inputs
    (nonterminal -> alternatives, an alternative optionally ``(text, {"prob": p})``), and
    the lexers are ordered ``(regex, leaf kind or None)`` rules."""

    name: str
    run: Callable[[str], str]
    grammar: Mapping[str, list[Any]]
    input_lexer: Sequence[tuple[str, str | None]]
    output_lexer: Sequence[tuple[str, str | None]]
    description: str = ""


@dataclass(frozen=True)
class FaultSpec:
    """A plausible wrong output of a tool: ``apply(output, rng)`` returns it, or None when
    the fault does not apply to that output."""

    name: str
    description: str
    apply: Callable[[str, Any], str | None]


@runtime_checkable
class TrainingExamples(Protocol):
    """Generated training examples for the task's model-calling step (a ptool's exact prompts
    with labelled targets), with preference pairs where the task can make them."""

    def training_examples(self, options: TrainingOptions) -> TrainingSet: ...


@runtime_checkable
class ExpertTrajectories(Protocol):
    """Known-good tool-using trajectories: as behaviour-cloning examples, and as the task's
    tool agent driven by a scripted replay of them (successful traces for the distiller).
    ``problems`` are the task's own problem records (what its generator makes)."""

    def cloning_examples(self, options: TrainingOptions) -> TrainingSet: ...

    def expert_scenarios(self, problems: Sequence[Any]) -> list[Scenario]: ...

    def expert_agent(self, problems: Sequence[Any]) -> Agent: ...


@runtime_checkable
class BehaviourSubjects(Protocol):
    """Programs of the task that a behaviour model can learn (``modelize``)."""

    def behaviour_subjects(self) -> dict[str, SubjectSpec]: ...


@runtime_checkable
class ToolMonitoring(Protocol):
    """What monitoring the task's tool calls with behaviour models needs: the grammar of each
    monitored tool's JSON arguments, faults to inject, a model-free agent that calls the
    tools, and inputs for it."""

    def tool_argument_grammars(self) -> dict[str, Mapping[str, list[Any]]]: ...

    def tool_faults(self) -> dict[str, FaultSpec]: ...

    def tool_agent(self, tools: list[Tool] | None = None) -> Agent: ...

    def tool_agent_inputs(self, n: int, *, seed: int, level: int) -> list[Any]: ...


#: what each capability is called in an error message
_DESCRIPTIONS: dict[type, str] = {
    TrainingExamples: "generated training examples",
    ExpertTrajectories: "expert trajectories",
    BehaviourSubjects: "behaviour-model subjects",
    ToolMonitoring: "tool monitoring",
}

C = TypeVar("C")


class MissingCapabilityError(LookupError):
    """The task does not offer what a use case asked it for."""

    def __init__(self, task: str, capability: type) -> None:
        what = _DESCRIPTIONS.get(capability, capability.__name__)
        super().__init__(f"task {task!r} offers no {what} ({capability.__name__} capability)")
        self.task, self.capability = task, capability


def capability(task: Task, protocol: type[C]) -> C:
    """``task`` as the capability ``protocol`` (a runtime-checkable Protocol above), or
    :class:`MissingCapabilityError` naming both."""
    if not isinstance(task, protocol):
        raise MissingCapabilityError(task.name, protocol)
    return task
