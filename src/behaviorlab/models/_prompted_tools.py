"""Tool calling for models without a native tool API: tools go in the prompt, calls come back as text.

The format is the Hermes/Qwen one most small chat models have seen:
``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``. A bare JSON object with
``name`` and ``arguments`` keys is accepted too, since small models often drop the tags.
"""

from __future__ import annotations

import json
import re
from typing import Any

from behaviorlab.models._types import Message, ToolCall, ToolSpec

_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)


CALL_FORMAT = (
    "To call a tool, reply with one line per call (several lines for several calls):\n"
    '<tool_call>{"name": "TOOL_NAME", "arguments": {...}}</tool_call>\n'
    "and nothing else. When you know the final answer, reply with plain text instead."
)


def tools_system_prompt(tools: list[ToolSpec], *, listed: bool = False) -> str:
    """The prompted-tool instructions: the call format and (unless the prompt already
    describes the tools, ``listed``) a one-line summary of each tool."""
    if listed:
        return "You can call the functions listed above. " + CALL_FORMAT
    lines = ["You can call these tools. " + CALL_FORMAT, "", "Tools:"]
    for t in tools:
        params = t.parameters.get("properties", {})
        args = ", ".join(f"{k}: {v.get('type', 'any')}" for k, v in params.items())
        lines.append(f"- {t.name}({args}): {t.description}")
    return "\n".join(lines)


def with_tools_prompt(
    messages: list[Message], tools: list[ToolSpec], *, listed: bool = False
) -> list[Message]:
    """Put the tool instructions (and, unless ``listed``, the tool list) into the system
    message and make tool turns plain user turns."""
    prompt = tools_system_prompt(tools, listed=listed)
    out: list[Message] = []
    if messages and messages[0].role == "system":
        out.append(Message.system(messages[0].content + "\n\n" + prompt))
        rest = messages[1:]
    else:
        out.append(Message.system(prompt))
        rest = messages
    for m in rest:
        if m.role == "tool":
            out.append(Message.user(f"Tool {m.name} returned: {m.content}"))
        elif m.role == "assistant" and m.tool_calls and _already_written(m):
            out.append(Message.assistant(m.content))
        elif m.role == "assistant" and m.tool_calls:
            calls = "\n".join(
                "<tool_call>"
                + json.dumps({"name": c.name, "arguments": c.arguments})
                + "</tool_call>"
                for c in m.tool_calls
            )
            out.append(Message.assistant(((m.content + "\n") if m.content else "") + calls))
        else:
            out.append(m)
    return out


def _already_written(m: Message) -> bool:
    """The assistant's text already holds exactly its calls (a prompted model wrote them)."""
    found, _ = parse_tool_calls(m.content, {c.name for c in m.tool_calls})
    return [(c.name, c.arguments) for c in found] == [(c.name, c.arguments) for c in m.tool_calls]


def parse_tool_calls(
    text: str, tool_names: set[str], id_prefix: str = "call"
) -> tuple[list[ToolCall], str | None]:
    """Tool calls found in ``text`` and, if the text tried to call a tool but failed, why."""
    candidates = [m.group(1) for m in _TAGGED.finditer(text)]
    tagged = bool(candidates)
    if not tagged:
        obj = _first_json_object(text)
        if obj is None:
            return [], None
        candidates = [obj]
    calls: list[ToolCall] = []
    for i, raw in enumerate(candidates):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as e:
            if tagged:
                return (
                    [],
                    f"the tool call is not valid JSON ({e.msg} at position {e.pos}): {raw[:200]}",
                )
            return [], None
        if not isinstance(data, dict) or "name" not in data:
            if tagged:
                return [], 'a tool call must be a JSON object with "name" and "arguments"'
            return [], None
        name = str(data["name"])
        args: Any = data.get("arguments", data.get("parameters", {}))
        if isinstance(args, str):
            try:
                args = json.loads(args)
            except json.JSONDecodeError:
                args = {}
        if name not in tool_names:
            if tagged or "arguments" in data:
                return [], f"unknown tool {name!r}; available: {', '.join(sorted(tool_names))}"
            return [], None
        if not isinstance(args, dict):
            return [], f"arguments of {name} must be a JSON object"
        calls.append(ToolCall(id=f"{id_prefix}_{i}", name=name, arguments=args))
    return calls, None


def _first_json_object(text: str) -> str | None:
    start = text.find("{")
    while start != -1:
        depth, in_str, esc = 0, False, False
        for i in range(start, len(text)):
            ch = text[i]
            if in_str:
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return text[start : i + 1]
        start = text.find("{", start + 1)
    return None


extract_json_object = _first_json_object
