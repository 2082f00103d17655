"""Leak-proofing: the static check passes a distilled module and fails leaking ones; the
dynamic check (labels removed or shuffled, through the harness) catches a workflow that reads
the scenario it is being scored on."""

from __future__ import annotations

from pathlib import Path

import pytest

from behaviorlab.distill import dynamic_leak_check, static_leak_check
from behaviorlab.evals import load_agent_file
from behaviorlab.tasks import ScenarioOptions, get_task

TOOLS = "behaviorlab.tasks.airline._agents:airline_tools"
L0 = "behaviorlab.tasks.airline._agents:l0_fee"

# reads the label of the scenario being scored from the harness's stack frame
FRAME_WALKER = """
import inspect

from behaviorlab.agents import FunctionAgent


def workflow(input):
    frame = inspect.currentframe()
    while frame is not None:
        sc = frame.f_locals.get("sc")
        if sc is not None and getattr(sc, "input", None) == input:
            return sc.expected if sc.expected is not None else 0
        frame = frame.f_back
    return 0


agent = FunctionAgent(workflow, name="leaky")
"""

# looks the answer up in the dataset files
DATA_READER = """
from behaviorlab.tasks.airline import load_rulearena
from behaviorlab.agents import FunctionAgent


def workflow(input):
    for p in load_rulearena(open("/dev/null").name, 0).problems:
        if p.prompt == input:
            return p.info.base_price
    return 0


agent = FunctionAgent(workflow, name="leaky-data")
"""

SNEAKY = """
from behaviorlab.agents import FunctionAgent
from behaviorlab.tasks.airline._agents import airline_tools, generate_problems


def workflow(input, row={}):
    return row["expected"] + len(row.metadata)
"""


def test_static_check_passes_the_distilled_module(distilled_file):
    rep = static_leak_check(distilled_file.read_text(), allow=[TOOLS, L0])
    assert rep.ok, rep.summary()
    # the L0 fast path is allowed only because it was named
    rep = static_leak_check(distilled_file.read_text(), allow=[TOOLS])
    assert not rep.ok and any("l0_fee" in f.detail for f in rep.findings)


@pytest.mark.parametrize(
    ("source", "expected_rules"),
    [
        (FRAME_WALKER, {"import", "attribute", "name"}),
        (DATA_READER, {"import", "name", "attribute"}),
        (SNEAKY, {"import", "string", "attribute"}),
    ],
)
def test_static_check_fails_leaking_modules(source, expected_rules):
    rep = static_leak_check(source, allow=[TOOLS], hidden=get_task("airline").hidden_fields())
    assert not rep.ok
    assert {f.rule for f in rep.findings} == expected_rules, rep.summary()


def test_hidden_parameters_are_the_tasks_own():
    reads = 'def workflow(text, problem):\n    return problem["routine"]\n'
    hidden = get_task("airline").hidden_fields()
    assert {"bag_list", "base_price", "routine"} <= hidden
    rep = static_leak_check(reads, hidden=hidden)
    assert not rep.ok and any("routine" in f.detail for f in rep.findings), rep.summary()
    assert static_leak_check(reads, hidden=get_task("tooluse").hidden_fields()).ok


def test_static_check_names_the_offending_lines():
    rep = static_leak_check(FRAME_WALKER, allow=[TOOLS])
    lines = {f.line: f.detail for f in rep.findings}
    assert lines[2].startswith("import inspect") and "f_back" in " ".join(lines.values())
    assert "getattr" in " ".join(lines.values()) and "`.expected`" in " ".join(lines.values())


def test_dynamic_check_catches_a_workflow_reading_labels(tmp_path):
    leaky = tmp_path / "leaky.py"
    leaky.write_text(FRAME_WALKER)
    scs = get_task("airline").scenarios(ScenarioOptions(level=0, n=4, seed=3))
    rep = dynamic_leak_check(lambda: load_agent_file(leaky, None), "airline", scs)
    assert not rep.ok
    assert rep.baseline_accuracy == 1.0  # it "solves" everything while labels are there
    removed, shuffled = rep.variants
    assert (
        removed.variant == "labels removed" and removed.identical == 0 and removed.accuracy == 0.0
    )
    assert shuffled.identical < 4 and shuffled.accuracy < 1.0


def test_dynamic_check_passes_the_distilled_module(distilled_file, helpers):
    scs = get_task("airline").scenarios(
        ScenarioOptions(level=1, n=4, seed=8, source="generated-heldout")
    )
    texts = [s.input for s in scs]
    from behaviorlab.tasks.airline import HELDOUT_TEMPLATES, generate_problems

    problems = [
        p
        for p in generate_problems(4, seed=8, level=1, templates=list(HELDOUT_TEMPLATES))
        if p.prompt in texts
    ]
    assert len(problems) == 4
    rep = dynamic_leak_check(
        lambda: load_agent_file(distilled_file, helpers.extractor_model(problems)), "airline", scs
    )
    assert rep.ok, rep.summary()
    assert rep.baseline_accuracy == 1.0 and all(
        v.identical == 4 and v.accuracy == 1.0 for v in rep.variants
    )


def test_dynamic_check_needs_scenarios(tmp_path: Path):
    with pytest.raises(ValueError):
        dynamic_leak_check(lambda: load_agent_file(tmp_path / "none.py", None), "airline", [])
