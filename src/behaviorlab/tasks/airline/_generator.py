"""Seeded problem generator: RuleArena-shaped parameters rendered in many phrasings.

Parameters (route, class, price, bags) depend only on ``(seed, level, i)``,
not on the template list, so the same seed rendered with two template sets
gives the same problems phrased differently: a paired robustness comparison.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from behaviorlab.tasks.airline._calculator import compute_fee
from behaviorlab.tasks.airline._data import NUMBER_WORDS, AirlineInfo, AirlineProblem, Bag
from behaviorlab.tasks.airline._geo import cities_in, region_of_route
from behaviorlab.tasks.airline._rules import CABIN_CLASSES, Region

# Items per problem (carry-on included) by level, as in RuleArena (5 / 8 / 11).
ITEMS_BY_LEVEL = {0: 5, 1: 8, 2: 11}
# RuleArena gives fewer items on some routes: Cuba has no 3rd-bag fee row, and
# Mexico / South America problems stop at 6 items.
MAX_ITEMS_BY_REGION: dict[str, int] = {"Cuba": 3, "Mexico": 6, "South America": 6}

# Region frequencies of the 300 RuleArena problems (small ones floored at 2).
REGION_WEIGHTS: dict[Region, int] = {
    "U.S.": 99, "Europe": 51, "China": 34, "Canada": 22, "Japan": 14, "India": 12,
    "Australia": 8, "South Korea": 7, "New Zealand": 6, "Ecuador": 6, "Haiti": 6,
    "Panama": 5, "Peru": 5, "Hong Kong": 5, "Mexico": 4, "Puerto Rico": 4,
    "South America": 4, "Qatar": 3, "Israel": 2, "Cuba": 2, "Colombia": 2,
}  # fmt: skip

# Ticket price ranges (USD) by region, as observed in RuleArena.
PRICE_RANGES: dict[Region, tuple[int, int]] = {
    "U.S.": (30, 300), "Puerto Rico": (150, 300), "Canada": (100, 390), "Mexico": (100, 170),
    "Cuba": (160, 190), "Haiti": (50, 100), "Panama": (160, 200), "Colombia": (250, 320),
    "Ecuador": (300, 580), "Peru": (260, 560), "South America": (550, 1110),
    "Israel": (860, 1120), "Qatar": (1000, 1170), "Europe": (160, 700), "India": (310, 680),
    "China": (520, 1500), "Japan": (310, 600), "South Korea": (350, 580),
    "Hong Kong": (1050, 1420), "Australia": (480, 920), "New Zealand": (800, 910),
}  # fmt: skip

PASSENGER_NAMES = (
    "Daniel", "Elizabeth", "Robert", "Jennifer", "William", "Jessica", "Joseph", "Patricia",
    "Michael", "Emily", "Sarah", "Susan", "Thomas", "Linda", "James", "Mary", "John", "Karen",
    "David", "Charles", "Olivia", "Noah", "Ava", "Liam", "Sophia", "Ethan", "Mia", "Lucas",
    "Grace", "Henry", "Chloe", "Oscar", "Nina", "Victor", "Priya", "Mateo", "Aisha", "Kenji",
    "Ingrid", "Omar",
)  # fmt: skip
CHECKED_NAMES = ("backpack", "luggage box")


@dataclass(frozen=True)
class Scenario:
    """The facts of one problem before phrasing."""

    passenger: str
    origin: str
    destination: str
    info: AirlineInfo


def _dims_for_total(rng: random.Random, total: int) -> tuple[int, int, int]:
    # RuleArena bags run about 33-55 x 11-38 x 9-31 in.
    for _ in range(200):
        length = rng.randint(33, min(55, total - 20))
        width = rng.randint(11, min(38, total - length - 9))
        height = total - length - width
        if 9 <= height <= 31 and height <= width + 4:
            return (length, width, height)
    return (total - 22, 12, 10)


def _checked_bag(rng: random.Random, bag_id: int) -> Bag:
    w = rng.random()
    weight = (
        rng.randint(51, 60)
        if w < 0.52
        else rng.randint(61, 70)
        if w < 0.74
        else rng.randint(71, 100)
    )
    total = rng.randint(63, 70) if rng.random() < 0.55 else rng.randint(71, 115)
    return Bag(
        id=bag_id, name=rng.choice(CHECKED_NAMES), size=_dims_for_total(rng, total), weight=weight
    )


def sample_scenario(rng: random.Random, level: int) -> Scenario:
    """One problem's parameters, drawn like RuleArena's (level sets the number of bags)."""
    regions = list(REGION_WEIGHTS)
    region = rng.choices(regions, weights=[REGION_WEIGHTS[r] for r in regions])[0]
    us_cities = [c.name for c in cities_in("U.S.")]
    direction = rng.randint(0, 1)
    if region == "U.S.":
        origin, destination = rng.sample(us_cities, 2)
    else:
        us_city, other = rng.choice(us_cities), rng.choice(cities_in(region)).name
        origin, destination = (us_city, other) if direction == 0 else (other, us_city)
    routine, direction = region_of_route(origin, destination)
    n_items = min(ITEMS_BY_LEVEL[level], MAX_ITEMS_BY_REGION.get(region, 99))
    carry = Bag(
        id=1,
        name="backpack",
        size=(rng.randint(18, 22), rng.randint(11, 14), rng.randint(6, 9)),
        weight=rng.randint(5, 12),
    )
    bags = [carry] + [_checked_bag(rng, i) for i in range(2, n_items + 1)]
    low, high = PRICE_RANGES[region]
    info = AirlineInfo(
        base_price=rng.randint(low, high),
        customer_class=rng.choice(CABIN_CLASSES),
        routine=routine,
        direction=direction,
        bag_list=bags,
    )
    return Scenario(rng.choice(PASSENGER_NAMES), origin, destination, info)


# ---- phrasing helpers -------------------------------------------------------


def _price(rng: random.Random, p: int, styles: Sequence[str]) -> str:
    style = rng.choice(styles)
    grouped = f"{p:,}" if rng.random() < 0.5 else str(p)
    return {
        "dollar": f"${grouped}",
        "dollar_cents": f"${grouped}.00",
        "usd_after": f"{grouped} USD",
        "usd_before": f"USD {grouped}.00",
        "dollars": f"{grouped} dollars",
        "us_dollar": f"US${grouped}",
    }[style]


def _cls(rng: random.Random, name: str) -> str:
    return rng.choice((name, name.lower(), name.lower().replace(" ", "-")))


def _dims_style(rng: random.Random, styles: Sequence[str]) -> Callable[[Bag], str]:
    """One size format per text, as a person would keep it."""
    style = rng.choice(styles)

    def fmt(b: Bag) -> str:
        a, b_, c = b.size
        return {
            "x_inches": f"{a} x {b_} x {c} inches",
            "x_in": f"{a}x{b_}x{c} in",
            "x_in_spaced": f"{a} x {b_} x {c} in",
            "by": f"{a} by {b_} by {c} inches",
        }[style]

    return fmt


def _weight_style(
    rng: random.Random, units: Sequence[str] = ("lbs", "lb", "pounds")
) -> Callable[[Bag], str]:
    unit = rng.choice(units)
    return lambda b: f"{b.weight} {unit}"


def _count(rng: random.Random, n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) and rng.random() < 0.5 else str(n)


def _prose_join(parts: list[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


Template = Callable[[Scenario, random.Random], str]


# ---- training templates -----------------------------------------------------


def _t_rulearena(s: Scenario, rng: random.Random) -> str:
    i = s.info
    lines = [
        f"{n}. A {b.name}: {b.size[0]} x {b.size[1]} x {b.size[2]} inches, {b.weight} lbs;"
        for n, b in enumerate(i.bag_list, start=1)
    ]
    return (
        f"{s.passenger} is a {i.customer_class} Class passenger flying from {s.origin} to "
        f"{s.destination} with the following items:\n" + "\n".join(lines) + "\n\n"
        f"{s.passenger}'s flight ticket is ${i.base_price}."
    )


def _t_numbered_compact(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_in", "x_inches")), _weight_style(rng, ("lb", "lbs"))
    lines = [f"{n}) {b.name}, {dims(b)}, {weight(b)}" for n, b in enumerate(i.bag_list, 1)]
    return (
        f"{s.passenger} ({_cls(rng, i.customer_class)} class) is flying from {s.origin} to {s.destination}.\n"
        f"Ticket price: {_price(rng, i.base_price, ('dollar', 'usd_after', 'dollar_cents'))}.\n"
        "Items (item 1 is the carry-on):\n" + "\n".join(lines)
    )


def _t_departing_dash(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_in_spaced", "x_in")), _weight_style(rng, ("lbs", "pounds"))
    lines = [f"- a {b.name}: {dims(b)}, {weight(b)}" for b in i.bag_list]
    return (
        f"{s.passenger} is departing {s.origin} for {s.destination} in {_cls(rng, i.customer_class)} class "
        f"and is bringing {_count(rng, len(i.bag_list))} items (the first item is the carry-on):\n"
        + "\n".join(lines)
        + f"\nThe ticket cost {_price(rng, i.base_price, ('dollar', 'dollars'))}."
    )


def _t_bag_sentences(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("by",)), _weight_style(rng)
    bags = " ".join(
        f"Bag {n} is a {b.name} measuring {dims(b)} and weighing {weight(b)}."
        for n, b in enumerate(i.bag_list, 1)
    )
    return (
        f"{s.passenger} has a {_cls(rng, i.customer_class)} class ticket from {s.origin} to {s.destination} "
        f"that cost {_price(rng, i.base_price, ('dollar', 'us_dollar'))}. {bags} "
        "Bag 1 is carried on board; the rest are checked."
    )


def _t_table(s: Scenario, rng: random.Random) -> str:
    i = s.info
    cabin = rng.choice((i.customer_class, f"{i.customer_class} class", i.customer_class.lower()))
    rows = [
        f"| {n} | {b.name}{' (carry-on)' if n == 1 else ''} | {b.size[0]} x {b.size[1]} x {b.size[2]} | {b.weight} |"
        for n, b in enumerate(i.bag_list, 1)
    ]
    return (
        f"Passenger: {s.passenger}\nCabin: {cabin}\nRoute: {s.origin} to {s.destination}\n"
        f"Fare: {_price(rng, i.base_price, ('dollar', 'usd_before', 'usd_after'))}\n\n"
        "| # | item | size (in) | weight (lb) |\n|---|---|---|---|\n" + "\n".join(rows)
    )


def _t_prose_carry_on(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_inches", "x_in")), _weight_style(rng, ("lbs", "pounds"))
    c = i.carry_on
    checked = [f"a {b.name} ({dims(b)}, {weight(b)})" for b in i.checked_bags]
    k = len(checked)
    return (
        f"{s.passenger} is a {i.customer_class} Class passenger on a flight departing {s.origin} for "
        f"{s.destination}. {s.passenger} brings a carry-on {c.name} ({dims(c)}, {weight(c)}) "
        f"and {_count(rng, k)} checked bag{'s' if k != 1 else ''}: {_prose_join(checked)}. "
        f"The ticket was {_price(rng, i.base_price, ('dollar', 'dollar_cents', 'usd_after'))}."
    )


def _t_bound_from(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_inches", "x_in")), _weight_style(rng, ("lbs", "pounds"))
    lines = [
        f"{n}. {b.name}{' (carry-on)' if n == 1 else ''}: {dims(b)}, {weight(b)}"
        for n, b in enumerate(i.bag_list, 1)
    ]
    return (
        f"{s.passenger} paid {_price(rng, i.base_price, ('dollar', 'usd_after', 'dollars'))} for a "
        f"{_cls(rng, i.customer_class)} class seat on a {s.destination}-bound flight from {s.origin}. "
        "Luggage:\n" + "\n".join(lines)
    )


def _t_ticket_first_inline(s: Scenario, rng: random.Random) -> str:
    i = s.info
    weight = _weight_style(rng, ("lb", "lbs"))
    items = "; ".join(
        f"{b.size[0]}x{b.size[1]}x{b.size[2]} in / {weight(b)} ({b.name})" for b in i.bag_list
    )
    return (
        f"Ticket: {_price(rng, i.base_price, ('dollar', 'usd_before', 'us_dollar'))}, "
        f"{_cls(rng, i.customer_class)} class. {s.passenger} is leaving {s.origin} and landing in "
        f"{s.destination}. Bags, carry-on first: {items}."
    )


def _t_labeled_dims(s: Scenario, rng: random.Random) -> str:
    i = s.info

    def fields(b: Bag) -> str:
        return f"{b.name}, length {b.size[0]} in, width {b.size[1]} in, height {b.size[2]} in, weight {b.weight} lbs."

    lines = [f"Carry-on: {fields(i.carry_on)}"]
    lines += [f"Checked bag {n}: {fields(b)}" for n, b in enumerate(i.checked_bags, 1)]
    return (
        f"{s.passenger} will fly {_cls(rng, i.customer_class)} class from {s.origin} to {s.destination} on a "
        f"{_price(rng, i.base_price, ('dollar', 'usd_after'))} ticket.\n" + "\n".join(lines)
    )


def _t_booking_summary(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("by", "x_inches")), _weight_style(rng)
    lines = [f"* {b.name}: {dims(b)}; {weight(b)}" for b in i.bag_list]
    cabin = rng.choice((i.customer_class, f"{i.customer_class} class"))
    return (
        f"Booking summary - passenger {s.passenger}, {cabin}, from {s.origin} to {s.destination}, "
        f"fare {_price(rng, i.base_price, ('usd_before', 'usd_after'))}.\n"
        f"Baggage list ({_count(rng, len(i.bag_list))} items, the first one is the carry-on):\n"
        + "\n".join(lines)
    )


def _t_itemized_inline(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_inches", "x_in")), _weight_style(rng, ("lbs", "lb"))
    items = "; ".join(
        f"({n}) a {b.name}, {dims(b)}, {weight(b)}" for n, b in enumerate(i.bag_list, 1)
    )
    return (
        f"{s.passenger}, traveling {_cls(rng, i.customer_class)} class from {s.origin} to {s.destination} "
        f"({_price(rng, i.base_price, ('dollar', 'usd_after'))} ticket), has these items: {items}. "
        "The first item is a carry-on."
    )


# ---- held-out templates (phrasings a parser tuned on the above has not seen) --


def _h_to_from_reversed(s: Scenario, rng: random.Random) -> str:
    i = s.info
    lines = [
        f"{n}. A {b.name}: {b.size[0]} x {b.size[1]} x {b.size[2]} inches, {b.weight} lbs;"
        for n, b in enumerate(i.bag_list, 1)
    ]
    return (
        f"{s.passenger} is flying to {s.destination} from {s.origin} in {_cls(rng, i.customer_class)} class "
        "with these items:\n"
        + "\n".join(lines)
        + f"\n\nThe fare was {_price(rng, i.base_price, ('dollar',))}."
    )


def _h_checked_first(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_inches", "x_in")), _weight_style(rng)
    lines = [f"{n}. {b.name}: {dims(b)}, {weight(b)}" for n, b in enumerate(i.checked_bags, 1)]
    c = i.carry_on
    return (
        f"Checked luggage for {s.passenger} ({_cls(rng, i.customer_class)} class, {s.origin} to {s.destination}):\n"
        + "\n".join(lines)
        + f"\nCarry-on: a {c.name}, {dims(c)}, {weight(c)}.\n"
        f"Ticket price: {_price(rng, i.base_price, ('dollar', 'usd_after'))}."
    )


def _h_weight_first(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("by",)), _weight_style(rng, ("pounds", "lbs"))
    items = "; ".join(
        f"a {b.name} weighing {weight(b)} and measuring {dims(b)}" for b in i.bag_list
    )
    return (
        f"{s.passenger} ({_cls(rng, i.customer_class)}) flies from {s.origin} to {s.destination}; ticket "
        f"{_price(rng, i.base_price, ('dollar', 'usd_after'))}. Items, carry-on first: {items}."
    )


def _h_csv_block(s: Scenario, rng: random.Random) -> str:
    i = s.info
    rows = [
        f"{n},{b.name},{b.size[0]},{b.size[1]},{b.size[2]},{b.weight},{'yes' if n == 1 else 'no'}"
        for n, b in enumerate(i.bag_list, 1)
    ]
    return (
        "passenger,class,origin,destination,fare_usd\n"
        f"{s.passenger},{i.customer_class},{s.origin},{s.destination},{i.base_price}\n\n"
        "item,kind,length_in,width_in,height_in,weight_lb,carry_on\n" + "\n".join(rows)
    )


def _h_first_person(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_in", "x_inches")), _weight_style(rng, ("lbs", "pounds"))
    c = i.carry_on
    checked = [f"a {b.name} ({dims(b)}, {weight(b)})" for b in i.checked_bags]
    return (
        f"Hi, I'm {s.passenger}. I booked a {_cls(rng, i.customer_class)} class ticket for "
        f"{_price(rng, i.base_price, ('dollar', 'dollars'))} and I'm heading out of {s.origin} to {s.destination}. "
        f"I'll keep a {c.name} ({dims(c)}, {weight(c)}) with me and check {_prose_join(checked)}."
    )


def _h_arrow_route(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims = _dims_style(rng, ("x_in_spaced", "x_in"))
    items = "; ".join(f"[{dims(b)}, {b.weight} lbs] {b.name}" for b in i.bag_list)
    return (
        f"{s.origin} → {s.destination} · {i.customer_class} · {_price(rng, i.base_price, ('dollar', 'usd_before'))}\n"
        f"Traveller: {s.passenger}\nBags (first = cabin bag): {items}"
    )


# ---- augmentation templates (L1 training data only) ------------------------
# They move the facts around (header fields in any order, weight before size, the carry-on
# last, one column per dimension, sentences shuffled) so that a model trained on them learns
# to copy by meaning, not by position.  The L0 parser is not built for them, and none is a
# held-out phrasing: the held-out set keeps measuring text no training run has seen.


def _a_key_values(s: Scenario, rng: random.Random) -> str:
    i = s.info
    header = [
        (rng.choice(("name", "passenger", "traveler")), s.passenger),
        (rng.choice(("cabin", "class", "seat class")), _cls(rng, i.customer_class)),
        (rng.choice(("from", "origin", "departure city")), s.origin),
        (rng.choice(("to", "destination", "arrival city")), s.destination),
        (
            rng.choice(("fare", "price", "ticket")),
            _price(rng, i.base_price, ("dollar", "usd_after", "dollars", "dollar_cents")),
        ),
    ]
    rng.shuffle(header)
    weight_first, carry_last = rng.random() < 0.5, rng.random() < 0.4

    def item(b: Bag, role: str) -> str:
        size = [f"length {b.size[0]} in", f"width {b.size[1]} in", f"height {b.size[2]} in"]
        fields = [*size, f"weight {b.weight} lb"]
        if weight_first:
            fields = fields[3:] + fields[:3]
        return f"- {b.name} ({role}): " + ", ".join(fields)

    lines = [item(b, "checked") for b in i.checked_bags]
    carry = item(i.carry_on, "carry-on")
    lines = [*lines, carry] if carry_last else [carry, *lines]
    return "\n".join(f"{k}: {v}" for k, v in header) + "\nitems:\n" + "\n".join(lines)


def _a_weight_first_lines(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_in", "x_inches", "by")), _weight_style(rng)
    lines = [f"#{n}: {weight(b)}; {dims(b)}; {b.name}" for n, b in enumerate(i.bag_list, start=1)]
    return (
        f"{s.passenger}, {_cls(rng, i.customer_class)} class, {s.origin} to {s.destination}, "
        f"paid {_price(rng, i.base_price, ('dollar', 'usd_after', 'us_dollar'))}.\n"
        "Items by weight and size (#1 stays in the cabin):\n" + "\n".join(lines)
    )


def _a_checked_then_cabin(s: Scenario, rng: random.Random) -> str:
    i = s.info
    dims, weight = _dims_style(rng, ("x_inches", "x_in", "by")), _weight_style(rng)
    c = i.carry_on
    if rng.random() < 0.5:
        checked = [f"a {b.name} of {dims(b)} weighing {weight(b)}" for b in i.checked_bags]
        bags = f"Bags to check: {'; '.join(checked)}."
    else:
        bags = "Bags to check:\n" + "\n".join(
            f"- {weight(b)}, {dims(b)} ({b.name})" for b in i.checked_bags
        )
    return (
        f"{s.passenger} booked {_cls(rng, i.customer_class)} class from {s.origin} to {s.destination} "
        f"for {_price(rng, i.base_price, ('dollar', 'dollars', 'usd_before'))}. {bags}\n"
        f"Carry-on (stays in the cabin): a {c.name}, {dims(c)}, {weight(c)}."
    )


def _a_numbered_checked_then_cabin(s: Scenario, rng: random.Random) -> str:
    # the checked bags numbered from 1 apart from the carry-on (the extraction copies those
    # numbers: ``CHECKED_NUMBERED_FROM_ONE``), the carry-on before or after them
    i = s.info
    dims, weight = _dims_style(rng, ("x_inches", "x_in", "by")), _weight_style(rng)
    label = rng.choice(("Bag {n}:", "#{n}", "({n})", "{n})", "Checked item {n} -"))
    weight_first = rng.random() < 0.5

    def line(n: int, b: Bag) -> str:
        figures = f"{weight(b)}, {dims(b)}" if weight_first else f"{dims(b)}, {weight(b)}"
        return f"{label.format(n=n)} {b.name}, {figures}"

    checked = "\n".join(line(n, b) for n, b in enumerate(i.checked_bags, start=1))
    c = i.carry_on
    carry = f"In the cabin: a {c.name} ({dims(c)}, {weight(c)})."
    head = (
        f"{s.passenger} travels {_cls(rng, i.customer_class)} class, leaving {s.origin} for "
        f"{s.destination}, fare {_price(rng, i.base_price, ('dollar', 'usd_after', 'dollars'))}."
    )
    body = f"Checked ({_count(rng, len(i.checked_bags))}):\n{checked}"
    parts = [head, carry, body] if rng.random() < 0.5 else [head, body, carry]
    return "\n".join(parts)


def _a_delimited_rows(s: Scenario, rng: random.Random) -> str:
    i = s.info
    sep = rng.choice(("; ", "\t", " / "))
    head = [
        ("traveller", s.passenger),
        ("class", i.customer_class),
        ("leaving", s.origin),
        ("going to", s.destination),
        ("paid", str(i.base_price) if rng.random() < 0.5 else f"${i.base_price}"),
    ]
    rng.shuffle(head)
    weight_first = rng.random() < 0.5
    cols = ["lbs", "L", "W", "H"] if weight_first else ["L", "W", "H", "lbs"]

    def row(n: int, b: Bag) -> str:
        vals = (
            [str(b.weight), *map(str, b.size)]
            if weight_first
            else [*map(str, b.size), str(b.weight)]
        )
        return sep.join([str(n), b.name, *vals])

    return (
        sep.join(k for k, _ in head) + "\n" + sep.join(v for _, v in head) + "\n\n"
        f"bags (inches, pounds; no. 1 is carried on):\n{sep.join(['no.', 'bag', *cols])}\n"
        + "\n".join(row(n, b) for n, b in enumerate(i.bag_list, start=1))
    )


def _a_scrambled_sentences(s: Scenario, rng: random.Random) -> str:
    i, p = s.info, s.passenger
    dims, weight = _dims_style(rng, ("x_inches", "x_in", "by")), _weight_style(rng)
    weight_first = rng.random() < 0.5

    def bag(b: Bag) -> str:
        if weight_first:
            return f"a {b.name} that weighs {weight(b)} and is {dims(b)}"
        return f"a {b.name}, {dims(b)} and {weight(b)}"

    route = rng.choice(
        (
            f"The flight goes from {s.origin} to {s.destination}.",
            f"{p} leaves {s.origin} for {s.destination}.",
            f"Departure: {s.origin}. Arrival: {s.destination}.",
            f"The trip ends in {s.destination}; it starts in {s.origin}.",
        )
    )
    cabin = rng.choice(
        (f"{p} is booked in {_cls(rng, i.customer_class)} class.", f"Cabin: {i.customer_class}.")
    )
    price = rng.choice(
        (
            f"The ticket cost {_price(rng, i.base_price, ('dollar', 'dollars'))}.",
            f"{p} paid {_price(rng, i.base_price, ('dollar', 'usd_after'))} for the ticket.",
        )
    )
    carry = f"{p}'s carry-on is {bag(i.carry_on)}."
    checked = f"Checked: {'; '.join(bag(b) for b in i.checked_bags)}."
    bags = [carry, checked] if rng.random() < 0.5 else [checked, carry]
    facts = [route, cabin, price]
    rng.shuffle(facts)
    cut = rng.randint(0, 3)
    return " ".join([*facts[:cut], *bags, *facts[cut:]])


TEMPLATES: dict[str, Template] = {
    "rulearena": _t_rulearena,
    "numbered_compact": _t_numbered_compact,
    "departing_dash": _t_departing_dash,
    "bag_sentences": _t_bag_sentences,
    "table": _t_table,
    "prose_carry_on": _t_prose_carry_on,
    "bound_from": _t_bound_from,
    "ticket_first_inline": _t_ticket_first_inline,
    "labeled_dims": _t_labeled_dims,
    "booking_summary": _t_booking_summary,
    "itemized_inline": _t_itemized_inline,
    "to_from_reversed": _h_to_from_reversed,
    "checked_first": _h_checked_first,
    "weight_first": _h_weight_first,
    "csv_block": _h_csv_block,
    "first_person": _h_first_person,
    "arrow_route": _h_arrow_route,
    "key_values": _a_key_values,
    "weight_first_lines": _a_weight_first_lines,
    "checked_then_cabin": _a_checked_then_cabin,
    "delimited_rows": _a_delimited_rows,
    "scrambled_sentences": _a_scrambled_sentences,
    "numbered_checked_then_cabin": _a_numbered_checked_then_cabin,
}
HELDOUT_TEMPLATES: tuple[str, ...] = (
    "to_from_reversed",
    "checked_first",
    "weight_first",
    "csv_block",
    "first_person",
    "arrow_route",
)
AUGMENT_TEMPLATES: tuple[str, ...] = (
    "key_values",
    "weight_first_lines",
    "checked_then_cabin",
    "delimited_rows",
    "scrambled_sentences",
    "numbered_checked_then_cabin",
)
#: the phrasings the L0 parser is built for (and the default generated source)
TRAIN_TEMPLATES: tuple[str, ...] = tuple(
    t for t in TEMPLATES if t not in HELDOUT_TEMPLATES and t not in AUGMENT_TEMPLATES
)
#: everything a model may be trained on: never a held-out phrasing
L1_TRAIN_TEMPLATES: tuple[str, ...] = TRAIN_TEMPLATES + AUGMENT_TEMPLATES
ALL_TEMPLATES: tuple[str, ...] = tuple(TEMPLATES)


def render_prompt(scenario: Scenario, template: str, seed: int | str = 0) -> str:
    """The passenger text of ``scenario`` in the named phrasing (format details drawn from ``seed``)."""
    if template not in TEMPLATES:
        raise KeyError(f"unknown template {template!r}; known: {', '.join(TEMPLATES)}")
    return TEMPLATES[template](scenario, random.Random(f"render:{seed}:{template}"))


def generate_problems(
    n: int, *, seed: int, level: int, templates: Sequence[str] | None = None
) -> list[AirlineProblem]:
    """``n`` problems with RuleArena's level shape, each phrased by one of ``templates``.

    ``templates`` defaults to ``TRAIN_TEMPLATES``; each problem carries its
    ``info`` and the calculator's ``answer``. Deterministic for a given seed.
    """
    if level not in ITEMS_BY_LEVEL:
        raise ValueError(f"level must be one of {tuple(ITEMS_BY_LEVEL)}, got {level!r}")
    names = tuple(templates) if templates is not None else TRAIN_TEMPLATES
    if not names:
        raise ValueError("templates must name at least one template")
    unknown = [t for t in names if t not in TEMPLATES]
    if unknown:
        raise KeyError(f"unknown templates {unknown}; known: {', '.join(TEMPLATES)}")
    choose = random.Random(f"templates:{seed}:{level}")
    problems = []
    for index in range(n):
        scenario = sample_scenario(random.Random(f"scenario:{seed}:{level}:{index}"), level)
        template = choose.choice(names)
        prompt = render_prompt(scenario, template, seed=f"{seed}:{level}:{index}")
        problems.append(
            AirlineProblem(
                id=f"generated-s{seed}-L{level}-{index:04d}",
                level=level,
                index=index,
                prompt=prompt,
                info=scenario.info,
                answer=compute_fee(scenario.info).total,
                source="generated",
                template=template,
                origin=scenario.origin,
                destination=scenario.destination,
            )
        )
    return problems
