"""Deterministic passenger-text parser for the L0 (no-LLM) airline agent.

The text is read as a sequence of known clauses ("X is a Business Class
passenger flying from A to B ...", "2. A backpack: 22 x 13 x 6 inches, 10 lbs;",
"Ticket price: $180." ...) in any order; every character must belong to one.
Anything else — an unseen sentence, an unknown city, two prices, a bag count
that disagrees with the list — raises ``ParseDeclined`` instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, TypeVar

from behaviorlab.tasks.airline._data import NUMBER_WORDS, AirlineInfo, Bag
from behaviorlab.tasks.airline._geo import (
    UnknownCityError,
    UnsupportedRouteError,
    city_spellings,
    is_known_city,
    lookup_city,
    region_of_route,
)
from behaviorlab.tasks.airline._rules import CABIN_CLASSES

T = TypeVar("T")


class ParseDeclined(ValueError):
    """The parser is not confident; ``reason`` says why, for a human."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


_NUMBER_WORDS = {w: n for n, w in enumerate(NUMBER_WORDS)}
_CLASS_KEYS = {c.lower(): c for c in CABIN_CLASSES}

_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\d+(?:\.\d\d)?"
_LOOSE_CITY = r"(?-i:[A-Z][\w'.]*(?:-(?!bound\b)[\w'.]+)*(?: (?:[A-Z][\w'.]*(?:-(?!bound\b)[\w'.]+)*|de|da|do|del|la|au))*)"
_COUNT = r"\d+|" + "|".join(_NUMBER_WORDS)
_FRAGMENTS = {
    "NAME": r"(?P<name>(?-i:[A-Z][a-z]+(?:-[A-Z][a-z]+)?))",
    "CLS": r"(?P<cls>basic[ -]economy|main[ -]cabin|main[ -]plus|premium[ -]economy|business|first)",
    "PRICE": rf"(?P<price>(?:US)?\$ ?(?:{_AMOUNT})|USD ?(?:{_AMOUNT})|(?:{_AMOUNT}) ?(?:USD|dollars))",
    "BAG": r"(?P<bname>(?!(?:a|an|the) )[a-z]+(?:[ -][a-z]+){0,2}?)",
    "DIMS": r"(?P<l>\d+) ?(?:x|by) ?(?P<w>\d+) ?(?:x|by) ?(?P<h>\d+) ?(?:inches|in)\b",
    "WT": r"(?P<wt>\d+) ?(?:lbs|lb|pounds)\b",
    "NITEMS": rf"(?P<n_items>{_COUNT})",
    "NCHECKED": rf"(?P<n_checked>{_COUNT})",
}


@dataclass(frozen=True)
class _Clause:
    name: str
    pattern: str
    role: Literal["carry", "checked"] | None = None
    first_is_carry: bool = False
    starts_table: bool = False
    needs_table: bool = False


