"""Infrastructure failures are not agent failures: unscored, stopped after a few in a row,
refused by compare/gate, skipped by history, and re-run exactly on resume."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from behaviorlab.agents import FunctionAgent
from behaviorlab.distill import EscalationAgent
from behaviorlab.evals import (
    STOPPED,
    EvalConfig,
    EvaluationStopped,
    UnscoredRunsError,
    compare_evals,
    compute_metrics,
    history,
    list_evals,
    load_results,
    run_eval,
)
from behaviorlab.models import (
    InfraError,
    Message,
    ModelError,
    OpenAIModel,
    ScriptedModel,
    get_model,
)
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline._agents import make_l3

DOWN = "model endpoint http://127.0.0.1:9/v1/chat/completions unreachable: ConnectError"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Endpoint:
    """A model whose endpoint is down for the inputs ``down`` says; the agent is the L3 one,
    so the failure travels the real path: provider → ReAct loop → Agent.run → runner."""

    def __init__(self) -> None:
        self.down: Any = lambda text: True
        self.calls: list[str] = []

    def reply(self, messages: list[Message]) -> str:
        text = next(m.content for m in messages if m.role == "user")
        self.calls.append(text)
        if self.down(text):
            raise InfraError(DOWN)
        return "Final Answer: 1"

    def factory(self) -> Any:
        return lambda: make_l3(ScriptedModel([self.reply], cycle=True))


CONFIG = EvalConfig(
    task="airline", agent="l3", model="scripted/fake", options=ScenarioOptions(level=0, n=6)
)


def test_consecutive_infra_errors_stop_the_evaluation_and_resume_reruns_them(
    store_url: str,
) -> None:
    store = Store(store_url)
    ep = _Endpoint()
    with pytest.raises(EvaluationStopped) as info:
        run_eval(CONFIG, store, factory=ep.factory())
    msg = str(info.value)
    assert "127.0.0.1:9" in msg and "6 runs not scored" in msg and "resume" in msg
    [rec] = list_evals(store)
    assert rec.status == STOPPED
    rows = load_results(store, rec.eval_id)
    assert len(rows) == 3 and all(r.infra_error == DOWN and not r.correct for r in rows)
    assert all(r.scores == {} and r.answer is None for r in rows)  # never scored
    m = compute_metrics(rows)
    assert m.unscored == 3 and m.runs == 0

    # compare and the gate refuse it; history shows it without a value, saying why
    with pytest.raises(UnscoredRunsError, match=f"{rec.eval_id} has 3 of 3 runs not scored"):
        compare_evals(store, rec.eval_id, rec.eval_id)
    [series] = history(store, "airline")
    assert series.points[0].value is None
    assert series.points[0].unscored and "infrastructure error" in series.points[0].unscored

    # the endpoint is back: the same configuration resumes the same evaluation
    ep.down = lambda text: False
    ep.calls.clear()
    again = run_eval(CONFIG, store, factory=ep.factory())
    assert again.record.eval_id == rec.eval_id
    assert again.resumed == 0 and again.ran == 6  # the 3 unscored and the 3 never run
    assert again.record.status == "finished"
    rows = load_results(store, rec.eval_id)
    assert len(rows) == 6 and all(r.infra_error is None for r in rows)
    assert len(ep.calls) == 6
    compare_evals(store, rec.eval_id, rec.eval_id)  # now comparable


def test_scattered_infra_errors_finish_unscored_and_only_those_rerun(store_url: str) -> None:
    store = Store(store_url)
    ep = _Endpoint()
    flaky: set[str] = set()

    def down(text: str) -> bool:  # every other scenario fails: never 3 in a row
        if text not in flaky and len(flaky) < 3 and len(ep.calls) % 2 == 1:
            flaky.add(text)
        return text in flaky

    ep.down = down
    run = run_eval(CONFIG, store, factory=ep.factory())
    assert run.record.status == STOPPED
    unscored = {r.scenario_id for r in run.results if r.infra_error}
    assert len(unscored) == 3
    m = compute_metrics(run.results)
    assert m.unscored == 3 and m.accuracy.n == 3

    ep.down = lambda text: False
    ep.calls.clear()
    again = run_eval(CONFIG, store, factory=ep.factory())
    assert again.record.eval_id == run.record.eval_id
    assert again.resumed == 3 and again.ran == 3
    assert set(ep.calls) == flaky
    assert again.record.status == "finished"
    assert len(again.results) == 6 and not any(r.infra_error for r in again.results)


def test_parallel_workers_stop_too(store_url: str) -> None:
    store = Store(store_url)
    ep = _Endpoint()
    cfg = CONFIG.model_copy(update={"workers": 2})
    with pytest.raises(EvaluationStopped):
        run_eval(cfg, store, factory=ep.factory())
    [rec] = list_evals(store)
    assert rec.status == STOPPED
    assert all(r.infra_error for r in load_results(store, rec.eval_id))


def test_escalation_stops_at_an_infra_error() -> None:
    def broken(text: str) -> int:
        raise InfraError(DOWN)

    fallback_calls: list[str] = []

    def fallback(text: str) -> int:
        fallback_calls.append(text)
        return 1

    chain = EscalationAgent([FunctionAgent(broken, name="l1"), FunctionAgent(fallback, name="l3")])
    r = chain.run("a question")
    assert r.infra_error == DOWN
    assert fallback_calls == []  # the next level would meet the same outage


def test_openai_provider_names_the_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    model = OpenAIModel("x", base_url=url, max_retries=0)
    with pytest.raises(InfraError, match=f"{url}/chat/completions unreachable"):
        model.complete([Message.user("hi")])


def test_missing_model_file_is_an_infra_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(InfraError, match=f"model file not found: {missing}"):
        get_model(f"llamacpp/{missing}")
    assert issubclass(InfraError, ModelError)


def _cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "behaviorlab.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_unreachable_endpoint_stops_with_one_line_and_nonzero_exit(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    url = f"http://127.0.0.1:{_free_port()}/v1"
    args = ["eval", "airline", "--agent", "l1", "--model", "openai/x", "-n", "5", "--db", str(db)]
    p = _cli(args, tmp_path, {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "k"})
    assert p.returncode == 3, p.stderr
    assert "Traceback" not in p.stderr
    [line] = [ln for ln in p.stderr.splitlines() if ln.startswith("error:")]
    assert url in line and "unreachable" in line and "stopped" in line, line
    store = Store(f"sqlite:///{db}")
    [rec] = list_evals(store)
    assert rec.status == STOPPED
    assert {r.infra_error is not None for r in load_results(store, rec.eval_id)} == {True}

    h = _cli(["history", "--task", "airline", "--db", str(db)], tmp_path)
    assert h.returncode == 0 and f"skipped {rec.eval_id}" in h.stderr, h.stderr
    c = _cli(["compare", rec.eval_id, rec.eval_id, "--db", str(db)], tmp_path)
    assert c.returncode == 2 and "not scored" in c.stderr and "Traceback" not in c.stderr


BAD_INPUTS = [
    ["eval", "airline", "--agent", "no-such-agent", "-n", "1"],
    ["eval", "no-such-task", "--agent", "l0"],
    ["run", "airline", "--agent", "l1", "--model", "llamacpp/missing.gguf", "-n", "1"],
    ["run", "airline", "--agent", "l1", "--model", "nosuchprovider/x", "-n", "1"],
    ["eval", "airline", "--agent", "l0", "--rulearena", "/no/such/dir", "-n", "1"],
    ["compare", "ev-nope", "ev-nope-either"],
    ["report", "ev-nope", "-o", "r.html"],
    ["history", "--metric", "no-such-metric"],
    ["traces", "show", "no-such-trace"],
    ["sandbox", "run", "no_such_file.py"],
    ["eval", "airline", "--agent", "l0", "-n", "1", "--db", "/proc/no/such/dir/store.db"],
]


@pytest.mark.parametrize("args", BAD_INPUTS, ids=lambda a: " ".join(a[:3]))
def test_cli_errors_are_one_line_never_a_traceback(args: list[str], tmp_path: Path) -> None:
    if "--db" not in args:
        args = [*args, "--db", str(tmp_path / "store.db")] if args[0] not in ("sandbox",) else args
    p = _cli(args, tmp_path)
    assert p.returncode != 0, p.stderr
    assert "Traceback" not in p.stderr, p.stderr
    errors = [ln for ln in p.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, p.stderr
    assert len(errors[0]) > len("error: ") + 10
