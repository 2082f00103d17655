"""SFT and DPO end to end on a tiny random model; merge, GGUF export, serving."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from behaviorlab.models import GenerationConfig, Message, TransformersModel
from behaviorlab.tasks.airline import airline_problems, extraction_examples, extraction_pairs
from behaviorlab.train import (
    ChatMessage,
    LoraSettings,
    SplitSpec,
    TrainingExample,
    TrainSettings,
    export_dataset,
    export_gguf,
    merge_adapter,
    read_manifest,
    tokenize_example,
    train_dpo,
    train_sft,
)

FAST = TrainSettings(
    epochs=2, learning_rate=5e-3, batch_size=1, grad_accum=1, logging_steps=1, max_length=1536
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    problems = airline_problems(3, seed=8080, levels=(0,))
    exs, _ = extraction_examples(problems)
    d = tmp_path_factory.mktemp("data")
    export_dataset(
        d, exs, extraction_pairs(problems), split=SplitSpec(heldout_fraction=0.2), hf=False
    )
    return d


@pytest.fixture(scope="module")
def sft_dir(tiny_model: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = FAST.model_copy(update={"save_steps": 2})
    out = tmp_path_factory.mktemp("sft") / "adapter"
    return Path(train_sft(tiny_model, data_dir, out, settings).output_dir)


def test_loss_covers_only_the_assistant_turns(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    ex = TrainingExample(
        prompt=[
            ChatMessage(role="system", content="S"),
            ChatMessage(role="user", content="Q"),
            ChatMessage(role="assistant", content="few-shot answer"),
            ChatMessage(role="user", content="Q2"),
        ],
        completion=[
            ChatMessage(role="assistant", content="step one"),
            ChatMessage(role="user", content="Tool x returned: 3"),
            ChatMessage(role="assistant", content="Final Answer: 3"),
        ],
    )
    row = tokenize_example(tok, ex, 4096)
    assert row is not None
    learnt = tok.decode(
        [i for i, lab in zip(row["input_ids"], row["labels"], strict=True) if lab != -100]
    )
    assert learnt == "step one<|im_end|>\nFinal Answer: 3<|im_end|>\n"
    assert tokenize_example(tok, ex, 20) is None  # truncation cut every target token


def test_sft_trains_and_records_a_reproducibility_manifest(sft_dir, data_dir):
    m = read_manifest(sft_dir)
    assert m.method == "sft" and Path(m.base_model).is_dir()
    assert m.metrics["last_loss"] < m.metrics["first_loss"]
    assert m.metrics["steps"] > 0 and m.metrics["examples"] >= 1
    assert (
        m.data.heldout_checked and m.data.split is not None and m.data.split.heldout_fraction == 0.2
    )
    assert m.data.hash == json.loads((data_dir / "report.json").read_text())["data_hash"]
    assert m.config["lora"] == {
        "rank": 16,
        "alpha": 32,
        "dropout": 0.05,
        "target_modules": "all-linear",
        "layers": None,
    }
    assert m.seeds["seed"] == 0
    env = m.environment
    assert {"torch", "transformers", "trl", "peft"} <= set(env.versions)
    assert env.cores > 0 and env.cpu and env.code_version
    assert (sft_dir / "adapter_config.json").is_file() and (sft_dir / "base_model.txt").is_file()
    assert m.checkpoints and all((Path(c) / "adapter_config.json").is_file() for c in m.checkpoints)


def test_bf16_mixed_precision_trains_on_the_same_code_path(tiny_model, data_dir, tmp_path):
    settings = FAST.model_copy(update={"precision": "bf16", "epochs": 1})
    res = train_sft(tiny_model, data_dir, tmp_path / "bf16", settings)
    m = res.manifest
    assert m.config["precision"] == "bf16" and m.metrics["steps"] > 0
    assert math.isfinite(m.metrics["first_loss"]) and math.isfinite(m.metrics["last_loss"])
    # the adapter is saved in full precision, whatever the compute precision was
    from safetensors.torch import load_file

    weights = load_file(str(tmp_path / "bf16" / "adapter_model.safetensors"))
    assert weights and {str(t.dtype) for t in weights.values()} == {"torch.float32"}


def test_bf16_on_a_cpu_without_bf16_instructions_is_warned_about(tmp_path, monkeypatch):
    from behaviorlab.train import _trainer

    avx2 = tmp_path / "avx2"
    avx2.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n\nprocessor\t: 1\n")
    amx = tmp_path / "amx"
    amx.write_text("flags\t\t: fpu avx2 avx512f avx512_bf16 amx_tile amx_bf16\n")
    assert _trainer.cpu_bf16_native(avx2) is False
    assert _trainer.cpu_bf16_native(amx) is True
    assert _trainer.cpu_bf16_native(tmp_path / "absent") is None  # not Linux: nothing claimed
    (tmp_path / "empty").write_text("processor\t: 0\n")
    assert _trainer.cpu_bf16_native(tmp_path / "empty") is None

    bf16 = FAST.model_copy(update={"precision": "bf16", "device": "cpu"})
    monkeypatch.setattr(_trainer, "cpu_bf16_native", lambda: False)
    with pytest.warns(UserWarning, match='without AVX512-BF16 or AMX.*precision = "fp32"'):
        assert _trainer._use_cpu(bf16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _trainer._use_cpu(FAST.model_copy(update={"device": "cpu"}))  # fp32: quiet
        monkeypatch.setattr(_trainer, "cpu_bf16_native", lambda: True)
        assert _trainer._use_cpu(bf16)  # native bf16: quiet


def test_the_adapter_is_served_by_the_transformers_provider(sft_dir):
    model = TransformersModel(str(sft_dir), config=GenerationConfig(max_tokens=8))
    c = model.complete([Message.user("Hello")])
    assert 0 < c.usage.output_tokens <= 8 and c.usage.input_tokens > 0


def test_dpo_on_the_sft_adapter(sft_dir, data_dir, tmp_path):
    # the adapter on the top layer only: DPO trains just that block
    settings = FAST.model_copy(update={"epochs": 1, "lora": LoraSettings(layers=[1])})
    res = train_dpo(sft_dir, data_dir, tmp_path / "dpo", settings)
    m = res.manifest
    assert m.method == "dpo" and m.config["beta"] == 0.1
    # the SFT adapter was merged into plain weights that sit under the DPO adapter
    assert Path(m.base_model) == (tmp_path / "dpo" / "base").resolve()
    assert m.metrics["pairs"] >= 1 and m.metrics["steps"] >= 1
    assert any("rewards/accuracies" in h for h in m.metrics["log"])
    assert m.data.heldout_checked
    from safetensors import safe_open

    with safe_open(str(tmp_path / "dpo" / "adapter_model.safetensors"), "pt") as f:
        layers = {k.split("layers.")[1].split(".")[0] for k in f.keys()}  # noqa: SIM118
    assert layers == {"1"}


def test_merge_and_gguf_export_give_llamacpp_the_same_logits(sft_dir, tmp_path):
    llama_cpp = pytest.importorskip("llama_cpp")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    merged = merge_adapter(sft_dir, tmp_path / "merged")
    gguf = export_gguf(merged, tmp_path / "model.gguf", quant="f32")
    hf = AutoModelForCausalLM.from_pretrained(merged)
    tok = AutoTokenizer.from_pretrained(merged)
    text = "The passenger flies Business from Boston to Paris with 2 bags."
    ids = tok(text)["input_ids"]
    with torch.no_grad():
        ref = hf(torch.tensor([ids])).logits[0].numpy()
    llm = llama_cpp.Llama(str(gguf), logits_all=True, verbose=False, n_ctx=256)
    assert llm.tokenize(text.encode(), add_bos=False, special=True) == ids
    llm.eval(ids)
    got = np.array(llm.scores[: len(ids)])
    assert np.abs(got - ref).max() < 1e-3
    assert (got.argmax(-1) == ref.argmax(-1)).all()


class _Killed(RuntimeError):
    pass


def test_a_killed_run_resumes_from_its_last_checkpoint(tiny_model, data_dir, tmp_path):
    settings = FAST.model_copy(update={"epochs": 1, "max_steps": 4, "save_steps": 2})
    whole = train_sft(tiny_model, data_dir, tmp_path / "whole", settings).manifest

    def kill_at_step_3(entry: dict) -> None:
        if entry.get("step") == 3 and "loss" in entry:
            raise _Killed("killed")

    out = tmp_path / "killed"
    with pytest.raises(_Killed):
        train_sft(tiny_model, data_dir, out, settings, on_log=kill_at_step_3)
    assert not (out / "adapter_model.safetensors").exists()
    # resumed, it continues at step 3 from checkpoint-2
    resumed = train_sft(
        tiny_model, data_dir, out, settings.model_copy(update={"resume": True})
    ).manifest
    assert resumed.metrics["resumed_from"].endswith("checkpoint-2")
    assert resumed.metrics["steps"] == whole.metrics["steps"] == 4
    steps = [h["step"] for h in resumed.metrics["log"]]
    assert steps == [1, 2, 3, 4]  # steps 1-2 from the checkpoint's state, 3-4 run now
    # the same data order, weights and optimizer state: the resumed losses are the whole run's
    for a, b in zip(resumed.metrics["log"], whole.metrics["log"], strict=True):
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-4)
    assert whole.metrics["resumed_from"] is None