# Item clauses take a role from the clause ("carry"/"checked") or from a
# "(carry-on)" mark (group ``carry``); unmarked items follow the list's convention.
_CLAUSES: tuple[_Clause, ...] = (
    # RuleArena's own phrasing
    _Clause(
        "ra_intro",
        r"{NAME} is an? {CLS} class passenger flying from {O} to {D} with the following items:",
    ),
    _Clause("ra_item", r"(?P<num>\d+)\. an? {BAG}: {DIMS}, {WT};"),
    _Clause("ra_price", r"{NAME}'s flight ticket is {PRICE}\."),
    # numbered_compact
    _Clause("nc_intro", r"{NAME} \({CLS} class\) is flying from {O} to {D}\."),
    _Clause("ticket_price", r"Ticket price: {PRICE}\."),
    _Clause("nc_header", r"Items \(item 1 is the carry-on\):", first_is_carry=True),
    _Clause("nc_item", r"(?P<num>\d+)\) {BAG}, {DIMS}, {WT}"),
    # departing_dash
    _Clause(
        "dd_intro",
        r"{NAME} is departing {O} for {D} in {CLS} class and is bringing {NITEMS} items"
        r" \(the first item is the carry-on\):",
        first_is_carry=True,
    ),
    _Clause("dd_item", r"- an? {BAG}: {DIMS}, {WT}"),
    _Clause("ticket_cost", r"The ticket cost {PRICE}\."),
    # bag_sentences
    _Clause("bs_intro", r"{NAME} has an? {CLS} class ticket from {O} to {D} that cost {PRICE}\."),
    _Clause("bs_item", r"Bag (?P<num>\d+) is an? {BAG} measuring {DIMS} and weighing {WT}\."),
    _Clause("bs_carry", r"Bag 1 is carried on board; the rest are checked\.", first_is_carry=True),
    # table
    _Clause("tb_name", r"Passenger: {NAME}"),
    _Clause("tb_cabin", r"Cabin: {CLS}(?: class)?"),
    _Clause("tb_route", r"Route: {O} to {D}"),
    _Clause("tb_fare", r"Fare: {PRICE}"),
    _Clause("tb_header", r"\| # \| item \| size \(in\) \| weight \(lb\) \|", starts_table=True),
    _Clause("tb_rule", r"\|(?: ?:?-+:? ?\|){4}", needs_table=True),
    _Clause(
        "tb_row",
        r"\| (?P<num>\d+) \| {BAG}(?P<carry> \(carry-on\))? \| (?P<l>\d+) x (?P<w>\d+) x (?P<h>\d+)"
        r" \| (?P<wt>\d+) \|",
        needs_table=True,
    ),
    # prose_carry_on
    _Clause("pc_intro", r"{NAME} is an? {CLS} class passenger on a flight departing {O} for {D}\."),
    _Clause(
        "pc_carry",
        r"{NAME} brings a carry-on {BAG} \({DIMS}, {WT}\) and {NCHECKED} checked bags?:",
        role="carry",
    ),
    _Clause("pc_item", r"(?:and )?an? {BAG} \({DIMS}, {WT}\)[,.]?"),
    _Clause("pc_price", r"The ticket was {PRICE}\."),
    # bound_from
    _Clause(
        "bf_intro",
        r"{NAME} paid {PRICE} for an? {CLS} class seat on an? {D}-bound flight from {O}\.",
    ),
    _Clause("bf_header", r"Luggage:"),
    _Clause("bf_item", r"(?P<num>\d+)\. {BAG}(?P<carry> \(carry-on\))?: {DIMS}, {WT}"),
    # ticket_first_inline
    _Clause("ti_ticket", r"Ticket: {PRICE}, {CLS} class\."),
    _Clause("ti_route", r"{NAME} is leaving {O} and landing in {D}\."),
    _Clause("ti_header", r"Bags, carry-on first:", first_is_carry=True),
    _Clause("ti_item", r"(?P<l>\d+) ?x ?(?P<w>\d+) ?x ?(?P<h>\d+) ?in / {WT} \({BAG}\)[;.]"),
    # labeled_dims
    _Clause("ld_intro", r"{NAME} will fly {CLS} class from {O} to {D} on an? {PRICE} ticket\."),
    _Clause(
        "ld_carry",
        r"Carry-on: {BAG}, length (?P<l>\d+) in, width (?P<w>\d+) in, height (?P<h>\d+) in, weight {WT}\.",
        role="carry",
    ),
    _Clause(
        "ld_checked",
        r"Checked bag (?P<num>\d+): {BAG}, length (?P<l>\d+) in, width (?P<w>\d+) in,"
        r" height (?P<h>\d+) in, weight {WT}\.",
        role="checked",
    ),
    # booking_summary
    _Clause(
        "bk_intro",
        r"Booking summary - passenger {NAME}, {CLS}(?: class)?, from {O} to {D}, fare {PRICE}\.",
    ),
    _Clause(
        "bk_header",
        r"Baggage list \({NITEMS} items, the first one is the carry-on\):",
        first_is_carry=True,
    ),
    _Clause("bk_item", r"\* {BAG}: {DIMS}; {WT}"),
    # itemized_inline
    _Clause(
        "ii_intro",
        r"{NAME}, traveling {CLS} class from {O} to {D} \({PRICE} ticket\), has these items:",
    ),
    _Clause("ii_item", r"\((?P<num>\d+)\) an? {BAG}, {DIMS}, {WT}[;.]"),
    _Clause("ii_carry", r"The first item is a carry-on\.", first_is_carry=True),
)


