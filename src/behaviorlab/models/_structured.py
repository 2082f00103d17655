"""Structured output: a pydantic type becomes a JSON schema; invalid output is retried, then fails loudly."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from behaviorlab.models._base import Model
from behaviorlab.models._errors import StructuredOutputError
from behaviorlab.models._prompted_tools import extract_json_object
from behaviorlab.models._types import Completion, GenerationConfig, Message

T = TypeVar("T")

#: the temperature a retry of a greedy structured call samples at (``generate_structured``)
RETRY_TEMPERATURE = 0.8


def json_schema_for(output_type: Any) -> dict[str, Any]:
    schema = TypeAdapter(output_type).json_schema()
    return _inline_refs(schema)


def decoding_schema_for(output_type: Any) -> dict[str, Any]:
    """The schema a constraining decoder enforces: ``json_schema_for(output_type)``, narrowed
    by the type's ``decoding_schema(schema)`` where it has one (it gets a fresh copy to
    narrow, never the schema a prompt spells out).

    A type built from its input can so allow the decoder only values the input holds (a
    bag's figures among the number groups the text writes) without those values reaching
    a prompt: the schema a prompt or a retry spells out stays ``json_schema_for``'s."""
    schema = json_schema_for(output_type)
    narrow = getattr(output_type, "decoding_schema", None)
    return narrow(schema) if callable(narrow) else schema


def parse_json_output(text: str, output_type: type[T]) -> T:
    """Validate the first JSON value in ``text`` (fences and chatter around it are ignored)."""
    candidate = extract_json_object(text)
    payload = candidate if candidate is not None else text.strip()
    if candidate is None and not payload:
        raise ValueError("the output is empty")
    adapter: TypeAdapter[T] = TypeAdapter(output_type)
    try:
        return adapter.validate_json(payload)
    except ValidationError:
        # a bare scalar or a JSON string holding the value
        try:
            return adapter.validate_python(json.loads(payload))
        except (json.JSONDecodeError, ValidationError):
            raise


def generate_structured(
    model: Model,
    messages: list[Message],
    output_type: type[T],
    *,
    retries: int = 2,
    config: GenerationConfig | None = None,
    retry_temperature: float = RETRY_TEMPERATURE,
) -> tuple[T, list[Completion]]:
    """Ask for JSON matching ``output_type``; feed validation errors back up to ``retries`` times.

    A greedy decoder (temperature 0) sent its own mistake and the reason tends to write the
    same output again (measured: a fine-tuned SmolLM2 repeated a copy slip token for token in
    all three attempts), so a retry of a greedy call samples at ``retry_temperature`` with a
    seed per attempt: still reproducible, and a slip the model was unsure of can come out
    right. ``retry_temperature=0`` keeps every attempt greedy.
    """
    schema = json_schema_for(output_type)
    decoding = decoding_schema_for(output_type)
    history = list(messages)
    completions: list[Completion] = []
    raws: list[str] = []
    first = config or model.config
    for attempt in range(retries + 1):
        cfg = first
        if attempt and first.temperature == 0 and retry_temperature > 0:
            cfg = first.model_copy(
                update={"temperature": retry_temperature, "seed": first.seed + attempt}
            )
        c = model.complete(history, json_schema=decoding, config=cfg)
        completions.append(c)
        raws.append(c.text)
        try:
            return parse_json_output(c.text, output_type), completions
        except (ValueError, ValidationError) as e:
            history = [
                *history,
                Message.assistant(c.text),
                retry_feedback(e, schema, constrained=model.supports_json_schema),
            ]
    raise StructuredOutputError(
        f"{model.model_id} gave no valid {getattr(output_type, '__name__', output_type)} "
        f"in {retries + 1} attempts ({_describe_last(raws, output_type)})",
        raws,
    )


def retry_feedback(error: Exception | str, schema: dict[str, Any], *, constrained: bool) -> Message:
    """The message that answers an invalid output: what was wrong, and (for a model whose
    decoder does not enforce the schema) the schema again. A fine-tuned model's training
    data renders its retries with this function, so they match what it will be sent."""
    problem = error if isinstance(error, str) else _describe(error)
    if constrained:
        return Message.user(f"That output is invalid: {problem}. Reply with only a JSON object.")
    return Message.user(
        f"That output is invalid: {problem}. Reply with only a JSON object that "
        f"matches this schema: {json.dumps(schema)}"
    )


def _describe(e: Exception) -> str:
    if isinstance(e, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, err['loc'])) or 'value'}: {err['msg']}" for err in e.errors()[:5]
        )
    return str(e)


def _describe_last(raws: list[str], output_type: Any) -> str:
    try:
        parse_json_output(raws[-1], output_type)
    except (ValueError, ValidationError) as e:
        return _describe(e)
    return "unknown"


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Resolve ``$defs`` references: small-model grammars and some servers don't follow them."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.split("/")[-1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


def is_pydantic(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def value_token_logprobs(completion: Completion, *, list_ends: bool = False) -> list[float] | None:
    """The log-probabilities of the tokens that write a JSON *value* in ``completion``'s
    text: a number, ``true``/``false``/``null``, or a string that is not an object's key.
    Keys, quotes and punctuation are left out: under a schema they say where a value goes,
    not what the model read. None where the provider reports no per-token texts; a token
    that writes part of a value and part of the punctuation around it counts as a value's.

    ``list_ends``: also the tokens that write the ``,`` or ``]`` after an array's item, where
    the model decides whether the list goes on (how many items it copies), which a schema
    leaves open as it leaves a value open.
    """
    texts, logprobs = completion.token_texts, completion.token_logprobs
    if texts is None or logprobs is None:
        return None
    text = "".join(texts[: len(logprobs)])
    value = _json_value_chars(text, list_ends=list_ends)
    out, pos = [], 0
    for piece, lp in zip(texts, logprobs, strict=False):
        if any(value[pos : pos + len(piece)]):
            out.append(lp)
        pos += len(piece)
    return out


def _json_value_chars(text: str, *, list_ends: bool = False) -> list[bool]:
    """For each character of ``text`` (JSON, perhaps cut short): whether it is inside a value
    literal rather than a key or the structure around it (``list_ends``: or an array's ``,``
    or ``]``)."""
    inside = [False] * len(text)
    stack: list[str] = []
    key_next = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "{[":
            stack.append(ch)
            key_next = ch == "{"
        elif ch in "}]":
            if stack:
                inside[i] = list_ends and stack[-1] == "[" and ch == "]"
                stack.pop()
            key_next = False
        elif ch == ",":
            inside[i] = list_ends and bool(stack) and stack[-1] == "["
            key_next = bool(stack) and stack[-1] == "{"
        elif ch == ":":
            key_next = False
        elif ch == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if not key_next:
                inside[i + 1 : j] = [True] * (min(j, len(text)) - i - 1)
            i = j
        elif not ch.isspace():  # a number or a literal: up to the next delimiter
            j = i
            while j < len(text) and text[j] not in ',:{}[]"' and not text[j].isspace():
                inside[j] = True
                j += 1
            i = j - 1
        i += 1
    return inside
