"""transformers provider: local weights, a registry entry, or a GGUF dequantised into torch.

It is also the training backend: :func:`load_causal_lm` is what SFT/DPO start from.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any, ClassVar

from behaviorlab.models._base import Model
from behaviorlab.models._errors import MissingDependencyError, ModelError
from behaviorlab.models._types import Completion, GenerationConfig, Message, ToolSpec, Usage


def _require() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise MissingDependencyError("torch/transformers", "transformers") from e
    return torch, transformers


def load_causal_lm(source: str | Path, *, dtype: str = "float32") -> tuple[Any, Any]:
    """(model, tokenizer) from a directory of weights or a ``.gguf`` file (or ``smollm2-135m``)."""
    torch, tf = _require()
    src = str(source)
    kwargs: dict[str, Any] = {}
    path = Path(src).expanduser()
    if src == "smollm2-135m" or path.suffix == ".gguf":
        from behaviorlab.models._llamacpp import resolve_gguf

        gguf = resolve_gguf(src)
        model_dir, kwargs["gguf_file"] = str(gguf.parent), gguf.name
    elif path.is_dir():
        model_dir = str(path)
        adapter = path / "adapter_config.json"
        if adapter.is_file():
            return _load_adapter(path, dtype)
    else:
        model_dir = src  # a hub id; only works where a hub is reachable
    try:
        tok = tf.AutoTokenizer.from_pretrained(model_dir, **kwargs)
        model = tf.AutoModelForCausalLM.from_pretrained(
            model_dir, dtype=getattr(torch, dtype), **kwargs
        )
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load {src!r} with transformers: {e}") from e
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return model, tok


def _load_adapter(path: Path, dtype: str) -> tuple[Any, Any]:
    import json

    try:
        from peft import PeftModel
    except ImportError as e:
        raise MissingDependencyError("peft", "train") from e
    cfg = json.loads((path / "adapter_config.json").read_text())
    base_src = cfg.get("base_model_name_or_path") or ""
    marker = path / "base_model.txt"  # written by behaviorlab train: the real base (e.g. a gguf)
    if marker.is_file():
        base_src = marker.read_text().strip()
    base, tok = load_causal_lm(base_src, dtype=dtype)
    return PeftModel.from_pretrained(base, str(path)), tok


class TransformersModel(Model):
    provider: ClassVar[str] = "transformers"
    local: ClassVar[bool] = True

    def __init__(self, model: str = "smollm2-135m", *, dtype: str = "float32", **kw: Any) -> None:
        super().__init__(Path(model).name if Path(model).exists() else model, **kw)
        self.source = model
        self.dtype = dtype
        self._model: Any = None
        self._tok: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_loaded(
        cls, model: Any, tokenizer: Any, name: str = "in-memory", **kw: Any
    ) -> TransformersModel:
        self = cls.__new__(cls)
        Model.__init__(self, name, **kw)
        self.source, self.dtype = name, "float32"
        self._model, self._tok, self._lock = model, tokenizer, threading.Lock()
        return self

    def settings(self) -> dict[str, Any]:
        return {**super().settings(), "source": self.source, "dtype": self.dtype}

    def _load(self) -> tuple[Any, Any]:
        if self._model is None:
            self._model, self._tok = load_causal_lm(self.source, dtype=self.dtype)
            self._model.eval()
        return self._model, self._tok

    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        torch, _ = _require()
        with self._lock:
            model, tok = self._load()
            chat = [
                {"role": m.role if m.role != "tool" else "user", "content": m.content}
                for m in messages
            ]
            ids = tok.apply_chat_template(
                chat, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            input_ids = ids["input_ids"]
            gen: dict[str, Any] = {
                "max_new_tokens": config.max_tokens,
                "pad_token_id": tok.pad_token_id,
                "attention_mask": ids.get("attention_mask"),
            }
            if config.temperature > 0:
                torch.manual_seed(config.seed)
                gen.update(do_sample=True, temperature=config.temperature)
            else:
                gen.update(do_sample=False)
            with torch.no_grad():
                out = model.generate(input_ids, **gen)
            new = out[0, input_ids.shape[1] :]
            text = tok.decode(new, skip_special_tokens=True)
        for s in config.stop:
            if s in text:
                text = text[: text.index(s)]
        return Completion(
            text=text,
            usage=Usage(input_tokens=int(input_ids.shape[1]), output_tokens=int(new.shape[0])),
            finish_reason="length" if new.shape[0] >= config.max_tokens else "stop",
            response_id=uuid.uuid4().hex,
        )
