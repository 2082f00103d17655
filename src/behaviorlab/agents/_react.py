"""L3: the LLM drives a tool-calling loop (ReAct) over a tool registry."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from behaviorlab import trace as tracing
from behaviorlab.agents._base import Agent
from behaviorlab.models import Message, Model
from behaviorlab.tools import Tool, ToolRegistry

_FINAL = re.compile(r"final answer\s*[:：]\s*(.+)", re.I | re.S)


class MaxStepsError(RuntimeError):
    pass


def final_answer_text(text: str) -> str:
    """The part after "Final Answer:" if the model wrote one, else the whole text."""
    m = _FINAL.search(text)
    return (m.group(1) if m else text).strip()


class ReActAgent(Agent):
    """Call tools until the model answers in plain text; parse errors and tool failures are fed
    back as observations so the model can recover, within ``max_steps`` model calls."""

    level = "L3"

    def __init__(
        self,
        model: Model,
        tools: ToolRegistry | Iterable[Tool],
        *,
        system_prompt: str = "You are a helpful assistant. Use the tools when they help.",
        max_steps: int = 8,
        answer_parser: Callable[[str], Any] | None = None,
        max_parse_retries: int = 2,
        final_tools: frozenset[str] = frozenset(),
        name: str = "react",
    ) -> None:
        self.model = model
        self.tools = tools if isinstance(tools, ToolRegistry) else ToolRegistry(tools)
        self.system_prompt = system_prompt
        self.max_steps = max_steps
        self.answer_parser = answer_parser or final_answer_text
        self.max_parse_retries = max_parse_retries
        #: tools whose successful result is the final answer (e.g. ``answer_directly``)
        self.final_tools = final_tools
        self.name = name

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "model": self.model.settings(),
            "tools": self.tools.names,
            "max_steps": self.max_steps,
            "system_prompt": self.system_prompt,
        }

    def initial_messages(self, input: Any) -> list[Message]:
        return [Message.system(self.system_prompt), Message.user(str(input))]

    def _run(self, input: Any) -> Any:
        messages = self.initial_messages(input)
        specs = self.tools.specs()
        bad_answers = 0
        for step in range(1, self.max_steps + 1):
            with tracing.span(
                f"step {step}", kind="workflow", attributes={"behaviorlab.step": step}
            ):
                c = self.model.complete(messages, tools=specs)
                if c.tool_parse_error:
                    messages += [
                        Message.assistant(c.text),
                        Message.user(
                            f"Error: {c.tool_parse_error}. Fix the tool call or give the final answer."
                        ),
                    ]
                    continue
                if c.tool_calls:
                    messages.append(Message.assistant(c.text, c.tool_calls))
                    for call in c.tool_calls:
                        r = self.tools.call(call)
                        if call.name in self.final_tools and r.ok:
                            return r.content
                        messages.append(Message.tool(r.content, call.id, call.name))
                    continue
                try:
                    answer = self.answer_parser(c.text)
                except ValueError as e:
                    bad_answers += 1
                    if bad_answers > self.max_parse_retries:
                        raise
                    messages += [
                        Message.assistant(c.text),
                        Message.user(
                            f"Error: could not read a final answer ({e}). Reply with 'Final Answer: <answer>'."
                        ),
                    ]
                    continue
                span = tracing.current_span()
                if span is not None:
                    span.set_attribute("behaviorlab.steps", step)
                return answer
        raise MaxStepsError(f"no final answer within {self.max_steps} steps")
