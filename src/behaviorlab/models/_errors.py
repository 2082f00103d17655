from __future__ import annotations


class ModelError(RuntimeError):
    """A provider could not produce a completion."""


class InfraError(ModelError):
    """The model's infrastructure failed, not the agent: an endpoint that cannot be reached, a
    model file that is missing, credentials the provider refuses. An evaluation does not score
    such a run (it is re-run on resume) and stops after a few in a row."""


def infra_cause(exc: BaseException | None) -> InfraError | None:
    """The :class:`InfraError` behind ``exc`` (itself or in its cause/context chain), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, InfraError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class MissingDependencyError(ImportError):
    """An optional extra is needed; the message names the pip command."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"{package} is not installed; install it with: pip install 'behaviorlab[{extra}]'"
        )
        self.package = package
        self.extra = extra


class StructuredOutputError(ModelError):
    """The model's output never validated against the schema within the retry budget."""

    def __init__(self, message: str, raw_outputs: list[str]) -> None:
        last = raw_outputs[-1] if raw_outputs else ""
        super().__init__(f"{message}; last raw output: {last[:500]!r}")
        self.raw_outputs = raw_outputs

    @property
    def raw_text(self) -> str:
        return self.raw_outputs[-1] if self.raw_outputs else ""
