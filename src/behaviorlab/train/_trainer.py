"""LoRA SFT and DPO with TRL + PEFT: one code path for CPU and GPU.

A run writes a PEFT adapter folder that the transformers provider serves directly
(``transformers/<folder>``): the adapter, the tokenizer, ``base_model.txt`` (what to load
underneath) and ``manifest.json`` (:class:`TrainManifest`).

SFT examples are tokenized here, not by TRL: the loss covers the completion's assistant turns
only (tool observations between them and few-shot turns in the prompt are masked), for
single- and multi-turn examples alike, with any chat template that renders a conversation as
the concatenation of its turns.
"""

from __future__ import annotations

import dataclasses
import json
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from behaviorlab.models import PreferencePair, TrainingExample
from behaviorlab.train._deps import require
from behaviorlab.train._export import load_examples, load_pairs, read_report, rows_hash
from behaviorlab.train._manifest import DataInfo, TrainManifest, cpuinfo_value, environment

MANIFEST = "manifest.json"
BASE_MARKER = "base_model.txt"  # read by models.load_causal_lm to find the base under an adapter


LLAMA_LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class HeldOutLeakError(ValueError):
    """Training data contain an input that the export put in the held-out split."""


class LoraSettings(BaseModel):
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"
    #: adapt only these decoder layers (None: all); adapting only the top layers also stops
    #: back-propagation there, which makes CPU training faster
    layers: list[int] | None = None


class TrainSettings(BaseModel):
    """Hyper-parameters; the defaults are the issue's (LoRA r16/α32, 3 epochs, SFT lr 1e-4,
    DPO β 0.1)."""

    epochs: float = 3.0
    #: None: 1e-4 for SFT, 5e-5 for DPO
    learning_rate: float | None = None
    batch_size: int = 1
    grad_accum: int = 4
    max_length: int = 2048
    seed: int = 0
    beta: float = 0.1
    #: add TRL's SFT term to the DPO loss (keeps the chosen answers likely, not only preferred)
    dpo_sft_term: bool = False
    lora: LoraSettings = Field(default_factory=LoraSettings)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    #: save a checkpoint every N optimizer steps (None: only the final adapter)
    save_steps: int | None = None
    #: continue from the newest checkpoint in the output folder (a killed run, with
    #: ``save_steps`` set, loses at most that many steps); no checkpoint: start afresh
    resume: bool = False
    max_steps: int | None = None
    #: stop after this many optimizer steps of the full schedule (the learning rate decays
    #: as for the whole run): a run cut short by a time budget, reproducibly
    stop_after_steps: int | None = None
    logging_steps: int = 5
    warmup: float = 0.0
    #: torch CPU threads (None: torch's default)
    threads: int | None = None
    #: "bf16": mixed precision (bf16 autocast over fp32 weights; on a CPU with AMX or
    #: AVX512-BF16, and on GPUs since Ampere, it is the faster path); "fp32": full precision
    precision: Literal["fp32", "bf16"] = "fp32"

    def lr(self, method: str) -> float:
        return (
            self.learning_rate
            if self.learning_rate is not None
            else (1e-4 if method == "sft" else 5e-5)
        )


class TrainResult(BaseModel):
    method: str
    output_dir: str
    manifest: TrainManifest

    @property
    def model_id(self) -> str:
        """The id ``get_model`` serves this run under."""
        return f"transformers/{self.output_dir}"


LogFn = Callable[[dict[str, Any]], None]


# ----------------------------------------------------------------------------- loading


def _unmark_gguf(model: Any) -> None:
    """A GGUF loaded through transformers is dequantized but still flagged as quantized, which
    the Trainer refuses; the weights are plain tensors, so drop the flag."""
    if getattr(model, "hf_quantizer", None) is not None:
        model.hf_quantizer = None
    if getattr(model, "is_quantized", False):
        model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config


def load_base(source: str | Path, out_dir: Path) -> tuple[Any, Any, str]:
    """(model, tokenizer, base reference written to ``base_model.txt``).

    An adapter as base (DPO after SFT) is merged and saved under ``out_dir/base`` so the new
    adapter has plain weights beneath it.
    """
    require("torch", "transformers", "peft")
    from peft import PeftModel

    from behaviorlab.models import load_causal_lm

    model, tok = load_causal_lm(source)
    src = str(source)
    ref = str(Path(src).resolve()) if Path(src).exists() else src
    if isinstance(model, PeftModel):
        model = model.merge_and_unload()
        _unmark_gguf(model)
        merged = out_dir / "base"
        model.save_pretrained(merged)
        tok.save_pretrained(merged)
        ref = str(merged.resolve())
    _unmark_gguf(model)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return model, tok, ref


# ----------------------------------------------------------------------------- tokenization


