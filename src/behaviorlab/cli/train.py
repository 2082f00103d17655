"""``train export|sft|dpo|merge``: training data with hygiene, LoRA SFT/DPO, merge + GGUF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from behaviorlab.cli._common import (
    StoreOpt,
    err,
    fail,
    open_store,
    parse_task_args,
    print_json,
)

if TYPE_CHECKING:  # the training stack loads only when a command runs
    from behaviorlab.train import TrainResult, TrainSettings

app = typer.Typer(
    help="Fine-tune a small local model on traces and generated data (LoRA SFT, DPO).",
    no_args_is_help=True,
)


def _names(path: Path | None, names: str | None) -> list[str]:
    out = [n.strip() for n in (names or "").split(",") if n.strip()]
    if path is not None:
        if not path.is_file():
            fail(f"name list not found: {path}")
        out += [
            line.strip()
            for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return out


@app.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Export folder"),
    source: str = typer.Option(
        "store",
        "--source",
        help="store | generated (the task's own training examples: for airline, the L1 "
        "extraction ptool on generated problems) | cloning (the task's expert trajectories)",
    ),
    min_score: float | None = typer.Option(
        None, "--min-score", help="[store] only runs scoring at least this"
    ),
    agent: str | None = typer.Option(None, "--agent", help="[store] agent name contains this"),
    task: str | None = typer.Option(
        None,
        "--task",
        help="[store] only this task; [generated/cloning] the task that makes them [default: airline]",
    ),
    eval_ids: list[str] | None = typer.Option(
        None, "--eval", help="[store] only these evaluations"
    ),
    correct_only: bool = typer.Option(False, "--correct-only", help="[store] only correct runs"),
    correct_tool_only: bool = typer.Option(
        False, "--correct-tool-only", help="[store] only runs whose tool choice was right"
    ),
    min_rating: float | None = typer.Option(
        None, "--min-rating", help="[store] mean human rating at least this"
    ),
    pairs: bool = typer.Option(True, "--pairs/--no-pairs", help="Also write DPO preference pairs"),
    n: int = typer.Option(100, "-n", help="[generated/cloning] problems per level"),
    levels: str = typer.Option("0,1,2", "--levels", help="[generated/cloning] levels"),
    seed: int = typer.Option(
        1000, "--seed", help="[generated/cloning] generator seed (keep apart from evaluation seeds)"
    ),
    heldout: float | None = typer.Option(
        None,
        "--heldout",
        help="Share of inputs held out (fixed by hash) [default: the task's, else 0.1]",
    ),
    task_args: list[str] | None = typer.Option(
        None,
        "--task-arg",
        "-T",
        help="[generated/cloning] key=value argument for the task's generator (repeatable)",
    ),
    pii_names: str | None = typer.Option(
        None, "--pii-names", help="Comma-separated names to redact"
    ),
    pii_names_file: Path | None = typer.Option(
        None, "--pii-names-file", help="File with one name per line to redact"
    ),
    no_hf: bool = typer.Option(False, "--no-hf", help="Skip the Hugging Face datasets copies"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """Export training data: OpenAI chat JSONL, HF datasets, preference pairs, with hygiene."""
    from behaviorlab.tasks import MissingCapabilityError, TrainingOptions
    from behaviorlab.train import (
        GENERATED_SOURCES,
        SplitSpec,
        StoreFilter,
        examples_from_store,
        export_dataset,
        pairs_from_store,
        task_training_set,
    )

    examples, prs, notes, files = [], [], [], {}
    sources, split = [source], SplitSpec(heldout_fraction=0.1 if heldout is None else heldout)
    if source == "store":
        store = open_store(db)
        flt = StoreFilter(
            eval_ids=eval_ids or None,
            task=task,
            agent=agent,
            min_score=min_score,
            correct_only=correct_only,
            correct_tool_only=correct_tool_only,
            min_rating=min_rating,
        )
        examples = examples_from_store(store, flt)
        if pairs:
            prs = pairs_from_store(
                store,
                flt.model_copy(
                    update={"min_score": None, "correct_only": False, "min_rating": None}
                ),
            )
    elif source in GENERATED_SOURCES:
        options = TrainingOptions(
            n=n,
            seed=seed,
            levels=tuple(int(x) for x in levels.split(",") if x.strip()),
            pairs=pairs,
            extra=parse_task_args(task_args or []),
        )
        try:
            made = task_training_set(task or "airline", source, options)
        except (MissingCapabilityError, KeyError, ValueError) as e:  # a TaskFileError too
            fail(str(e.args[0]) if isinstance(e, KeyError) else str(e))
            raise AssertionError from e
        examples, prs, notes, files = made.examples, made.pairs, made.notes, made.files
        sources = made.sources or sources
        if heldout is None and made.heldout_fraction is not None:
            split.heldout_fraction = made.heldout_fraction  # the task's own share
        if made.split_salt:
            split.salt = made.split_salt
    else:
        fail(f"--source must be store, generated or cloning, not {source!r}")
    if not examples and not prs:
        fail("nothing to export: no run passed the filters")
    rep = export_dataset(
        out,
        examples,
        prs,
        split=split,
        pii_names=_names(pii_names_file, pii_names),
        sources=sources,
        hf=not no_hf,
    )
    rep.notes += notes
    (out / "report.json").write_text(rep.model_dump_json(indent=2))
    for name, text in files.items():
        (out / name).write_text(text)
    if as_json:
        print_json(rep.model_dump())
    else:
        err.print(rep.summary())
        err.print(f"written to [bold]{out}[/]")


def _settings(
    epochs: float,
    lr: float | None,
    rank: int,
    alpha: int,
    batch_size: int,
    grad_accum: int,
    max_length: int,
    seed: int,
    device: str,
    save_steps: int | None,
    max_steps: int | None,
    beta: float = 0.1,
    sft_term: bool = False,
    precision: str = "fp32",
    resume: bool = False,
) -> TrainSettings:
    from behaviorlab.train import LoraSettings, TrainSettings

    if device not in ("auto", "cpu", "cuda"):
        fail(f"--device must be auto, cpu or cuda, not {device!r}")
    if precision not in ("fp32", "bf16"):
        fail(f"--precision must be fp32 or bf16, not {precision!r}")
    return TrainSettings(
        epochs=epochs,
        learning_rate=lr,
        batch_size=batch_size,
        grad_accum=grad_accum,
        max_length=max_length,
        seed=seed,
        beta=beta,
        dpo_sft_term=sft_term,
        lora=LoraSettings(rank=rank, alpha=alpha),
        device=device,
        save_steps=save_steps,
        resume=resume,
        max_steps=max_steps,  # type: ignore[arg-type]
        precision=precision,  # type: ignore[arg-type]
    )


def _resolve_base(base: str, db: str | None) -> str:
    """``registry:NAME[@alias|@N]`` → that version's folder; anything else as given."""
    if not base.startswith("registry:"):
        return base
    from behaviorlab.registry import ModelRegistry, RegistryError

    try:
        return ModelRegistry(open_store(db)).get(base[len("registry:") :]).path
    except RegistryError as e:
        fail(str(e))
        raise AssertionError from e


