"""What the L1 agent's LLM extracts from the passenger's text (its structured output).

Kept small for a 135M-parameter model: five flat fields, an item number and four
integers per bag, no derived facts.  The fee region and direction come from the
cities (``_geo``), and the carry-on is left out: it never changes the fee, so
copying it would only cost tokens and chances to slip.

Each bag carries its item number: in a numbered list the number the text itself gives
the line, an anchor the model copies before the line's figures; where the text numbers
nothing, the carry-on counts as item 1 and the checked bags run 2, 3, ....  Without it a
small model loses its place in long lists (measured: the misses of a fine-tuned SmolLM2 on
RuleArena levels 1-2 were bags dropped, repeated or shifted by one); with it a repeat or a
skip shows in the numbers, and validation rejects it instead of computing a wrong fee.
The text's own numbers, not a fixed "checked bags start at 2": a text that numbers the
checked bags 1, 2, ... and lists the carry-on apart made a model trained on the fixed rule
copy line "2." first and drop bag 1 (0/5 such held-out problems right).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal, NamedTuple, cast

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from behaviorlab.models import FIRST, FOLLOWS, LAST
from behaviorlab.tasks.airline._data import AirlineInfo, AirlineProblem, Bag
from behaviorlab.tasks.airline._geo import UnknownCityError, region_of_route
from behaviorlab.tasks.airline._rules import CABIN_CLASSES, CabinClass

#: RuleArena's hardest level lists 11 items, the carry-on and 10 checked bags
MAX_CHECKED_BAGS = 12

#: the generator's phrasings that number the checked bags 1, 2, ... apart from the carry-on
CHECKED_NUMBERED_FROM_ONE = frozenset(
    {"labeled_dims", "checked_first", "numbered_checked_then_cabin"}
)

CARRY_ON_PLACEHOLDER = Bag(id=1, name="carry-on (not extracted)", size=(0, 0, 0), weight=0)


class BagSpec(BaseModel):
    """One checked bag: size in inches, weight in lbs."""

    model_config = ConfigDict(frozen=True)

    length: int = Field(ge=0, description="length in inches")
    width: int = Field(ge=0, description="width in inches")
    height: int = Field(ge=0, description="height in inches")
    weight: int = Field(ge=0, description="weight in lbs")


class CheckedBag(BaseModel):
    """A checked bag as the extraction lists it: its item number first (the anchor the model
    writes before the figures), then its size in inches and weight in lbs."""

    model_config = ConfigDict(frozen=True)

    item: int = Field(
        ge=1,
        description="item number as the text numbers it; unnumbered, the carry-on is item 1",
    )
    length: int = Field(ge=0, description="length in inches")
    width: int = Field(ge=0, description="width in inches")
    height: int = Field(ge=0, description="height in inches")
    weight: int = Field(ge=0, description="weight in lbs")


class AirlineExtraction(BaseModel):
    """The facts of a baggage-fee question, copied from the passenger's text."""

    customer_class: CabinClass = Field(description="the passenger's cabin class")
    origin_city: str = Field(description="city the flight departs from")
    destination_city: str = Field(description="city the flight arrives in")
    ticket_price: int = Field(ge=0, description="ticket price in US dollars")
    # the bound reaches the decoding grammar, so a small model can't loop on bags forever
    checked_bags: list[CheckedBag] = Field(
        max_length=MAX_CHECKED_BAGS,
        description="every item except the carry-on, in the order listed",
    )

    @field_validator("checked_bags")
    @classmethod
    def _numbered_in_order(cls, bags: list[CheckedBag]) -> list[CheckedBag]:
        got = [b.item for b in bags]
        start = got[0] if got and got[0] in (1, 2) else 2
        if got != list(range(start, len(bags) + start)):
            raise ValueError(
                f"item numbers must run 1, 2, 3, ... or 2, 3, 4, ... in the order listed, "
                f"got {got}: a bag was repeated or skipped"
            )
        return bags

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