def _expand(pattern: str, city: str) -> str:
    fragments = {**_FRAGMENTS, "O": f"(?P<o>{city})", "D": f"(?P<d>{city})"}
    body = re.sub(r"\{([A-Z]+)\}", lambda m: fragments[m.group(1)], pattern)
    # A clause ends at whitespace or the end of the text, never mid-word.
    return body + r"(?=\s|$)"


@cache
def _compiled() -> tuple[
    list[tuple[_Clause, re.Pattern[str]]], list[tuple[_Clause, re.Pattern[str]]]
]:
    known = "|".join(re.escape(s) for s in city_spellings())
    strict = [(c, re.compile(_expand(c.pattern, known), re.IGNORECASE)) for c in _CLAUSES]
    loose = [
        (c, re.compile(_expand(c.pattern, _LOOSE_CITY), re.IGNORECASE))
        for c in _CLAUSES
        if "{O}" in c.pattern
    ]
    return strict, loose


@dataclass
class _Item:
    clause: str
    number: int | None
    name: str
    size: tuple[int, int, int]
    weight: int
    role: Literal["carry", "checked"] | None


@dataclass
class _State:
    names: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    routes: set[tuple[str, str]] = field(default_factory=set)
    prices: set[int] = field(default_factory=set)
    items: list[_Item] = field(default_factory=list)
    declared_items: set[int] = field(default_factory=set)
    declared_checked: set[int] = field(default_factory=set)
    first_is_carry: bool = False
    in_table: bool = False


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("×", "x"), ("–", "-"), ("—", "-"), ("−", "-"), ("’", "'"), ("‘", "'")):
        text = text.replace(a, b)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(lines).strip()


def _money(raw: str) -> int:
    amount = re.sub(r"US\$|USD|\$|dollars", "", raw, flags=re.IGNORECASE).strip().replace(",", "")
    whole, _, cents = amount.partition(".")
    if cents and int(cents) != 0:
        raise ParseDeclined(f"the ticket price {raw!r} has cents; prices are whole dollars")
    return int(whole)


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else _NUMBER_WORDS[raw.lower()]


def _class_name(raw: str) -> str:
    return _CLASS_KEYS[raw.lower().replace("-", " ")]


def _absorb(clause: _Clause, m: re.Match[str], state: _State) -> None:
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    if clause.needs_table and not state.in_table:
        raise ParseDeclined("a table row appears without the table header that gives its units")
    if clause.starts_table:
        state.in_table = True
    if "name" in g:
        state.names.add(g["name"])
    if "cls" in g:
        state.classes.add(_class_name(g["cls"]))
    if "o" in g:
        state.routes.add((lookup_city(g["o"]).name, lookup_city(g["d"]).name))
    if "price" in g:
        state.prices.add(_money(g["price"]))
    if "n_items" in g:
        state.declared_items.add(_count(g["n_items"]))
    if "n_checked" in g:
        state.declared_checked.add(_count(g["n_checked"]))
    state.first_is_carry |= clause.first_is_carry
    if "wt" in g:
        role = "carry" if "carry" in g else clause.role
        state.items.append(
            _Item(
                clause=clause.name,
                number=int(g["num"]) if "num" in g else None,
                name=g["bname"].lower(),
                size=(int(g["l"]), int(g["w"]), int(g["h"])),
                weight=int(g["wt"]),
                role=role,
            )
        )


def _explain_failure(text: str, pos: int) -> ParseDeclined:
    _, loose = _compiled()
    for _clause, pattern in loose:
        m = pattern.match(text, pos)
        if m:
            for city in (m.group("o"), m.group("d")):
                if not is_known_city(city):
                    return ParseDeclined(f"unknown city {city!r}")
    snippet = text[pos : pos + 60].replace("\n", " ")
    return ParseDeclined(f"unrecognised phrasing at {snippet!r}")


