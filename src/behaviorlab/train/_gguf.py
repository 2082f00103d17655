"""Merge a LoRA adapter into its base and write the result as GGUF for the llama.cpp provider.

llama.cpp's ``convert_hf_to_gguf.py`` is not on PyPI; the ``gguf`` package's writer is, and a
Llama-architecture model (SmolLM2 is one) needs only a name map and llama.cpp's q/k row
permutation. Tokenizer metadata is copied from a template GGUF (the base the model was
loaded from) when there is one, else built from a byte-level BPE ``tokenizer.json``.
Other architectures: serve the merged folder with the transformers provider.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from behaviorlab.train._deps import require
from behaviorlab.train._trainer import BASE_MARKER, _unmark_gguf

Quant = Literal["template", "f32", "f16", "q8_0", "q4_1"]


class GGUFExportError(RuntimeError):
    pass


def merge_adapter(adapter_dir: str | Path, out_dir: str | Path) -> Path:
    """Fold a PEFT adapter into its base; writes plain safetensors weights and the tokenizer."""
    require("torch", "transformers", "peft")
    from peft import PeftModel

    from behaviorlab.models import load_causal_lm

    model, tok = load_causal_lm(adapter_dir)
    if isinstance(model, PeftModel):
        model = model.merge_and_unload()
    _unmark_gguf(model)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    marker = Path(adapter_dir) / BASE_MARKER
    if marker.is_file():
        (out / "merged_from.json").write_text(
            json.dumps(
                {"adapter": str(Path(adapter_dir).resolve()), "base": marker.read_text().strip()}
            )
        )
    return out


def template_gguf_for(model_dir: str | Path) -> Path | None:
    """The GGUF a merged or trained model started from, if it was one (tokenizer source)."""
    d = Path(model_dir)
    for p in (d / "merged_from.json",):
        if p.is_file():
            base = json.loads(p.read_text()).get("base", "")
            return _gguf_of(base)
    marker = d / BASE_MARKER
    return _gguf_of(marker.read_text().strip()) if marker.is_file() else None


def _gguf_of(base: str) -> Path | None:
    from behaviorlab.models import resolve_gguf

    if base.endswith(".gguf") or base == "smollm2-135m":
        return resolve_gguf(base)
    if Path(base).is_dir():
        return template_gguf_for(base)
    return None


def _permute(w: Any, n_head: int) -> Any:
    """llama.cpp's q/k row order (HF stores the rotary halves apart; GGUF interleaves them)."""
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


