"""The assistant text a recorded chat span holds, as the plain turn a local model is trained on
(tool calls in the prompted-tool ``<tool_call>`` form, as ``models.render_messages`` writes them).
"""

from __future__ import annotations

import json

from behaviorlab.models import tool_call_text


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
