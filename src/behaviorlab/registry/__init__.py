"""Model registry: versions, aliases (baseline/candidate/production) and promotion decisions."""

from behaviorlab.registry._registry import Decision, ModelRegistry, ModelVersion, RegistryError

__all__ = ["Decision", "ModelRegistry", "ModelVersion", "RegistryError"]
