"""A scorer that asks a model: is this answer right, given the reference answer?"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from behaviorlab.models import Message, Model, generate_structured, get_model
from behaviorlab.scoring._scorers import ScorerFn, get_scorer

GRADER_SYSTEM = (
    "You grade answers. Given a reference answer and an answer to grade, decide whether the "
    "answer says the same thing as the reference: the same facts, values or choice, in any "
    "wording. Extra explanation is fine; a contradiction or a missing part is not. "
    'Reply with JSON only: {"correct": true} or {"correct": false}.'
)


class Verdict(BaseModel):
    correct: bool


def model_graded(model: Model | str, *, instructions: str = GRADER_SYSTEM) -> ScorerFn:
    """A scorer backed by ``model`` (any provider, e.g. ``openai/gpt-4o-mini``): one structured
    call per answer, validated, so a malformed verdict is retried, never read as a pass."""
    grader = get_model(model) if isinstance(model, str) else model

    def grade(answer: Any, expected: Any) -> bool:
        if answer is None:
            return False
        verdict, _ = generate_structured(
            grader,
            [
                Message.system(instructions),
                Message.user(f"Reference answer:\n{expected}\n\nAnswer to grade:\n{answer}"),
            ],
            Verdict,
            retries=1,
        )
        return verdict.correct

    grade.__name__ = f"model_graded[{grader.model_id}]"
    return grade


def resolve_scorer(spec: str) -> ScorerFn:
    """A named scorer, or ``model:PROVIDER/MODEL`` for a model-graded one."""
    if spec.startswith("model:"):
        return model_graded(spec.removeprefix("model:"))
    return get_scorer(spec)
