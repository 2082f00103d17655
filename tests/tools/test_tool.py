from __future__ import annotations

import pytest

from behaviorlab.models import ToolCall
from behaviorlab.tools import ToolError, ToolRegistry, tool


@tool
def convert(amount: float, currency: str = "USD") -> str:
    """Convert an amount of money into a display string.

    Args:
        amount: How much money.
        currency: ISO currency code,
            for example EUR.
    """
    return f"{amount:.2f} {currency}"


@tool(name="explode")
def _explode(x: int) -> int:
    """Always fails."""
    raise RuntimeError(f"cannot handle {x}")


def test_schema_from_signature_and_docstring():
    spec = convert.spec
    assert spec.name == "convert"
    assert spec.description == "Convert an amount of money into a display string."
    props = spec.parameters["properties"]
    assert props["amount"]["type"] == "number"
    assert props["currency"]["default"] == "USD"
    assert props["currency"]["description"] == "ISO currency code, for example EUR."
    assert spec.parameters["required"] == ["amount"]


def test_raising_tool_becomes_error_observation():
    r = _explode.invoke({"x": 3}, "c1")
    assert not r.ok and r.content.startswith("Error: RuntimeError: cannot handle 3")


def test_invalid_arguments_become_error_observation():
    r = convert.invoke({"amount": "lots"})
    assert not r.ok and "amount" in (r.error or "")


def test_registry_unknown_tool_and_duplicates():
    reg = ToolRegistry([convert, _explode])
    assert reg.names == ["convert", "explode"]
    r = reg.call(ToolCall(id="1", name="missing", arguments={}))
    assert not r.ok and "unknown tool 'missing'" in r.content and "convert" in r.content
    assert reg.call(ToolCall(id="2", name="convert", arguments={"amount": 3})).content == "3.00 USD"
    with pytest.raises(ToolError):
        reg.register(convert)