_LAYER = {
    "input_layernorm": "attn_norm",
    "post_attention_layernorm": "ffn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}


def _gguf_name(hf: str) -> str | None:
    if hf == "model.embed_tokens.weight":
        return "token_embd.weight"
    if hf == "model.norm.weight":
        return "output_norm.weight"
    if hf == "lm_head.weight":
        return "output.weight"
    parts = hf.split(".")
    if len(parts) >= 5 and parts[0] == "model" and parts[1] == "layers":
        sub = ".".join(parts[3:-1])
        if sub in _LAYER:
            return f"blk.{parts[2]}.{_LAYER[sub]}.{parts[-1]}"
    return None


def _copy_field(writer: Any, field: Any) -> None:
    import gguf

    types = field.types
    if types[0] == gguf.GGUFValueType.ARRAY:
        writer.add_key_value(field.name, field.contents(), types[0], sub_type=types[-1])
    else:
        writer.add_key_value(field.name, field.contents(), types[0])


def _tokenizer_from_hf(writer: Any, model_dir: Path, tok: Any) -> None:
    data = json.loads((model_dir / "tokenizer.json").read_text())
    m = data.get("model", {})
    if m.get("type") != "BPE":
        raise GGUFExportError(
            "only byte-level BPE tokenizers can be written without a template GGUF"
        )
    vocab = m["vocab"] | {t["content"]: t["id"] for t in data.get("added_tokens", [])}
    tokens = [""] * (max(vocab.values()) + 1)
    for t, i in vocab.items():
        tokens[i] = t
    special = {t["id"] for t in data.get("added_tokens", []) if t.get("special")}
    merges = [" ".join(x) if isinstance(x, list) else x for x in m.get("merges", [])]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")  # the GPT-2 split regex, as a ByteLevel pre-tokenizer uses
    writer.add_token_list(tokens)
    writer.add_token_types([3 if i in special else 1 for i in range(len(tokens))])
    writer.add_token_merges(merges)
    for setter, tid in (
        (writer.add_bos_token_id, tok.bos_token_id),
        (writer.add_eos_token_id, tok.eos_token_id),
        (writer.add_pad_token_id, tok.pad_token_id),
        (writer.add_unk_token_id, tok.unk_token_id),
    ):
        if tid is not None:
            setter(int(tid))
    writer.add_add_bos_token(False)
    if tok.chat_template:
        writer.add_chat_template(tok.chat_template)


def export_gguf(
    model_dir: str | Path,
    out_path: str | Path,
    *,
    template: str | Path | None = None,
    quant: Quant = "f16",
) -> Path:
    """Write the (merged) Llama model in ``model_dir`` as a GGUF file.

    ``f16`` by default: a LoRA update is small (a short CPU run on SmolLM2 changed weights by
    0.2-0.4% of their norm), below the rounding of 4-bit types, so re-quantizing to the base's
    Q4_1 gave back the base's outputs. ``quant="template"`` gives each tensor the type it has
    in the template GGUF (use it only when the update is large).
    """
    require("torch", "transformers", "gguf")
    import gguf
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    src = Path(model_dir)
    tmpl_path = Path(template) if template else template_gguf_for(src)
    tmpl = gguf.GGUFReader(str(tmpl_path)) if tmpl_path else None
    model = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32)
    tok = AutoTokenizer.from_pretrained(src)
    cfg = model.config
    if cfg.model_type != "llama":
        raise GGUFExportError(
            f"GGUF export covers the llama architecture; {cfg.model_type!r} models: serve {src} "
            "with the transformers provider (transformers/<folder>)"
        )
    n_head, n_kv = cfg.num_attention_heads, cfg.num_key_value_heads or cfg.num_attention_heads
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // n_head
    rope = getattr(cfg, "rope_parameters", None) or {}
    rope_theta = float(rope.get("rope_theta", getattr(cfg, "rope_theta", 10000.0)))

    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(out), "llama")
    w.add_name(src.name)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_freq_base(rope_theta)
    w.add_layer_norm_rms_eps(float(cfg.rms_norm_eps))
    w.add_vocab_size(cfg.vocab_size)
    w.add_rope_dimension_count(head_dim)
    if tmpl is not None:
        for name, field in tmpl.fields.items():
            if name.startswith("tokenizer."):
                _copy_field(w, field)
    else:
        _tokenizer_from_hf(w, src, tok)

    tmpl_types = {t.name: t.tensor_type for t in tmpl.tensors} if tmpl is not None else {}
    fixed = {
        "f32": gguf.GGMLQuantizationType.F32,
        "f16": gguf.GGMLQuantizationType.F16,
        "q8_0": gguf.GGMLQuantizationType.Q8_0,
        "q4_1": gguf.GGMLQuantizationType.Q4_1,
    }
    tied = bool(getattr(cfg, "tie_word_embeddings", False))
    main_type = None
    for hf_name, tensor in model.state_dict().items():
        mapped = _gguf_name(hf_name)
        if mapped is None:
            if "rotary_emb" in hf_name:
                continue
            raise GGUFExportError(f"no GGUF name for tensor {hf_name}")
        name = mapped
        if name == "output.weight" and tied:
            continue
        arr = tensor.detach().to(torch.float32).numpy()
        if name.endswith("attn_q.weight"):
            arr = _permute(arr, n_head)
        elif name.endswith("attn_k.weight"):
            arr = _permute(arr, n_kv)
        if arr.ndim == 1:
            qtype = gguf.GGMLQuantizationType.F32
        elif quant == "template":
            qtype = (
                tmpl_types.get(name, gguf.GGMLQuantizationType.F16)
                if tmpl_types
                else gguf.GGMLQuantizationType.F16
            )
        else:
            qtype = fixed[quant]
        block = gguf.GGML_QUANT_SIZES[qtype][0]
        if arr.shape[-1] % block:
            qtype = gguf.GGMLQuantizationType.F16
        if name.startswith("blk.0.attn_q"):
            main_type = qtype
        arr = np.ascontiguousarray(arr)
        if qtype == gguf.GGMLQuantizationType.F32:
            w.add_tensor(name, arr.astype(np.float32))
        elif qtype == gguf.GGMLQuantizationType.F16:
            w.add_tensor(name, arr.astype(np.float16))
        else:
            w.add_tensor(name, gguf.quants.quantize(arr, qtype), raw_dtype=qtype)
    w.add_file_type(_file_type(main_type))
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out


def _file_type(qtype: Any) -> int:
    import gguf

    ft = gguf.LlamaFileType
    return int(
        {
            gguf.GGMLQuantizationType.F32: ft.ALL_F32,
            gguf.GGMLQuantizationType.F16: ft.MOSTLY_F16,
            gguf.GGMLQuantizationType.Q8_0: ft.MOSTLY_Q8_0,
            gguf.GGMLQuantizationType.Q4_1: ft.MOSTLY_Q4_1,
        }.get(qtype, ft.MOSTLY_F16)
    )
