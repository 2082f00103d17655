"""The network: a small ``torch.nn.Transformer`` encoder-decoder, its training loop and decoders.

This module imports torch at the top; the rest of the package imports it only when a
model is trained or loaded (see :func:`behaviorlab.modelize._behavior.require_torch`).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from behaviorlab.modelize._config import EpochLog, ModelConfig, TrainConfig

PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3


class Seq2Seq(nn.Module):
    """Token embeddings scaled by sqrt(width), sinusoidal positions, ``nn.Transformer``, a projection."""

    pos: Tensor

    def __init__(self, src_vocab: int, tgt_vocab: int, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.src_emb = nn.Embedding(src_vocab, d, padding_idx=PAD_ID)
        self.tgt_emb = nn.Embedding(tgt_vocab, d, padding_idx=PAD_ID)
        self.register_buffer("pos", _sinusoids(cfg.max_len + 2, d), persistent=False)
        layer = nn.TransformerEncoderLayer(
            d, cfg.nhead, cfg.ffn, cfg.dropout, batch_first=True, norm_first=cfg.norm_first
        )
        # the nested-tensor fast path only warns on CPU and gains nothing at these sizes
        encoder = nn.TransformerEncoder(
            layer, cfg.encoder_layers, norm=nn.LayerNorm(d), enable_nested_tensor=False
        )
        self.transformer = nn.Transformer(
            d_model=d,
            nhead=cfg.nhead,
            num_decoder_layers=cfg.decoder_layers,
            dim_feedforward=cfg.ffn,
            dropout=cfg.dropout,
            batch_first=True,
            norm_first=cfg.norm_first,
            custom_encoder=encoder,
        )
        self.out = nn.Linear(d, tgt_vocab)
        self.drop = nn.Dropout(cfg.dropout)
        self.scale = math.sqrt(d)
        # Xavier everywhere: with PyTorch's default N(0,1) embedding init a probe model
        # here fell from 57% to 19% exact match
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def embed_src(self, src: Tensor) -> Tensor:
        return self.drop(self.src_emb(src) * self.scale + self.pos[: src.size(1)])

    def embed_tgt(self, tgt: Tensor, offset: int = 0) -> Tensor:
        return self.drop(self.tgt_emb(tgt) * self.scale + self.pos[offset : offset + tgt.size(1)])

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor]:
        mask = src == PAD_ID
        return self.transformer.encoder(self.embed_src(src), src_key_padding_mask=mask), mask

    def decode(self, tgt_in: Tensor, memory: Tensor, mem_mask: Tensor) -> Tensor:
        n = tgt_in.size(1)
        causal = torch.triu(torch.ones(n, n, dtype=torch.bool, device=tgt_in.device), 1)
        h = self.transformer.decoder(
            self.embed_tgt(tgt_in),
            memory,
            tgt_mask=causal,
            tgt_key_padding_mask=tgt_in == PAD_ID,
            memory_key_padding_mask=mem_mask,
            tgt_is_causal=True,
        )
        return self.out(h)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        memory, mask = self.encode(src)
        return self.decode(tgt_in, memory, mask)


def _sinusoids(n: int, d: int) -> Tensor:
    pos = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


def count_parameters(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


# batching ----------------------------------------------------------------------


def pad(seqs: list[list[int]]) -> Tensor:
    n = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD_ID] * (n - len(s)) for s in seqs], dtype=torch.long)


def _batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Indices grouped so each batch holds similar lengths (less padding), batches shuffled."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


# training ----------------------------------------------------------------------


@dataclass
class TrainOutcome:
    epochs: int
    best_epoch: int
    best_val_exact: float
    best_val_loss: float
    train_s: float
    stopped: str
    history: list[EpochLog]
    cpu_s: float = 0.0


def train(
    net: Seq2Seq,
    train_data: list[tuple[list[int], list[int]]],
    val_data: list[tuple[list[int], list[int]]],
    cfg: TrainConfig,
    *,
    allowed: Callable[[list[int]], Tensor | None] | None = None,
    on_epoch: Callable[[EpochLog], None] | None = None,
) -> TrainOutcome:
    """AdamW with warm-up, gradient clipping; keeps the weights of the best validation epoch.

    "Best" is the validation exact match of greedy decoding (what the model is used for),
    ties broken by validation loss; training stops after ``patience`` epochs without a gain.
    """
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    opt = torch.optim.AdamW(
        net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.98)
    )
    steps_per_epoch = max(1, math.ceil(len(train_data) / cfg.batch_size))
    # the cosine decay ends with the last epoch; under a time limit, the last epoch that
    # fits (re-estimated after each epoch)
    plan = {"total": steps_per_epoch * cfg.epochs}
    warmup = min(cfg.warmup_steps, plan["total"] // 5 + 1)

    def lr_at(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, plan["total"] - warmup)
        return cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (
            1 + math.cos(math.pi * min(1.0, progress))
        )

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_ID, label_smoothing=cfg.label_smoothing)
    val_loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_ID, reduction="sum")
    best_key: tuple[float, float] | None = None
    best_state: dict[str, Tensor] | None = None
    best_epoch, best_exact, best_loss = 0, 0.0, float("inf")
    history: list[EpochLog] = []
    t0, c0 = time.perf_counter(), time.process_time()
    stale, stopped, epoch = 0, "epochs", 0
    lengths = [len(s) + len(t) for s, t in train_data]
    for epoch in range(1, cfg.epochs + 1):
        net.train()
        total_loss, total_tokens = 0.0, 0
        for idx in _batches(lengths, cfg.batch_size, rng):
            src = pad([train_data[i][0] for i in idx])
            tgt = pad([[BOS_ID, *train_data[i][1], EOS_ID] for i in idx])
            logits = net(src, tgt[:, :-1])
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), cfg.clip)
            opt.step()
            sched.step()
            n = int((tgt[:, 1:] != PAD_ID).sum())
            total_loss += float(loss.detach()) * n
            total_tokens += n
        net.eval()
        val_loss, val_exact = _validate(net, val_data, val_loss_fn, allowed, cfg)
        log = EpochLog(
            epoch=epoch,
            train_loss=total_loss / max(1, total_tokens),
            val_loss=val_loss,
            val_exact=val_exact,
            lr=sched.get_last_lr()[0],
            elapsed_s=time.perf_counter() - t0,
            cpu_s=time.process_time() - c0,
        )
        history.append(log)
        spent = log.cpu_s if cfg.clock == "cpu" else log.elapsed_s
        key = (val_exact, -val_loss)
        if not val_data:  # nothing to choose by: keep the last weights
            best_epoch, stale = epoch, 0
        elif best_key is None or key > best_key:
            best_key, stale = key, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
            best_epoch, best_exact, best_loss = epoch, val_exact, val_loss
        else:
            stale += 1
        if on_epoch is not None:
            on_epoch(log)
        if val_data and stale >= cfg.patience:
            stopped = "early stop"
            break
        if cfg.stop_at_val_exact is not None and val_data and val_exact >= cfg.stop_at_val_exact:
            stopped = "target reached"
            break
        if cfg.time_limit_s is not None:
            fits = int((cfg.time_limit_s - spent) / (spent / epoch))
            plan["total"] = steps_per_epoch * min(cfg.epochs, epoch + max(0, fits))
        # stop when another epoch like the average one would overrun the budget
        if cfg.time_limit_s is not None and spent + spent / epoch > cfg.time_limit_s:
            stopped = "time limit"
            break
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    return TrainOutcome(
        epoch,
        best_epoch,
        best_exact,
        best_loss,
        time.perf_counter() - t0,
        stopped,
        history,
        cpu_s=time.process_time() - c0,
    )


@torch.no_grad()
def _validate(
    net: Seq2Seq,
    data: list[tuple[list[int], list[int]]],
    loss_fn: nn.Module,
    allowed: Callable[[list[int]], Tensor | None] | None,
    cfg: TrainConfig,
) -> tuple[float, float]:
    if not data:
        return 0.0, 0.0
    loss_sum, tokens = 0.0, 0
    for i in range(0, len(data), 128):
        chunk = data[i : i + 128]
        src = pad([s for s, _ in chunk])
        tgt = pad([[BOS_ID, *t, EOS_ID] for _, t in chunk])
        logits = net(src, tgt[:, :-1])
        loss_sum += float(loss_fn(logits.reshape(-1, logits.size(-1)), tgt[:, 1:].reshape(-1)))
        tokens += int((tgt[:, 1:] != PAD_ID).sum())
    sample = data[: cfg.val_exact_items]
    hits = 0
    for i in range(0, len(sample), 128):
        chunk = sample[i : i + 128]
        preds = greedy(
            net, [s for s, _ in chunk], max_len=max(len(t) for _, t in chunk) + 2, allowed=allowed
        )
        hits += sum(p == t for p, (_, t) in zip(preds, chunk, strict=True))
    return loss_sum / max(1, tokens), hits / len(sample)


# decoding ----------------------------------------------------------------------


class _Cache:
    """Per-layer inputs of the positions decoded so far, so each step computes one position."""

    def __init__(self, layers: int) -> None:
        self.inputs: list[Tensor | None] = [None] * layers


def _step(
    net: Seq2Seq, token: Tensor, offset: int, memory: Tensor, mem_mask: Tensor, cache: _Cache
) -> Tensor:
    """Log-probabilities of the next token given the newest ``token`` (B,) at position ``offset``."""
    x = net.embed_tgt(token.unsqueeze(1), offset)
    dec = net.transformer.decoder
    for i, layer in enumerate(dec.layers):
        prev = cache.inputs[i]
        ctx = x if prev is None else torch.cat([prev, x], dim=1)
        cache.inputs[i] = ctx
        if layer.norm_first:
            q, kv = layer.norm1(x), layer.norm1(ctx)
            x = x + layer.self_attn(q, kv, kv, need_weights=False)[0]
            x = (
                x
                + layer.multihead_attn(
                    layer.norm2(x), memory, memory, key_padding_mask=mem_mask, need_weights=False
                )[0]
            )
            x = x + layer._ff_block(layer.norm3(x))
        else:
            x = layer.norm1(x + layer.self_attn(x, ctx, ctx, need_weights=False)[0])
            x = layer.norm2(
                x
                + layer.multihead_attn(
                    x, memory, memory, key_padding_mask=mem_mask, need_weights=False
                )[0]
            )
            x = layer.norm3(x + layer._ff_block(x))
    if dec.norm is not None:
        x = dec.norm(x)
    return torch.log_softmax(net.out(x[:, 0]), dim=-1)


@torch.no_grad()
def greedy(
    net: Seq2Seq,
    sources: list[list[int]],
    *,
    max_len: int,
    allowed: Callable[[list[int]], Tensor | None] | None = None,
) -> list[list[int]]:
    """Batched greedy decoding; ``allowed(src)`` may return a mask of target ids to forbid."""
    src = pad(sources)
    memory, mem_mask = net.encode(src)
    forbid = _forbid_masks(sources, allowed, net.out.out_features)
    n = len(sources)
    token = torch.full((n,), BOS_ID, dtype=torch.long)
    done = torch.zeros(n, dtype=torch.bool)
    out = torch.full((n, max_len), PAD_ID, dtype=torch.long)
    cache = _Cache(len(net.transformer.decoder.layers))
    for t in range(max_len):
        logp = _step(net, token, t, memory, mem_mask, cache)
        if forbid is not None:
            logp = logp.masked_fill(forbid, -math.inf)
        token = logp.argmax(-1)
        token = torch.where(done, torch.full_like(token, PAD_ID), token)
        out[:, t] = token
        done |= token == EOS_ID
        if bool(done.all()):
            break
    return [_strip(row) for row in out.tolist()]


@torch.no_grad()
def beam(
    net: Seq2Seq,
    source: list[int],
    *,
    k: int,
    max_len: int,
    allowed: Callable[[list[int]], Tensor | None] | None = None,
    length_penalty: float = 0.6,
) -> list[tuple[list[int], float]]:
    """The ``k`` best outputs for one source with their total log-probabilities, best first."""
    memory, mem_mask = net.encode(pad([source]))
    forbid = _forbid_masks([source], allowed, net.out.out_features)
    beams: list[tuple[list[int], float]] = [([], 0.0)]
    finished: list[tuple[list[int], float]] = []
    cache = _Cache(len(net.transformer.decoder.layers))
    for t in range(max_len):
        m = len(beams)
        mem = memory.expand(m, -1, -1)
        mmask = mem_mask.expand(m, -1)
        token = torch.tensor([b[0][-1] if b[0] else BOS_ID for b in beams], dtype=torch.long)
        logp = _step(net, token, t, mem, mmask, cache)
        if forbid is not None:
            logp = logp.masked_fill(forbid, -math.inf)
        scores = torch.tensor([b[1] for b in beams]).unsqueeze(1) + logp
        top = scores.view(-1).topk(min(2 * k, scores.numel()))
        nxt: list[tuple[list[int], float]] = []
        keep: list[int] = []
        vocab = logp.size(1)
        for val, flat in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            if val == -math.inf:
                break
            b, tok = divmod(flat, vocab)
            seq = [*beams[b][0], tok]
            if tok == EOS_ID:
                finished.append((seq[:-1], val))
            else:
                nxt.append((seq, val))
                keep.append(b)
            if len(nxt) >= k:
                break
        if not nxt or len(finished) >= 2 * k:
            break
        best_done = max((_norm(s, len(q), length_penalty) for q, s in finished), default=-math.inf)
        if best_done > max(_norm(s, t + 1, length_penalty) for _, s in nxt) and len(finished) >= k:
            break
        idx = torch.tensor(keep, dtype=torch.long)
        cache.inputs = [c.index_select(0, idx) if c is not None else None for c in cache.inputs]
        beams = nxt
    if not finished:
        finished = beams
    finished.sort(key=lambda qs: -_norm(qs[1], len(qs[0]) + 1, length_penalty))
    return finished[:k]


def _norm(score: float, length: int, alpha: float) -> float:
    return score / (((5 + length) / 6) ** alpha)


@torch.no_grad()
def token_logprobs(
    net: Seq2Seq,
    pairs: list[tuple[list[int], list[int]]],
    allowed: Callable[[list[int]], Tensor | None] | None = None,
) -> list[list[float]]:
    """Teacher-forced log-probability of each target token, end marker included."""
    out: list[list[float]] = []
    for i in range(0, len(pairs), 64):
        chunk = pairs[i : i + 64]
        src = pad([s for s, _ in chunk])
        tgt = pad([[BOS_ID, *t, EOS_ID] for _, t in chunk])
        logp = torch.log_softmax(net(src, tgt[:, :-1]), dim=-1)
        forbid = _forbid_masks([s for s, _ in chunk], allowed, logp.size(-1))
        if forbid is not None:
            # renormalise over what may appear, as the decoders do
            logp = torch.log_softmax(logp.masked_fill(forbid.unsqueeze(1), -math.inf), dim=-1)
        picked = logp.gather(-1, tgt[:, 1:].unsqueeze(-1)).squeeze(-1)
        for row, (_, t) in zip(picked.tolist(), chunk, strict=True):
            out.append(row[: len(t) + 1])
    return out


def _forbid_masks(
    sources: list[list[int]], allowed: Callable[[list[int]], Tensor | None] | None, vocab: int
) -> Tensor | None:
    if allowed is None:
        return None
    masks = [allowed(s) for s in sources]
    if all(m is None for m in masks):
        return None
    return torch.stack(
        [m if m is not None else torch.zeros(vocab, dtype=torch.bool) for m in masks]
    )


def _strip(row: list[int]) -> list[int]:
    out: list[int] = []
    for i in row:
        if i in (EOS_ID, PAD_ID):
            break
        out.append(i)
    return out
