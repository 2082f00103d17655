"""``behaviorlab modelize ...`` end to end on a tiny subject and a tiny model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("torch")

from behaviorlab.cli.modelize import app
from behaviorlab.modelize import Subject, read_pairs, register_subject, subject_names

runner = CliRunner()


@pytest.fixture(scope="module")
def workdir(
    tmp_path_factory: pytest.TempPathFactory, tiny_markdown_factory: Callable[[], Subject]
) -> Path:
    if "tiny-markdown" not in subject_names():
        register_subject("tiny-markdown")(tiny_markdown_factory)
    return tmp_path_factory.mktemp("cli")


def invoke(*args: str) -> dict | list:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_synth_writes_pairs(workdir: Path) -> None:
    out = workdir / "pairs.jsonl"
    stats = invoke("synth", "markdown", "-n", "50", "--out", str(out))
    assert stats["pairs"] == 50 and stats["coverage"] > 0
    assert len(read_pairs(out)) == 50


def test_train_eval_predict_invert_monitor(workdir: Path) -> None:
    db = f"sqlite:///{workdir / 'store.db'}"
    common = ["--db", db]
    trained = invoke(
        "train", "tiny-markdown", "--pairs", "400", "--direction", "both", "--epochs", "30",
        "--d-model", "64", "--ffn", "128", "--lr", "3e-3", "--batch-size", "32", "--stop-at", "0.95",
        "--models-dir", str(workdir / "models"), *common,
    )  # fmt: skip
    assert [t["ref"] for t in trained] == [
        "modelize-tiny-markdown-forward@1",
        "modelize-tiny-markdown-reverse@1",
    ]
    assert (Path(trained[0]["path"]) / "train_pairs.jsonl").is_file()

    ev = invoke("eval", "tiny-markdown", "-n", "100", *common)
    assert ev["n"] == 100 and ev["exact"] > 0.5 and sum(ev["edit_histogram"].values()) == 100

    rev = invoke("eval", "tiny-markdown", "-d", "reverse", "-n", "40", "-k", "3", *common)
    assert rev["inversion"]["round_trip_any"] > 0.5

    pred = invoke("predict", "tiny-markdown", "## alpha beta", "--compare", "--beam", "2", *common)
    assert (
        pred["prediction"] == "<h2>alpha beta</h2>"
        and pred["match"]
        and len(pred["candidates"]) == 2
    )

    inv = invoke("invert", "tiny-markdown", "<p><em>gamma</em></p>", *common)
    assert any(c["round_trip"] for c in inv["candidates"])

    mon = invoke(
        "monitor", "tiny-markdown", "--calibrate", "100", "-n", "100", "--false-alarms", "0.05",
        "--faults", "off_by_one,swapped_tags,truncated_output", *common,
    )  # fmt: skip
    assert mon["auroc"] > 0.8 and mon["n_faulty"] == 99
    assert {f["fault"] for f in mon["per_fault"]} == {
        "off_by_one",
        "swapped_tags",
        "truncated_output",
    }


def test_missing_model_is_a_clear_error(workdir: Path) -> None:
    result = runner.invoke(
        app, ["predict", "sql", "SELECT a FROM t", "--db", f"sqlite:///{workdir / 'empty.db'}"]
    )
    assert result.exit_code == 2
    assert "modelize train sql" in result.output
