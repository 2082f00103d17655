from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from behaviorlab.cli.sandbox import app
from behaviorlab.tools.sandbox import BubblewrapSandbox

runner = CliRunner()


def test_run_prints_one_json_object(bwrap: BubblewrapSandbox, tmp_path: Path) -> None:
    program = tmp_path / "prog.py"
    program.write_text("import sys\nprint('hello')\nsys.exit(5)\n")
    result = runner.invoke(app, ["run", str(program), "--timeout", "5", "--memory", "256"])
    assert result.exit_code == 0  # the program failed; the command did not
    payload = json.loads(result.stdout)
    assert payload["stdout"] == "hello\n"
    assert payload["exit_code"] == 5
    assert payload["limit_hit"] is None
    assert payload["ok"] is False
    assert {"stderr", "timed_out", "duration_s", "backend"} <= payload.keys()


def test_run_reports_a_timeout(bwrap: BubblewrapSandbox, tmp_path: Path) -> None:
    program = tmp_path / "slow.py"
    program.write_text("import time\ntime.sleep(30)\n")
    result = runner.invoke(app, ["run", str(program), "--timeout", "0.5"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["limit_hit"] == "timeout" and payload["timed_out"] is True


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.py"
    result = runner.invoke(app, ["run", str(missing)])
    assert result.exit_code == 2
    assert f"error: {missing}: no such file" in result.output
    assert runner.invoke(app, ["run"]).exit_code == 2  # no FILE at all


def test_unavailable_backend_exits_1(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from behaviorlab.tools.sandbox import DockerSandbox

    monkeypatch.setattr(DockerSandbox, "available", lambda self: "no engine here")
    program = tmp_path / "p.py"
    program.write_text("print(1)\n")
    result = runner.invoke(app, ["run", str(program), "--backend", "docker"])
    assert result.exit_code == 1
    assert "no engine here" in result.output
