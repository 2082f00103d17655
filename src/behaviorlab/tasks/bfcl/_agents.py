"""The single-turn function-calling agent: functions in the system prompt, one completion, the
calls it decoded.

``fc`` passes the tools to the model (``tools=``): an OpenAI-compatible endpoint gets them
natively, llama.cpp gets them in the prompted format with its decoding held to calls of the
offered functions with schema-valid arguments, or plain text. ``fc-prompt`` writes the same
prompt but calls the model without ``tools=`` and parses the text, so nothing constrains the
decode: the ablation of the grammar (and BFCL's "prompt" mode on a native endpoint).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from behaviorlab.agents import Agent
from behaviorlab.models import Message, Model, ToolSpec, parse_tool_calls, tools_system_prompt

#: enough for five calls with a few arguments each
MAX_TOKENS = 256

FC_SYSTEM_PROMPT = (
    "You are an expert in composing function calls. You are given a request and a set of "
    "functions. Call the function or functions that do what the request asks, with argument "
    "values taken from the request. Call several functions, or one function several times, "
    "when the request asks for several things. If none of the functions can do it, do not "
    "call any: say so in plain text.\n\nFunctions (JSON):\n{functions}"
)


class FCInput(BaseModel):
    """What the agent sees: the turn's chat messages and the functions offered."""

    messages: list[dict[str, str]]
    tools: list[ToolSpec]


class FCOutput(BaseModel):
    """The calls decoded (``[{name: arguments}]``, BFCL's format), and the text around them."""

    calls: list[dict[str, dict[str, Any]]] = Field(default_factory=list)
    text: str = ""
    parse_error: str | None = None


def functions_json(tools: list[ToolSpec]) -> str:
    return json.dumps(
        [{"name": t.name, "description": t.description, "parameters": t.parameters} for t in tools],
        ensure_ascii=False,
    )


def fc_messages(inp: FCInput, *, prompted: bool = False) -> list[Message]:
    """The messages the agent sends: its system prompt with the functions (and, where the
    turn opens with a system message, that message after it), then the turn's other messages.
    With ``prompted`` the tool-call instructions a prompted provider would add are added here
    (the call format only: the functions are listed once, as JSON, above them)."""
    system = FC_SYSTEM_PROMPT.format(functions=functions_json(inp.tools))
    rest = list(inp.messages)
    if rest and rest[0].get("role") == "system":
        system += "\n\n" + rest.pop(0).get("content", "")
    if prompted:
        system += "\n\n" + tools_system_prompt(inp.tools, listed=True)
    out = [Message.system(system)]
    for m in rest:
        role = m.get("role")
        if role not in ("user", "assistant"):
            raise ValueError(f"a turn message must be from user or assistant, not {role!r}")
        out.append(Message(role=role, content=m.get("content", "")))
    return out


class FunctionCallingAgent(Agent):
    level = "L2"

    def __init__(
        self,
        model: Model,
        *,
        prompted: bool = False,
        max_tokens: int = MAX_TOKENS,
        tool_choice: Literal["auto", "required"] = "auto",
        name: str | None = None,
    ) -> None:
        self.model = model
        self.prompted = prompted
        #: "required": a call is forced (never right where no function fits, so not a BFCL
        #: mode; it shows what the decode writes once it must call)
        self.tool_choice = tool_choice
        #: a cap on the completion: calls are short; an untuned model's prose is not
        self.max_tokens = max_tokens
        self.name = name or ("fc-prompt" if prompted else "fc")
        if tool_choice == "required" and name is None:
            self.name = "fc-required"

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "model": self.model.settings(),
            "prompted": self.prompted,
            "max_tokens": self.max_tokens,
            "tool_choice": self.tool_choice,
            "system_prompt": FC_SYSTEM_PROMPT,
        }

    def _run(self, input: Any) -> FCOutput:
        inp = input if isinstance(input, FCInput) else FCInput.model_validate(input)
        messages = fc_messages(inp, prompted=self.prompted and bool(inp.tools))
        cfg = self.model.config.model_copy(
            update={
                "max_tokens": min(self.max_tokens, self.model.config.max_tokens),
                "tool_choice": self.tool_choice,
                # the system prompt lists the functions; a prompted provider adds the format
                "tools_listed": True,
            }
        )
        if not inp.tools:  # a few BFCL irrelevance items offer no function at all
            c = self.model.complete(messages, config=cfg)
            return FCOutput(text=c.text)
        if self.prompted:
            c = self.model.complete(messages, config=cfg)
            calls, error = parse_tool_calls(c.text, {t.name for t in inp.tools})
        else:
            c = self.model.complete(messages, tools=inp.tools, config=cfg)
            calls, error = c.tool_calls, c.tool_parse_error
        return FCOutput(
            calls=[{call.name: call.arguments} for call in calls], text=c.text, parse_error=error
        )


def make_fc_agent(
    model: Model | None, prompted: bool = False, tool_choice: Literal["auto", "required"] = "auto"
) -> FunctionCallingAgent:
    if model is None:
        raise ValueError("the fc agent needs a model (--model)")
    return FunctionCallingAgent(model, prompted=prompted, tool_choice=tool_choice)
