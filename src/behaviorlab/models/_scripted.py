"""The library's deterministic fake model, for unit tests of control flow (never for figures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from behaviorlab.models._base import Model
from behaviorlab.models._errors import ModelError
from behaviorlab.models._types import (
    Completion,
    GenerationConfig,
    Message,
    ToolCall,
    ToolSpec,
    Usage,
)

Reply = str | Completion | ToolCall | list[ToolCall] | Callable[[list[Message]], "str | Completion"]


class ScriptedModel(Model):
    """Replays ``replies`` in order (cycling if ``cycle``); a callable reply sees the messages.

    A ``ToolCall`` reply is a native tool call. Token counts are whitespace word counts so
    accounting code has real numbers to sum.
    """

    provider: ClassVar[str] = "scripted"
    # like most small local models: tools are described in the prompt and parsed from text
    supports_tools: ClassVar[bool] = False
    local: ClassVar[bool] = True

    def __init__(
        self, replies: Sequence[Reply] = (), *, cycle: bool = False, name: str = "fake", **kw: Any
    ) -> None:
        super().__init__(name, **kw)
        self.replies = list(replies)
        self.cycle = cycle
        self.calls: list[list[Message]] = []

    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        i = len(self.calls)
        self.calls.append(list(messages))
        if not self.replies:
            raise ModelError("ScriptedModel has no replies")
        if i >= len(self.replies) and not self.cycle:
            raise ModelError(f"ScriptedModel ran out of replies after {len(self.replies)} calls")
        reply = self.replies[i % len(self.replies)]
        if callable(reply) and not isinstance(reply, ToolCall):
            reply = reply(messages)
        prompt_tokens = sum(len(m.content.split()) + 4 for m in messages)
        if isinstance(reply, Completion):
            out = reply.model_copy(deep=True)
            if not out.usage.input_tokens:
                out.usage = Usage(
                    input_tokens=prompt_tokens, output_tokens=max(1, len(out.text.split()))
                )
            return out
        if isinstance(reply, ToolCall):
            reply = [reply]
        if isinstance(reply, list):
            return Completion(
                tool_calls=reply,
                usage=Usage(input_tokens=prompt_tokens, output_tokens=10 * len(reply)),
                finish_reason="tool_calls",
            )
        return Completion(
            text=str(reply),
            usage=Usage(input_tokens=prompt_tokens, output_tokens=max(1, len(str(reply).split()))),
        )


class ConstraintsOnlyModel(Model):
    """``constraints/first``: no model at all; under a decoding schema it writes what the
    constraints allow first (``first_choice``). An ablation: what the constraints decide
    without a model reading the text."""

    provider: ClassVar[str] = "constraints"
    supports_json_schema: ClassVar[bool] = True
    local: ClassVar[bool] = True

    def __init__(self, name: str = "first", **kw: Any) -> None:
        super().__init__(name, **kw)

    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        import json

        from behaviorlab.models._constraints import first_choice

        text = json.dumps(first_choice(json_schema)) if json_schema else ""
        return Completion(text=text, usage=Usage(input_tokens=0, output_tokens=0))