def _ids(tok: Any, msgs: list[dict[str, str]], gen: bool) -> list[int]:
    out = tok.apply_chat_template(msgs, tokenize=True, add_generation_prompt=gen, return_dict=True)
    ids = out["input_ids"]
    return list(ids[0] if ids and isinstance(ids[0], list) else ids)


def tokenize_example(tok: Any, ex: TrainingExample, max_length: int) -> dict[str, list[int]] | None:
    """``input_ids`` and ``labels`` (-100 outside the completion's assistant turns); None when
    truncation to ``max_length`` leaves nothing to learn."""
    conv = [m.as_dict() for m in ex.prompt]
    input_ids = _ids(tok, conv, gen=False) if conv else []
    labels = [-100] * len(input_ids)
    for m in ex.completion:
        if m.role == "assistant":
            head = _ids(tok, conv, gen=True)
            conv.append(m.as_dict())
            full = _ids(tok, conv, gen=False)
            if full[: len(head)] != head:
                raise ValueError(
                    "the chat template does not render turns as a prefix-stable concatenation"
                )
            labels += [-100] * (len(head) - len(input_ids)) + full[len(head) :]
        else:
            conv.append(m.as_dict())
            full = _ids(tok, conv, gen=False)
            labels += [-100] * (len(full) - len(input_ids))
        if full[: len(input_ids)] != input_ids:
            raise ValueError(
                "the chat template does not render turns as a prefix-stable concatenation"
            )
        input_ids = full
    input_ids, labels = input_ids[:max_length], labels[:max_length]
    if all(x == -100 for x in labels):
        return None
    return {"input_ids": input_ids, "labels": labels}


# ----------------------------------------------------------------------------- config


def _config_kwargs(
    cls: type, settings: TrainSettings, method: str, out: Path, use_cpu: bool
) -> dict[str, Any]:
    kw: dict[str, Any] = {
        "output_dir": str(out / "checkpoints"),
        "num_train_epochs": settings.epochs,
        "per_device_train_batch_size": settings.batch_size,
        "gradient_accumulation_steps": settings.grad_accum,
        "learning_rate": settings.lr(method),
        "seed": settings.seed,
        "data_seed": settings.seed,
        "logging_steps": settings.logging_steps,
        "save_strategy": "steps" if settings.save_steps else "no",
        "report_to": [],
        "bf16": settings.precision == "bf16",
        "fp16": False,
        "use_cpu": use_cpu,
        "max_steps": settings.max_steps or -1,
        "warmup_steps": settings.warmup,
        "lr_scheduler_type": "linear",
        "dataloader_num_workers": 0,
        "disable_tqdm": True,
        "max_length": settings.max_length,
        # activation checkpointing trades compute for memory; off, as on the CPU it only costs
        "activation_checkpointing": False,
        "gradient_checkpointing": False,
    }
    if settings.save_steps:
        kw["save_steps"] = settings.save_steps
        # optimizer, scheduler and RNG states go with the model so a run can resume; for a
        # LoRA adapter they are a few MB
        kw["save_only_model"] = False
        kw["save_total_limit"] = 2
    if method == "sft":
        kw["completion_only_loss"] = True
    else:
        kw["beta"] = settings.beta
        kw["loss_type"] = ["sigmoid", "sft"] if settings.dpo_sft_term else ["sigmoid"]
    names = {f.name for f in dataclasses.fields(cls)}
    if "activation_checkpointing" in names:
        kw.pop("gradient_checkpointing")  # deprecated alias in transformers 5
    return {k: v for k, v in kw.items() if k in names}


def _use_cpu(settings: TrainSettings) -> bool:
    torch = require("torch")
    if settings.device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' requested but torch sees no GPU")
    cpu = settings.device == "cpu" or not torch.cuda.is_available()
    if cpu and settings.precision == "bf16" and cpu_bf16_native() is False:
        warnings.warn(
            "precision 'bf16' on a CPU without AVX512-BF16 or AMX instructions: bf16 autocast "
            "runs emulated there, several times slower than 'fp32' (a LoRA SFT step of "
            "SmolLM2-135M: over 100 s against about 15 s on a 2-core AVX2 machine); set "
            'precision = "fp32" for this machine',
            stacklevel=2,
        )
    return cpu


def cpu_bf16_native(cpuinfo: str | Path = "/proc/cpuinfo") -> bool | None:
    """Whether this CPU computes in bf16 natively (the AVX512-BF16 or AMX-BF16 flag), from
    Linux's CPU flags; None where they cannot be read (another OS), so nothing is claimed."""
    flags = (cpuinfo_value("flags", cpuinfo) or "").split()
    if not flags:
        return None
    return bool({"avx512_bf16", "amx_bf16"} & set(flags))


