"""A user's own task, from a file: ``tasks.py@name`` or a data file with a named scorer.

- ``PATH.py@NAME``: ``NAME`` is a :class:`Task` subclass, a Task instance, or a function that
  returns one (called with the ``-T key=value`` task arguments). ``PATH.py`` alone takes the
  one Task the file defines.
- ``DATA.jsonl`` / ``.json`` / ``.csv`` / ``.parquet``: one scenario per row, with ``input``,
  ``expected``, and optionally ``id``, ``level``, ``category``, ``choices`` and ``metadata``;
  scored by a named scorer (``scorer=exact|numeric|includes|regex|json|choice`` or
  ``model:PROVIDER/MODEL``). Its agent is ``direct``: the model answers the input in one call
  (or pass ``--agent my_agent.py``).

The evaluation records the spec string, so a resume, a Ray worker and ``history`` all load the
same task again.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import inspect
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from behaviorlab.agents import Agent, Result, SingleCallAgent
from behaviorlab.models import Model
from behaviorlab.scoring import ScorerFn, choice_match, resolve_scorer
from behaviorlab.tasks._base import Scenario, ScenarioOptions, Score, Task

DATA_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")


class TaskFileError(ValueError):
    """A task file or data file that cannot be used; the message names the file (and row)."""


def is_file_spec(spec: str) -> bool:
    path = spec.split("@", 1)[0]
    return path.endswith(".py") or path.lower().endswith(DATA_SUFFIXES)


def load_file_task(spec: str, args: Mapping[str, Any] | None = None) -> Task:
    """The task a ``PATH.py[@NAME]`` or data-file spec names."""
    args = dict(args or {})
    path_text, _, name = spec.partition("@")
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise TaskFileError(f"task file not found: {path}")
    if path.suffix == ".py":
        return _python_task(path, name or None, args)
    if name:
        raise TaskFileError(f"{spec}: '@NAME' applies to .py task files, not data files")
    return DataTask(path, **args)


def _python_task(path: Path, name: str | None, args: dict[str, Any]) -> Task:
    mod_name = f"behaviorlab_user_task_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]}"
    module = sys.modules.get(mod_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            raise TaskFileError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception:
            del sys.modules[mod_name]
            raise
    if name is None:
        found = [
            v
            for v in vars(module).values()
            if inspect.isclass(v) and issubclass(v, Task) and v.__module__ == mod_name
        ]
        if len(found) != 1:
            raise TaskFileError(
                f"{path} defines {len(found)} Task classes; name one as {path}@NAME"
            )
        obj: Any = found[0]
    else:
        if not hasattr(module, name):
            raise TaskFileError(f"{path} has no {name!r}")
        obj = getattr(module, name)
    if isinstance(obj, Task):
        task = obj
    elif (inspect.isclass(obj) and issubclass(obj, Task)) or callable(obj):
        task = obj(**args)
    else:
        raise TaskFileError(f"{path}@{name} is {type(obj).__name__}, not a Task or a function")
    if not isinstance(task, Task):
        raise TaskFileError(f"{path}@{name} returned {type(task).__name__}, not a Task")
    return task


DIRECT_SYSTEM = "Answer the user's request. Reply with the answer only."


def _direct(model: Model | None, options: ScenarioOptions) -> Agent:
    if model is None:
        raise ValueError("the direct agent needs a model (--model)")
    return SingleCallAgent(model, DIRECT_SYSTEM, answer_parser=str.strip, name="direct")


class DataTask(Task):
    """Scenarios from rows of a data file, scored by a named scorer."""

    name: ClassVar[str] = "data"
    agent_factories: ClassVar[dict[str, Any]] = {"direct": _direct}

    def __init__(self, path: str | Path, scorer: str = "exact", **unknown: Any) -> None:
        if unknown:
            raise TaskFileError(
                f"unknown task argument(s) for a data file: {', '.join(sorted(unknown))} "
                "(it takes scorer=...)"
            )
        self.path = Path(path)
        self.scorer_name = scorer
        try:
            self.scorer: ScorerFn = resolve_scorer(scorer)
        except KeyError as e:
            raise TaskFileError(str(e.args[0])) from e
        self._rows: list[Scenario] | None = None

    def scenarios(self, options: ScenarioOptions) -> list[Scenario]:
        if self._rows is None:
            self._rows = [
                _scenario(self.path, i, row) for i, row in enumerate(_read_rows(self.path))
            ]
            if not self._rows:
                raise TaskFileError(f"{self.path} has no rows")
            ids = [s.id for s in self._rows]
            if len(set(ids)) != len(ids):
                dup = next(i for i in ids if ids.count(i) > 1)
                raise TaskFileError(f"{self.path}: id {dup!r} appears more than once")
        rows = self._rows
        if options.level is not None:
            rows = [s for s in rows if s.level == options.level]
        if options.split is not None:
            rows = [s for s in rows if s.category == options.split]
        return rows[: options.n] if options.n is not None else rows

    def score(self, scenario: Scenario, result: Result) -> Score:
        answer = result.output if result.ok else None
        choices = scenario.metadata.get("choices")
        if self.scorer_name == "choice" and choices:
            value: bool | float = choice_match(answer, scenario.expected, choices)
        else:
            value = self.scorer(answer, scenario.expected) if answer is not None else False
        v = float(value)
        return Score(
            correct=v >= 1.0,
            value=v,
            answer=answer,
            expected=scenario.expected,
            details={"scorer": self.scorer_name},
        )


def _read_rows(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = []
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise TaskFileError(f"{path}:{n}: not a JSON object: {e.msg}") from None
                if not isinstance(row, dict):
                    raise TaskFileError(f"{path}:{n}: a row must be a JSON object")
                rows.append(row)
        return rows
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise TaskFileError(f"{path}: not JSON: {e.msg} (line {e.lineno})") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise TaskFileError(f"{path}: expected a JSON list of objects")
        return data
    if suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            return [dict(r) for r in csv.DictReader(f)]
    if suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError as e:
            raise TaskFileError("reading .parquet needs pyarrow: pip install pyarrow") from e
        return list(pq.read_table(path).to_pylist())
    raise TaskFileError(
        f"{path}: unsupported data file type {suffix!r}; use {', '.join(DATA_SUFFIXES)}"
    )


def _scenario(path: Path, i: int, row: dict[str, Any]) -> Scenario:
    where = f"{path}: row {i + 1}"
    if "input" not in row or row["input"] in (None, ""):
        raise TaskFileError(f"{where} has no 'input' (columns: {', '.join(row) or 'none'})")
    if "expected" not in row:
        raise TaskFileError(f"{where} has no 'expected'")
    metadata = row.get("metadata") or {}
    if isinstance(metadata, str):  # a CSV cell
        try:
            metadata = json.loads(metadata)
        except json.JSONDecodeError:
            raise TaskFileError(f"{where}: 'metadata' is not a JSON object") from None
    if not isinstance(metadata, dict):
        raise TaskFileError(f"{where}: 'metadata' must be an object")
    choices = row.get("choices")
    if isinstance(choices, str):
        choices = [c.strip() for c in choices.split("|") if c.strip()]
    if choices:
        metadata = {**metadata, "choices": list(choices)}
    level = row.get("level")
    try:
        level = int(level) if level not in (None, "") else None
    except (TypeError, ValueError):
        raise TaskFileError(f"{where}: 'level' must be an integer, got {level!r}") from None
    return Scenario(
        id=str(row.get("id") if row.get("id") not in (None, "") else i),
        input=row["input"],
        expected=row["expected"],
        level=level,
        category=(str(row["category"]) if row.get("category") not in (None, "") else None),
        metadata=metadata,
    )
