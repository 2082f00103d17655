"""Every tool a built-in task offers its agents treats its arguments as untrusted data.

The test walks each task's ``tools()`` and, for each argument of each tool, sends injection
payloads in place of a valid value (the other arguments valid). A data tool must refuse each
with a ``ToolError`` naming the tool or the argument, and run nothing; a tool that only passes
text on (``answer_directly``) must return it unchanged; a tool declared ``runs_code`` runs it
in the sandbox, so nothing may reach the host. All of it in a scratch directory.
"""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from behaviorlab.tasks import get_task, task_names
from behaviorlab.tools import Tool, ToolError

# valid arguments for each tool; a new tool must be added here to be audited
SAMPLES: dict[str, dict[str, Any]] = {
    "region_of_route": {"origin": "Boston", "destination": "Paris"},
    "best_checked_bag_numbers": {
        "region": "Europe",
        "direction": 0,
        "cabin_class": "Main Cabin",
        "bags": [{"item": 2, "length": 30, "width": 20, "height": 10, "weight": 40}],
    },
    "checked_bag_fee": {
        "region": "Europe",
        "direction": 0,
        "cabin_class": "Main Cabin",
        "bag_number": 1,
    },
    "bag_surcharge": {
        "region": "Europe",
        "cabin_class": "Main Cabin",
        "length": 30,
        "width": 20,
        "height": 10,
        "weight_lbs": 40,
    },
    "calculator": {"expression": "1 + 1"},
    "code_executor": {"code": "print(1)"},
    "answer_directly": {"answer": "42"},
}

# text tools pass their argument on as data; nothing else
ECHO_TOOLS = {"answer_directly"}

PAYLOADS: list[Any] = [
    "__import__('os').system('touch pwned')",
    "().__class__.__base__.__subclasses__()",
    "open('pwned', 'w').write('x')",
    "exec(\"open('pwned', 'w').close()\")",
    "__import__('builtins').__dict__.__setitem__('PWNED', 1)",
    "../../../../etc/passwd",
    "$(touch pwned)",
    "; touch pwned",
    "{{7*7}}${7*7}",
    "'; DROP TABLE results; --",
    "9**9**9**9",
    {"__class__": "os"},
    ["__import__('os')"],
]


def _every_tool() -> list[tuple[str, Tool]]:
    seen: dict[str, tuple[str, Tool]] = {}
    for name in task_names():
        for t in get_task(name).tools():
            seen.setdefault(t.name, (name, t))
    return sorted(seen.values(), key=lambda p: p[1].name)


def test_every_task_tool_has_an_audit_sample() -> None:
    tools = _every_tool()
    assert {"calculator", "code_executor", "region_of_route"} <= {t.name for _, t in tools}
    missing = [f"{task}:{t.name}" for task, t in tools if t.name not in SAMPLES]
    assert not missing, f"add valid sample arguments for {missing} to SAMPLES"
    for _, t in tools:  # the samples themselves are valid, so a refusal below is the payload's
        t.validate(SAMPLES[t.name])


def _cases() -> list[Any]:
    cases = []
    for _, t in _every_tool():
        for arg in SAMPLES.get(t.name, {}):
            cases.append(pytest.param(t, arg, id=f"{t.name}.{arg}"))
    return cases


@pytest.mark.parametrize(("tool", "arg"), _cases())
def test_injected_arguments_run_nothing(
    tool: Tool, arg: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for payload in PAYLOADS:
        if tool.runs_code and not isinstance(payload, str):
            continue
        arguments = {**SAMPLES[tool.name], arg: payload}
        if tool.runs_code:
            # it exists to run code: only in the sandbox, whose filesystem is not the host's
            tool.execute(arguments)
        elif tool.name in ECHO_TOOLS and isinstance(payload, str):
            assert tool.execute(arguments) == payload
        else:
            with pytest.raises(ToolError) as info:
                tool.execute(arguments)
            message = str(info.value)
            assert tool.name in message or arg in message, message
        # the observation an agent gets is an error, never an exception
        observed = tool.invoke(arguments)
        assert observed.ok == (
            tool.runs_code or (tool.name in ECHO_TOOLS and isinstance(payload, str))
        )
        assert list(tmp_path.iterdir()) == [], f"{tool.name}({arg}={payload!r}) wrote a file"
        assert not hasattr(builtins, "PWNED")


def test_calculator_tools_compute_through_the_safe_evaluator() -> None:
    tools = dict((t.name, t) for _, t in _every_tool())
    assert tools["calculator"].execute({"expression": "48213*9377"}) in ("452093301", 452093301)
    airline = get_task("airline").tools()
    calc = next(t for t in airline if t.name == "calculator")
    assert calc.execute({"expression": "$180 + $1,050 + max(30, 100)"}) == 1330
    with pytest.raises(ToolError, match="only named math functions"):
        calc.execute({"expression": "__import__('os').system('touch pwned')"})
