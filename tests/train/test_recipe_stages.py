"""A recipe's preference stage: SFT, DPO over it, the two adapters stacked into the one
llama.cpp file that ships; and the stack is exact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from behaviorlab.train._lora_stack import STACK_MARKER, stack_lora
from behaviorlab.train._recipe import load_recipe, run_recipe


def _random_lora(
    base: Path, out: Path, rank: int, alpha: int, seed: int
) -> dict[str, torch.Tensor]:
    """A LoRA with random A and B (large updates) saved to ``out``; returns the weights of
    ``base`` with it merged."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(base)
    cfg = LoraConfig(r=rank, lora_alpha=alpha, target_modules="all-linear", init_lora_weights=False)
    peft_model = get_peft_model(model, cfg)
    peft_model.save_pretrained(out)
    merged = peft_model.merge_and_unload()
    return {k: v.detach().clone() for k, v in merged.state_dict().items()}


def test_stacked_adapters_equal_the_adapters_applied_in_turn(tiny_model, tmp_path):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_model)
    before = {k: v.detach().clone() for k, v in base.state_dict().items()}
    first = _random_lora(tiny_model, tmp_path / "a", rank=4, alpha=8, seed=0)
    under = AutoModelForCausalLM.from_pretrained(tiny_model)
    under.load_state_dict(first)
    under.save_pretrained(tmp_path / "a-merged")
    expected = _random_lora(tmp_path / "a-merged", tmp_path / "b", rank=2, alpha=16, seed=1)

    stacked = stack_lora([tmp_path / "a", tmp_path / "b"], tmp_path / "stacked")
    cfg = json.loads((stacked / "adapter_config.json").read_text())
    assert cfg["r"] == 6 and cfg["lora_alpha"] == 6.0
    assert json.loads((stacked / STACK_MARKER).read_text())["ranks"] == [4, 2]
    got = PeftModel.from_pretrained(base, stacked).merge_and_unload().state_dict()
    moved = 0
    for name, w in expected.items():
        torch.testing.assert_close(got[name], w, rtol=1e-4, atol=1e-5)
        moved += not torch.allclose(w, before[name])
    assert moved >= 14  # both layers' seven linear maps changed: the check compares updates


def test_adapters_of_different_layers_do_not_stack(tiny_model, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    _random_lora(tiny_model, tmp_path / "a", rank=4, alpha=8, seed=0)
    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    only_q = LoraConfig(r=2, lora_alpha=4, target_modules=["q_proj"], init_lora_weights=False)
    get_peft_model(model, only_q).save_pretrained(tmp_path / "b")
    with pytest.raises(ValueError, match="other layers"):
        stack_lora([tmp_path / "a", tmp_path / "b"], tmp_path / "stacked")
    with pytest.raises(ValueError, match="at least two"):
        stack_lora([tmp_path / "a"], tmp_path / "stacked")


def test_a_recipe_with_a_dpo_stage_ships_one_stacked_adapter(tiny_model, tmp_path):
    import gguf

    recipe = tmp_path / "tiny.toml"
    recipe.write_text(
        f'name = "tiny-fc"\nbase = "{tiny_model}"\n'
        '[data]\ntask = "bfcl"\nn = 3\nseed = 0\n'
        "[train]\nepochs = 1\nlearning_rate = 5e-3\ngrad_accum = 1\nmax_steps = 1\n"
        'max_length = 4096\ndevice = "cpu"\n'
        "[train.lora]\nrank = 4\nalpha = 8\n"
        '[dpo.data]\ntask = "bfcl"\nn = 3\nseed = 1\nweights = { irrelevance = 1, multiple = 1 }\n'
        "[dpo.train]\nepochs = 1\nlearning_rate = 5e-3\ngrad_accum = 1\nmax_steps = 1\n"
        'max_length = 4096\ndevice = "cpu"\n'
        "[dpo.train.lora]\nrank = 2\nalpha = 4\n"
    )
    assert load_recipe(recipe)[0].dpo is not None
    out = tmp_path / "run"
    manifest = run_recipe(recipe, out, adapter_out=tmp_path / "fc.gguf")
    # the DPO stage saw the task's pairs and trained over the SFT model
    dpo = manifest["dpo"]
    assert dpo["pairs"] >= 1 and sum(dpo["pairs_made"]["pairs"].values()) == dpo["pairs"]
    assert dpo["train_manifest"]["method"] == "dpo"
    assert dpo["train_manifest"]["base_model"] == str((out / "dpo" / "base").resolve())
    # one adapter ships: the two stacked (ranks 4 + 2) over the recipe's base
    assert manifest["adapter_dir"] == str(out / "stacked")
    assert (out / "stacked" / "base_model.txt").read_text().strip() == str(tiny_model)
    fields = gguf.GGUFReader(str(tmp_path / "fc.gguf")).fields
    assert float(fields["adapter.lora.alpha"].parts[-1][0]) == 6.0
    # resuming a finished recipe trains nothing again and writes the same adapter
    dpo_weights = (out / "dpo" / "adapter_model.safetensors").stat().st_mtime_ns
    again = run_recipe(recipe, out, adapter_out=tmp_path / "fc.gguf", resume=True)
    assert (out / "dpo" / "adapter_model.safetensors").stat().st_mtime_ns == dpo_weights
    assert again["adapter_sha256"] == manifest["adapter_sha256"]


def test_train_stack_on_the_command_line_writes_the_llama_cpp_file(tiny_model, tmp_path):
    import gguf
    from typer.testing import CliRunner

    from behaviorlab.cli import app

    _random_lora(tiny_model, tmp_path / "a", rank=4, alpha=8, seed=0)
    _random_lora(tiny_model, tmp_path / "b", rank=2, alpha=4, seed=1)
    args = ["train", "stack", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "s")]
    res = CliRunner().invoke(app, [*args, "--gguf", str(tmp_path / "s.gguf")])
    assert res.exit_code == 0, res.output
    reader = gguf.GGUFReader(str(tmp_path / "s.gguf"))
    # lora_a is rank x in (GGUF lists the dimensions innermost first): rank 4 + 2
    ranks = {int(t.shape[-1]) for t in reader.tensors if t.name.endswith(".lora_a")}
    assert ranks == {6}
    res = CliRunner().invoke(app, ["train", "stack", str(tmp_path / "a"), str(tmp_path), "-o", "x"])
    assert res.exit_code != 0 and "adapter_config.json" in res.output
