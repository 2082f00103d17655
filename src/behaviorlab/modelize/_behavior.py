"""A behaviour model: abstraction + vocabularies + the network, trained on (input, output) pairs.

Torch is imported only when a model is trained, loaded or run, so the package itself
imports without it.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from behaviorlab.modelize._abstraction import (
    UNK,
    Lexer,
    Merges,
    Vocab,
    abstract_source,
    abstract_target,
    concretize,
    is_placeholder,
)
from behaviorlab.modelize._config import Direction, EpochLog, ModelConfig, TrainConfig

if TYPE_CHECKING:
    from torch import Tensor

    from behaviorlab.modelize._net import Seq2Seq
    from behaviorlab.modelize._subjects import Subject

_INSTALL = "behaviour models need PyTorch: pip install 'behaviorlab[modelize]'"


def require_torch() -> Any:
    try:
        import torch
    except ImportError as e:
        raise ImportError(_INSTALL) from e
    return torch


class Pair(BaseModel):
    """One observed behaviour: the subject's output for an input."""

    input: str
    output: str


class TrainReport(BaseModel):
    pairs: int
    train_pairs: int
    val_pairs: int
    skipped_too_long: int
    epochs: int
    best_epoch: int
    val_exact: float
    val_loss: float
    train_s: float
    train_cpu_s: float = 0.0
    stopped: str
    history: list[EpochLog] = Field(default_factory=list)


