"""What the L1 agent's LLM extracts from the passenger's text (its structured output).

Kept small for a 135M-parameter model: five flat fields and four integers per checked bag,
no derived facts. The fee region and direction come from the cities (``_geo``), and the
carry-on is left out: it never changes the fee, so copying it would only cost tokens and
chances to slip. Which item is the carry-on is the model's to read.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from behaviorlab.models import CopyNumber, CopySpan, InInputOrder, constrain
from behaviorlab.tasks.airline._data import AirlineInfo, AirlineProblem, Bag
from behaviorlab.tasks.airline._geo import UnknownCityError, region_of_route
from behaviorlab.tasks.airline._rules import CABIN_CLASSES, CabinClass

#: RuleArena's hardest level lists 11 items, the carry-on and 10 checked bags
MAX_CHECKED_BAGS = 12

CARRY_ON_PLACEHOLDER = Bag(id=1, name="carry-on (not extracted)", size=(0, 0, 0), weight=0)


class CheckedBag(BaseModel):
    """A checked bag as the extraction lists it: its size in inches and weight in lbs, every
    figure copied from the bag's own line of the text."""

    model_config = ConfigDict(frozen=True)

    length: Annotated[int, CopyNumber()] = Field(ge=0, description="length in inches")
    width: Annotated[int, CopyNumber()] = Field(ge=0, description="width in inches")
    height: Annotated[int, CopyNumber()] = Field(ge=0, description="height in inches")
    weight: Annotated[int, CopyNumber()] = Field(ge=0, description="weight in lbs")


class AirlineExtraction(BaseModel):
    """The facts of a baggage-fee question, copied from the passenger's text.

    The fields declare how they are copied (``behaviorlab.models`` constraints, enforced by a
    grammar-capable decoder and checked for any other): the cities are spans of the text, the
    price one of its numbers, the checked bags copied line by line in the text's order. The
    declarations say nothing about baggage: which line is the carry-on, where the weight
    stands, how sizes are written is the model's to read.
    """

    customer_class: CabinClass = Field(description="the passenger's cabin class")
    origin_city: Annotated[str, CopySpan()] = Field(description="city the flight departs from")
    destination_city: Annotated[str, CopySpan()] = Field(description="city the flight arrives in")
    ticket_price: Annotated[int, CopyNumber()] = Field(
        ge=0, description="ticket price in US dollars"
    )
    # the bound reaches the decoding grammar, so a small model can't loop on bags forever
    checked_bags: Annotated[list[CheckedBag], InInputOrder(reuse=False)] = Field(
        max_length=MAX_CHECKED_BAGS,
        description="every item except the carry-on, in the order listed",
    )

    @field_validator("customer_class", mode="before")
    @classmethod
    def _class_name(cls, value: Any) -> Any:
        # Small models write "business class", "Main-Cabin", "FIRST": accept them.
        if isinstance(value, str):
            key = re.sub(r"[\s-]+", " ", value).strip().lower().removesuffix(" class").strip()
            for name in CABIN_CLASSES:
                if name.lower() == key:
                    return name
        return value

    @field_validator("ticket_price", mode="before")
    @classmethod
    def _price(cls, value: Any) -> Any:
        if isinstance(value, str):
            cleaned = re.sub(r"(?i)US\$|USD|\$|dollars|,", "", value).strip()
            if re.fullmatch(r"\d+(?:\.0+)?", cleaned):
                return int(float(cleaned))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


def extraction_for_text(text: str, *, constrained: bool = True) -> type[AirlineExtraction]:
    """The type the L1 extraction of ``text`` is validated as: ``AirlineExtraction`` bound to
    the text by its declared constraints (``behaviorlab.models.constrain``), or the plain
    type (``constrained=False``, the ablation). Raises ``UnreadableInput`` when the text
    offers nothing to copy into a required field."""
    return constrain(AirlineExtraction, text) if constrained else AirlineExtraction


class ExtractionError(ValueError):
    """An extraction that cannot become a problem (unknown city, route outside the schedule)."""


def to_info(extracted: AirlineExtraction) -> AirlineInfo:
    """The calculator's input from an extraction; raises ``ExtractionError`` for an unknown city.

    The carry-on is not extracted, so ``bag_list[0]`` is a zero-size placeholder.
    """
    try:
        routine, direction = region_of_route(extracted.origin_city, extracted.destination_city)
    except UnknownCityError as e:
        raise ExtractionError(f"{e}; the fee region cannot be determined") from e
    except ValueError as e:
        raise ExtractionError(str(e)) from e
    checked = [
        Bag(id=n, name="checked bag", size=(b.length, b.width, b.height), weight=b.weight)
        for n, b in enumerate(extracted.checked_bags, start=2)
    ]
    return AirlineInfo(
        base_price=extracted.ticket_price,
        customer_class=extracted.customer_class,
        routine=routine,
        direction=direction,
        bag_list=[CARRY_ON_PLACEHOLDER, *checked],
    )


def from_info(info: AirlineInfo, origin: str, destination: str) -> AirlineExtraction:
    """The extraction a perfect model would produce (a training target).

    The cities are kept as the text spells them (copying is easiest for a
    small model; ``to_info`` resolves spellings); they are checked against
    ``info`` so a target never contradicts its answer.
    """
    routine, direction = region_of_route(origin, destination)
    if routine != info.routine or (routine != "U.S." and direction != info.direction):
        raise ExtractionError(
            f"{origin} to {destination} is region {routine!r} direction {direction}, "
            f"but info says {info.routine!r} direction {info.direction}"
        )
    return AirlineExtraction(
        customer_class=info.customer_class,
        origin_city=origin.strip(),
        destination_city=destination.strip(),
        ticket_price=info.base_price,
        checked_bags=[
            CheckedBag(length=b.size[0], width=b.size[1], height=b.size[2], weight=b.weight)
            for b in info.checked_bags
        ],
    )


def target_for(problem: AirlineProblem) -> AirlineExtraction:
    """``from_info`` for a loaded or generated problem (it needs ``info`` and both cities)."""
    if problem.info is None or problem.origin is None or problem.destination is None:
        raise ExtractionError(
            f"problem {problem.id} lacks info or its cities; no target can be made"
        )
    return from_info(problem.info, problem.origin, problem.destination)
