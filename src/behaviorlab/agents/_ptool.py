"""L1: ``@ptool`` typed stubs whose body is one LLM call with validated structured output,
composed by plain Python workflows (:class:`WorkflowAgent`)."""

from __future__ import annotations

import contextvars
import functools
import inspect
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, ParamSpec, TypeVar, get_type_hints

from pydantic import BaseModel

from behaviorlab import trace as tracing
from behaviorlab.agents._base import Agent
from behaviorlab.models import (
    Completion,
    GenerationConfig,
    Message,
    Model,
    generate_structured,
    json_schema_for,
)

P = ParamSpec("P")
R = TypeVar("R")

_bound_model: contextvars.ContextVar[Model | None] = contextvars.ContextVar(
    "ptool_model", default=None
)


class PToolError(RuntimeError):
    pass


@contextmanager
def using_model(model: Model) -> Iterator[Model]:
    """Every unbound ptool called inside this block uses ``model``."""
    token = _bound_model.set(model)
    try:
        yield model
    finally:
        _bound_model.reset(token)


class PTool(Generic[P, R]):
    """A typed stub: the signature says what goes in, the return type what must come out,
    and the docstring is the instruction. Calling it makes one validated LLM call."""

    def __init__(
        self,
        fn: Callable[P, R],
        *,
        model: Model | None = None,
        retries: int = 2,
        examples: Sequence[tuple[dict[str, Any], Any]] = (),
        config: GenerationConfig | None = None,
    ) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.name = fn.__name__
        self.instruction = inspect.getdoc(fn) or f"Compute {self.name}."
        hints = get_type_hints(fn)
        if "return" not in hints:
            raise PToolError(f"ptool {self.name} needs a return type annotation")
        self.output_type: Any = hints["return"]
        self.signature = inspect.signature(fn)
        self.model = model
        self.retries = retries
        self.examples = list(examples)
        self.config = config

    def bind(self, model: Model) -> PTool[P, R]:
        return self._copy(model=model)

    def _copy(self, **changes: Any) -> Any:
        """This ptool (its name and output type too) with some settings changed."""
        settings = {
            "model": self.model,
            "retries": self.retries,
            "examples": self.examples,
            "config": self.config,
            **changes,
        }
        output_type = settings.pop("output_type", self.output_type)
        copy: PTool[P, Any] = PTool(self.fn, **settings)
        copy.name = self.name
        copy.output_type = output_type
        return copy

    def with_output(self, output_type: Any) -> PTool[P, Any]:
        """The same ptool (name, instruction, prompt, model) returning ``output_type``: a
        narrower type built from the input, e.g. a field limited to the values the input
        offers. The prompt a schema-enforcing model sees is unchanged; its decoder enforces
        the narrower schema."""
        narrowed: PTool[P, Any] = self._copy(output_type=output_type)
        return narrowed

    def with_retries(self, retries: int) -> PTool[P, R]:
        """The same ptool allowing ``retries`` further attempts after an invalid output."""
        again: PTool[P, R] = self._copy(retries=retries)
        return again

    @property
    def active_model(self) -> Model | None:
        """The model a call would use here: the bound one, else the workflow's
        (``using_model``); None outside both."""
        return self.model or _bound_model.get()

    @property
    def schema(self) -> dict[str, Any]:
        return json_schema_for(self.output_type)

    def messages(self, *args: P.args, **kwargs: P.kwargs) -> list[Message]:
        """The exact prompt a call sends to a model that cannot enforce the schema while it
        decodes (the schema is spelled out in the system prompt)."""
        return self.prompt(self._arguments(*args, **kwargs), constrained=False)

    def prompt(self, arguments: dict[str, Any], *, constrained: bool) -> list[Message]:
        """The prompt for these arguments. ``constrained``: the model's decoder enforces the
        schema (``Model.supports_json_schema``), so the prompt does not spend tokens on it.
        Training data for a model is rendered with the value that model will be called with."""
        msgs = [Message.system(self.system_prompt(constrained=constrained))]
        for ex_in, ex_out in self.examples:
            msgs.append(Message.user(_render_args(ex_in)))
            msgs.append(Message.assistant(_render_output(ex_out)))
        msgs.append(Message.user(_render_args(arguments)))
        return msgs

    def _arguments(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return dict(bound.arguments)

    def system_prompt(self, *, constrained: bool = False) -> str:
        if constrained:
            return f"{self.instruction}\n\nReply with only a JSON object."
        return (
            f"{self.instruction}\n\n"
            f"Reply with only a JSON object matching this schema:\n{json.dumps(self.schema)}"
        )

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        value, _ = self.run(*args, **kwargs)
        return value

    def run(self, *args: P.args, **kwargs: P.kwargs) -> tuple[R, list[Completion]]:
        """The call, and every completion it took (the last one gave the value): what a
        workflow reads a confidence from (``Completion.token_logprobs``)."""
        model = self.active_model
        if model is None:
            raise PToolError(
                f"ptool {self.name} has no model: bind one (ptool.bind(model)) or run it inside a WorkflowAgent"
            )
        msgs = self.prompt(self._arguments(*args, **kwargs), constrained=model.supports_json_schema)
        with tracing.span(
            f"ptool {self.name}", kind="workflow", attributes={"behaviorlab.ptool": self.name}
        ) as s:
            s.set_input(msgs[-1].content)
            value, completions = generate_structured(
                model, msgs, self.output_type, retries=self.retries, config=self.config
            )
            s.set_output(value.model_dump() if isinstance(value, BaseModel) else value)
        return value, completions


def ptool(
    fn: Callable[P, R] | None = None,
    *,
    model: Model | None = None,
    retries: int = 2,
    examples: Sequence[tuple[dict[str, Any], Any]] = (),
    config: GenerationConfig | None = None,
) -> Any:
    """``@ptool`` or ``@ptool(retries=3, examples=[...])``."""
    if fn is not None:
        return PTool(fn)
    return lambda f: PTool(f, model=model, retries=retries, examples=examples, config=config)


class WorkflowAgent(Agent):
    """L1: a plain Python function drives the flow; its ptools use this agent's model."""

    level = "L1"

    def __init__(
        self, workflow: Callable[[Any], Any], model: Model, name: str | None = None
    ) -> None:
        self.workflow = workflow
        self.model = model
        self.name = name or str(getattr(workflow, "__name__", "workflow"))

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "model": self.model.settings()}

    def _run(self, input: Any) -> Any:
        with using_model(self.model):
            return self.workflow(input)


def _render_args(args: dict[str, Any]) -> str:
    parts = []
    for k, v in args.items():
        text = v if isinstance(v, str) else json.dumps(v, default=str)
        parts.append(f"{k}:\n{text}")
    return "\n\n".join(parts)


def _render_output(v: Any) -> str:
    if isinstance(v, BaseModel):
        return v.model_dump_json()
    return json.dumps(v)
