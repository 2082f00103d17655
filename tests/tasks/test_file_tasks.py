"""A user's own task from a file: a data file with a named scorer, or tasks.py@NAME."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from behaviorlab.evals import EvalConfig, compute_metrics, list_evals, load_results, run_eval
from behaviorlab.models import ScriptedModel
from behaviorlab.scoring import (
    choice_match,
    get_scorer,
    includes_match,
    json_match,
    model_graded,
    regex_match,
)
from behaviorlab.store import Store
from behaviorlab.tasks import DataTask, ScenarioOptions, TaskFileError, get_task

ROWS = [
    {"id": "a", "input": "2 + 3", "expected": 5},
    {"id": "b", "input": "7 * 6", "expected": "42"},
    {"id": "c", "input": "10 / 4", "expected": 2.5},
    {"id": "d", "input": "2 ** 10", "expected": 1000, "category": "trap"},
]

# a user's agent: a calculator over the input (the safe evaluator), nothing else
AGENT = """
from behaviorlab.agents import FunctionAgent
from behaviorlab.tools import evaluate_expression

agent = FunctionAgent(lambda text: float(evaluate_expression(text)), name="calc")
"""

TASKS_PY = """
from behaviorlab.agents import Result
from behaviorlab.tasks import Scenario, ScenarioOptions, Score, Task


class Echo(Task):
    name = "echo"

    def __init__(self, times: int = 1) -> None:
        self.times = times

    def scenarios(self, options: ScenarioOptions) -> list[Scenario]:
        words = ["red", "green", "blue"][: options.n]
        return [Scenario(id=w, input=w, expected=w * self.times) for w in words]

    def score(self, scenario: Scenario, result: Result) -> Score:
        ok = result.output == scenario.expected
        return Score(correct=ok, value=float(ok), answer=result.output, expected=scenario.expected)


def echo_twice(times: int = 2) -> Task:
    return Echo(times=times)