class ModelInfo(BaseModel):
    """Who the model imitates and how it was made (the registry manifest is built from it)."""

    subject: str = ""
    direction: Direction = "forward"
    grammar_hash: str = ""
    parameters: int = 0
    #: longest target seen in training; decoding stops a little beyond it
    max_target_len: int = 0
    model: ModelConfig = Field(default_factory=ModelConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    report: TrainReport | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    created_at: float = 0.0
    #: folder the model was loaded from (not saved)
    checkpoint: str | None = Field(default=None, exclude=True)


@dataclass
class Candidate:
    """One proposed output (or input, for a reverse model) with its log-probability."""

    text: str
    logprob: float
    abstract: list[str] = field(default_factory=list)


@dataclass
class Likelihood:
    """How probable the model finds an observed output, token by token (end marker included)."""

    tokens: list[str]
    logprobs: list[float]
    unknown: int

    @property
    def total(self) -> float:
        return sum(self.logprobs)

    @property
    def mean_nll(self) -> float:
        return -self.total / max(1, len(self.logprobs))

    @property
    def max_nll(self) -> float:
        return -min(self.logprobs, default=0.0)


class BehaviorModel:
    """Predicts a subject's output (forward) or input (reverse) from the other side."""

    def __init__(
        self,
        net: Seq2Seq,
        src_lexer: Lexer,
        tgt_lexer: Lexer,
        src_vocab: Vocab,
        tgt_vocab: Vocab,
        info: ModelInfo,
        src_merges: Merges | None = None,
        tgt_merges: Merges | None = None,
    ) -> None:
        self.net = net
        self.src_lexer, self.tgt_lexer = src_lexer, tgt_lexer
        self.src_vocab, self.tgt_vocab = src_vocab, tgt_vocab
        self.src_merges, self.tgt_merges = src_merges or Merges(), tgt_merges or Merges()
        self.info = info
        self._prepare_masks()

    # construction ---------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        pairs: list[Pair],
        *,
        src_lexer: Lexer,
        tgt_lexer: Lexer,
        model_config: ModelConfig | None = None,
        train_config: TrainConfig | None = None,
        info: ModelInfo | None = None,
        on_epoch: Callable[[EpochLog], None] | None = None,
    ) -> BehaviorModel:
        """Abstract, split off a validation set, build vocabularies, train (see ``_net.train``).

        ``pairs`` are (source, target) in the model's direction: for a reverse model pass
        (output, input).
        """
        require_torch()
        from behaviorlab.modelize import _net

        mcfg = model_config or ModelConfig()
        tcfg = train_config or TrainConfig()
        abstracted: list[tuple[list[str], list[str]]] = []
        skipped = 0
        for p in pairs:
            src = abstract_source(p.input, src_lexer, mcfg.max_placeholders)
            tgt = abstract_target(p.output, tgt_lexer, src.values)
            if len(src.tokens) > mcfg.max_len or len(tgt.tokens) + 1 > mcfg.max_len:
                skipped += 1
                continue
            abstracted.append((src.tokens, tgt.tokens))
        rng = random.Random(tcfg.seed)
        order = list(range(len(abstracted)))
        rng.shuffle(order)
        n_val = round(len(order) * tcfg.val_fraction) if len(order) > 10 else 0
        val_idx, train_idx = order[:n_val], order[n_val:]
        # merges are learned on (a sample of) the training split only, like the vocabularies
        sample = train_idx[:3000]
        src_merges = Merges.learn((abstracted[i][0] for i in sample), mcfg.merges)
        tgt_merges = Merges.learn((abstracted[i][1] for i in sample), mcfg.merges)
        abstracted = [(src_merges.apply(a), tgt_merges.apply(b)) for a, b in abstracted]
        src_vocab = Vocab.build(abstracted[i][0] for i in train_idx)
        tgt_vocab = Vocab.build(abstracted[i][1] for i in train_idx)

        def enc(i: int) -> tuple[list[int], list[int]]:
            s, t = abstracted[i]
            return src_vocab.encode(s), tgt_vocab.encode(t)

        torch = require_torch()
        torch.manual_seed(tcfg.seed)
        net = _net.Seq2Seq(len(src_vocab), len(tgt_vocab), mcfg)
        base = info or ModelInfo()
        model = cls(
            net,
            src_lexer,
            tgt_lexer,
            src_vocab,
            tgt_vocab,
            base.model_copy(
                update={
                    "model": mcfg,
                    "train": tcfg,
                    "parameters": _net.count_parameters(net),
                    "max_target_len": max((len(abstracted[i][1]) for i in train_idx), default=0),
                }
            ),
            src_merges,
            tgt_merges,
        )
        outcome = _net.train(
            net,
            [enc(i) for i in train_idx],
            [enc(i) for i in val_idx],
            tcfg,
            allowed=model._forbidden_for_decoding,
            on_epoch=on_epoch,
        )
        model.info.report = TrainReport(
            pairs=len(pairs),
            train_pairs=len(train_idx),
            val_pairs=len(val_idx),
            skipped_too_long=skipped,
            epochs=outcome.epochs,
            best_epoch=outcome.best_epoch,
            val_exact=outcome.best_val_exact,
            val_loss=outcome.best_val_loss,
            train_s=outcome.train_s,
            train_cpu_s=outcome.cpu_s,
            stopped=outcome.stopped,
            history=outcome.history,
        )
        model.info.created_at = time.time()
        return model

    # masks: a target placeholder may only appear when its source has it ---------------
    def _prepare_masks(self) -> None:
        torch = require_torch()
        n = len(self.tgt_vocab)
        self._tgt_ph = {t: i for i, t in enumerate(self.tgt_vocab.tokens) if is_placeholder(t)}
        self._src_to_tgt_ph = {
            i: self._tgt_ph[t] for i, t in enumerate(self.src_vocab.tokens) if t in self._tgt_ph
        }
        base = torch.zeros(n, dtype=torch.bool)
        base[list(self._tgt_ph.values())] = True
        self._base_likelihood = base.clone()
        base[[0, 1, 3]] = True  # never emit pad, bos or unk
        self._base_decoding = base

    def _forbidden(self, src: list[int], base: Tensor) -> Tensor:
        mask = base.clone()
        present = [self._src_to_tgt_ph[i] for i in src if i in self._src_to_tgt_ph]
        if present:
            mask[present] = False
        return mask

    def _forbidden_for_decoding(self, src: list[int]) -> Tensor:
        return self._forbidden(src, self._base_decoding)

    def _forbidden_for_likelihood(self, src: list[int]) -> Tensor:
        return self._forbidden(src, self._base_likelihood)

    # use ----------------------------------------------------------------------------
    @property
    def parameters(self) -> int:
        return self.info.parameters

    @property
    def decode_len(self) -> int:
        return min(self.info.model.max_len, int(self.info.max_target_len * 1.25) + 8)

    def _source(self, text: str) -> tuple[list[int], dict[str, str]]:
        a = abstract_source(text, self.src_lexer, self.info.model.max_placeholders)
        tokens = self.src_merges.apply(a.tokens)
        return self.src_vocab.encode(tokens[: self.info.model.max_len]), a.values

    def predict(self, text: str, beam: int = 1) -> str:
        """The most probable output: greedy, or the best of a ``beam``-wide search."""
        if beam > 1:
            return self.candidates(text, k=beam)[0].text
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str], batch_size: int = 64) -> list[str]:
        """Greedy predictions, concretized (placeholders replaced by the input's values)."""
        require_torch()
        from behaviorlab.modelize import _net

        out: list[str] = []
        for i in range(0, len(texts), batch_size):
            chunk = [self._source(t) for t in texts[i : i + batch_size]]
            ids = _net.greedy(
                self.net,
                [s for s, _ in chunk],
                max_len=self.decode_len,
                allowed=self._forbidden_for_decoding,
            )
            out.extend(
                concretize(self.tgt_vocab.decode(row), values)
                for row, (_, values) in zip(ids, chunk, strict=True)
            )
        return out

    def candidates(self, text: str, k: int = 5) -> list[Candidate]:
        """The ``k`` most probable outputs by beam search, best first."""
        require_torch()
        from behaviorlab.modelize import _net

        src, values = self._source(text)
        found = _net.beam(
            self.net, src, k=k, max_len=self.decode_len, allowed=self._forbidden_for_decoding
        )
        out = []
        for ids, score in found:
            toks = self.tgt_vocab.decode(ids)
            out.append(Candidate(concretize(toks, values), score, toks))
        return out

    def likelihood(self, source: str, target: str) -> Likelihood:
        return self.likelihood_many([(source, target)])[0]

    def likelihood_many(self, pairs: list[tuple[str, str]]) -> list[Likelihood]:
        """Token-level log-probability of each observed target given its source."""
        require_torch()
        from behaviorlab.modelize import _net

        encoded: list[tuple[list[int], list[int]]] = []
        tokens: list[list[str]] = []
        for src_text, tgt_text in pairs:
            src, values = self._source(src_text)
            tgt = self.tgt_merges.apply(abstract_target(tgt_text, self.tgt_lexer, values).tokens)
            tgt = tgt[: self.info.model.max_len - 1]
            encoded.append((src, self.tgt_vocab.encode(tgt)))
            tokens.append([t if t in self.tgt_vocab else UNK for t in tgt])
        logps = _net.token_logprobs(self.net, encoded, allowed=self._forbidden_for_likelihood)
        return [
            Likelihood(
                [*toks, "<eos>"],
                [max(lp, -50.0) if math.isfinite(lp) else -50.0 for lp in row],
                toks.count(UNK),
            )
            for toks, row in zip(tokens, logps, strict=True)
        ]

    # persistence -----------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """``model.pt`` (weights) and ``model.json`` (vocabularies, lexers, settings, report)."""
        torch = require_torch()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        torch.save(self.net.state_dict(), d / "model.pt")
        meta = {
            "format": 1,
            "info": self.info.model_dump(mode="json"),
            "src_lexer": self.src_lexer.model_dump(mode="json"),
            "tgt_lexer": self.tgt_lexer.model_dump(mode="json"),
            "src_vocab": self.src_vocab.tokens,
            "tgt_vocab": self.tgt_vocab.tokens,
            "src_merges": self.src_merges.pairs,
            "tgt_merges": self.tgt_merges.pairs,
        }
        (d / "model.json").write_text(json.dumps(meta, indent=1))
        return d

    @classmethod
    def load(cls, directory: str | Path) -> BehaviorModel:
        torch = require_torch()
        from behaviorlab.modelize import _net

        d = Path(directory)
        meta = json.loads((d / "model.json").read_text())
        info = ModelInfo.model_validate(meta["info"])
        src_vocab, tgt_vocab = Vocab(tokens=meta["src_vocab"]), Vocab(tokens=meta["tgt_vocab"])
        net = _net.Seq2Seq(len(src_vocab), len(tgt_vocab), info.model)
        net.load_state_dict(torch.load(d / "model.pt", map_location="cpu", weights_only=True))
        net.eval()
        info.checkpoint = str(d.resolve())
        return cls(
            net,
            Lexer.model_validate(meta["src_lexer"]),
            Lexer.model_validate(meta["tgt_lexer"]),
            src_vocab,
            tgt_vocab,
            info,
            Merges(pairs=[tuple(p) for p in meta.get("src_merges", [])]),
            Merges(pairs=[tuple(p) for p in meta.get("tgt_merges", [])]),
        )


def oriented(pairs: list[Pair], direction: Direction) -> list[Pair]:
    """Pairs as the model sees them: (input, output) forward, (output, input) reverse."""
    if direction == "forward":
        return pairs
    return [Pair(input=p.output, output=p.input) for p in pairs]


def lexers_for(subject: Subject, direction: Direction) -> tuple[Lexer, Lexer]:
    if direction == "forward":
        return subject.input_lexer, subject.output_lexer
    return subject.output_lexer, subject.input_lexer
