"""A training recipe: one TOML file that reproduces a shipped model from scratch.

``behaviorlab train recipe recipes/airline-l1.toml --out DIR`` generates the training data
the recipe names (its task makes them: counts, seed, mix), runs LoRA SFT with its settings,
writes the adapter as a GGUF LoRA file for llama.cpp (``export_lora_gguf``) and a manifest beside
it: the recipe and its hash, the data's hash, the training manifest (seeds, versions,
hardware, losses) and the adapter's hash. ``--resume`` continues a killed run; a stage that
finished is not run again.

A recipe with a ``[dpo]`` table adds a preference stage: the task's preference pairs (drawn
with the table's own count, seed and mix, so apart from the SFT requests), LoRA DPO over the
SFT model (the reference is the SFT model), and the two adapters stacked into one
(``stack_lora``: exact), which is what ships: llama.cpp applies one adapter.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.train._trainer import (
    MANIFEST,
    LogFn,
    TrainSettings,
    read_manifest,
    train_dpo,
    train_sft,
)

RECIPE_MANIFEST = "recipe_manifest.json"


class RecipeData(BaseModel):
    """What the training examples are made from (generated problems, never evaluation ones)."""

    #: the registered task that makes the examples (its ``TrainingExamples`` capability)
    task: str
    #: how many examples, for a task that draws them by count; None: ``n_per_level``
    n: int | None = None
    #: generated problems per level, for a task that draws them by level
    n_per_level: int = 100
    levels: list[int] = Field(default_factory=lambda: [0, 1, 2])
    seed: int = 1000
    #: families drawn more often than the others, e.g. {"rulearena" = 3}
    weights: dict[str, int] = Field(default_factory=dict)
    #: the task's own options (``TrainingOptions.extra``), e.g. {"contrastive" = true}
    extra: dict[str, Any] = Field(default_factory=dict)


class RecipeDPO(BaseModel):
    """A preference stage after SFT: the task's pairs and the DPO settings."""

    data: RecipeData
    train: TrainSettings = Field(default_factory=lambda: TrainSettings(epochs=1.0))


class Recipe(BaseModel):
    name: str
    base: str = "smollm2-135m"
    data: RecipeData
    train: TrainSettings = Field(default_factory=TrainSettings)
    dpo: RecipeDPO | None = None
    #: where the GGUF adapter goes, relative to the recipe file (the package data path)
    adapter: str | None = None


def load_recipe(path: str | Path) -> tuple[Recipe, str]:
    """The recipe in a TOML file and the sha256 of the file's bytes."""
    raw = Path(path).read_bytes()
    return Recipe.model_validate(tomllib.loads(raw.decode())), hashlib.sha256(raw).hexdigest()


def recipe_examples(recipe: Recipe) -> tuple[list[Any], dict[str, Any]]:
    """The recipe's training examples (its task's generated ones, through the task's
    ``TrainingExamples`` capability) and how the task says it made them
    (``TrainingSet.provenance``: the labeller's counts, the generator's summary)."""
    made = _training_set(recipe.data, pairs=False)
    return made.examples, made.provenance


def recipe_pairs(recipe: Recipe) -> tuple[list[Any], dict[str, Any]]:
    """The preference pairs of the recipe's ``[dpo]`` stage and how the task made them."""
    if recipe.dpo is None:
        raise ValueError(f"recipe {recipe.name!r} has no [dpo] stage")
    made = _training_set(recipe.dpo.data, pairs=True)
    if not made.pairs:
        raise ValueError(f"task {recipe.dpo.data.task!r} made no preference pairs")
    return made.pairs, made.provenance


def _training_set(data: RecipeData, *, pairs: bool) -> Any:
    from behaviorlab.tasks import TrainingOptions
    from behaviorlab.train._task_data import task_training_set

    return task_training_set(
        data.task,
        "generated",
        TrainingOptions(
            # a task that draws examples by count reads ``n``; one that draws by level, per level
            n=data.n if data.n is not None else data.n_per_level,
            seed=data.seed,
            levels=tuple(data.levels),
            weights=data.weights,
            pairs=pairs,
            extra=data.extra,
        ),
    )


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_recipe(
    path: str | Path,
    out_dir: str | Path,
    *,
    threads: int | None = None,
    resume: bool = False,
    adapter_out: str | Path | None = None,
    on_log: LogFn | None = None,
) -> dict[str, Any]:
    """Train the recipe in ``path`` into ``out_dir`` and write its GGUF adapter (to
    ``adapter_out``, else the recipe's ``adapter`` path, else ``out_dir/adapter.gguf``);
    returns the manifest also written to ``out_dir/recipe_manifest.json``."""
    recipe, _ = load_recipe(path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    examples, check = recipe_examples(recipe)
    extra: dict[str, Any] = {"labeller": check, "examples": len(examples)}

    def stage(settings: TrainSettings) -> TrainSettings:
        return settings.model_copy(
            update={"resume": resume, **({"threads": threads} if threads else {})}
        )

    sft = _finished(out / "adapter") if resume else None
    if sft is None:
        result = train_sft(
            recipe.base, examples, out / "adapter", stage(recipe.train), on_log=on_log
        )
        sft = json.loads(result.manifest.model_dump_json())
    adapter_dir = out / "adapter"
    if recipe.dpo is not None:
        from behaviorlab.train._lora_stack import stack_lora

        pairs, made = recipe_pairs(recipe)
        extra["dpo"] = {"pairs_made": made, "pairs": len(pairs)}
        dpo = _finished(out / "dpo") if resume else None
        if dpo is None:
            result = train_dpo(
                out / "adapter", pairs, out / "dpo", stage(recipe.dpo.train), on_log=on_log
            )
            dpo = json.loads(result.manifest.model_dump_json())
        extra["dpo"]["train_manifest"] = dpo
        adapter_dir = stack_lora([out / "adapter", out / "dpo"], out / "stacked")
    return finish_recipe(
        path, out, adapter_dir, adapter_out=adapter_out, train_manifest=sft, extra=extra
    )


def _finished(run_dir: Path) -> dict[str, Any] | None:
    """The training manifest of a stage that finished in ``run_dir`` (None: run it)."""
    if not (run_dir / MANIFEST).is_file():
        return None
    return json.loads(read_manifest(run_dir).model_dump_json())


def finish_recipe(
    path: str | Path,
    out_dir: str | Path,
    adapter_dir: str | Path,
    *,
    adapter_out: str | Path | None = None,
    train_manifest: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the trained adapter in ``adapter_dir`` (a finished run, or one of its
    checkpoints) as the recipe's GGUF adapter and the manifest beside it."""
    from behaviorlab.train._lora_gguf import export_lora_gguf

    recipe, digest = load_recipe(path)
    out = Path(out_dir)
    target = Path(
        adapter_out
        or (Path(path).parent / recipe.adapter if recipe.adapter else out / "adapter.gguf")
    )
    export_lora_gguf(adapter_dir, target)
    state = Path(adapter_dir) / "trainer_state.json"
    manifest = {
        "recipe": recipe.model_dump(mode="json"),
        "recipe_file": str(path),
        "recipe_sha256": digest,
        **(extra or {}),
        "adapter_dir": str(adapter_dir),
        "train_manifest": train_manifest,
        "trainer_state": json.loads(state.read_text()) if state.is_file() else None,
        "adapter": str(target),
        "adapter_sha256": sha256_file(target),
        "adapter_bytes": target.stat().st_size,
    }
    text = json.dumps(manifest, indent=2, default=str)
    (out / RECIPE_MANIFEST).write_text(text)
    target.with_suffix(".json").write_text(text)  # shipped beside the adapter
    return manifest
