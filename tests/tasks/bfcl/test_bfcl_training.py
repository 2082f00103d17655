"""A smoke run of the trainer on the fc training data (a tiny random model, not SmolLM2):
the export is what ``train sft`` reads, and the loss on the calls goes down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("peft")

from behaviorlab.train import TrainSettings, load_examples, make_tiny_model, train_sft


def test_sft_on_fc_training_data_runs_and_learns(tmp_path: Path):
    from behaviorlab.tasks import TrainingOptions, get_task
    from behaviorlab.train import SplitSpec, export_dataset, task_training_set

    data = tmp_path / "data"
    made = task_training_set(
        get_task("bfcl"), "generated", TrainingOptions(n=6, seed=11, extra={"check_grammar": False})
    )
    export_dataset(data, made.examples, split=SplitSpec(heldout_fraction=0.0), hf=False)
    examples = load_examples(data)
    corpus = [m.content for e in examples for m in e.prompt + e.completion]
    tiny = make_tiny_model(tmp_path / "tiny", vocab_size=1024, corpus=corpus)
    settings = TrainSettings(
        epochs=3, learning_rate=5e-3, batch_size=1, grad_accum=1, logging_steps=1, max_length=2048
    )
    result = train_sft(tiny, data, tmp_path / "adapter", settings)
    m = result.manifest
    assert m.metrics["examples"] == len(examples) == 6
    assert m.metrics["dropped_by_max_length"] == 0
    assert m.metrics["last_loss"] < m.metrics["first_loss"]
    assert m.data.hash == json.loads((data / "report.json").read_text())["data_hash"]
    assert (Path(result.output_dir) / "adapter_config.json").is_file()
