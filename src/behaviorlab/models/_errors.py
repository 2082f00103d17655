from __future__ import annotations


class ModelError(RuntimeError):
    """A provider could not produce a completion."""


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