@lru_cache(maxsize=256)
def extraction_for_cities(cities: tuple[str, ...]) -> type[AirlineExtraction]:
    """``AirlineExtraction`` with both cities limited to ``cities`` (as the text writes them).

    A decoder that enforces the schema then copies a city exactly or not at all: a
    fine-tuned SmolLM2 wrote "Brussels" as "Bristleboro" and as "Belgium" when free, and
    when limited to every city the schedule knows it wrote "Brisbane" (a wrong answer where
    the free run declined). Limited to the cities in the text, it can only choose which is
    the origin, which is the model's job.
    """
    if not cities:
        raise ValueError("no cities to choose from")
    city = Literal[cities]  # type: ignore[valid-type]
    fields = AirlineExtraction.model_fields
    return create_model(  # type: ignore[call-overload,no-any-return]
        "AirlineExtraction",
        __base__=AirlineExtraction,
        __doc__=AirlineExtraction.__doc__,
        origin_city=(city, Field(description=fields["origin_city"].description)),
        destination_city=(city, Field(description=fields["destination_city"].description)),
    )


# money is not a bag's figure: "$1,025.00", "US$90", "1,025 USD", "618 dollars"
_MONEY = re.compile(r"(?:US\$|\$|USD)\s?[\d,]*\d(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:USD|dollars)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _masked(text: str) -> str:
    """``text`` with its money blanked out (same length, so positions still match)."""
    return _MONEY.sub(lambda m: " " * len(m.group()), text)


def _numbers(masked: str) -> list[re.Match[str]]:
    """The numbers of a masked text, in order."""
    return list(_NUMBER.finditer(masked))


def _value(m: re.Match[str]) -> int | None:
    return int(m.group()) if m.group().isdigit() else None  # a decimal is never a bag figure


def _beside(p: int, n: int) -> list[int]:
    """Where a weight may stand by the size that starts at number ``p`` of ``n``: just after
    it, else just before."""
    return [w for w in (p + 3, p - 1) if 0 <= w < n]


def _weight_beside(nums: list[int | None], p: int, weight: int) -> int | None:
    """Where ``weight`` stands next to the size that starts at ``p`` (after it, else before)."""
    return next((w for w in _beside(p, len(nums)) if nums[w] == weight), None)


def ungrounded_bag(bags: list[CheckedBag], text: str) -> str | None:
    """Why the bags were not copied from ``text``, or None when every one was.

    Each bag's length, width and height must appear in the text as three numbers in a row,
    its weight the number just before or just after them, and each bag after the place the
    previous one was copied from (the text lists them in order). No bag may be left out:
    none between two copied ones (its four figures would stand in the gap), and the text may
    hold no more items written the way the first copied bag is than the copied bags and the
    carry-on. Catches the copy slips of a small model that the schema cannot: measured on a
    fine-tuned SmolLM2, a bag whose line starts like an earlier one ("36 x 16 x 13" after
    "36 x 19 x 9") picked up the earlier line's figures, or the whole earlier bag, or a bag
    was skipped. Uses the text only, never a label.
    """
    masked = _masked(text)
    found = _numbers(masked)
    nums = [_value(m) for m in found]
    spans: list[tuple[int, int]] = []
    after = -1
    for n, b in enumerate(bags):
        dims = [b.length, b.width, b.height]
        place = next(
            (
                p
                for p in range(after + 1, len(nums) - 2)
                if nums[p : p + 3] == dims and _weight_beside(nums, p, b.weight) is not None
            ),
            None,
        )
        if place is None:
            where = "anywhere in the text" if n == 0 else f"after checked bag {bags[n - 1].item}'s"
            return (
                f"checked bag {b.item} ({b.length} x {b.width} x {b.height} inches, {b.weight} "
                f"lbs) is not {where}: copy each bag's figures from its own line"
            )
        weight_at = _weight_beside(nums, place, b.weight)
        assert weight_at is not None  # the search above found it
        spans.append((min(place, weight_at), max(place + 2, weight_at)))
        after = place + 2
    # a bag left out between two copied ones leaves its four figures in the gap
    gaps = [nxt[0] - prev[1] - 1 for prev, nxt in pairwise(spans)]
    usual = min(gaps) if len(gaps) > 1 else 0
    for k, gap in enumerate(gaps):
        if gap >= usual + 4:
            return (
                f"the text has another bag between checked bag {bags[k].item} and checked bag "
                f"{bags[k + 1].item}: a bag was left out"
            )
    # and the text has no more items written the way the first copied bag is than the copied
    # bags and the carry-on (a list numbered from 1 whose first bag was skipped, the carry-on
    # after it, shows here)
    if bags:
        lo, hi = spans[0]
        between = [masked[found[k].end() : found[k + 1].start()] for k in range(lo, hi)]
        form = r"\d+" + "".join(re.escape(sep) + r"\d+" for sep in between)
        items = len(re.findall(form, masked))
        if items > len(bags) + 1:
            return (
                f"the text gives {items} items in this form, the carry-on and {items - 1} "
                f"checked bags, but {len(bags)} checked bags were copied: a bag was left out"
            )
    return None


Figures = tuple[int, int, int, int]

# a dimension's name is one mark wherever it stands: "length 22 in, width 14 in, height 9 in"
_DIMENSION_WORD = re.compile(
    r"(?i)(?<![a-z])(?:length|width|height|depth|long|wide|high|tall|deep|len|l|w|h)(?![a-z])"
)


# words that name an item the carry-on ("Main Cabin", a cabin class, does not)
_CARRY_ON = re.compile(r"(?i)carry[-_ ]?on|carried on|cabin bag|in the cabin")


class _Group(NamedTuple):
    """A place a bag may be copied from: its figures, where its length stands among the text's
    numbers, the first and last of its four numbers, and whether the weight follows the size."""

    figures: Figures
    at: int
    start: int
    end: int
    weight_after: bool
    #: the text just before it (back to its line's start or the previous group) names the
    #: carry-on: "Carry-on: a backpack, ...", "backpack (carry-on): ...", "In the cabin: ..."
    named_carry_on: bool = False


def _bag_groups(text: str) -> list[_Group]:
    """Every place a bag ``ungrounded_bag`` would accept could stand in ``text``: three numbers
    in a row written as one size (the same mark between length and width as between width and
    height, spaces aside and a dimension's name read as one mark: "22 x 14 x 9", "18 by 12 by
    9", "30,20,12", "length 22 in, width 14 in, height 9 in"), the number just after or just
    before them as the weight, all on one line, money left out; in the order the text writes
    them. The size rule keeps out groups that straddle two bags ("9 in, 58 lbs] backpack; [38",
    "11 pounds and measuring 18 by 12"): let through, the fine-tuned SmolLM2 wrote such groups
    and they priced wrong fees."""
    masked = _masked(text)
    found = _numbers(masked)
    nums = [_value(m) for m in found]

    def one_line(a: int, b: int) -> bool:
        return "\n" not in masked[found[a].start() : found[b].end()]

    def sep(a: int) -> str:  # what stands between number a and the next
        between = masked[found[a].end() : found[a + 1].start()]
        return re.sub(r"\s+", "", _DIMENSION_WORD.sub("D", between))

    groups: list[_Group] = []
    for p in range(len(nums) - 2):
        length, width, height = nums[p : p + 3]
        if length is None or width is None or height is None or sep(p) != sep(p + 1):
            continue
        for w in _beside(p, len(nums)):
            weight = nums[w]
            lo, hi = min(p, w), max(p + 2, w)
            if weight is not None and one_line(lo, hi):
                groups.append(_Group((length, width, height, weight), p, lo, hi, w > p))

    def named_carry_on(g: _Group) -> bool:
        at = found[g.start].start()
        line = masked.rfind("\n", 0, at) + 1
        ends = [found[h.end].end() for h in groups if h.end < g.start]
        return bool(_CARRY_ON.search(masked[max([line, *ends]) : at]))

    return [g._replace(named_carry_on=named_carry_on(g)) for g in groups]


def bag_candidates(text: str) -> list[Figures]:
    """Every (length, width, height, weight) a bag copied from ``text`` may have (see
    ``_bag_groups``), each once, in the order the text writes them."""
    return list(dict.fromkeys(g.figures for g in _bag_groups(text)))


def _items_before(g: _Group, groups: list[_Group]) -> int:
    """The most groups that fit one after another before ``g``: its item's place in the text
    (0 for the first item)."""
    count, last = 0, -1
    for h in sorted(groups, key=lambda h: h.end):
        if h.start > last and h.end < g.start:
            count, last = count + 1, h.end
    return count


def _bag_order(
    groups: list[_Group],
) -> tuple[list[_Group], list[int], list[list[int]], list[int] | None]:
    """The alternatives a checked bag is written as, which may come first, which may follow
    each, and (where known) which may end the list: the text's items copied one after the
    other, none left out, the carry-on (one of them) not copied.

    A group may follow another only if it stands after it, with no whole group between them
    (that would be a bag skipped), and with its weight on the same side (the checked bags of
    a text keep one layout); a side whose groups stand at fewer of the same items is left
    out (read with the weight after the size, "weighing 11 pounds and measuring 18 by 12 by
    9 inches; ... weighing 56" gives each bag the next one's weight and leaves the last bag
    without one). The first bag is the first item or the second (the carry-on first), and
    the list stops before the last item if it began at the first (the carry-on last): every
    problem of the task lists its carry-on among its items, so no text has as many checked
    bags as items. Each group is therefore an alternative twice, once for a list begun at
    the first item and once for one begun at the second. Where the text names one item the
    carry-on (``_Group.named_carry_on``: the words just before it, on its line), that item
    is left out and every other one is copied, from the first to the last: the model chose
    the wrong end in texts that said which it was ("Items, carry-on first: ...", a
    "Carry-on (stays in the cabin): ..." line after the checked bags). Measured on a fine-tuned SmolLM2 whose
    grammar let any later group follow: 11 of its 16 misses on 60 held-out problems were
    bags skipped in long lists; with the order alone, 2 of its 3 wrong fees were every item
    copied, the carry-on with them.
    """
    items = {
        side: {_items_before(g, groups) for g in groups if g.weight_after == side}
        for side in (True, False)
    }
    groups = [g for g in groups if not items[g.weight_after] < items[not g.weight_after]]
    place = [_items_before(g, groups) for g in groups]
    last = max(place, default=0)
    kept = list(zip(groups, place, strict=True))
    named = {k for g, k in kept if g.named_carry_on}
    if len(named) == 1:  # the text names its carry-on: every other item, in order
        (carry,) = named
        alts = [(g, k, 0) for g, k in kept if k != carry]
        start = 1 if carry == 0 else 0
        final = last - 1 if carry == last else last
    else:  # a list begun at the first item (carry-on last) ends before the last item; one
        # begun at the second may run to the end
        carry = -1
        alts = [(g, k, 0) for g, k in kept if k < last] + [(g, k, 1) for g, k in kept if k >= 1]
        start, final = 0, -1
    others = [g for g, k in kept if k != carry]

    def between(a: int, b: int) -> bool:  # a whole group (not the carry-on's) after a, before b
        return any(h.start > a and h.end < b for h in others)

    follows = [
        [
            j
            for j, (g, _, s) in enumerate(alts)
            if s == fs
            and g.start > f.end
            and g.weight_after == f.weight_after
            and not between(f.end, g.start)
        ]
        for f, _, fs in alts
    ]
    first = [j for j, (_, k, s) in enumerate(alts) if k == s + start]
    ends = [j for j, (_, k, _) in enumerate(alts) if k == final] if final >= 0 else None
    return [g for g, _, _ in alts], first, follows, ends


def _narrow_bags(schema: dict[str, Any], text: str) -> dict[str, Any]:
    """``schema`` with each checked bag's four figures limited to one of the text's number
    groups, the first, each next and the last bag where ``_bag_order`` allows (``x-first``,
    ``x-follows``, ``x-last``, see ``models._grammar``)."""
    bags = schema["properties"]["checked_bags"]
    item = bags["items"]["properties"]["item"]
    names = ("length", "width", "height", "weight")
    groups, first, follows, ends = _bag_order(_bag_groups(text))
    if not groups:  # no figures in the text: no bag can be copied from it
        bags.pop("items")
        bags["maxItems"] = 0
        return schema
    bags["items"] = {
        "anyOf": [
            {
                "type": "object",
                "properties": {
                    "item": item,
                    **{k: {"const": v} for k, v in zip(names, g.figures, strict=True)},
                },
                "required": ["item", *names],
            }
            for g in groups
        ]
    }
    bags[FIRST], bags[FOLLOWS] = first, follows
    if ends is not None:
        bags[LAST] = ends
    return schema


def extraction_for_text(
    text: str, cities: tuple[str, ...], *, narrow_bags: bool = True
) -> type[AirlineExtraction]:
    """``extraction_for_cities(cities)`` that also rejects bags not copied from ``text``
    (``ungrounded_bag``); the rejection reaches the model as the reason for its retry.

    ``narrow_bags``: a decoder that enforces the schema may write a bag's four figures only
    as one of the number groups the text holds (``bag_candidates``; the cities' narrowing,
    for bags), so a bag's width can no longer come from another line than its length, and
    each bag from the text's next item after the one before, the first from its first or
    second item, and a carry-on the text names never (``_bag_order``). Where the text names
    none, the model still chooses whether the first item is the carry-on and where the list
    ends; the check above judges that (a bag left out, one too few). Only the decoder sees the groups (``decoding_schema``): a prompt that spells
    the schema out does not grow with the text.
    """
    base = extraction_for_cities(cities)

    def grounded(self: AirlineExtraction) -> AirlineExtraction:
        why = ungrounded_bag(self.checked_bags, text)
        if why is not None:
            raise ValueError(why)
        return self

    checked = cast(
        type[AirlineExtraction],
        create_model(  # type: ignore[call-overload]
            "AirlineExtraction",
            __base__=base,
            __doc__=AirlineExtraction.__doc__,
            __validators__={"_grounded": model_validator(mode="after")(grounded)},  # type: ignore[dict-item]
        ),
    )
    if narrow_bags:  # read by ``decoding_schema_for``
        checked.decoding_schema = staticmethod(lambda schema: _narrow_bags(schema, text))  # type: ignore[attr-defined]
    return checked


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


def from_info(
    info: AirlineInfo, origin: str, destination: str, *, first_item: int = 2
) -> AirlineExtraction:
    """The extraction a perfect model would produce (a training target).

    ``first_item``: the first checked bag's item number, 1 where the text numbers the
    checked bags apart from the carry-on, else 2 (``CHECKED_NUMBERED_FROM_ONE``).

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
            CheckedBag(item=n, length=b.size[0], width=b.size[1], height=b.size[2], weight=b.weight)
            for n, b in enumerate(info.checked_bags, start=first_item)
        ],
    )


def target_for(problem: AirlineProblem) -> AirlineExtraction:
    """``from_info`` for a loaded or generated problem (it needs ``info`` and both cities)."""
    if problem.info is None or problem.origin is None or problem.destination is None:
        raise ExtractionError(
            f"problem {problem.id} lacks info or its cities; no target can be made"
        )
    first = 1 if problem.template in CHECKED_NUMBERED_FROM_ONE else 2
    return from_info(problem.info, problem.origin, problem.destination, first_item=first)
