"""``@tool``: a typed Python function becomes an LLM tool (name, description, JSON schema)."""

from __future__ import annotations

import inspect
import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Any, get_type_hints

from pydantic import BaseModel, ValidationError, create_model

from behaviorlab import trace as tracing
from behaviorlab.models import ToolCall, ToolSpec


class ToolError(RuntimeError):
    """A tool refused its arguments or failed. ``observation`` is what the agent is shown
    (``Type: message`` of the underlying failure), the message names the tool as well."""

    def __init__(self, message: str, *, observation: str | None = None) -> None:
        super().__init__(message)
        self.observation = observation or message


class ToolResult(BaseModel):
    """What the agent observes; a failure is an observation, never an exception."""

    name: str
    call_id: str
    content: str
    ok: bool = True
    error: str | None = None


class Tool:
    """A typed function an agent may call. Its arguments are untrusted data (an LLM, possibly
    steered by injected text, wrote them): a tool validates them and never evaluates them as
    code — except a tool declared ``runs_code``, which must run them in the sandbox."""

    def __init__(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        *,
        runs_code: bool = False,
    ) -> None:
        self.fn = fn
        #: the tool's purpose is to execute its argument as code (in the sandbox)
        self.runs_code = runs_code
        self.name = name or fn.__name__
        doc = inspect.getdoc(fn) or ""
        summary, param_docs = _parse_docstring(doc)
        self.description = description or summary or self.name
        self._args_model = _args_model(fn, self.name, param_docs)
        self.parameters: dict[str, Any] = _clean_schema(self._args_model.model_json_schema())

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(name=self.name, description=self.description, parameters=self.parameters)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def validate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments as the function's types; raises :class:`ToolError` naming each bad one."""
        if not isinstance(arguments, dict):
            raise ToolError(
                f"invalid arguments for {self.name}: expected an object, got "
                f"{type(arguments).__name__}"
            )
        try:
            model = self._args_model.model_validate(arguments)
        except ValidationError as e:
            raise ToolError(
                f"invalid arguments for {self.name}: {_validation_message(e)}"
            ) from None
        return {k: getattr(model, k) for k in type(model).model_fields}

    def execute(self, arguments: dict[str, Any]) -> Any:
        """Validate and run; every failure is a :class:`ToolError` that names the tool.

        Arguments are untrusted data (an LLM wrote them): tools must never evaluate them as
        code outside the sandbox.
        """
        kwargs = self.validate(arguments)
        try:
            return self.fn(**kwargs)
        except Exception as e:
            seen = f"{type(e).__name__}: {e}"
            raise ToolError(f"{self.name} failed: {seen}", observation=seen) from e

    def invoke(self, arguments: dict[str, Any], call_id: str = "") -> ToolResult:
        """Validate, run and record the call; every failure becomes an error observation."""
        attrs = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": self.name,
            "gen_ai.tool.call.id": call_id,
            "gen_ai.tool.call.arguments": json.dumps(arguments, default=str),
        }
        t0 = time.perf_counter()
        with tracing.span(f"execute_tool {self.name}", kind="tool", attributes=attrs) as span:
            span.set_input(arguments)
            try:
                value = self.execute(arguments)
                content = value if isinstance(value, str) else json.dumps(value, default=str)
                result = ToolResult(name=self.name, call_id=call_id, content=content)
            except ToolError as e:  # the agent sees the failure and may recover
                msg = e.observation
                result = ToolResult(
                    name=self.name, call_id=call_id, content=f"Error: {msg}", ok=False, error=msg
                )
            if result.ok:
                span.set_output(result.content)
                span.set_attribute("gen_ai.tool.call.result", result.content[:2000])
            else:
                span.set_error(result.error or "tool failed")
                span.set_output(result.content)
        tracing.tally_tool(
            tracing.ToolCallRecord(
                name=self.name,
                arguments=arguments,
                result=result.content,
                error=result.error,
                latency_s=time.perf_counter() - t0,
            )
        )
        return result

    def __repr__(self) -> str:
        return f"<Tool {self.name}>"


def tool(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    runs_code: bool = False,
) -> Any:
    """Decorator: ``@tool`` or ``@tool(name=..., runs_code=...)``."""
    if fn is not None:
        return Tool(fn)
    return lambda f: Tool(f, name=name, description=description, runs_code=runs_code)


class ToolRegistry:
    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for t in tools:
            self.register(t)

    def register(self, t: Tool | Callable[..., Any]) -> Tool:
        t = t if isinstance(t, Tool) else Tool(t)
        if t.name in self._tools:
            raise ToolError(f"tool {t.name!r} is already registered")
        self._tools[t.name] = t
        return t

    def __contains__(self, name: str) -> bool:
        return name in self._tools

    def __getitem__(self, name: str) -> Tool:
        return self._tools[name]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def specs(self) -> list[ToolSpec]:
        return [t.spec for t in self._tools.values()]

    def call(self, call: ToolCall) -> ToolResult:
        t = self._tools.get(call.name)
        if t is None:
            msg = f"unknown tool {call.name!r}; available: {', '.join(self._tools)}"
            tracing.tally_tool(
                tracing.ToolCallRecord(call.name, call.arguments, f"Error: {msg}", msg)
            )
            return ToolResult(
                name=call.name, call_id=call.id, content=f"Error: {msg}", ok=False, error=msg
            )
        return t.invoke(call.arguments, call.id)


def _validation_message(e: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, err['loc'])) or 'arguments'}: {err['msg']}" for err in e.errors()[:5]
    )


_PARAM_RE = re.compile(r"^\s*(\w+)\s*(?:\([^)]*\))?\s*:\s*(.+)$")


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Summary paragraph plus Google-style ``Args:`` descriptions."""
    summary_lines: list[str] = []
    params: dict[str, str] = {}
    section = "summary"
    current: str | None = None
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.lower() in ("args:", "arguments:", "parameters:"):
            section, current = "args", None
            continue
        if stripped.lower() in ("returns:", "raises:", "examples:", "example:"):
            section = "other"
            continue
        if section == "summary":
            summary_lines.append(stripped)
        elif section == "args" and stripped:
            m = _PARAM_RE.match(stripped)
            if m and line.startswith((" ", "\t")) and (len(line) - len(line.lstrip())) <= 8:
                current = m.group(1)
                params[current] = m.group(2).strip()
            elif current:
                params[current] += " " + stripped
    summary = " ".join(" ".join(summary_lines).split())
    return summary, params


def _args_model(fn: Callable[..., Any], name: str, param_docs: dict[str, str]) -> type[BaseModel]:
    from pydantic import Field

    hints = get_type_hints(fn)
    fields: dict[str, Any] = {}
    for pname, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        ann = hints.get(pname, Any)
        default = ... if p.default is inspect.Parameter.empty else p.default
        fields[pname] = (ann, Field(default, description=param_docs.get(pname)))
    return create_model(f"{name}_args", **fields)  # type: ignore[call-overload,no-any-return]


def _clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    return schema
