"""The provider protocol: a provider implements ``_complete`` and declares its capabilities."""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from behaviorlab import trace as tracing
from behaviorlab.models._pricing import PriceTable
from behaviorlab.models._prompted_tools import parse_tool_calls, with_tools_prompt
from behaviorlab.models._types import Completion, GenerationConfig, Message, ToolSpec


class Model(ABC):
    """One method turns messages (+ tools, + JSON schema) into a :class:`Completion`.

    ``complete`` adds what every provider needs the same way: timing, CPU seconds,
    cost from the price table, the ``chat {model}`` span and the run's usage tally.
    """

    provider: ClassVar[str] = "base"
    #: the provider returns structured tool calls itself
    supports_tools: ClassVar[bool] = False
    #: the provider can constrain decoding to a JSON schema
    supports_json_schema: ClassVar[bool] = False
    #: runs on this machine: cost is $0 and CPU seconds are recorded instead
    local: ClassVar[bool] = False
    #: every completion carries ``token_logprobs`` (what a workflow's confidence reads)
    reports_token_logprobs: ClassVar[bool] = False

    def __init__(
        self,
        model_name: str,
        *,
        config: GenerationConfig | None = None,
        prices: PriceTable | None = None,
    ) -> None:
        self.model_name = model_name
        self.config = config or GenerationConfig()
        self.prices = prices or PriceTable()

    @property
    def model_id(self) -> str:
        return f"{self.provider}/{self.model_name}"

    def settings(self) -> dict[str, Any]:
        """Everything needed to rebuild this model; recorded with each run."""
        return {"model": self.model_id, **self.config.model_dump()}

    @abstractmethod
    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        """Provider-specific generation. Usage must be filled; timing and cost are added.

        A provider without ``supports_tools`` gets ``messages`` with the tools already in the
        prompt (``_prompted_tools``) and ``tools`` as well, to constrain its decoding by."""

    def complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None = None,
        json_schema: dict[str, Any] | None = None,
        config: GenerationConfig | None = None,
    ) -> Completion:
        cfg = config or self.config
        attrs: dict[str, Any] = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": self.provider,
            "gen_ai.request.model": self.model_name,
            "gen_ai.request.temperature": cfg.temperature,
            "gen_ai.request.max_tokens": cfg.max_tokens,
            "gen_ai.request.seed": cfg.seed,
        }
        if tools:
            attrs["behaviorlab.request.tools"] = [t.name for t in tools]
        with tracing.span(f"chat {self.model_name}", kind="llm", attributes=attrs) as span:
            span.set_input(_render_messages(messages))
            wall0, cpu0 = time.perf_counter(), time.process_time()
            if tools and not self.supports_tools:
                # the tools are in the prompt; ``tools`` still reaches the provider so a
                # decoder that takes a grammar can hold the calls to their schemas
                prompted = with_tools_prompt(messages, tools, listed=cfg.tools_listed)
                completion = self._complete(
                    prompted, tools=tools, json_schema=json_schema, config=cfg
                )
                if not completion.tool_calls:
                    completion.tool_calls, completion.tool_parse_error = parse_tool_calls(
                        completion.text, {t.name for t in tools}
                    )
            else:
                completion = self._complete(
                    messages, tools=tools, json_schema=json_schema, config=cfg
                )
            completion.latency_s = time.perf_counter() - wall0
            completion.cpu_s = time.process_time() - cpu0 if self.local else 0.0
            completion.model = completion.model or self.model_name
            completion.provider = self.provider
            completion.cost_usd = (
                0.0
                if self.local
                else self.prices.cost(
                    self.model_name,
                    completion.usage.input_tokens,
                    completion.usage.output_tokens,
                )
            )
            span.set_output(_render_completion(completion))
            span.set_usage(
                completion.usage.input_tokens,
                completion.usage.output_tokens,
                completion.cost_usd,
                completion.cpu_s,
            )
            span.set_attributes(
                {
                    "gen_ai.response.model": completion.model,
                    "gen_ai.response.finish_reasons": [completion.finish_reason],
                    **(
                        {"gen_ai.response.id": completion.response_id}
                        if completion.response_id
                        else {}
                    ),
                }
            )
        tracing.tally_llm(completion)
        return completion

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release native resources; most providers need nothing."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model_id}>"


def _render_messages(messages: list[Message]) -> str:
    return json.dumps([m.model_dump(exclude_defaults=True) for m in messages], ensure_ascii=False)


def _render_completion(c: Completion) -> str:
    if not c.tool_calls:
        return c.text
    calls = [{"name": t.name, "arguments": t.arguments} for t in c.tool_calls]
    return json.dumps({"text": c.text, "tool_calls": calls}, ensure_ascii=False)