def _log(entry: dict[str, object]) -> None:
    keys = ("loss", "learning_rate", "rewards/accuracies", "mean_token_accuracy", "train_runtime")
    parts = [f"{k}={entry[k]:.4g}" if isinstance(entry.get(k), float) else "" for k in keys]
    err.print(
        f"step {entry.get('step')}/{entry.get('max_steps')} " + " ".join(p for p in parts if p)
    )


def _register(result: TrainResult, register: str | None, alias: str, db: str | None) -> None:
    if not register:
        return
    from behaviorlab.registry import ModelRegistry
    from behaviorlab.train import register_training

    mv = register_training(ModelRegistry(open_store(db)), register, result, alias=alias)
    err.print(f"registered [bold]{mv.ref}[/] ({mv.kind}) as {register}@{alias}")


_BASE = typer.Option(
    "smollm2-135m",
    "--base",
    "-b",
    help="Base model: smollm2-135m, a .gguf, a folder, an adapter, or registry:NAME@ALIAS",
)
_PRECISION_HELP = "fp32 | bf16 (mixed precision over fp32 weights; pays on GPUs since Ampere)"
_RESUME = typer.Option(
    False, "--resume", help="Continue from the newest checkpoint in --out (needs --save-steps)"
)
_DATA = typer.Option(..., "--data", "-d", help="Export folder (its train split) or a JSONL file")


