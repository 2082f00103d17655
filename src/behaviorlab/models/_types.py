"""Typed records exchanged with every model provider."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

Role = Literal["system", "user", "assistant", "tool"]


class ToolCall(BaseModel):
    """One call the model asked for; ``arguments`` is already parsed JSON."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)

    def arguments_json(self) -> str:
        return json.dumps(self.arguments, sort_keys=True)


class Message(BaseModel):
    role: Role
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None

    @classmethod
    def system(cls, content: str) -> Message:
        return cls(role="system", content=content)

    @classmethod
    def user(cls, content: str) -> Message:
        return cls(role="user", content=content)

    @classmethod
    def assistant(cls, content: str, tool_calls: list[ToolCall] | None = None) -> Message:
        return cls(role="assistant", content=content, tool_calls=tool_calls or [])

    @classmethod
    def tool(cls, content: str, tool_call_id: str, name: str) -> Message:
        return cls(role="tool", content=content, tool_call_id=tool_call_id, name=name)


class ToolSpec(BaseModel):
    """What a model is told about a tool (OpenAI function-calling shape)."""

    name: str
    description: str
    parameters: dict[str, Any]

    def openai(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class GenerationConfig(BaseModel):
    """Sampling settings; recorded with every call so a run can be replayed."""

    temperature: float = 0.0
    max_tokens: int = 512
    seed: int = 0
    stop: list[str] = Field(default_factory=list)
    #: with tools offered: "auto" (call or answer in text) or "required" (at least one call)
    tool_choice: Literal["auto", "required"] = "auto"
    #: the messages already describe the offered tools (e.g. as JSON in the system prompt): a
    #: provider that prompts for tools adds only the call format, so they are said once
    tools_listed: bool = False
    #: with tools offered, the text the user wrote: a decoder that can hold each step to a
    #: check (llama.cpp) finishes as a copy of it every argument value the model begins as one
    #: (``CopiedValueCheck``); None: no such check. Other providers ignore it.
    copy_from: str | None = None
    #: how many characters of a string value begun as a copy make it one to finish as a copy
    copy_commit: int = 3
    #: and a number begun as a copy may end only as a whole number the text writes
    copy_whole_numbers: bool = False
    #: end a decode caught in a loop: once its last ``loop_stop`` tokens are one unit of at
    #: most ``LOOP_PERIOD`` tokens written over and over ("stderr: stderr: ..."), the decode
    #: ends there (finish_reason "loop"); None: only ``max_tokens`` ends it. llama.cpp only.
    loop_stop: int | None = 64


class Completion(BaseModel):
    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    cpu_s: float = 0.0
    cost_usd: float = 0.0
    model: str = ""
    provider: str = ""
    finish_reason: str = "stop"
    response_id: str | None = None
    #: set when the text tried to call a tool but the call could not be parsed
    tool_parse_error: str | None = None
    #: the log-probability the model gave each token it wrote (under a grammar: the chosen
    #: token's probability before the grammar's mask), where the provider reports them
    token_logprobs: list[float] | None = None
    #: the text of each token ``token_logprobs`` scores, where the provider reports them
    token_texts: list[str] | None = None
