"""Settings of a behaviour model and of its training; recorded in every checkpoint manifest."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Direction = Literal["forward", "reverse"]


class ModelConfig(BaseModel):
    """The network's shape. The defaults (≈2M parameters) follow the Modelizer paper's model."""

    d_model: int = 256
    nhead: int = 8
    encoder_layers: int = 1
    decoder_layers: int = 1
    ffn: int = 1024
    dropout: float = 0.1
    norm_first: bool = False
    #: longest token sequence (source or target) the model accepts
    max_len: int = 256
    #: distinct leaves of one kind that get placeholders; more stay literal
    max_placeholders: int = 32
    #: structure-token merges (byte-pair encoding over tokens) learned from the training
    #: data: shorter sequences, fewer decisions; 0 keeps one token per lexer match
    merges: int = 100


class TrainConfig(BaseModel):
    epochs: int = 30
    batch_size: int = 64
    lr: float = 5e-4
    min_lr_ratio: float = 0.05
    weight_decay: float = 0.01
    warmup_steps: int = 200
    clip: float = 1.0
    label_smoothing: float = 0.0
    val_fraction: float = 0.1
    #: validation items decoded each epoch to measure exact match
    val_exact_items: int = 300
    patience: int = 5
    seed: int = 0
    time_limit_s: float | None = None
    #: what the time limit counts: wall-clock seconds, or CPU seconds of this process
    #: (on a shared machine, what a dedicated one would have taken)
    clock: Literal["wall", "cpu"] = "wall"
    #: stop as soon as validation exact match reaches this (small models in tests)
    stop_at_val_exact: float | None = None


class EpochLog(BaseModel):
    epoch: int
    train_loss: float
    val_loss: float
    val_exact: float
    lr: float
    elapsed_s: float
    cpu_s: float = 0.0
