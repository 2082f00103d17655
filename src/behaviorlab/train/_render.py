"""Render provider messages as the plain chat turns a local model is trained on.

Tool turns follow the prompted-tool convention of ``models._prompted_tools`` (the form the
transformers and llama.cpp providers send): assistant calls as
``<tool_call>{...}</tool_call>`` lines, tool results as user turns "Tool NAME returned: ...",
so what the model is trained on is what it sees when it is served.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from behaviorlab.models import Message, ToolSpec, tools_system_prompt
from behaviorlab.models import tool_call_text as _call_text

if TYPE_CHECKING:
    from behaviorlab.train._records import ChatMessage


def tool_call_text(name: str, arguments: dict[str, Any]) -> str:
    """A call as the prompted format writes it, and as the tool-call grammar admits it."""
    return _call_text(name, arguments)


def observation_text(name: str, content: str) -> str:
    return f"Tool {name} returned: {content}"


def render_messages(
    messages: list[Message] | list[dict[str, Any]], tools: list[ToolSpec] | None = None
) -> list[ChatMessage]:
    """Chat turns for ``messages``; with ``tools``, the tool list joins the system prompt."""
    from behaviorlab.train._records import ChatMessage

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


def completion_text(span_output: str | None) -> str:
    """The assistant text a chat span recorded (tool calls as ``<tool_call>`` lines)."""
    if not span_output:
        return ""
    try:
        data = json.loads(span_output)
    except json.JSONDecodeError:
        return span_output
    if isinstance(data, dict) and "tool_calls" in data and "text" in data:
        text = str(data.get("text") or "")
        if "<tool_call>" in text:
            return text
        calls = "\n".join(
            tool_call_text(c["name"], c.get("arguments", {})) for c in data["tool_calls"]
        )
        return (text + "\n" + calls) if text.strip() else calls
    return span_output
