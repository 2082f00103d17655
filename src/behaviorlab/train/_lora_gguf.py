"""Write a PEFT LoRA adapter as a GGUF LoRA adapter that llama.cpp applies over its base.

What llama.cpp's ``convert_lora_to_gguf.py`` writes, for the llama architecture: metadata
``general.type = adapter``, ``adapter.type = lora``, ``adapter.lora.alpha``; for every
adapted linear layer two tensors named after the base tensor, ``<name>.lora_a`` (rank x in)
and ``<name>.lora_b`` (out x rank); llama.cpp scales their product by alpha / rank. The q/k
row permutation of ``export_gguf`` applies to ``lora_b`` (the update's rows are the weight's
rows). f16 by default: SmolLM2-135M with rank 16 on all linear layers is about 10 MB.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from behaviorlab.train._deps import require
from behaviorlab.train._gguf import GGUFExportError, _gguf_name, _permute


def _heads(adapter_dir: Path, cfg: dict[str, Any]) -> tuple[int, int]:
    """(attention heads, key/value heads) of the adapter's base: from its GGUF (the packaged
    SmolLM2 is one) or its transformers config."""
    import gguf

    from behaviorlab.train._gguf import template_gguf_for

    # a checkpoint (run/checkpoints/checkpoint-N) finds its run's base marker
    tmpl = next(
        (t for d in (adapter_dir, *adapter_dir.parents[:2]) if (t := template_gguf_for(d))),
        None,
    )
    base_dir = Path(cfg.get("base_model_name_or_path") or "")
    if tmpl is None and base_dir.is_dir() and len(found := list(base_dir.glob("*.gguf"))) == 1:
        tmpl = found[0]  # PEFT records the packaged GGUF's folder as the base
    if tmpl is not None:
        fields = gguf.GGUFReader(str(tmpl)).fields
        arch = bytes(fields["general.architecture"].parts[-1]).decode()
        if arch != "llama":
            raise GGUFExportError(f"GGUF LoRA export covers llama models, not {arch!r}")

        def value(key: str) -> int:
            return int(fields[key].parts[-1][0])

        n_head = value("llama.attention.head_count")
        kv = "llama.attention.head_count_kv"
        return n_head, value(kv) if kv in fields else n_head
    from transformers import AutoConfig

    base = AutoConfig.from_pretrained(cfg.get("base_model_name_or_path") or "")
    if getattr(base, "model_type", "llama") != "llama":
        raise GGUFExportError(f"GGUF LoRA export covers llama models, not {base.model_type!r}")
    return base.num_attention_heads, base.num_key_value_heads or base.num_attention_heads


def export_lora_gguf(adapter_dir: str | Path, out_path: str | Path, *, dtype: str = "f16") -> Path:
    """Write the PEFT adapter in ``adapter_dir`` (``adapter_config.json`` and
    ``adapter_model.safetensors``) as a GGUF LoRA adapter at ``out_path``."""
    require("gguf", "safetensors")
    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    src = Path(adapter_dir)
    cfg = json.loads((src / "adapter_config.json").read_text())
    if cfg.get("peft_type", "LORA") != "LORA":
        raise GGUFExportError(f"{src} is a {cfg.get('peft_type')} adapter, not LoRA")
    if cfg.get("use_dora") or cfg.get("use_rslora"):
        raise GGUFExportError("DoRA and rsLoRA adapters have no llama.cpp form here")
    n_head, n_kv = _heads(src, cfg)
    weights = load_file(str(src / "adapter_model.safetensors"))
    np_dtype = {"f16": np.float16, "f32": np.float32}[dtype]

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(out), "llama")
    w.add_string(gguf.Keys.General.TYPE, gguf.GGUFType.ADAPTER)
    w.add_string(gguf.Keys.Adapter.TYPE, "lora")
    w.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(cfg.get("lora_alpha", cfg.get("r", 8))))
    w.add_name(cfg.get("name") or src.name)
    written = 0
    for key in sorted(weights):
        if ".lora_A." not in key:
            if ".lora_B." in key:
                continue
            raise GGUFExportError(f"adapter tensor {key} is not a LoRA A/B matrix")
        hf = key.replace("base_model.model.", "").replace(".lora_A.weight", ".weight")
        name = _gguf_name(hf)
        if name is None:
            raise GGUFExportError(f"no GGUF name for the adapted tensor {hf}")
        a = weights[key].astype(np.float32)
        b = weights[key.replace(".lora_A.", ".lora_B.")].astype(np.float32)
        if name.endswith("attn_q.weight"):
            b = _permute(b, n_head)
        elif name.endswith("attn_k.weight"):
            b = _permute(b, n_kv)
        w.add_tensor(f"{name}.lora_a", np.ascontiguousarray(a).astype(np_dtype))
        w.add_tensor(f"{name}.lora_b", np.ascontiguousarray(b).astype(np_dtype))
        written += 1
    if not written:
        raise GGUFExportError(f"no LoRA tensors in {src}")
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out
