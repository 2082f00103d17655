"""One model-id grammar, ``provider/model``, with aliases and entry-point providers."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from behaviorlab.models._base import Model
from behaviorlab.models._errors import ModelError

DEFAULT_MODEL = "llamacpp/smollm2-135m"

ALIASES: dict[str, str] = {
    "default": DEFAULT_MODEL,
    "smollm2-135m": DEFAULT_MODEL,
    "smollm2": DEFAULT_MODEL,
}

_BUILTIN = {
    "llamacpp": "behaviorlab.models._llamacpp:LlamaCppModel",
    "openai": "behaviorlab.models._openai:OpenAIModel",
    "transformers": "behaviorlab.models._transformers:TransformersModel",
    "scripted": "behaviorlab.models._scripted:ScriptedModel",
    "constraints": "behaviorlab.models._scripted:ConstraintsOnlyModel",
}


def provider_class(name: str) -> type[Model]:
    target = _BUILTIN.get(name)
    if target is None:
        for ep in entry_points(group="behaviorlab.providers"):
            if ep.name == name:
                cls = ep.load()
                break
        else:
            known = sorted(
                {*_BUILTIN, *(e.name for e in entry_points(group="behaviorlab.providers"))}
            )
            raise ModelError(f"unknown model provider {name!r}; known: {', '.join(known)}")
    else:
        import importlib

        mod, _, attr = target.partition(":")
        cls = getattr(importlib.import_module(mod), attr)
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise ModelError(f"provider {name!r} is not a behaviorlab Model")
    return cls


def parse_model_id(spec: str) -> tuple[str, str]:
    spec = ALIASES.get(spec, spec)
    provider, sep, name = spec.partition("/")
    if not sep or not name:
        raise ModelError(
            f"model id {spec!r} must look like provider/model (e.g. {DEFAULT_MODEL}, openai/gpt-4o-mini)"
        )
    return provider, name


def get_model(spec: str = DEFAULT_MODEL, **kwargs: Any) -> Model:
    """Build a model from ``provider/model`` (or an alias such as ``smollm2-135m``)."""
    provider, name = parse_model_id(spec)
    return provider_class(provider)(name, **kwargs)