def _lora(settings: TrainSettings) -> Any:
    from peft import LoraConfig

    targets = settings.lora.target_modules
    if settings.lora.layers is not None and targets == "all-linear":
        # PEFT takes a layer subset only with named modules: the linear layers of Llama-style blocks
        targets = list(LLAMA_LINEAR)
    return LoraConfig(
        r=settings.lora.rank,
        lora_alpha=settings.lora.alpha,
        lora_dropout=settings.lora.dropout,
        target_modules=targets,
        layers_to_transform=settings.lora.layers,
        task_type="CAUSAL_LM",
    )


def _callback(on_log: LogFn | None, stop_after: int | None = None) -> list[Any]:
    from transformers import TrainerCallback

    out: list[Any] = []
    if stop_after is not None:

        class _Stop(TrainerCallback):  # type: ignore[misc]
            def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
                if state.global_step >= stop_after:
                    control.should_training_stop = True

        out.append(_Stop())
    if on_log is None:
        return out
    emit = on_log

    class _Log(TrainerCallback):  # type: ignore[misc]
        def on_log(
            self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kw: Any
        ) -> None:
            if logs:
                emit({"step": state.global_step, "max_steps": state.max_steps, **logs})

    return [*out, _Log()]


# ----------------------------------------------------------------------------- data


def _data_info(path: str | Path | None, rows: list[dict[str, Any]], keys: list[str]) -> DataInfo:
    report = read_report(path) if path is not None and Path(path).is_dir() else None
    if report is None and path is not None and Path(path).is_file():
        report = read_report(Path(path).parent)
        if report is not None and Path(path).name not in report.files.values():
            report = None
    info = DataInfo(
        path=str(Path(path).resolve()) if path is not None else None,
        hash=rows_hash(rows),
        n_examples=len(rows),
        split=report.split if report else None,
        export_report=str(Path(report.out_dir) / "report.json") if report else None,
    )
    if report is not None:
        leaked = [k for k in keys if report.split.of(k) == "heldout"]
        if leaked:
            raise HeldOutLeakError(
                f"{len(leaked)} training example(s) have inputs in the held-out split of {report.out_dir}; "
                f"first: {leaked[0][:80]!r}"
            )
        info.heldout_checked = True
    return info


def _examples(
    data: str | Path | Sequence[TrainingExample],
) -> tuple[list[TrainingExample], str | Path | None]:
    if isinstance(data, str | Path):
        return load_examples(data), data
    return list(data), None


def _pairs(
    data: str | Path | Sequence[PreferencePair],
) -> tuple[list[PreferencePair], str | Path | None]:
    if isinstance(data, str | Path):
        return load_pairs(data), data
    return list(data), None


# ----------------------------------------------------------------------------- runs


def _finish(
    method: str,
    trainer: Any,
    tok: Any,
    base_ref: str,
    out: Path,
    settings: TrainSettings,
    data: DataInfo,
    started: float,
    extra_metrics: dict[str, Any],
) -> TrainResult:
    torch = require("torch")
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    # progress goes through ``on_log``; the Trainer's printer would write to stdout, which
    # must stay machine-readable for ``--json``
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    resumed_from = last_checkpoint(out) if settings.resume else None
    result = trainer.train(resume_from_checkpoint=resumed_from)
    trainer.model.save_pretrained(out)
    tok.save_pretrained(out)
    (out / BASE_MARKER).write_text(base_ref + "\n")
    history = [h for h in trainer.state.log_history if "loss" in h]
    metrics: dict[str, Any] = {
        **{k: float(v) for k, v in result.metrics.items() if isinstance(v, int | float)},
        "steps": trainer.state.global_step,
        "first_loss": history[0]["loss"] if history else None,
        "last_loss": history[-1]["loss"] if history else None,
        # one logged step can be one example: the mean of the last five says more
        "last5_loss": sum(h["loss"] for h in history[-5:]) / len(history[-5:]) if history else None,
        "log": history,
        "resumed_from": resumed_from,
        **extra_metrics,
    }
    ckpts = [str(p) for p in _checkpoints(out)]
    manifest = TrainManifest(
        method=method,
        base_model=base_ref,
        output_dir=str(out.resolve()),
        data=data,
        config=settings.model_dump(),
        seeds={
            "seed": settings.seed,
            "data_seed": settings.seed,
            "torch_initial_seed": int(torch.initial_seed()),
        },
        environment=environment(),
        metrics=metrics,
        checkpoints=ckpts,
        created_at=started,
        duration_s=time.time() - started,
    )
    (out / MANIFEST).write_text(manifest.model_dump_json(indent=2))
    return TrainResult(method=method, output_dir=str(out.resolve()), manifest=manifest)


