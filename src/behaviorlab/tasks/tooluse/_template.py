"""What a prompt template is, and small helpers the template modules share."""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from ._types import AnswerType, Category, Difficulty, ToolName

T = TypeVar("T")


@dataclass(frozen=True)
class Solution:
    """How an expert answers an item with a tool: one call of ``tool`` with ``argument`` (a
    complete Python program that prints the answer, for ``code_executor``; one expression,
    for ``calculator``). What the tool returns must score as the item's expected output
    (checked by ``_expert.verify_solution``); it is what behaviour-cloning data shows."""

    tool: ToolName
    argument: str


@dataclass(frozen=True)
class Draft:
    """One instance of a template: the parts that vary from item to item. ``solution``: the
    expert's tool call, for a training template whose best decision runs a tool; ``answer``:
    the expert's own written answer, for a training template whose answer is free text (an
    explanation, a review, a design). Held-out and dev templates have neither: nothing is
    ever trained on them. Neither is part of the item an agent sees."""

    prompt: str
    expected_output: str | None
    answer_type: AnswerType
    why: str
    reference_keywords: tuple[str, ...] = ()
    solution: Solution | None = None
    answer: str | None = None


@dataclass(frozen=True)
class Template:
    """A family of prompts that share one tool decision and one way of computing the answer."""

    name: str
    category: Category
    difficulty: Difficulty
    subcategory: str
    optimal_tools: tuple[ToolName, ...]
    acceptable_tools: tuple[ToolName, ...]
    heldout: bool
    make: Callable[[random.Random], Draft]


def template(
    name: str,
    *,
    category: Category,
    difficulty: Difficulty,
    subcategory: str,
    optimal: Sequence[ToolName],
    acceptable: Sequence[ToolName] = (),
    heldout: bool = False,
) -> Callable[[Callable[[random.Random], Draft]], Template]:
    """Turn a ``make(rng) -> Draft`` function into a :class:`Template` (used as a decorator)."""

    def wrap(make: Callable[[random.Random], Draft]) -> Template:
        return Template(
            name=f"{category}.{difficulty}.{name}",
            category=category,
            difficulty=difficulty,
            subcategory=subcategory,
            optimal_tools=tuple(optimal),
            acceptable_tools=tuple(acceptable),
            heldout=heldout,
            make=make,
        )

    return wrap


def pick(rng: random.Random, options: Sequence[T]) -> T:
    return options[rng.randrange(len(options))]


def as_list(values: Sequence[object]) -> str:
    """The canonical text of a list answer: JSON, so scorers and humans read it alike."""
    return json.dumps(list(values))


def money(value: Decimal | float) -> str:
    """Round half up to cents, as a bank would, and print without a currency sign."""
    return str(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def fixed(value: Decimal | float, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def code_block(code: str) -> str:
    return f"```python\n{code.strip()}\n```"


def comma_join(values: Sequence[object]) -> str:
    return ", ".join(str(v) for v in values)


@functools.lru_cache(maxsize=4)
def primes_below(limit: int) -> tuple[int, ...]:
    """All primes below ``limit`` (sieve of Eratosthenes); cached, hence a tuple."""
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(range(i * i, limit, i)))
    return tuple(i for i, is_prime in enumerate(sieve) if is_prime)


# Lower-case words of 3 to 11 letters, distinct; used wherever a template needs data words.
WORDS: tuple[str, ...] = tuple(
    """
    apple banana cherry grape lemon mango melon olive peach pear plum fig kiwi lime date guava
    papaya apricot quince orange tomato carrot potato onion garlic pepper radish turnip celery
    spinach lettuce cabbage pumpkin squash bean lentil almond walnut cashew peanut hazelnut
    tiger lion zebra horse camel llama otter beaver badger rabbit ferret weasel panda koala
    falcon eagle sparrow pigeon parrot toucan heron crane stork pelican penguin ostrich
    river ocean canyon valley desert forest meadow glacier island harbor lagoon prairie tundra
    anchor bridge castle tower temple palace garden market museum library stadium station
    copper silver bronze nickel cobalt zinc iron tin lead gold
    violin guitar piano flute cello drum harp oboe trumpet banjo
    amber coral ivory indigo violet crimson scarlet maroon teal azure
    rocket comet planet nebula galaxy meteor orbit quasar pulsar
    """.split()  # noqa: SIM905 - a word list reads better as text
)
