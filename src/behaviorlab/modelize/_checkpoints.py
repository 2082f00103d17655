"""Checkpoints in the model registry: saved under a models folder, registered with a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from behaviorlab.modelize._behavior import BehaviorModel
from behaviorlab.modelize._config import Direction
from behaviorlab.registry import ModelRegistry, ModelVersion

KIND = "behavior-model"
DEFAULT_ROOT = Path(".behaviorlab") / "models"


def model_name(subject: str, direction: Direction) -> str:
    return f"modelize-{subject}-{direction}"


def manifest_of(model: BehaviorModel) -> dict[str, Any]:
    """What the registry shows about a model: subject, grammar hash, data size, metrics."""
    info = model.info
    report = info.report
    return {
        "subject": info.subject,
        "direction": info.direction,
        "grammar_hash": info.grammar_hash,
        "data_size": report.pairs if report else 0,
        "train_pairs": report.train_pairs if report else 0,
        "parameters": info.parameters,
        "metrics": {
            **({"val_exact": report.val_exact, "val_loss": report.val_loss} if report else {}),
            **info.metrics,
        },
        "train_s": report.train_s if report else None,
        "epochs": report.epochs if report else None,
        "model": info.model.model_dump(),
        "train": info.train.model_dump(),
    }


def register_model(
    model: BehaviorModel,
    registry: ModelRegistry,
    *,
    name: str | None = None,
    root: str | Path = DEFAULT_ROOT,
) -> ModelVersion:
    """Save ``model`` to ``root/<name>/v<N>/`` and register it as version N."""
    name = name or model_name(model.info.subject, model.info.direction)
    versions = registry.versions(name)
    n = (versions[-1].version if versions else 0) + 1
    target = Path(root) / name / f"v{n}"
    while target.exists():  # a folder left by a failed registration, or a concurrent writer's
        target = target.with_name(target.name + "-")
    model.save(target)
    mv = registry.register(name, target, manifest_of(model), kind=KIND)
    return mv


def load_model(ref: str, registry: ModelRegistry | None = None) -> BehaviorModel:
    """A registry reference (``name``, ``name@3``, ``name@production``) or a checkpoint folder."""
    path = Path(ref)
    if (path / "model.json").is_file():
        return BehaviorModel.load(path)
    if registry is None:
        raise FileNotFoundError(f"{ref!r} is not a checkpoint folder and no registry was given")
    mv = registry.get(ref)
    return BehaviorModel.load(mv.path)
