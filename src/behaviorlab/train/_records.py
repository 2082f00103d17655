"""Training records: supervised examples and preference pairs, in one chat shape.

A record keeps the prompt (every message the model sees) apart from the completion (what it
should produce), so the loss can be put on the completion only and the OpenAI export can mark
few-shot assistant turns in the prompt with ``weight: 0``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from behaviorlab.models import Message

Role = Literal["system", "user", "assistant"]


class ChatMessage(BaseModel):
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def chat(messages: list[Message] | list[dict[str, Any]]) -> list[ChatMessage]:
    """Chat messages from provider messages (tool turns become the prompted-tool text form)."""
    from behaviorlab.train._render import render_messages

    return render_messages(messages)


class TrainingExample(BaseModel):
    """One supervised example: ``prompt`` goes in, ``completion`` (assistant turns, possibly
    with tool observations between them as user turns) is what the model learns to write."""

    prompt: list[ChatMessage]
    completion: list[ChatMessage]
    #: the run's input (the scenario text): the split and de-duplication key
    input: str | None = None
    source: str = "store"
    task: str | None = None
    agent: str | None = None
    scenario_id: str | None = None
    trace_id: str | None = None
    #: what the class-balance report groups by (level, category, tools used, ...)
    label: str | None = None
    score: float | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        """What the split is keyed on: the run's input, else the prompt's last user turn."""
        return self.input if self.input is not None else input_key(self.prompt)

    @property
    def id(self) -> str:
        return _digest([m.as_dict() for m in self.prompt], [m.as_dict() for m in self.completion])

    @property
    def multi_turn(self) -> bool:
        return len(self.completion) > 1

    def trl_row(self) -> dict[str, Any]:
        """TRL's conversational prompt-completion row (or ``messages`` for multi-turn)."""
        if self.multi_turn:
            return {"messages": [m.as_dict() for m in self.prompt + self.completion]}
        return {
            "prompt": [m.as_dict() for m in self.prompt],
            "completion": [m.as_dict() for m in self.completion],
        }

    def openai_row(self) -> dict[str, Any]:
        """OpenAI chat fine-tuning JSONL: prompt-side assistant turns get ``weight: 0``."""
        msgs: list[dict[str, Any]] = []
        for m in self.prompt:
            d: dict[str, Any] = m.as_dict()
            if m.role == "assistant":
                d["weight"] = 0
            msgs.append(d)
        msgs += [m.as_dict() for m in self.completion]
        return {"messages": msgs}


class PreferencePair(BaseModel):
    """Two answers to the same prompt, the better one ``chosen`` (for DPO)."""

    prompt: list[ChatMessage]
    chosen: str
    rejected: str
    input: str | None = None
    chosen_score: float | None = None
    rejected_score: float | None = None
    source: str = "store"
    task: str | None = None
    scenario_id: str | None = None
    label: str | None = None
    #: why ``chosen`` won: "score", "rating" (human feedback) or "generated"
    signal: str = "score"
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.input if self.input is not None else input_key(self.prompt)

    @property
    def id(self) -> str:
        return _digest([m.as_dict() for m in self.prompt], self.chosen, self.rejected)

    def trl_row(self) -> dict[str, Any]:
        return {
            "prompt": [m.as_dict() for m in self.prompt],
            "chosen": [{"role": "assistant", "content": self.chosen}],
            "rejected": [{"role": "assistant", "content": self.rejected}],
        }


def input_key(prompt: list[ChatMessage]) -> str:
    users = [m.content for m in prompt if m.role == "user"]
    return users[-1] if users else json.dumps([m.as_dict() for m in prompt])


def _digest(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
