"""Training records: supervised examples and preference pairs, in one chat shape.

They live with the models because they are what a model is trained on, written in the
prompted-tool text form the local providers send (``render_messages``); tasks build them
(a task's training-data capability) and ``behaviorlab.train`` checks, splits and trains on them.

A record keeps the prompt (every message the model sees) apart from the completion (what it
should produce), so the loss can be put on the completion only and the OpenAI export can mark
few-shot assistant turns in the prompt with ``weight: 0``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from behaviorlab.models._prompted_tools import tools_system_prompt
from behaviorlab.models._toolcalls import tool_call_text
from behaviorlab.models._types import Message, ToolSpec

Role = Literal["system", "user", "assistant"]


class ChatMessage(BaseModel):
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def observation_text(name: str, content: str) -> str:
    return f"Tool {name} returned: {content}"


def render_messages(
    messages: list[Message] | list[dict[str, Any]], tools: list[ToolSpec] | None = None
) -> list[ChatMessage]:
    """Provider messages as the plain chat turns a local model is trained on; with ``tools``,
    the tool list joins the system prompt.

    Tool turns follow the prompted-tool convention (the form the transformers and llama.cpp
    providers send): assistant calls as ``<tool_call>{...}</tool_call>`` lines, tool results
    as user turns "Tool NAME returned: ...", so what the model is trained on is what it sees
    when it is served.
    """
    msgs = [m if isinstance(m, Message) else Message.model_validate(m) for m in messages]
    out: list[ChatMessage] = []
    for i, m in enumerate(msgs):
        if m.role == "system":
            text = m.content
            if tools and i == 0:
                text = text + "\n\n" + tools_system_prompt(tools)
            out.append(ChatMessage(role="system", content=text))
        elif m.role == "tool":
            out.append(
                ChatMessage(role="user", content=observation_text(m.name or "tool", m.content))
            )
        elif m.role == "assistant" and m.tool_calls:
            calls = "\n".join(tool_call_text(c.name, c.arguments) for c in m.tool_calls)
            prefix = (m.content + "\n") if m.content and "<tool_call>" not in m.content else ""
            body = m.content if "<tool_call>" in m.content else prefix + calls
            out.append(ChatMessage(role="assistant", content=body))
        else:
            out.append(ChatMessage(role=m.role, content=m.content))  # type: ignore[arg-type]
    if tools and (not out or out[0].role != "system"):
        out.insert(0, ChatMessage(role="system", content=tools_system_prompt(tools)))
    return out


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