not_a_task = 3
"""


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "behaviorlab.cli", *args],
        cwd=cwd,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_eval_a_jsonl_task_from_the_cli(tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "math.jsonl", ROWS)
    (tmp_path / "calc.py").write_text(AGENT)
    db = tmp_path / "s.db"
    p = _cli(
        "eval", str(data), "--agent", "calc.py", "--scorer", "numeric", "--db", str(db),
        "--json", cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    metrics = json.loads(p.stdout)["metrics"]
    assert metrics["runs"] == 4 and metrics["accuracy"]["correct"] == 3  # 2**10 is not 1000
    store = Store(f"sqlite:///{db}")
    [rec] = list_evals(store)
    assert rec.task == str(data)
    rows = {r.scenario_id: r for r in load_results(store, rec.eval_id)}
    assert set(rows) == {"a", "b", "c", "d"} and not rows["d"].correct
    assert rows["d"].category == "trap" and rows["c"].answer == 2.5


def test_data_task_scorers_and_the_direct_agent() -> None:
    task = DataTask(Path(__file__).parent / "data" / "capitals.csv", scorer="choice")
    scs = task.scenarios(ScenarioOptions())
    assert [s.id for s in scs] == ["0", "1", "2"] and scs[0].metadata["choices"] == [
        "Paris",
        "Lyon",
        "Nice",
    ]
    model = ScriptedModel(["The capital is Paris.", "Bern or Zurich", "Answer: Rome"])
    agent = task.agent("direct", model)
    results = [task.score(s, agent.run(s.input)) for s in scs]
    assert [r.correct for r in results] == [True, False, True]
    # the agent saw only the input, never the answer or the choices
    assert all("Paris" not in m.content for m in model.calls[0] if m.role == "user")


def test_tasks_py_at_name_with_task_arguments(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(TASKS_PY)
    spec = f"{tmp_path / 'tasks.py'}@echo_twice"
    task = get_task(spec, {"times": 3})
    assert [s.expected for s in task.scenarios(ScenarioOptions(n=2))] == ["redredred"] * 1 + [
        "greengreengreen"
    ]
    assert type(get_task(str(tmp_path / "tasks.py"))).__name__ == "Echo"  # the one Task class
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    from behaviorlab.agents import FunctionAgent

    cfg = EvalConfig(task=spec, agent="x2", options=ScenarioOptions(n=3, task_args={"times": 2}))
    run = run_eval(cfg, store, factory=lambda: FunctionAgent(lambda w: w + w, name="x2"))
    assert compute_metrics(run.results).accuracy.correct == 3


def test_tasks_py_from_the_cli_with_t_arguments(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(TASKS_PY)
    (tmp_path / "double.py").write_text(
        "from behaviorlab.agents import FunctionAgent\n"
        "agent = FunctionAgent(lambda w: w * 3, name='x3')\n"
    )
    p = _cli(
        "run", "tasks.py@Echo", "-T", "times=3", "--agent", "double.py", "-n", "2", "--jsonl",
        "--db", str(tmp_path / "s.db"), cwd=tmp_path,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert [r["correct"] for r in rows] == [True, True]


@pytest.mark.parametrize(
    ("spec", "args", "words"),
    [
        ("missing.jsonl", {}, "task file not found"),
        ("bad.jsonl", {}, "bad.jsonl:2: not a JSON object"),
        ("noinput.jsonl", {}, "row 1 has no 'input'"),
        ("dup.jsonl", {}, "id 'x' appears more than once"),
        ("ok.jsonl", {"scorer": "nope"}, "unknown scorer 'nope'"),
        ("ok.jsonl", {"bogus": 1}, "unknown task argument(s) for a data file: bogus"),
        ("tasks.py@missing", {}, "has no 'missing'"),
        ("tasks.py@not_a_task", {}, "is int, not a Task"),
    ],
)
def test_bad_task_files_name_what_is_wrong(
    tmp_path: Path, spec: str, args: dict[str, object], words: str
) -> None:
    (tmp_path / "tasks.py").write_text(TASKS_PY)
    (tmp_path / "bad.jsonl").write_text('{"input": "1", "expected": 1}\n{"input": oops}\n')
    _jsonl(tmp_path / "noinput.jsonl", [{"question": "1", "expected": 1}])
    _jsonl(tmp_path / "dup.jsonl", [{"id": "x", "input": "1", "expected": 1}] * 2)
    _jsonl(tmp_path / "ok.jsonl", ROWS)
    with pytest.raises(TaskFileError) as info:
        get_task(str(tmp_path / spec), args).scenarios(ScenarioOptions())
    assert words in str(info.value)


def test_cli_names_a_corrupt_row_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"input": "1", "expected": 1}\n{"input": oops}\n')
    p = _cli("eval", "bad.jsonl", "--agent", "direct", "--db", str(tmp_path / "s.db"), cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "bad.jsonl:2: not a JSON object" in p.stderr


def test_parquet_and_csv_rows(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    pq.write_table(
        pa.Table.from_pylist([{"input": "q", "expected": "a", "id": "p1"}]), tmp_path / "d.parquet"
    )
    [sc] = get_task(str(tmp_path / "d.parquet")).scenarios(ScenarioOptions())
    assert (sc.id, sc.input, sc.expected) == ("p1", "q", "a")
    with (tmp_path / "d.csv").open("w", newline="") as f:
        w = csv.DictWriter(f, ["input", "expected", "metadata"])
        w.writeheader()
        w.writerow({"input": "q", "expected": "a", "metadata": '{"source": "x"}'})
    [sc] = get_task(str(tmp_path / "d.csv")).scenarios(ScenarioOptions())
    assert sc.metadata == {"source": "x"} and sc.id == "0"


def test_named_scorers() -> None:
    assert includes_match("The answer is Paris, France", "paris")
    assert includes_match("red, green", ["Green", "RED"]) and not includes_match(
        "red", ["red", "x"]
    )
    assert regex_match("total: $1,230", r"\$1,?230") and not regex_match("1230", r"^\$")
    assert json_match('Here: ```json\n{"b": 2, "a": [1]}\n```', {"a": [1], "b": 2})
    assert json_match('result {"a": 1} done', '{"a": 1}') and not json_match("{a:1}", {"a": 1})
    assert choice_match("(B)", "B") and choice_match("Answer: C", "c")
    assert not choice_match("A or B", "A")
    assert get_scorer("numeric")("$1,234.00", 1234)
    with pytest.raises(ValueError, match="not a valid regular expression"):
        regex_match("x", "(")


def test_model_graded_scorer_reads_a_structured_verdict() -> None:
    grader = ScriptedModel(['{"correct": true}', "no idea", '{"correct": false}'])
    grade = model_graded(grader)
    assert grade("Paris is the capital", "Paris") is True
    assert grade("Lyon", "Paris") is False  # the malformed verdict was retried, never a pass
    assert "Reference answer:\nParis" in grader.calls[0][-1].content
    assert grade(None, "Paris") is False


def test_ray_workers_load_a_file_task_by_its_spec(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="ray extra not installed")
    data = _jsonl(tmp_path / "math.jsonl", ROWS)
    (tmp_path / "calc.py").write_text(AGENT)
    cfg = EvalConfig(
        task=str(data),
        agent=str(tmp_path / "calc.py"),
        options=ScenarioOptions(task_args={"scorer": "numeric"}),
        executor="ray",
        workers=2,
    )
    run = run_eval(cfg, Store(f"sqlite:///{tmp_path / 's.db'}"))
    assert sorted((r.scenario_id, r.correct) for r in run.results) == [
        ("a", True),
        ("b", True),
        ("c", True),
        ("d", False),
    ]


def test_built_in_and_third_party_tasks_register_by_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import EntryPoint, entry_points

    from behaviorlab.tasks import _base, task_names

    installed = {ep.name: ep.value for ep in entry_points(group="behaviorlab.tasks")}
    assert {"airline", "tooluse", "bfcl"} <= set(
        installed
    )  # from pyproject.toml, not a list in code
    assert {"airline", "tooluse", "bfcl"} <= set(task_names())

    (tmp_path / "third_party_tasks.py").write_text(TASKS_PY)
    monkeypatch.syspath_prepend(str(tmp_path))
    extra = [
        EntryPoint("echo", "third_party_tasks:Echo", "behaviorlab.tasks"),
        EntryPoint("broken", "third_party_tasks:not_a_task", "behaviorlab.tasks"),
    ]
    monkeypatch.setattr(_base, "entry_points", lambda group: [*entry_points(group=group), *extra])
    assert "echo" in task_names()
    assert [s.id for s in get_task("echo").scenarios(ScenarioOptions(n=2))] == ["red", "green"]
    with pytest.raises(TypeError, match="is not a Task"):
        get_task("broken")
    with pytest.raises(KeyError, match="unknown task 'nope'"):
        get_task("nope")
