"""Distil from traces of a known structure (expert trajectories replayed by the scripted model
through the real L3 agent) and check the workflow's ptools, paths, provenance, and that it runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from behaviorlab.agents import PTool, WorkflowAgent
from behaviorlab.distill import (
    CallableSpec,
    SynthOptions,
    distill,
    mine,
    runs_from_store,
    static_leak_check,
    synthesize,
)
from behaviorlab.evals import load_agent_file
from behaviorlab.models import ScriptedModel
from behaviorlab.tasks.airline import (
    HELDOUT_TEMPLATES,
    expert_calls,
    expert_steps,
    expert_trajectory,
    generate_problems,
)
from behaviorlab.tasks.airline._agents import airline_tools

TOOLS = "behaviorlab.tasks.airline._agents:airline_tools"
L0 = "behaviorlab.tasks.airline._agents:l0_fee"

EXPECTED_PROVENANCE = {
    ("region_of_route", "origin"): ("input", "input"),
    ("region_of_route", "destination"): ("input", "input"),
    ("best_checked_bag_numbers", "region"): ("derived", "region_of_route#n1 result[0]"),
    ("best_checked_bag_numbers", "direction"): ("derived", "region_of_route#n1 result[1]"),
    ("best_checked_bag_numbers", "cabin_class"): ("input", "input"),
    ("best_checked_bag_numbers", "bags"): ("input", "input"),
    ("checked_bag_fee", "region"): ("derived", "region_of_route#n1 result[0]"),
    ("checked_bag_fee", "direction"): ("derived", "region_of_route#n1 result[1]"),
    ("checked_bag_fee", "cabin_class"): ("derived", "best_checked_bag_numbers#n2 arg cabin_class"),
    ("checked_bag_fee", "bag_number"): ("derived", "best_checked_bag_numbers#n2 result[i]"),
    ("bag_surcharge", "region"): ("derived", "region_of_route#n1 result[0]"),
    ("bag_surcharge", "cabin_class"): ("derived", "best_checked_bag_numbers#n2 arg cabin_class"),
    ("bag_surcharge", "length"): ("derived", "best_checked_bag_numbers#n2 arg bags[i].length"),
    ("bag_surcharge", "width"): ("derived", "best_checked_bag_numbers#n2 arg bags[i].width"),
    ("bag_surcharge", "height"): ("derived", "best_checked_bag_numbers#n2 arg bags[i].height"),
    ("bag_surcharge", "weight_lbs"): ("derived", "best_checked_bag_numbers#n2 arg bags[i].weight"),
    ("bag_surcharge", "complimentary"): ("computed", "checked_bag_fee#n4[i] result == 0"),
    ("calculator", "expression"): (
        "computed",
        "sum of [input, each iteration's (checked_bag_fee#n4[i] result),"
        " each iteration's (bag_surcharge#n6[i] result)]",
    ),
}


def _import(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"distilled_{abs(hash(path))}", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_expert_trajectory_is_the_l0_computation(helpers):
    for p in helpers.train_problems(2, seed=5):
        calls = expert_calls(p)
        assert calls[-1].tool == "calculator" and calls[-1].result == p.answer
        assert [(t, a) for t, a in expert_trajectory(p)] == [(c.tool, c.arguments) for c in calls]
        n_bags = len(p.info.checked_bags)  # type: ignore[union-attr]
        assert [c.tool for c in calls].count("checked_bag_fee") == n_bags
        # one ReAct step per tool: region, numbering, fees, surcharges, calculator
        assert [s[0].tool for s in expert_steps(calls)] == [
            "region_of_route",
            "best_checked_bag_numbers",
            "checked_bag_fee",
            "bag_surcharge",
            "calculator",
        ]


def test_store_traces_are_l3_runs_with_scores(expert_runs):
    store, eval_id, problems = expert_runs
    imported = runs_from_store(store, eval_id)
    assert not imported.issues and len(imported.runs) == len(problems)
    assert all(r.success for r in imported.runs)
    by_id = {p.id: p for p in problems}
    for run in imported.runs:
        p = by_id[run.scenario_id]  # type: ignore[index]
        assert run.input == p.prompt and run.final_answer == p.answer
        assert [(s.tool, s.arguments) for s in run.steps] == [
            (c.tool, c.arguments) for c in expert_trajectory(p)
        ]


def test_mining_finds_paths_loops_and_every_arguments_provenance(expert_runs):
    store, eval_id, problems = expert_runs
    mined = mine(runs_from_store(store, eval_id).runs)
    rep = mined.report()
    assert rep.coverage == 1.0 and rep.successful_runs == len(problems)
    assert rep.pattern == (
        "region_of_route → best_checked_bag_numbers → (checked_bag_fee)* → (bag_surcharge)* → calculator"
    )
    # path frequencies: one exact path per bag count (levels have 4, 7, 10 checked bags here)
    assert sum(p.runs for p in rep.paths) == len(problems)
    assert {p.path.split(" → ")[2] for p in rep.paths} == {
        "checked_bag_fee×4",
        "checked_bag_fee×7",
        "checked_bag_fee×10",
    }
    got = {(a.tool, a.argument): (a.provenance, a.source) for a in rep.arguments}
    assert got == EXPECTED_PROVENANCE
    assert all(a.share == 1.0 for a in rep.arguments)
    assert set(rep.loops.values()) == {"len(best_checked_bag_numbers#n2 arg bags) (100%)"}
    assert rep.answer == "calculator#n7 result (100%)"
    assert rep.inline_l0 == ["calculator#n7"]


def test_generated_module_has_one_typed_extraction_ptool_and_plain_tool_calls(distilled_file):
    source = distilled_file.read_text()
    mod = _import(distilled_file)
    ptools = [v for v in vars(mod).values() if isinstance(v, PTool)]
    assert [p.name for p in ptools] == ["extract_inputs"]
    out = ptools[0].output_type
    assert issubclass(out, BaseModel)
    assert list(out.model_fields) == [
        "origin",
        "destination",
        "cabin_class",
        "bags",
        "ticket_amount",
    ]
    # the list is bounded (the runs saw up to 10 bags), so a small model cannot loop on it forever
    assert out.model_json_schema()["properties"]["bags"]["maxItems"] == 12
    item = out.model_fields["bags"].annotation.__args__[0]  # list[BagsItem]
    assert list(item.model_fields) == ["length", "width", "height", "weight"]
    # the prompt is built from the tool descriptions, and carries a worked example from a trace
    prompt = ptools[0].messages("some text")
    assert "The checked bags only (not the carry-on)" in prompt[0].content
    assert "Fee region and direction of a flight between two cities" in prompt[0].content
    assert len(prompt) == 4  # system, example in, example out, the text
    # tool calls are plain Python; the calculator step became L0 arithmetic
    assert 'call_tool(TOOLS["region_of_route"]' in source
    assert 'TOOLS["calculator"]' not in source
    assert "sum([x.ticket_amount, *r_n4, *r_n6])" in source
    assert "for i in range(len(x.bags)):" in source
    # commented with the traces it came from
    assert "Source traces:" in source and "Argument provenance:" in source
    assert static_leak_check(source, allow=[TOOLS, L0]).ok


def test_generated_module_is_formatted_and_type_checks(distilled_file):
    ruff = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--check",
            "--line-length",
            "100",
            str(distilled_file),
        ],
        capture_output=True,
        text=True,
    )
    if ruff.returncode != 0 and "No module named ruff" in ruff.stderr:
        pytest.skip("ruff is not installed")
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--ignore-missing-imports",
            "--no-error-summary",
            str(distilled_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout[-3000:]


def test_distilled_workflow_runs_and_is_right_on_unseen_phrasings(distilled_file, helpers):
    """Held-out templates: the L0 fast path declines, the L1 workflow (a perfect extractor
    standing in for the model) answers, every answer right."""
    problems = [
        p
        for lvl in (0, 2)
        for p in generate_problems(3, seed=77, level=lvl, templates=list(HELDOUT_TEMPLATES))
    ]
    chain = load_agent_file(distilled_file, helpers.extractor_model(problems))
    for p in problems:
        r = chain.run(p.prompt)
        assert r.ok and r.output == p.answer, (r.error, r.reason)
        assert r.answered_by == "distilled-l1" and r.level == "L1"
        steps = r.metadata["escalation"]
        assert [s["outcome"] for s in steps] == ["declined", "answered"] and steps[0][
            "level"
        ] == "L0"
        assert r.llm_calls == 1
        assert [t.name for t in r.tool_calls][:2] == ["region_of_route", "best_checked_bag_numbers"]
        assert "calculator" not in r.tools_used
    # the L1 workflow alone, as `--agent workflow.py` would run a module without make_agent
    mod = _import(distilled_file)
    alone = WorkflowAgent(mod.workflow, helpers.extractor_model(problems))
    assert [alone.run(p.prompt).output for p in problems] == [p.answer for p in problems]


def test_l1_declines_input_its_tools_reject(distilled_file):
    mod = _import(distilled_file)
    bad = '{"origin": "Atlantis", "destination": "Paris", "cabin_class": "Business", "bags": [], "ticket_amount": 100}'
    r = WorkflowAgent(mod.workflow, ScriptedModel([bad], cycle=True)).run("anything")
    assert r.declined and "region_of_route failed" in (r.reason or "")
    chain = mod.make_agent(ScriptedModel(["not json"], cycle=True))
    r = chain.run("gibberish the parser can't read")
    assert r.declined and [s["outcome"] for s in r.metadata["escalation"]] == ["declined", "error"]


def test_synthesis_without_l0_or_fallback(expert_runs):
    store, eval_id, _ = expert_runs
    mined = mine(runs_from_store(store, eval_id).runs)
    src = synthesize(
        mined, airline_tools(), SynthOptions(tools=CallableSpec.parse(TOOLS), few_shot=0)
    )
    assert "l0_fee" not in src and "EXAMPLES_X" not in src and "def make_agent" in src
    compile(src, "x", "exec")


def test_distill_refuses_runs_without_successes(expert_runs, tmp_path):
    from behaviorlab.distill import TraceRun

    with pytest.raises(ValueError, match="no successful runs"):
        mine([TraceRun(input="x", success=False)])
    store, eval_id, _ = expert_runs
    with pytest.raises(ValueError, match="MODULE:FUNCTION"):
        distill(eval_id, tmp_path / "w.py", store=store, l0=CallableSpec.parse("nonsense"))


def test_failed_calls_the_agent_recovered_from_are_not_part_of_the_path(expert_runs):
    from behaviorlab.distill import TraceStep

    store, eval_id, _ = expert_runs
    runs = runs_from_store(store, eval_id).runs
    noisy = [r.model_copy(deep=True) for r in runs]
    for r in noisy[::2]:
        r.steps.insert(
            1, TraceStep(tool="checked_bag_fee", arguments={"region": "Mars"}, error="bad region")
        )
    assert mine(noisy).report() == mine(runs).report()
