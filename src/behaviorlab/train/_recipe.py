"""A training recipe: one TOML file that reproduces a shipped model from scratch.

``behaviorlab train recipe recipes/airline-l1.toml --out DIR`` generates the training data
the recipe names (its task makes them: counts, seed, mix), runs LoRA SFT with its settings,
writes the adapter as a GGUF LoRA file for llama.cpp (``export_lora_gguf``) and a manifest beside
it: the recipe and its hash, the data's hash, the training manifest (seeds, versions,
hardware, losses) and the adapter's hash. ``--resume`` continues a killed run.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from behaviorlab.train._trainer import LogFn, TrainResult, TrainSettings, train_sft

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


class Recipe(BaseModel):
    name: str
    base: str = "smollm2-135m"
    data: RecipeData
    train: TrainSettings = Field(default_factory=TrainSettings)
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
    from behaviorlab.tasks import TrainingOptions
    from behaviorlab.train._task_data import task_training_set

    data = recipe.data
    made = task_training_set(
        data.task,
        "generated",
        TrainingOptions(
            # a task that draws examples by count reads ``n``; one that draws by level, per level
            n=data.n if data.n is not None else data.n_per_level,
            seed=data.seed,
            levels=tuple(data.levels),
            weights=data.weights,
            pairs=False,
        ),
    )
    return made.examples, made.provenance


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
    settings = recipe.train.model_copy(
        update={"resume": resume, **({"threads": threads} if threads else {})}
    )
    result: TrainResult = train_sft(recipe.base, examples, out / "adapter", settings, on_log=on_log)
    return finish_recipe(
        path,
        out,
        result.output_dir,
        adapter_out=adapter_out,
        train_manifest=json.loads(result.manifest.model_dump_json()),
        extra={"labeller": check, "examples": len(examples)},
    )


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
