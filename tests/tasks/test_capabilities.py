"""Capabilities: what a task offers the use cases, asked for by Protocol, with a clear error
naming the task and the capability when it offers none; train export through them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from behaviorlab.cli import app
from behaviorlab.tasks import (
    BehaviourSubjects,
    ExpertTrajectories,
    MissingCapabilityError,
    ToolMonitoring,
    TrainingExamples,
    TrainingOptions,
    capability,
    get_task,
)
from behaviorlab.train import load_examples, load_pairs, task_training_set

runner = CliRunner()

# a user's own task offering generated training examples, and nothing else
OWN_TASK = """
from behaviorlab.models import ChatMessage, PreferencePair, TrainingExample
from behaviorlab.tasks import Scenario, Score, Task, TrainingSet


class Doubling(Task):
    name = "doubling"

    def scenarios(self, options):
        return [Scenario(id=str(i), input=str(i), expected=2 * i) for i in range(options.n or 3)]

    def score(self, scenario, result):
        ok = result.output == scenario.expected
        return Score(correct=ok, value=float(ok))

    def training_examples(self, options):
        prompts = {i: [ChatMessage(role="user", content=f"double {i}")] for i in range(options.n)}
        return TrainingSet(
            examples=[
                TrainingExample(
                    prompt=p,
                    completion=[ChatMessage(role="assistant", content=str(2 * i))],
                    task="doubling",
                    label=f"seed={options.seed}",
                )
                for i, p in prompts.items()
            ],
            pairs=[
                PreferencePair(prompt=p, chosen=str(2 * i), rejected=str(2 * i + 1))
                for i, p in prompts.items()
            ]
            if options.pairs
            else [],
            notes=[f"made {options.n}"],
            files={"doubling.json": '{"made": %d}' % options.n},
        )
"""


def test_a_missing_capability_names_the_task_and_the_capability() -> None:
    tooluse = get_task("tooluse")
    with pytest.raises(MissingCapabilityError) as e:
        capability(tooluse, BehaviourSubjects)
    assert str(e.value) == (
        "task 'tooluse' offers no behaviour-model subjects (BehaviourSubjects capability)"
    )
    assert e.value.task == "tooluse" and e.value.capability is BehaviourSubjects
    with pytest.raises(MissingCapabilityError, match=r"'bfcl' offers no expert trajectories"):
        capability(get_task("bfcl"), ExpertTrajectories)


def test_airline_offers_every_capability_and_bfcl_and_tooluse_training_data() -> None:
    airline = get_task("airline")
    for proto in (TrainingExamples, ExpertTrajectories, BehaviourSubjects, ToolMonitoring):
        assert capability(airline, proto) is airline
    assert capability(get_task("bfcl"), TrainingExamples) is not None
    assert capability(get_task("tooluse"), TrainingExamples) is not None
    assert airline.hidden_fields() == {"bag_list", "base_price", "routine"}


def test_the_cli_says_which_capability_a_task_lacks(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["train", "export", "--source", "cloning", "--task", "tooluse", "-o", str(tmp_path)]
    )
    assert res.exit_code == 2
    assert (
        "error: task 'tooluse' offers no expert trajectories "
        "(ExpertTrajectories capability)" in " ".join(res.output.split())
    )
    res = runner.invoke(
        app, ["train", "export", "--source", "cloning", "--task", "bfcl", "-o", str(tmp_path)]
    )
    assert res.exit_code == 2 and "ExpertTrajectories capability" in res.output


def test_train_export_goes_through_a_users_own_tasks_capability(tmp_path: Path) -> None:
    path = tmp_path / "own.py"
    path.write_text(OWN_TASK)
    out = tmp_path / "data"
    args = ["train", "export", "--source", "generated", "--task", f"{path}@Doubling"]
    res = runner.invoke(
        app, [*args, "-n", "12", "--seed", "5", "--no-hf", "-o", str(out), "--json"]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["examples"]["train"] + rep["examples"]["heldout"] == 12
    assert rep["pairs"]["train"] + rep["pairs"]["heldout"] == 12
    assert rep["sources"] == ["generated"] and rep["notes"][-1] == "made 12"
    assert json.loads((out / "doubling.json").read_text()) == {"made": 12}
    train = load_examples(out)
    assert {e.task for e in train} == {"doubling"} and {e.label for e in train} == {"seed=5"}
    assert all(p.chosen != p.rejected for p in load_pairs(out))
    # the same through the Python API; no task of this kind offers cloning data
    made = task_training_set(get_task(f"{path}@Doubling"), "generated", TrainingOptions(n=2))
    assert [e.completion[0].content for e in made.examples] == ["0", "2"]
    with pytest.raises(MissingCapabilityError, match="'doubling' offers no expert trajectories"):
        task_training_set(get_task(f"{path}@Doubling"), "cloning", TrainingOptions(n=2))


def test_airline_training_data_through_the_capability_matches_the_functions() -> None:
    from behaviorlab.tasks.airline import airline_problems, cloning_examples, extraction_examples

    opts = TrainingOptions(n=2, seed=77, levels=(0, 2))
    made = task_training_set("airline", "generated", opts)
    problems = airline_problems(2, seed=77, levels=(0, 2))
    assert made.examples == extraction_examples(problems)[0]
    assert len(made.pairs) == len(made.examples) and made.notes[0].startswith("labeller: 4/4")
    # what a recipe's manifest records about how they were made: plain data from the task
    assert made.provenance["kept"] == made.provenance["generated"] == 4
    cloned = task_training_set("airline", "cloning", opts.model_copy(update={"levels": (0,)}))
    assert cloned.examples == cloning_examples(airline_problems(2, seed=77, levels=(0,)))
    assert all(e.multi_turn and e.task == "airline" for e in cloned.examples)


def test_a_tasks_subject_and_tool_monitor_come_from_its_capabilities() -> None:
    from behaviorlab.modelize import get_subject, task_tool_subjects

    subject = get_subject("airline")
    assert subject.name == "airline" and get_subject("airline/airline").name == "airline"
    with pytest.raises(MissingCapabilityError, match="BehaviourSubjects"):
        get_subject("tooluse")
    with pytest.raises(KeyError, match="offers no subject 'nope'"):
        get_subject("airline/nope")
    with pytest.raises(MissingCapabilityError, match="ToolMonitoring"):
        task_tool_subjects("bfcl", {})


def test_run_without_agent_takes_the_tasks_default(tmp_path: Path) -> None:
    assert get_task("airline").default_agent_name() == "l1"
    assert get_task("tooluse").default_agent_name() == "l3"
    assert get_task("bfcl").default_agent_name() == "fc"
    data = tmp_path / "sums.jsonl"
    data.write_text('{"input": "2 + 3", "expected": 5}\n')
    args = ["run", str(data), "--scorer", "numeric", "--model", "scripted/x", "--jsonl"]
    res = runner.invoke(app, [*args, "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert res.exit_code == 0, res.output
    assert "direct" in res.output  # a data file's own agent answered