def _checkpoints(out_dir: str | Path) -> list[Path]:
    """The ``checkpoint-N`` folders a run wrote under ``out_dir``, in step order."""
    found = [
        p
        for p in (Path(out_dir) / "checkpoints").glob("checkpoint-*")
        if p.name.split("-")[-1].isdigit()
    ]
    return sorted(found, key=lambda p: int(p.name.split("-")[-1]))


def last_checkpoint(out_dir: str | Path) -> str | None:
    """The newest complete ``checkpoint-N`` folder a run wrote under ``out_dir`` (a checkpoint
    without its trainer state, cut off while saving, is passed over)."""
    done = [p for p in _checkpoints(out_dir) if (p / "trainer_state.json").is_file()]
    return str(done[-1]) if done else None


def _seed(settings: TrainSettings) -> None:
    torch = require("torch")
    from transformers import set_seed

    if settings.threads:
        torch.set_num_threads(settings.threads)
    set_seed(settings.seed)


def train_sft(
    base: str | Path,
    data: str | Path | Sequence[TrainingExample],
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    *,
    on_log: LogFn | None = None,
) -> TrainResult:
    """LoRA SFT of ``base`` on ``data`` (an export folder, a JSONL file or examples)."""
    require("torch", "transformers", "peft", "trl", "datasets")
    import datasets
    from trl import SFTConfig, SFTTrainer

    settings = settings or TrainSettings()
    started = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    examples, path = _examples(data)
    if not examples:
        raise ValueError("no training examples")
    info = _data_info(
        path, [e.model_dump(mode="json") for e in examples], [e.key for e in examples]
    )
    _seed(settings)
    model, tok, base_ref = load_base(base, out)
    rows, dropped = [], 0
    for e in examples:
        r = tokenize_example(tok, e, settings.max_length)
        if r is None:
            dropped += 1
        else:
            rows.append(r)
    if not rows:
        raise ValueError(f"every example lost its completion to max_length={settings.max_length}")
    use_cpu = _use_cpu(settings)
    cfg = SFTConfig(**_config_kwargs(SFTConfig, settings, "sft", out, use_cpu))
    trainer = SFTTrainer(
        model=model,
        args=cfg,
        train_dataset=datasets.Dataset.from_list(rows),
        processing_class=tok,
        peft_config=_lora(settings),
        callbacks=_callback(on_log, settings.stop_after_steps),
    )
    extra = {
        "examples": len(rows),
        "dropped_by_max_length": dropped,
        "tokens_per_epoch": sum(len(r["input_ids"]) for r in rows),
        "target_tokens_per_epoch": sum(sum(x != -100 for x in r["labels"]) for r in rows),
        "device": "cpu" if use_cpu else "cuda",
    }
    return _finish("sft", trainer, tok, base_ref, out, settings, info, started, extra)


def train_dpo(
    base: str | Path,
    data: str | Path | Sequence[PreferencePair],
    out_dir: str | Path,
    settings: TrainSettings | None = None,
    *,
    on_log: LogFn | None = None,
) -> TrainResult:
    """LoRA DPO of ``base`` (a model or an SFT adapter, merged first) on preference pairs;
    the reference model is the base with the adapter off."""
    require("torch", "transformers", "peft", "trl", "datasets")
    import datasets
    from trl import DPOConfig, DPOTrainer

    settings = settings or TrainSettings(epochs=1.0)
    started = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pairs, path = _pairs(data)
    if not pairs:
        raise ValueError("no preference pairs")
    info = _data_info(path, [p.model_dump(mode="json") for p in pairs], [p.key for p in pairs])
    _seed(settings)
    model, tok, base_ref = load_base(base, out)
    use_cpu = _use_cpu(settings)
    cfg = DPOConfig(**_config_kwargs(DPOConfig, settings, "dpo", out, use_cpu))
    trainer = DPOTrainer(
        model=model,
        args=cfg,
        train_dataset=datasets.Dataset.from_list([p.trl_row() for p in pairs]),
        processing_class=tok,
        peft_config=_lora(settings),
        callbacks=_callback(on_log, settings.stop_after_steps),
    )
    extra = {"pairs": len(pairs), "device": "cpu" if use_cpu else "cuda"}
    res = _finish("dpo", trainer, tok, base_ref, out, settings, info, started, extra)
    acc = [
        h.get("rewards/accuracies")
        for h in res.manifest.metrics["log"]
        if "rewards/accuracies" in h
    ]
    res.manifest.metrics["last_reward_accuracy"] = acc[-1] if acc else None
    (out / MANIFEST).write_text(res.manifest.model_dump_json(indent=2))
    return res


def read_manifest(path: str | Path) -> TrainManifest:
    return TrainManifest.model_validate(json.loads((Path(path) / MANIFEST).read_text()))
