"""Records of the airline baggage-fee task and the RuleArena loader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from behaviorlab.tasks.airline._rules import CabinClass, Direction, Region

LEVELS = (0, 1, 2)
ANSWERS_FILE = "answers_comp_0_1.json"

NonNegInt = Annotated[int, Field(ge=0)]


class Bag(BaseModel):
    """One item the passenger carries; sizes in inches, weight in lbs."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    size: tuple[NonNegInt, NonNegInt, NonNegInt]
    weight: NonNegInt

    @property
    def total_size(self) -> int:
        return sum(self.size)


class AirlineInfo(BaseModel):
    """The parameters of one problem: what the fee depends on.

    ``bag_list[0]`` is the carry-on and is never charged; the rest are checked.
    ``direction`` is 0 when the flight departs the U.S., 1 when it arrives there.
    """

    model_config = ConfigDict(frozen=True)

    base_price: NonNegInt
    customer_class: CabinClass
    routine: Region
    direction: Direction
    bag_list: list[Bag] = Field(min_length=1)

    @property
    def carry_on(self) -> Bag:
        return self.bag_list[0]

    @property
    def checked_bags(self) -> list[Bag]:
        return self.bag_list[1:]


class AirlineProblem(BaseModel):
    id: str
    level: int
    index: int
    prompt: str
    info: AirlineInfo | None = None
    answer: int | None = None
    source: Literal["rulearena", "generated"]
    template: str | None = None
    origin: str | None = None
    """Departure city as the prompt spells it, where known (for extraction targets)."""
    destination: str | None = None


class RowError(BaseModel):
    """A dataset row that could not be loaded (``line`` is 1-based)."""

    file: str
    line: int
    reason: str


class LoadResult(BaseModel):
    problems: list[AirlineProblem]
    errors: list[RowError] = Field(default_factory=list)


class RuleArenaNotFoundError(FileNotFoundError):
    pass


class DatasetRowError(ValueError):
    def __init__(self, file: Path | str, line: int, reason: str) -> None:
        self.file = str(file)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.file}:{line}: {reason}")

    def to_record(self) -> RowError:
        return RowError(file=self.file, line=self.line, reason=self.reason)


def airline_dir(root: Path | str) -> Path:
    """The ``airline/`` folder of a RuleArena checkout, given the checkout or that folder."""
    root = Path(root).expanduser()
    for candidate in (root / "airline", root):
        if (candidate / "synthesized_problems").is_dir():
            return candidate
    raise RuleArenaNotFoundError(
        f"no RuleArena airline data at {root}: expected {root / 'airline' / 'synthesized_problems'}"
        " (a RuleArena checkout) or a synthesized_problems/ folder directly inside it"
        " (its airline/ folder)"
    )


# RuleArena's single phrasing; used only to record the cities, never the facts.
_RULEARENA_ROUTE = re.compile(r"passenger flying from (.+?) to (.+?) with the following items:")


def problem_id(level: int, index: int) -> str:
    return f"rulearena-L{level}-{index:03d}"


def load_answers(root: Path | str) -> dict[tuple[int, int], int]:
    """``{(level, index): answer}`` from ``answers_comp_0_1.json``; empty if the file is absent."""
    path = airline_dir(root) / ANSWERS_FILE
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise DatasetRowError(path, e.lineno, f"invalid JSON: {e.msg}") from e
    if not isinstance(entries, list):
        raise DatasetRowError(path, 1, "expected a JSON list of {complexity, index, answer}")
    answers: dict[tuple[int, int], int] = {}
    for n, entry in enumerate(entries):
        try:
            key = (int(entry["complexity"]), int(entry["index"]))
            answers[key] = int(entry["answer"])
        except (KeyError, TypeError, ValueError) as e:
            raise DatasetRowError(
                path, 1, f"entry #{n} is not {{complexity, index, answer}}: {entry!r}"
            ) from e
    return answers


def _parse_row(
    path: Path, lineno: int, text: str, level: int, answers: dict[tuple[int, int], int]
) -> AirlineProblem:
    try:
        row = json.loads(text)
    except json.JSONDecodeError as e:
        raise DatasetRowError(path, lineno, f"invalid JSON: {e.msg} (column {e.colno})") from e
    if not isinstance(row, dict):
        raise DatasetRowError(path, lineno, f"expected a JSON object, got {type(row).__name__}")
    prompt = row.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise DatasetRowError(path, lineno, "missing or empty 'prompt'")
    info = None
    if row.get("info") is not None:
        try:
            info = AirlineInfo.model_validate(row["info"])
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(map(str, err['loc'])) or 'info'}: {err['msg']}"
                for err in e.errors()[:3]
            )
            raise DatasetRowError(path, lineno, f"bad 'info': {problems}") from e
    index = lineno - 1
    route = _RULEARENA_ROUTE.search(prompt)
    return AirlineProblem(
        id=problem_id(level, index),
        level=level,
        index=index,
        prompt=prompt,
        info=info,
        answer=answers.get((level, index)),
        source="rulearena",
        origin=route.group(1) if route else None,
        destination=route.group(2) if route else None,
    )


def load_rulearena(
    root: Path | str, level: int, *, on_error: Literal["raise", "skip"] = "raise"
) -> LoadResult:
    """Load ``airline/synthesized_problems/comp_{level}.jsonl`` with the answers where known.

    ``root`` is a RuleArena checkout or its ``airline/`` folder. Answers come
    from ``answers_comp_0_1.json`` (levels 0 and 1 only). With
    ``on_error="skip"`` a malformed row is reported in ``errors`` and the rest
    load; with ``"raise"`` it raises ``DatasetRowError``.
    """
    if level not in LEVELS:
        raise ValueError(f"RuleArena airline levels are {LEVELS}, got {level!r}")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    folder = airline_dir(root)
    path = folder / "synthesized_problems" / f"comp_{level}.jsonl"
    if not path.is_file():
        raise RuleArenaNotFoundError(f"missing {path}: expected the level-{level} problems there")
    answers = load_answers(folder)
    problems: list[AirlineProblem] = []
    errors: list[RowError] = []
    with path.open(encoding="utf-8") as f:
        for lineno, text in enumerate(f, start=1):
            if not text.strip():
                # Skipped, but it still takes an index so ids stay aligned with the answers file.
                continue
            try:
                problems.append(_parse_row(path, lineno, text, level, answers))
            except DatasetRowError as err:
                if on_error == "raise":
                    raise
                errors.append(err.to_record())
    return LoadResult(problems=problems, errors=errors)


#: counts written as words, shared by the generator (writes them) and the parser (reads them)
NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
