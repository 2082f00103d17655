"""What a distilled module calls at run time: its tools, as plain Python, traced."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from behaviorlab import trace as tracing
from behaviorlab.agents import Declined
from behaviorlab.scoring import parse_number
from behaviorlab.tools import Tool, ToolError


def tool_table(tools: Iterable[Tool | Any]) -> dict[str, Tool]:
    """Tools by name (plain functions are wrapped)."""
    out: dict[str, Tool] = {}
    for t in tools:
        tt = t if isinstance(t, Tool) else Tool(t)
        out[tt.name] = tt
    return out


def call_tool(tool: Tool, /, **arguments: Any) -> Any:
    """Run ``tool`` with validated arguments and return its result as JSON data (lists, dicts,
    numbers, strings: the shape the traces it was distilled from recorded).

    The call is recorded like an agent's tool call (span and usage tally). A failure declines
    the level that made it, so an escalation chain hands the input on.
    """
    args = to_jsonable_python(
        {k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in arguments.items()}
    )
    attrs = {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": tool.name,
        "gen_ai.tool.call.arguments": json.dumps(args, default=str),
    }
    t0 = time.perf_counter()
    error: str | None = None
    value: Any = None
    with tracing.span(f"execute_tool {tool.name}", kind="tool", attributes=attrs) as span:
        span.set_input(args)
        try:
            value = to_jsonable_python(tool.execute(args))
            content = value if isinstance(value, str) else json.dumps(value, default=str)
            span.set_output(content)
            span.set_attribute("gen_ai.tool.call.result", content[:2000])
        except ToolError as e:  # a tool that rejects its input: the level cannot answer
            error = str(e)
        if error is not None:
            span.set_error(error)
            content = f"Error: {error}"
    tracing.tally_tool(
        tracing.ToolCallRecord(
            name=tool.name,
            arguments=args,
            result=content,
            error=error,
            latency_s=time.perf_counter() - t0,
        )
    )
    if error is not None:
        raise Declined(error)
    return value


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", s.lower()).split())


def nearest_choice(choices: Sequence[str]) -> Callable[[Any], Any]:
    """A before-validator for a closed set of strings that accepts what small models write:
    any case and punctuation ("business class" → "Business", "premium-economy" → "Premium Economy")."""
    normed = sorted(((_norm(c), c) for c in choices), key=lambda nc: -len(nc[0]))

    def pick(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        v = _norm(value)
        for n, c in normed:
            if n == v:
                return c
        for n, c in normed:  # the longest choice named inside the value
            if n and f" {n} " in f" {v} ":
                return c
        return value

    return pick


def lenient_number(value: Any) -> Any:
    """A before-validator for numeric fields: "$1,234", "1234.00 USD" → 1234."""
    if isinstance(value, str):
        n = parse_number(value)
        if n is not None:
            return int(n) if float(n).is_integer() else n
    return value


def as_answer(value: Any) -> int | float | str:
    """The workflow's answer: whole numbers as int, other numbers as float, anything else as text."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else float(value)
    n = parse_number(value) if isinstance(value, str) else None
    if (
        n is not None
        and isinstance(value, str)
        and value.strip().lstrip("$").replace(",", "").replace(".", "", 1).isdigit()
    ):
        return int(n) if float(n).is_integer() else n
    return value if isinstance(value, str) else json.dumps(value, default=str)
