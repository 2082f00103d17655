"""Uses of a behaviour model: a mock of the subject, and inversion checked by the real subject."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.agents import Agent
from behaviorlab.modelize._behavior import BehaviorModel
from behaviorlab.modelize._subjects import AgentSubject, Subject, SubjectError


class ModelSubject(Subject):
    """A forward model standing in for its subject: same interface, no subject run."""

    def __init__(self, model: BehaviorModel, like: Subject) -> None:
        self.model, self.like = model, like
        self.name = f"model:{like.name}"
        self.description = f"behaviour model of {like.name}"
        self.grammar, self.max_depth = like.grammar, like.max_depth
        self.input_lexer, self.output_lexer = like.input_lexer, like.output_lexer

    def run(self, input: str) -> str:
        return self.model.predict(input)


class ModelAgent(Agent):
    """A forward model standing in for an agent (so tests can swap it in for the real one)."""

    level = "L0"

    def __init__(self, model: BehaviorModel, like: AgentSubject) -> None:
        self.model, self.like = model, like
        self.name = f"model:{like.agent.name}"
        self._to_text = _inverse_encoder(like)

    def _run(self, input: Any) -> Any:
        return self.model.predict(self._to_text(input))

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "model_subject": self.model.info.subject,
            "parameters": self.model.parameters,
        }


def _inverse_encoder(like: AgentSubject) -> Any:
    # the agent subject turns text into the agent's input; a mock receives that input,
    # so it needs the way back (``to_text``), else the input must already be text
    to_text = getattr(like, "to_text", None)
    return to_text if callable(to_text) else str


def mock(subject: Subject, model: BehaviorModel) -> Subject | Agent:
    """What to swap in for ``subject`` in tests: a :class:`ModelAgent` for agents, else a subject."""
    if model.info.direction != "forward":
        raise ValueError("a mock needs a forward model")
    if isinstance(subject, AgentSubject):
        return ModelAgent(model, subject)
    return ModelSubject(model, subject)


class InvertedCandidate(BaseModel):
    input: str
    logprob: float
    produced: str | None = None
    round_trip: bool = False
    error: str | None = None


class Inversion(BaseModel):
    """Inputs proposed for a wanted output, each run through the real subject."""

    output: str
    candidates: list[InvertedCandidate] = Field(default_factory=list)

    @property
    def found(self) -> InvertedCandidate | None:
        """The most probable candidate whose real output is the wanted one."""
        return next((c for c in self.candidates if c.round_trip), None)


def invert(subject: Subject, reverse: BehaviorModel, output: str, k: int = 5) -> Inversion:
    """Propose ``k`` inputs for ``output`` (beam search) and check each on the real subject."""
    if reverse.info.direction != "reverse":
        raise ValueError("inversion needs a reverse model")
    result = Inversion(output=output)
    seen: set[str] = set()
    for cand in reverse.candidates(output, k=k):
        if cand.text in seen:
            continue
        seen.add(cand.text)
        c = InvertedCandidate(input=cand.text, logprob=cand.logprob)
        try:
            c.produced = subject.run(cand.text)
            c.round_trip = c.produced == output
        except SubjectError as e:
            c.error = str(e)
        result.candidates.append(c)
    return result
