"""BFCL's function documents as tool specs: its JSON-Schema dialect made standard, names made
portable.

BFCL writes ``"dict"`` for object, ``"float"`` for number, ``"tuple"`` for array and ``"any"``
for any value, and names functions ``math.factorial``, which OpenAI-style tool APIs refuse
(``^[a-zA-Z0-9_-]+$``). Every model is offered the same specs: standard types, names with
other characters replaced by ``_``; the calls it makes are mapped back to BFCL's names before
they are scored or printed. Keywords a decoder would enforce beyond types, enums and required
keys (``format``, bounds, item counts) are left out so a constraint built from the spec can
never rule out an answer BFCL accepts.
"""

from __future__ import annotations

import re
from typing import Any

from behaviorlab.models import ToolSpec

_TYPES = {"dict": "object", "float": "number", "tuple": "array"}
_KEEP = ("description", "enum", "default")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def json_schema(node: dict[str, Any]) -> dict[str, Any]:
    """One BFCL parameter schema in standard JSON Schema."""
    if not isinstance(node, dict):
        raise ValueError(f"a BFCL parameter schema must be an object, not {node!r}")
    out: dict[str, Any] = {}
    kind = node.get("type")
    if isinstance(kind, str) and kind != "any":
        out["type"] = _TYPES.get(kind, kind)
    for key in _KEEP:
        if key in node:
            out[key] = node[key]
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: json_schema(v) for k, v in node["properties"].items()}
        required = [r for r in node.get("required", []) if r in out["properties"]]
        if required:
            out["required"] = required
    if isinstance(node.get("items"), dict):
        out["items"] = json_schema(node["items"])
    return out


def portable_name(name: str) -> str:
    return _UNSAFE.sub("_", name)


def tool_specs(functions: list[dict[str, Any]]) -> tuple[list[ToolSpec], dict[str, str]]:
    """The specs offered for ``functions`` and the map from offered name to BFCL's name."""
    specs: list[ToolSpec] = []
    names: dict[str, str] = {}
    for f in functions:
        try:
            original, params = f["name"], f["parameters"]
        except (KeyError, TypeError) as e:
            raise ValueError(f"a BFCL function needs a name and parameters: {str(f)[:200]}") from e
        offered = portable_name(original)
        k = 2
        while offered in names:  # two originals made the same portable name
            offered = f"{portable_name(original)}_{k}"
            k += 1
        names[offered] = original
        schema = json_schema(params)
        schema.setdefault("type", "object")
        specs.append(
            ToolSpec(name=offered, description=str(f.get("description", "")), parameters=schema)
        )
    return specs, names


def original_calls(calls: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """``[{offered name: args}]`` with BFCL's names back (a name never offered is kept)."""
    return [{names.get(n, n): args for n, args in c.items()} for c in calls]
