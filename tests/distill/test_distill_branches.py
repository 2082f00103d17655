"""A toy domain with a branch, a constant and an argument the LLM computed: the miner finds
the branch condition, the synthesiser emits if/else, a ``fill`` ptool, and code that runs."""

from __future__ import annotations

import importlib.util
import json
import sys
import textwrap

import pytest

from behaviorlab.agents import PTool, WorkflowAgent
from behaviorlab.distill import (
    CallableSpec,
    SynthOptions,
    TraceRun,
    TraceStep,
    mine,
    static_leak_check,
    synthesize,
)
from behaviorlab.distill._runtime import tool_table
from behaviorlab.models import Message, ScriptedModel

TOOLS_SRC = '''
ZONES = {"Iceland": ("EU", True), "France": ("EU", False), "Japan": ("ASIA", False),
         "Greenland": ("NA", True), "Canada": ("NA", False), "Fiji": ("ASIA", True)}


def zone_of(country: str) -> dict:
    """Shipping zone of a country, and whether it is remote."""
    zone, remote = ZONES[country]
    return {"zone": zone, "remote": remote}


def courier_rate(zone: str, kg: int) -> float:
    """Courier price for a parcel to a remote place."""
    return {"EU": 30.0, "NA": 40.0, "ASIA": 50.0}[zone] + 5 * kg


def post_rate(zone: str, kg: int, priority: int) -> float:
    """Postal price; priority 1 is urgent, 2 is standard."""
    return {"EU": 10.0, "NA": 12.0, "ASIA": 15.0}[zone] + 2 * kg + (8 if priority == 1 else 0)


def with_tax(amount: float, tax_rate: float) -> float:
    """The amount with tax added."""
    return round(amount * (1 + tax_rate), 2)


def toy_tools():
    return [zone_of, courier_rate, post_rate, with_tax]
'''

CASES = [  # (country, kg, urgent)
    ("Iceland", 3, False),
    ("France", 2, True),
    ("Japan", 5, False),
    ("Greenland", 1, True),
    ("Canada", 4, True),
    ("Fiji", 2, False),
    ("France", 7, False),
    ("Iceland", 6, True),
]


@pytest.fixture()
def toy(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    (tmp_path / "toyship.py").write_text(TOOLS_SRC)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("toyship", None)
    import toyship  # type: ignore[import-not-found]

    return toyship


def _text(country: str, kg: int, urgent: bool) -> str:
    return f"Please send a {kg} kg parcel to {country}" + (
        ", it is urgent!" if urgent else ", no rush."
    )


def _run(toy, country: str, kg: int, urgent: bool) -> TraceRun:  # type: ignore[no-untyped-def]
    steps = []
    z = toy.zone_of(country)
    steps.append(TraceStep(tool="zone_of", arguments={"country": country}, result=z))
    if z["remote"]:
        price = toy.courier_rate(z["zone"], kg)
        steps.append(
            TraceStep(tool="courier_rate", arguments={"zone": z["zone"], "kg": kg}, result=price)
        )
    else:
        prio = 1 if urgent else 2
        price = toy.post_rate(z["zone"], kg, prio)
        steps.append(
            TraceStep(
                tool="post_rate",
                arguments={"zone": z["zone"], "kg": kg, "priority": prio},
                result=price,
            )
        )
    total = toy.with_tax(price, 0.2)
    steps.append(
        TraceStep(tool="with_tax", arguments={"amount": price, "tax_rate": 0.2}, result=total)
    )
    return TraceRun(
        input=_text(country, kg, urgent),
        steps=steps,
        final_answer=f"Final Answer: {total}",
        success=True,
        trace_id=f"t-{country}-{kg}",
    )


def _failed_run() -> TraceRun:
    return TraceRun(
        input="Please send a 2 kg parcel to Mars",
        steps=[TraceStep(tool="with_tax", arguments={})],
        final_answer="no",
        success=False,
    )


def test_branch_constant_and_llm_computed_argument(toy, tmp_path):
    runs = [_run(toy, *c) for c in CASES] + [_failed_run()]
    mined = mine(runs)
    rep = mined.report()
    assert rep.runs == 9 and rep.successful_runs == 8 and rep.coverage == 1.0
    assert rep.pattern == "zone_of → [courier_rate | post_rate] → with_tax" or rep.pattern == (
        "zone_of → [post_rate | courier_rate] → with_tax"
    )
    (conds,) = mined.conditions.values()
    cond = next(c for c in conds if c is not None)
    assert cond.ref.describe(mined.names()) == "zone_of#n1 result.remote" and cond.op == "=="
    prov = {(a.tool, a.argument): (a.provenance, a.source) for a in rep.arguments}
    assert prov[("zone_of", "country")] == ("input", "input")
    assert (
        prov[("courier_rate", "zone")][0] == "derived"
        and prov[("post_rate", "zone")][0] == "derived"
    )
    assert prov[("post_rate", "priority")][0] == "unknown (LLM-computed)"
    assert prov[("with_tax", "tax_rate")] == ("constant", "constant 0.2")
    assert (
        prov[("with_tax", "amount")][0] == "derived" and "branch" in prov[("with_tax", "amount")][1]
    )

    src = synthesize(
        mined,
        list(tool_table(toy.toy_tools()).values()),
        SynthOptions(tools=CallableSpec("toyship", "toy_tools"), name="toy"),
    )
    path = tmp_path / "toy_workflow.py"
    path.write_text(src)
    assert static_leak_check(src, allow=["toyship:toy_tools"]).ok
    assert 'if r_n1["remote"]:' in src or 'if not r_n1["remote"]:' in src
    spec = importlib.util.spec_from_file_location("toy_workflow", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    ptools = {v.name: v for v in vars(mod).values() if isinstance(v, PTool)}
    fill = next(n for n in ptools if n.startswith("fill_"))
    assert set(ptools) == {"extract_inputs", fill}
    # one extraction for both paths: kg is needed on either side of the branch
    assert list(ptools["extract_inputs"].output_type.model_fields) == ["country", "kg"]
    assert list(ptools[fill].output_type.model_fields) == ["priority"]

    def reply(messages: list[Message]) -> str:
        text = messages[1].content if "known:" not in messages[-1].content else messages[-1].content
        if "known:" in text:
            original = text.split("text:\n", 1)[1].split("\n\nknown:", 1)[0]
            return json.dumps({"priority": 1 if "urgent" in original else 2})
        body = messages[-1].content.split("text:\n", 1)[1]
        country = body.split(" to ")[1].split(",")[0]
        kg = int(body.split("send a ")[1].split(" kg")[0])
        return json.dumps({"country": country, "kg": kg})

    agent = WorkflowAgent(mod.workflow, ScriptedModel([reply], cycle=True))
    for country, kg, urgent in [("Greenland", 9, False), ("Japan", 3, True), ("Canada", 2, False)]:
        expected = _run(toy, country, kg, urgent).steps[-1].result
        r = agent.run(_text(country, kg, urgent))
        assert r.ok and r.output == expected, (r.error, r.reason, country)
        remote = toy.zone_of(country)["remote"]
        assert r.tools_used[1] == ("courier_rate" if remote else "post_rate")
        assert r.llm_calls == (1 if remote else 2)  # the fill ptool runs only on the post path
    assert textwrap.dedent(src).count("def fill_") == 1
