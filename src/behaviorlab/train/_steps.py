"""Multi-turn examples as single-completion ones, for trainers that take prompt/completion pairs."""

from __future__ import annotations

from behaviorlab.models import ChatMessage, TrainingExample


def step_examples(example: TrainingExample) -> list[TrainingExample]:
    """A multi-turn example cut into one single-completion example per assistant step (for
    trainers or providers that take prompt/completion pairs only)."""
    out: list[TrainingExample] = []
    history: list[ChatMessage] = list(example.prompt)
    for m in example.completion:
        if m.role == "assistant":
            out.append(example.model_copy(update={"prompt": list(history), "completion": [m]}))
        history.append(m)
    return out