def _scan(text: str) -> _State:
    strict, _ = _compiled()
    state = _State()
    pos = 0
    skip_space = re.compile(r"\s*")
    while True:
        pos = skip_space.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            return state
        best: tuple[_Clause, re.Match[str]] | None = None
        for clause, pattern in strict:
            m = pattern.match(text, pos)
            if m and (best is None or m.end() > best[1].end()):
                best = (clause, m)
        if best is None:
            raise _explain_failure(text, pos)
        _absorb(best[0], best[1], state)
        pos = best[1].end()


def _one(values: set[T], what: str, missing: str) -> T:
    if not values:
        raise ParseDeclined(missing)
    if len(values) > 1:
        shown = ", ".join(sorted(map(str, values)))
        raise ParseDeclined(f"conflicting {what}: {shown}")
    return next(iter(values))


def _check_numbering(items: list[_Item]) -> None:
    by_clause: dict[str, list[int | None]] = {}
    for item in items:
        by_clause.setdefault(item.clause, []).append(item.number)
    for numbers in by_clause.values():
        if all(n is None for n in numbers):
            continue
        if any(n is None for n in numbers) or numbers != list(range(1, len(numbers) + 1)):
            shown = ", ".join(str(n) for n in numbers)
            raise ParseDeclined(
                f"bag numbers are not 1, 2, 3, ... in order ({shown}); the bag count is ambiguous"
            )


def _split_carry_on(state: _State) -> tuple[_Item, list[_Item]]:
    items = state.items
    if not items:
        raise ParseDeclined("no bags listed")
    carry = [i for i in items if i.role == "carry"]
    if len(carry) > 1:
        raise ParseDeclined(f"{len(carry)} items are marked as the carry-on")
    unlabeled_clauses = {i.clause for i in items if i.role is None}
    if len(unlabeled_clauses) > 1:
        raise ParseDeclined(
            "the bags are listed in several different formats; which list is which is unclear"
        )
    if carry:
        carry_item = carry[0]
        if state.first_is_carry and items[0] is not carry_item:
            raise ParseDeclined(
                "the text says the first item is the carry-on, but another item is marked carry-on"
            )
        return carry_item, [i for i in items if i is not carry_item]
    if any(i.role == "checked" for i in items):
        raise ParseDeclined("checked bags are listed but no carry-on is identified")
    # RuleArena's convention (and the stated one in the other phrasings): item 1 is the carry-on.
    return items[0], items[1:]


def parse_problem(text: str) -> AirlineInfo:
    """The fee-relevant facts of a passenger's text, or ``ParseDeclined`` with the reason.

    Reads only ``text``. The first bag of the result is the carry-on.
    """
    if not text or not text.strip():
        raise ParseDeclined("the text is empty")
    try:
        state = _scan(_normalize(text))
    except UnknownCityError as e:
        raise ParseDeclined(str(e)) from e
    if len(state.names) > 1:
        raise ParseDeclined(f"more than one passenger name: {', '.join(sorted(state.names))}")
    cabin_class = _one(state.classes, "cabin classes", "no cabin class found")
    origin, destination = _one(state.routes, "routes", "no origin and destination found")
    price = _one(state.prices, "ticket prices", "no ticket price found")
    _check_numbering(state.items)
    carry, checked = _split_carry_on(state)
    total = 1 + len(checked)
    if state.declared_items and state.declared_items != {total}:
        raise ParseDeclined(
            f"the text announces {_one(state.declared_items, 'item counts', '')} items but lists {total}"
        )
    if state.declared_checked and state.declared_checked != {len(checked)}:
        announced = _one(state.declared_checked, "checked-bag counts", "")
        raise ParseDeclined(f"the text announces {announced} checked bags but lists {len(checked)}")
    try:
        routine, direction = region_of_route(origin, destination)
    except UnsupportedRouteError as e:
        raise ParseDeclined(str(e)) from e
    bags = [
        Bag(id=n, name=item.name, size=item.size, weight=item.weight)
        for n, item in enumerate([carry, *checked], start=1)
    ]
    return AirlineInfo(
        base_price=price,
        customer_class=cabin_class,  # type: ignore[arg-type]
        routine=routine,
        direction=direction,
        bag_list=bags,
    )
