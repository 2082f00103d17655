"""Stack LoRA adapters trained one over another into one adapter over the first one's base.

A DPO stage after SFT trains a second LoRA over the SFT model merged (``load_base``), and
llama.cpp applies one adapter file. The two updates add: W + s1·B1A1 + s2·B2A2 is the LoRA of
rank r1 + r2 with A = [A1; A2] and B = [s1·B1, s2·B2] / s, where s = alpha / rank of the
stacked adapter. So the stacked adapter is exact: its merged weights are the weights the
second stage was trained on plus its own update. Every adapter must adapt the same layers.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from behaviorlab.train._deps import require

#: files a PEFT adapter folder carries beside its weights that the stack copies from the
#: first adapter (the tokenizer and the base it sits on)
STACK_MARKER = "stacked_from.json"
_CARRIED = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "base_model.txt")


def _scale(cfg: dict[str, object], where: Path) -> float:
    if cfg.get("peft_type", "LORA") != "LORA" or cfg.get("use_dora") or cfg.get("use_rslora"):
        raise ValueError(f"{where} is not a plain LoRA adapter (DoRA and rsLoRA do not stack)")
    if cfg.get("rank_pattern") or cfg.get("alpha_pattern"):
        raise ValueError(f"{where} has per-layer ranks or alphas, which the stack does not keep")
    r = cfg.get("r")
    alpha = cfg.get("lora_alpha", r)
    if not isinstance(r, int) or not isinstance(alpha, int | float):
        raise ValueError(f"{where}: adapter_config.json has no rank and alpha")
    return float(alpha) / r


def stack_lora(adapters: Sequence[str | Path], out_dir: str | Path) -> Path:
    """Write one PEFT LoRA adapter to ``out_dir`` equal to applying ``adapters`` in order
    (each trained over the previous ones merged) over the first one's base."""
    require("safetensors", "torch")
    import torch
    from safetensors.torch import load_file, save_file

    if len(adapters) < 2:
        raise ValueError("stack at least two adapters")
    dirs = [Path(a) for a in adapters]
    cfgs = [json.loads((d / "adapter_config.json").read_text()) for d in dirs]
    scales = [_scale(c, d) for c, d in zip(cfgs, dirs, strict=True)]
    weights = [load_file(str(d / "adapter_model.safetensors")) for d in dirs]
    keys = sorted(k for k in weights[0] if ".lora_A." in k)
    for d, w in zip(dirs[1:], weights[1:], strict=True):
        if sorted(k for k in w if ".lora_A." in k) != keys:
            raise ValueError(f"{d} adapts other layers than {dirs[0]}; stacked adapters must match")
    rank = sum(int(c["r"]) for c in cfgs)
    alpha = float(rank)  # the stacked scale is 1: each adapter's own scale goes into its B
    out: dict[str, torch.Tensor] = {}
    for key in keys:
        b_key = key.replace(".lora_A.", ".lora_B.")
        out[key] = torch.cat([w[key].float() for w in weights], dim=0).contiguous()
        out[b_key] = torch.cat(
            [w[b_key].float() * s for w, s in zip(weights, scales, strict=True)], dim=1
        ).contiguous()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    save_file(out, str(target / "adapter_model.safetensors"))
    cfg = {**cfgs[0], "r": rank, "lora_alpha": alpha, "lora_dropout": 0.0}
    (target / "adapter_config.json").write_text(json.dumps(cfg, indent=2))
    stacked = {"adapters": [str(d.resolve()) for d in dirs], "ranks": [c["r"] for c in cfgs]}
    (target / STACK_MARKER).write_text(json.dumps(stacked, indent=2))
    for name in _CARRIED:
        if (dirs[0] / name).is_file():
            shutil.copy2(dirs[0] / name, target / name)
    return target
