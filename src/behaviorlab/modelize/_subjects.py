"""Subjects: the programs whose behaviour is modelled (text in, text out).

A subject bundles what runs (a Python callable, a shell command or a behaviorlab
agent) with what modelling it needs: the grammar its inputs come from and the lexers
that mark the leaves of its inputs and outputs. Built-ins are registered by name, a task
offers its own (``BehaviourSubjects``: ``airline`` is the airline task's calculator), and a
third-party one is named ``package.module:factory``.
"""

from __future__ import annotations

import importlib
import subprocess
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from behaviorlab.modelize._abstraction import HTML_LEXER, MARKDOWN_LEXER, SQL_LEXER, Lexer, LexRule
from behaviorlab.modelize._grammar import Grammar, grammar_hash
from behaviorlab.modelize._grammars import MARKDOWN_GRAMMAR, SQL_GRAMMAR

if TYPE_CHECKING:
    from behaviorlab.agents import Agent
    from behaviorlab.tasks import SubjectSpec


class SubjectError(RuntimeError):
    """The subject failed on one input (the pair is skipped, never learned)."""


class SubjectInfo(BaseModel):
    name: str
    description: str
    grammar_hash: str
    nonterminals: int
    alternatives: int


class Subject(ABC):
    """A text -> text program plus the grammar and lexers that describe its inputs and outputs."""

    name: str
    description: str = ""
    grammar: Grammar
    input_lexer: Lexer
    output_lexer: Lexer
    #: expansion depth for input synthesis
    max_depth: int = 12

    @abstractmethod
    def run(self, input: str) -> str:
        """The subject's output; raise :class:`SubjectError` when the input is rejected."""

    def info(self) -> SubjectInfo:
        return SubjectInfo(
            name=self.name,
            description=self.description,
            grammar_hash=grammar_hash(self.grammar),
            nonterminals=len(self.grammar),
            alternatives=sum(len(v) for v in self.grammar.values()),
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class FunctionSubject(Subject):
    """A Python callable ``str -> str``."""

    def __init__(
        self,
        name: str,
        fn: Callable[[str], str],
        grammar: Grammar,
        input_lexer: Lexer,
        output_lexer: Lexer,
        *,
        description: str = "",
        max_depth: int = 12,
    ) -> None:
        self.name, self.fn, self.grammar = name, fn, grammar
        self.input_lexer, self.output_lexer = input_lexer, output_lexer
        self.description, self.max_depth = description, max_depth

    def run(self, input: str) -> str:
        try:
            return self.fn(input)
        except SubjectError:
            raise
        except Exception as e:
            raise SubjectError(f"{type(e).__name__}: {e}") from e


class CommandSubject(Subject):
    """A shell command: the input on stdin, the output from stdout (a non-zero exit is a failure)."""

    def __init__(
        self,
        name: str,
        command: list[str],
        grammar: Grammar,
        input_lexer: Lexer,
        output_lexer: Lexer,
        *,
        description: str = "",
        timeout_s: float = 10.0,
        strip: bool = True,
        max_depth: int = 12,
    ) -> None:
        self.name, self.command, self.grammar = name, list(command), grammar
        self.input_lexer, self.output_lexer = input_lexer, output_lexer
        self.description, self.timeout_s, self.strip = description, timeout_s, strip
        self.max_depth = max_depth

    def run(self, input: str) -> str:
        try:
            done = subprocess.run(
                self.command,
                input=input,
                capture_output=True,
                text=True,
                timeout=self.timeout_s,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SubjectError(f"{self.command[0]}: {e}") from e
        if done.returncode != 0:
            raise SubjectError(
                f"{self.command[0]} exited {done.returncode}: {done.stderr.strip()[:200]}"
            )
        return done.stdout.strip() if self.strip else done.stdout


class AgentSubject(Subject):
    """A behaviorlab agent; ``encode``/``decode`` turn the text input and the agent's output around."""

    def __init__(
        self,
        name: str,
        agent: Agent,
        grammar: Grammar,
        input_lexer: Lexer,
        output_lexer: Lexer,
        *,
        encode: Callable[[str], Any] | None = None,
        decode: Callable[[Any], str] | None = None,
        description: str = "",
        max_depth: int = 12,
    ) -> None:
        self.name, self.agent, self.grammar = name, agent, grammar
        self.input_lexer, self.output_lexer = input_lexer, output_lexer
        self.encode = encode or (lambda s: s)
        self.decode = decode or str
        self.description, self.max_depth = description, max_depth

    def run(self, input: str) -> str:
        result = self.agent.run(self.encode(input))
        if not result.ok:
            raise SubjectError(result.error or f"declined: {result.reason}")
        return self.decode(result.output)


# registry --------------------------------------------------------------------

_FACTORIES: dict[str, Callable[[], Subject]] = {}


def register_subject(name: str) -> Callable[[Callable[[], Subject]], Callable[[], Subject]]:
    """Decorator: register a factory returning a fresh :class:`Subject` under ``name``."""

    def deco(factory: Callable[[], Subject]) -> Callable[[], Subject]:
        _FACTORIES[name] = factory
        return factory

    return deco


def subject_names() -> list[str]:
    return sorted(_FACTORIES)


def subject_from_spec(spec: SubjectSpec) -> Subject:
    """A task's subject (plain data) as a :class:`FunctionSubject`; the input errors its
    function raises (ValueError) are the subject's failures on that input."""

    def run(text: str) -> str:
        try:
            return spec.run(text)
        except ValueError as e:
            raise SubjectError(str(e)) from e

    def lexer(rules: Any) -> Lexer:
        return Lexer(rules=[LexRule(pattern=p, leaf=leaf) for p, leaf in rules])

    return FunctionSubject(
        spec.name,
        run,
        {k: list(v) for k, v in spec.grammar.items()},
        lexer(spec.input_lexer),
        lexer(spec.output_lexer),
        description=spec.description,
    )


def _task_subject(name: str) -> Subject | None:
    """``TASK`` (its subject of that name, else its only one) or ``TASK/SUBJECT`` from a task
    offering ``BehaviourSubjects``; None when no such task."""
    from behaviorlab.tasks import BehaviourSubjects, capability, get_task, task_names

    task_name, _, subject = name.partition("/")
    if task_name not in task_names():
        return None
    offered = capability(get_task(task_name), BehaviourSubjects).behaviour_subjects()
    if not subject:
        subject = task_name if task_name in offered or len(offered) != 1 else next(iter(offered))
    if subject not in offered:
        raise KeyError(
            f"task {task_name!r} offers no subject {subject!r}; it has: {', '.join(offered)}"
        )
    return subject_from_spec(offered[subject])


def get_subject(name: str) -> Subject:
    """A registered subject by name, a task's (``TASK`` or ``TASK/SUBJECT``), or
    ``package.module:factory`` for any other."""
    if name in _FACTORIES:
        return _FACTORIES[name]()
    if ":" not in name:
        found = _task_subject(name)
        if found is not None:
            return found
    if ":" in name:
        module, _, attr = name.partition(":")
        obj = getattr(importlib.import_module(module), attr)
        subject = obj() if callable(obj) and not isinstance(obj, Subject) else obj
        if not isinstance(subject, Subject):
            raise TypeError(f"{name} is not a Subject (got {type(subject).__name__})")
        return subject
    raise KeyError(f"unknown subject {name!r}; known: {', '.join(subject_names())}")


@register_subject("markdown")
def markdown_subject() -> Subject:
    """Python-Markdown: Markdown text -> HTML (the paper's Markdown subject)."""
    try:
        import markdown
    except ImportError as e:  # pragma: no cover - the extra pins it
        raise ImportError(
            "the markdown subject needs Markdown: pip install 'behaviorlab[modelize]'"
        ) from e
    md = markdown.Markdown()

    def convert(text: str) -> str:
        return md.reset().convert(text)

    return FunctionSubject(
        "markdown",
        convert,
        MARKDOWN_GRAMMAR,
        MARKDOWN_LEXER,
        HTML_LEXER,
        description=f"Python-Markdown {markdown.__version__}: Markdown -> HTML",
    )


@register_subject("sql")
def sql_subject(read: str = "postgres", write: str = "tsql") -> Subject:
    """sqlglot: a query in one SQL dialect -> the same query in another (stand-in for SQL -> KQL)."""
    try:
        import sqlglot
    except ImportError as e:  # pragma: no cover
        raise ImportError(
            "the sql subject needs sqlglot: pip install 'behaviorlab[modelize]'"
        ) from e

    def transpile(text: str) -> str:
        return sqlglot.transpile(text, read=read, write=write)[0]

    return FunctionSubject(
        "sql",
        transpile,
        SQL_GRAMMAR,
        SQL_LEXER,
        SQL_LEXER,
        description=f"sqlglot {sqlglot.__version__}: {read} -> {write}",
    )
