"""``behaviorlab distill --from EVAL -o workflow.py``, then ``eval --agent workflow.py`` and
``compare``; and verification (harness, compare, gate, leak checks) from Python."""

from __future__ import annotations

import json
import subprocess
import sys

from behaviorlab.distill import verify_distilled
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline import HELDOUT_TEMPLATES, expert_model, generate_problems
from behaviorlab.tasks.airline._agents import make_l3


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "behaviorlab.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_distill_then_eval_then_compare(expert_runs, tmp_path, helpers):
    store, eval_id, _ = expert_runs
    db = store.url.removeprefix("sqlite:///")
    out = tmp_path / "workflow.py"
    r = _cli(
        "distill",
        "--from",
        eval_id,
        "-o",
        str(out),
        "--l0",
        helpers.L0,
        "--fallback",
        "l3",
        "--report",
        str(tmp_path / "mining.md"),
        "--json",
        "--db",
        db,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    payload = json.loads(r.stdout)
    assert payload["successful"] == 12 and payload["static"]["ok"] and payload["task"] == "airline"
    assert payload["mining"]["coverage"] == 1.0
    assert "| calculator | expression | computed |" in (tmp_path / "mining.md").read_text()
    src = out.read_text()
    assert (
        "from behaviorlab.tasks.airline._agents import make_l3" in src and "make_l3(model)" in src
    )
    # the chain's L0 fast path answers the parser-friendly phrasings without touching the model
    r = _cli(
        "eval",
        "airline",
        "--agent",
        str(out),
        "--model",
        "scripted/unused",
        "--level",
        "0",
        "-n",
        "3",
        "--seed",
        "5",
        "--json",
        "--db",
        db,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    distilled_eval = json.loads(r.stdout)["eval_id"]
    r = _cli(
        "eval",
        "airline",
        "--agent",
        "l0",
        "--level",
        "0",
        "-n",
        "3",
        "--seed",
        "5",
        "--json",
        "--db",
        db,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    l0_eval = json.loads(r.stdout)["eval_id"]
    r = _cli("compare", l0_eval, distilled_eval, "--json", "--db", db)
    assert r.returncode in (0, 1), r.stderr[-3000:]
    assert json.loads(r.stdout)["decision"]["verdict"] in ("APPROVE", "REJECT")


def test_cli_reports_bad_rows_and_missing_tools(tmp_path, helpers):
    from behaviorlab.tasks.airline import react_transcript

    p = helpers.train_problems(1)[0]
    log = tmp_path / "agent.jsonl"
    log.write_text(json.dumps({"messages": react_transcript(p), "success": True}) + "\n{broken\n")
    r = _cli("distill", "--from", str(log), "-o", str(tmp_path / "w.py"))
    assert r.returncode == 2 and "--tools" in r.stderr
    r = _cli("distill", "--from", str(log), "-o", str(tmp_path / "w.py"), "--task", "airline")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "skipped" in r.stderr and ":2:" in r.stderr
    assert "def workflow(input: str)" in (tmp_path / "w.py").read_text()


def test_verify_runs_both_through_the_harness_and_gates(expert_runs, distilled_file, helpers):
    store, _, _ = expert_runs
    options = ScenarioOptions(level=1, n=4, seed=21, source="generated-heldout")
    held_out = generate_problems(4, seed=21, level=1, templates=list(HELDOUT_TEMPLATES))
    rep = verify_distilled(
        distilled_file,
        task="airline",
        store=store,
        model=None,
        options=options,
        source_factory=lambda: make_l3(expert_model(held_out)),
        model_factory=lambda: helpers.extractor_model(held_out),
        allow=[helpers.TOOLS, helpers.L0],
        dynamic_n=2,
    )
    assert (
        rep.n == 4
        and rep.source_accuracy.startswith("100.0%")
        and rep.distilled_accuracy.startswith("100.0%")
    )
    checks = {c.name: c for c in rep.decision.checks}
    assert checks["accuracy"].passed
    assert rep.static.ok and rep.dynamic is not None and rep.dynamic.ok
    # held-out phrasings: the L0 level declines every one, the L1 workflow answers
    assert [(s.level, s.answered) for s in rep.escalation.shares] == [("L1", 4)]
    assert rep.escalation.tokens_saved is not None and rep.escalation.tokens_saved > 0.5
    assert (
        rep.escalation.chain_llm_calls_mean == 1.0 and rep.escalation.baseline_llm_calls_mean == 6.0
    )
    assert "Escalation:" in rep.to_markdown()
