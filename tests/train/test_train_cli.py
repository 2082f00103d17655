"""``train export|sft|dpo|merge``, ``models`` and ``promote`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from behaviorlab.cli import app

runner = CliRunner()


def _ok(args: list[str]) -> str:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_cli_export_train_merge_register_promote(tmp_path: Path, tiny_model: Path, store_url: str):
    db = ["--db", store_url]
    data = tmp_path / "data"
    rep = json.loads(
        _ok(
            [
                "train",
                "export",
                "--source",
                "generated",
                "-n",
                "2",
                "--levels",
                "0",
                "--seed",
                "1234",
                "--heldout",
                "0",
                "--pii-names",
                "Daniel",
                "--out",
                str(data),
                "--json",
            ]
        )
    )
    assert rep["examples"]["train"] == 2 and rep["pairs"]["train"] == 2
    assert (data / "openai.train.jsonl").is_file() and (data / "hf" / "examples.train").is_dir()

    sft_args = [
        "train",
        "sft",
        "--base",
        str(tiny_model),
        "--data",
        str(data),
        "--out",
        str(tmp_path / "sft"),
        "--epochs",
        "1",
        "--max-length",
        "1536",
        "--save-steps",
        "1",
        "--json",
    ]
    sft = json.loads(_ok([*sft_args, "--register", "tiny", *db]))
    assert sft["manifest"]["method"] == "sft" and sft["manifest"]["config"]["lora"]["rank"] == 16
    steps = sft["manifest"]["metrics"]["steps"]
    # --resume on a finished run picks up its last checkpoint and trains no further step
    again = json.loads(_ok([*sft_args, "--resume"]))
    assert again["manifest"]["metrics"]["resumed_from"].endswith(f"checkpoint-{steps}")
    assert again["manifest"]["metrics"]["steps"] == steps
    assert sft["manifest"]["metrics"]["resumed_from"] is None
    assert (
        sft["manifest"]["config"]["learning_rate"] == 1e-4
        and sft["manifest"]["config"]["epochs"] == 1.0
    )
    dpo = json.loads(
        _ok(
            [
                "train",
                "dpo",
                "--base",
                "registry:tiny@candidate",
                "--data",
                str(data),
                "--out",
                str(tmp_path / "dpo"),
                "--max-steps",
                "1",
                "--max-length",
                "1536",
                "--register",
                "tiny",
                "--json",
                *db,
            ]
        )
    )
    assert dpo["manifest"]["method"] == "dpo" and dpo["manifest"]["config"]["beta"] == 0.1
    res = runner.invoke(
        app,
        [
            "train",
            "merge",
            str(tmp_path / "dpo"),
            "--out",
            str(tmp_path / "merged"),
            "--gguf",
            str(tmp_path / "m.gguf"),
            "--quant",
            "f16",
            "--register",
            "tiny",
            *db,
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "m.gguf").stat().st_size > 0

    versions = json.loads(_ok(["models", "list", "tiny", "--json", *db]))
    assert [(v["version"], v["kind"]) for v in versions] == [
        (1, "base"),
        (2, "lora-sft"),
        (3, "lora-dpo"),
        (4, "gguf"),
    ]
    assert versions[0]["aliases"] == ["baseline", "production"] and versions[3]["aliases"] == [
        "candidate"
    ]
    shown = json.loads(_ok(["models", "show", "tiny@3", "--json", *db]))
    assert shown["version"]["manifest"]["data"]["heldout_checked"] is True
    _ok(["models", "alias", "tiny", "candidate", "2", *db])

    out = json.loads(
        _ok(
            [
                "promote",
                "tiny",
                "--agent",
                "l1",
                "--source",
                "generated",
                "--level",
                "0",
                "-n",
                "1",
                "--max-tokens",
                "4",
                "--json",
                *db,
            ]
        )
    )
    assert out["verdict"] in ("APPROVE", "REJECT") and out["candidate"] == "tiny@2"
    assert out["moved"] == (out["verdict"] == "APPROVE")
    history = json.loads(_ok(["models", "history", "tiny", "--json", *db]))
    assert [(d["from_version"], d["to_version"], d["verdict"]) for d in history] == [
        (1, 2, out["verdict"])
    ]
    shown = runner.invoke(app, ["models", "show", "tiny@production", *db])
    assert shown.exit_code == 0 and out["verdict"] in shown.stdout


def test_cli_errors_are_clear(tmp_path: Path, store_url: str):
    res = runner.invoke(
        app,
        [
            "train",
            "sft",
            "--data",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "o"),
            "--db",
            store_url,
        ],
    )
    assert res.exit_code == 2 and "no training examples" in res.output
    res = runner.invoke(app, ["promote", "nosuch", "--db", store_url])
    assert res.exit_code == 2 and "nosuch" in res.output
    res = runner.invoke(app, ["models", "show", "nosuch", "--db", store_url])
    assert res.exit_code == 2
