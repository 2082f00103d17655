"""The main job from the shell: ``--jsonl`` stdout purity, clear errors, traces list/show."""

from __future__ import annotations

import json
import subprocess
import sys


def _bl(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "behaviorlab.cli", *args, "--db", db],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_jsonl_prints_one_object_per_problem_and_nothing_else(rulearena_dir, tmp_path):
    db = str(tmp_path / "s.db")
    p = _bl(
        "run",
        "airline",
        "--level",
        "2",
        "--agent",
        "l0",
        "--rulearena",
        str(rulearena_dir),
        "--jsonl",
        db=db,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    lines = p.stdout.splitlines()
    assert len(lines) == 100
    rows = [json.loads(line) for line in lines]
    assert sorted(r["index"] for r in rows) == list(range(100))
    assert all(isinstance(r["answer"], int) for r in rows)
    assert "accuracy" in p.stderr  # the summary went to stderr


def test_jsonl_answer_is_null_where_the_agent_declined(tmp_path):
    db = str(tmp_path / "s.db")
    p = _bl(
        "run",
        "airline",
        "--level",
        "0",
        "-n",
        "5",
        "--agent",
        "l0",
        "--source",
        "generated-heldout",
        "--jsonl",
        db=db,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(rows) == 5 and all(r["answer"] is None and r["declined"] for r in rows)


def test_missing_rulearena_dir_and_unknown_agent_are_clear_errors(tmp_path):
    db = str(tmp_path / "s.db")
    p = _bl("run", "airline", "--agent", "l0", "--rulearena", str(tmp_path / "nope"), db=db)
    assert p.returncode == 2 and "data not found" in p.stderr and p.stdout == ""
    p = _bl("run", "airline", "--agent", "l9", "-n", "1", db=db)
    assert p.returncode == 2 and "has no agent 'l9'" in p.stderr


def test_traces_list_and_show_print_the_run_tree(tmp_path):
    db = str(tmp_path / "s.db")
    assert _bl("run", "airline", "--level", "0", "-n", "2", "--agent", "l0", db=db).returncode == 0
    listed = _bl("traces", "list", "--json", db=db)
    roots = json.loads(listed.stdout)
    assert len(roots) == 2 and roots[0]["name"] == "invoke_agent airline-l0"
    shown = _bl("traces", "show", roots[0]["trace_id"][:10], db=db)
    assert (
        shown.returncode == 0
        and "invoke_agent airline-l0" in shown.stdout
        and "out:" in shown.stdout
    )
    missing = _bl("traces", "show", "ffffffff", db=db)
    assert missing.returncode == 2 and "no trace" in missing.stderr
