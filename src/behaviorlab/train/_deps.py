"""Lazy imports of the heavy training stack with one clear message when it is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from behaviorlab.models import MissingDependencyError


def require(*modules: str) -> ModuleType:
    """Import each module; return the first. Raises :class:`MissingDependencyError` naming the extra."""
    first: ModuleType | None = None
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            raise MissingDependencyError(name, "train") from e
        first = first or mod
    assert first is not None
    return first