@app.command("recipe")
def recipe_cmd(
    recipe: Path = typer.Argument(..., help="Recipe file (TOML), e.g. recipes/airline-l1.toml"),
    out: Path = typer.Option(..., "--out", "-o", help="Work folder (data, adapter, manifest)"),
    adapter_out: Path | None = typer.Option(
        None, "--adapter-out", help="Write the GGUF adapter here instead of the recipe's path"
    ),
    threads: int | None = typer.Option(None, "--threads", help="torch CPU threads"),
    resume: bool = _RESUME,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Reproduce a shipped model from its recipe: data, LoRA SFT, GGUF adapter, manifest."""
    from behaviorlab.train import run_recipe

    if not recipe.is_file():
        fail(f"recipe not found: {recipe}")
    manifest = run_recipe(
        recipe, out, threads=threads, resume=resume, adapter_out=adapter_out, on_log=_log
    )
    if as_json:
        print_json(manifest)
    else:
        err.print(
            f"adapter [bold]{manifest['adapter']}[/] ({manifest['adapter_bytes']:,} bytes, "
            f"sha256 {manifest['adapter_sha256'][:12]}); manifest in {out}"
        )


@app.command("sft")
def sft_cmd(
    data: Path = _DATA,
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (the adapter)"),
    base: str = _BASE,
    epochs: float = typer.Option(3.0, "--epochs"),
    lr: float = typer.Option(1e-4, "--lr"),
    rank: int = typer.Option(16, "--rank"),
    alpha: int = typer.Option(32, "--alpha"),
    batch_size: int = typer.Option(1, "--batch-size"),
    grad_accum: int = typer.Option(4, "--grad-accum"),
    max_length: int = typer.Option(2048, "--max-length"),
    seed: int = typer.Option(0, "--seed"),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda"),
    precision: str = typer.Option("fp32", "--precision", help=_PRECISION_HELP),
    save_steps: int | None = typer.Option(None, "--save-steps", help="Checkpoint every N steps"),
    max_steps: int | None = typer.Option(None, "--max-steps"),
    resume: bool = _RESUME,
    register: str | None = typer.Option(
        None, "--register", help="Register the result under this model name"
    ),
    alias: str = typer.Option("candidate", "--alias"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """LoRA supervised fine-tuning, loss on the completions only."""
    from behaviorlab.train import train_sft

    settings = _settings(
        epochs,
        lr,
        rank,
        alpha,
        batch_size,
        grad_accum,
        max_length,
        seed,
        device,
        save_steps,
        max_steps,
        precision=precision,
        resume=resume,
    )
    _train_and_report(train_sft, base, data, out, settings, register, alias, as_json, db)


@app.command("dpo")
def dpo_cmd(
    data: Path = _DATA,
    out: Path = typer.Option(..., "--out", "-o"),
    base: str = _BASE,
    epochs: float = typer.Option(1.0, "--epochs"),
    lr: float = typer.Option(5e-5, "--lr"),
    beta: float = typer.Option(0.1, "--beta"),
    sft_term: bool = typer.Option(
        False, "--sft-term", help="Add an SFT term on the chosen answers"
    ),
    rank: int = typer.Option(16, "--rank"),
    alpha: int = typer.Option(32, "--alpha"),
    batch_size: int = typer.Option(1, "--batch-size"),
    grad_accum: int = typer.Option(4, "--grad-accum"),
    max_length: int = typer.Option(2048, "--max-length"),
    seed: int = typer.Option(0, "--seed"),
    device: str = typer.Option("auto", "--device"),
    precision: str = typer.Option("fp32", "--precision", help=_PRECISION_HELP),
    save_steps: int | None = typer.Option(None, "--save-steps"),
    max_steps: int | None = typer.Option(None, "--max-steps"),
    resume: bool = _RESUME,
    register: str | None = typer.Option(None, "--register"),
    alias: str = typer.Option("candidate", "--alias"),
    as_json: bool = typer.Option(False, "--json"),
    db: str | None = StoreOpt,
) -> None:
    """LoRA DPO on preference pairs (reference: the base with the adapter off)."""
    from behaviorlab.train import train_dpo

    settings = _settings(
        epochs,
        lr,
        rank,
        alpha,
        batch_size,
        grad_accum,
        max_length,
        seed,
        device,
        save_steps,
        max_steps,
        beta,
        sft_term,
        precision,
        resume,
    )
    _train_and_report(train_dpo, base, data, out, settings, register, alias, as_json, db)


def _train_and_report(
    train: Any,
    base: str,
    data: Path,
    out: Path,
    settings: Any,
    register: str | None,
    alias: str,
    as_json: bool,
    db: str | None,
) -> None:
    """What ``train sft`` and ``train dpo`` share: run, register, report; clear errors."""
    from behaviorlab.train import HeldOutLeakError

    try:
        result = train(
            _resolve_base(base, db), data, out, settings, on_log=None if as_json else _log
        )
    except (HeldOutLeakError, FileNotFoundError, ValueError) as e:
        fail(str(e))
        return
    _register(result, register, alias, db)
    _report(result, as_json)


def _report(result: TrainResult, as_json: bool) -> None:
    m = result.manifest
    if as_json:
        print_json(
            {
                "output_dir": result.output_dir,
                "model_id": result.model_id,
                "manifest": m.model_dump(mode="json"),
            }
        )
        return
    err.print(
        f"{m.method}: {m.metrics.get('steps')} steps in {m.duration_s:.1f}s, loss {m.metrics.get('first_loss')} → "
        f"{m.metrics.get('last_loss')}; data {m.data.version} ({m.data.n_examples} rows, held-out checked: {m.data.heldout_checked})"
    )
    err.print(f"adapter: [bold]{result.output_dir}[/]  serve with --model {result.model_id}")


@app.command("stack")
def stack_cmd(
    adapters: list[Path] = typer.Argument(
        ..., help="Adapter folders in training order: the SFT one, then the DPO one over it"
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the stacked adapter"),
    gguf: Path | None = typer.Option(
        None, "--gguf", help="Also write it as a GGUF LoRA adapter for llama.cpp"
    ),
) -> None:
    """Stack LoRA adapters trained one over another (DPO after SFT) into one adapter over
    the first one's base: exact, and one file for llama.cpp, which applies one adapter."""
    from behaviorlab.train import export_lora_gguf, stack_lora

    for a in adapters:
        if not (a / "adapter_config.json").is_file():
            fail(f"not a LoRA adapter folder (no adapter_config.json): {a}")
    try:
        stacked = stack_lora(adapters, out)
    except ValueError as e:
        fail(str(e))
    err.print(f"stacked adapter: [bold]{stacked}[/]")
    if gguf is not None:
        g = export_lora_gguf(stacked, gguf)
        err.print(f"GGUF LoRA adapter: [bold]{g}[/]  (--model llamacpp/<base>+{g.resolve()})")


@app.command("merge")
def merge_cmd(
    adapter: Path = typer.Argument(..., help="Adapter folder from train sft/dpo"),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the merged weights"),
    gguf: Path | None = typer.Option(
        None, "--gguf", help="Also write this .gguf file (llama architecture)"
    ),
    quant: str = typer.Option(
        "f16",
        "--quant",
        help="f16 | f32 | q8_0 | q4_1 | template (the base GGUF's types; 4-bit rounding can erase a LoRA update)",
    ),
    register: str | None = typer.Option(
        None, "--register", help="Register the GGUF (or merged folder) under this name"
    ),
    alias: str = typer.Option("candidate", "--alias"),
    db: str | None = StoreOpt,
) -> None:
    """Fold the adapter into its base; optionally export GGUF for the llama.cpp provider."""
    from behaviorlab.train import GGUFExportError, export_gguf, merge_adapter

    if quant not in ("template", "f32", "f16", "q8_0", "q4_1"):
        fail(f"unknown --quant {quant!r}")
    merged = merge_adapter(adapter, out)
    err.print(
        f"merged weights: [bold]{merged}[/]  (serve with --model transformers/{merged.resolve()})"
    )
    path, kind, model_id = merged.resolve(), "merged", f"transformers/{merged.resolve()}"
    if gguf is not None:
        try:
            g = export_gguf(merged, gguf, quant=quant)  # type: ignore[arg-type]
        except GGUFExportError as e:
            err.print(f"[yellow]no GGUF:[/] {e}")
        else:
            path, kind, model_id = g.resolve(), "gguf", f"llamacpp/{g.resolve()}"
            err.print(f"GGUF: [bold]{g}[/]  (serve with --model {model_id})")
    if register:
        import json

        from behaviorlab.registry import ModelRegistry

        manifest = {"model_id": model_id, "merged_from": str(adapter.resolve())}
        mp = adapter / "manifest.json"
        if mp.is_file():
            manifest["training"] = json.loads(mp.read_text())
        reg = ModelRegistry(open_store(db))
        mv = reg.register(register, path, manifest, kind=kind)
        reg.set_alias(register, alias, mv.version)
        err.print(f"registered [bold]{mv.ref}[/] ({kind}) as {register}@{alias}")
