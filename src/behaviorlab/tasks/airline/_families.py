"""Compositional passenger texts: layouts ("families") built from parts, each part varied.

A text is a document kind (prose, a form, a one-line summary, a note, an e-mail, a chat)
wrapped around a bag listing (numbered lines, bullets, a markdown table or delimited rows
with any column order, one prose sentence, the carry-on apart from the numbered checked
bags, one sentence per bag, key=value records), and, in training families only, a markdown
page, a voicemail transcript or the listing before the facts around aligned plain-text
columns, one semicolon-separated line or one item per line with its figures indented below.
A *family* is one (document, listing) pair: a way of laying out the facts. Inside a family
everything else is drawn per text: the order of the trip facts, separators, size formats ("36 x 22 x 14 in", "36x22x14\"", "36 by 22 by
14 inches", "36 in long, 22 wide and 14 tall", "L 36 / W 22 / H 14"), weight before or after
the size, unit words, bag and class synonyms, where the carry-on stands (first, last, in the
middle) and how it is named, prices with thousands separators or currency words, and
distractor sentences with numbers of their own (flight numbers, dates, seats, phones).

Families are split whole (``FAMILY_SPLITS``): the test families share neither their
document kind nor their listing with any training family (a chat transcript; key=value
records), the dev families likewise (an e-mail; one sentence per bag), so a figure on them
measures reading, not recall of a layout. The test split is frozen: ``frozen_split("test")``
regenerates it from fixed seeds and ``SPLIT_HASHES`` holds the hash of its texts and
answers, checked by a test. Tune on dev; report test once per model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from behaviorlab.tasks.airline._calculator import compute_fee
from behaviorlab.tasks.airline._data import AirlineProblem, Bag
from behaviorlab.tasks.airline._generator import Scenario, _t_rulearena, sample_scenario

DOCS = ("prose", "form", "summary", "note", "email", "chat")
LISTINGS = ("numbered", "bullets", "table", "delimited", "inline", "split", "sentences", "records")
TEST_DOCS, TEST_LISTINGS = ("chat",), ("records",)
DEV_DOCS, DEV_LISTINGS = ("email",), ("sentences",)
#: parts only training families use (never paired with a dev or test part), so adding one
#: leaves the dev and test families, and the frozen splits, as they were
TRAIN_ONLY_DOCS = ("markdown", "voicemail", "listfirst")
TRAIN_ONLY_LISTINGS = ("columns", "semicolons", "nested")


def _split_of(doc: str, listing: str) -> str | None:
    """The split of the family (doc, listing); None where a training-only part meets a dev or
    test part (no family at all)."""
    split = "train"
    if doc in TEST_DOCS or listing in TEST_LISTINGS:
        split = "test"
    elif doc in DEV_DOCS or listing in DEV_LISTINGS:
        split = "dev"
    train_only = doc in TRAIN_ONLY_DOCS or listing in TRAIN_ONLY_LISTINGS
    return None if train_only and split != "train" else split


#: every (document, listing) pair, the training-only ones after the others
_PAIRS = [(d, s) for d in DOCS for s in LISTINGS] + [
    (d, s)
    for d in DOCS + TRAIN_ONLY_DOCS
    for s in LISTINGS + TRAIN_ONLY_LISTINGS
    if d in TRAIN_ONLY_DOCS or s in TRAIN_ONLY_LISTINGS
]


#: every family by split; "rulearena" is RuleArena's own layout (a training family: the
#: 300 RuleArena problems themselves are never training data)
FAMILY_SPLITS: dict[str, tuple[str, ...]] = {
    split: tuple(
        ([("rulearena")] if split == "train" else [])
        + [f"{d}/{s}" for d, s in _PAIRS if _split_of(d, s) == split]
    )
    for split in ("train", "dev", "test")
}
ALL_FAMILIES: tuple[str, ...] = tuple(f for fs in FAMILY_SPLITS.values() for f in fs)

#: the frozen evaluation sets: seed and problems per family and level
SPLIT_SEEDS = {"dev": 51_000, "test": 52_000}
PER_FAMILY_LEVEL = {"dev": 2, "test": 2}
#: ``split_digest(frozen_split(split))``, recorded in the commit that made the splits
SPLIT_HASHES = {
    "dev": "be2126685b9d25843993c52b0e02f9f8335b6b9030b0305919dc51d853b73479",
    "test": "94c5077f235296563ce148d932511b2a2c98d97c6d5755d35e513ddb42391eee",
}

# ---- wordings ------------------------------------------------------------------------

CHECKED_NAMES = (
    "suitcase", "luggage box", "duffel bag", "trunk", "hard-shell case", "backpack",
    "large suitcase", "travel box", "sports bag", "garment bag",
)  # fmt: skip
CARRY_NAMES = ("backpack", "laptop bag", "small roller", "tote bag", "daypack")
CARRY_MARKS = (
    "(carry-on)", "(carry-on bag)", "- carry-on", "(cabin bag)", "(stays with me in the cabin)",
    "(hand luggage)", "[carry-on]", "(I carry this one on board)",
)  # fmt: skip
CLASS_WORDS = {
    "Basic Economy": ("Basic Economy", "basic economy", "Basic Economy class"),
    "Main Cabin": ("Main Cabin", "main cabin", "Main Cabin class"),
    "Main Plus": ("Main Plus", "main plus", "Main Plus class"),
    "Premium Economy": ("Premium Economy", "premium economy", "Premium Economy class"),
    "Business": ("Business", "business class", "Business Class"),
    "First": ("First", "first class", "First Class"),
}
DISTRACTORS = (
    "My flight number is AA {a}{b}.",
    "Booking reference: Q{a}X{b}, seat {b}C.",
    "I land around {b}:{a:02d} local time.",
    "The trip is on {b}/{a}/2026.",
    "You can reach me at 555-01{a:02d}.",
    "I have {b} connections on the way back.",
    "I travel with {b} other people, but they have their own tickets.",
    "Gate {b}, boarding group {a}.",
)


@dataclass(frozen=True)
class Style:
    """The wording choices of one text."""

    size: Callable[[Bag], str]
    weight: Callable[[Bag], str]
    weight_first: bool
    price: str
    cls: str
    carry_at: int  # where the carry-on stands among the items
    carry_mark: str  # how it is named ("" = not named: the first item, as RuleArena does)
    distractors: tuple[str, ...]


def _size_fmt(rng: random.Random) -> Callable[[Bag], str]:
    unit = rng.choice(("inches", "in", "in.", '"', "", "inch"))
    u = f" {unit}" if unit and unit != '"' else unit
    kind = rng.choice(("x", "x_tight", "by", "times", "slash", "dims", "labels", "words"))

    def fmt(b: Bag) -> str:
        a, w, h = b.size
        return {
            "x": f"{a} x {w} x {h}{u}",
            "x_tight": f"{a}x{w}x{h}{u}",
            "by": f"{a} by {w} by {h}{u or ' inches'}",
            "times": f"{a} × {w} × {h}{u}",
            "slash": f"{a}/{w}/{h}{u}",
            "dims": f"L {a} / W {w} / H {h}{u}",
            "labels": f"length {a}, width {w}, height {h}{u or ' in'}",
            "words": f"{a}{u or ' in'} long, {w} wide and {h} tall",
        }[kind]

    return fmt


def _weight_fmt(rng: random.Random) -> Callable[[Bag], str]:
    unit = rng.choice(("lbs", "lb", "pounds", "lbs.", "lb."))
    kind = rng.choice(("plain", "plain", "weighs", "hyphen"))
    return lambda b: {
        "plain": f"{b.weight} {unit}",
        "weighs": f"weighs {b.weight} {unit}",
        "hyphen": f"{b.weight}-pound" if unit == "pounds" else f"{b.weight} {unit}",
    }[kind]


def _price_fmt(rng: random.Random, p: int) -> str:
    grouped = f"{p:,}" if rng.random() < 0.6 else str(p)
    return rng.choice(
        (
            f"${grouped}", f"${grouped}.00", f"{grouped} USD", f"USD {grouped}",
            f"{grouped} dollars", f"US${grouped}", f"{grouped}.00 US dollars", f"$ {grouped}",
        )
    )  # fmt: skip


def _style(rng: random.Random, s: Scenario) -> Style:
    n = len(s.info.bag_list)
    where = rng.random()
    carry_at = 0 if where < 0.55 else (n - 1 if where < 0.8 else rng.randrange(1, n))
    named = carry_at != 0 or rng.random() < 0.5
    k = rng.choice((0, 0, 1, 1, 2))
    distractors = tuple(
        rng.choice(DISTRACTORS).format(a=rng.randint(1, 59), b=rng.randint(2, 29)) for _ in range(k)
    )
    return Style(
        size=_size_fmt(rng),
        weight=_weight_fmt(rng),
        weight_first=rng.random() < 0.3,
        price=_price_fmt(rng, s.info.base_price),
        cls=rng.choice(CLASS_WORDS[s.info.customer_class]),
        carry_at=carry_at,
        carry_mark=rng.choice(CARRY_MARKS) if named else "",
        distractors=distractors,
    )


@dataclass(frozen=True)
class Item:
    name: str
    bag: Bag
    carry: bool


def _items(rng: random.Random, s: Scenario, st: Style) -> list[Item]:
    checked = [Item(rng.choice(CHECKED_NAMES), b, False) for b in s.info.checked_bags]
    carry = Item(rng.choice(CARRY_NAMES), s.info.carry_on, True)
    return [*checked[: st.carry_at], carry, *checked[st.carry_at :]]


def _figures(st: Style, it: Item) -> str:
    size, weight = st.size(it.bag), st.weight(it.bag)
    return f"{weight}, {size}" if st.weight_first else f"{size}, {weight}"


def _named(st: Style, it: Item) -> str:
    return f"{it.name} {st.carry_mark}" if it.carry and st.carry_mark else it.name


# ---- listings ------------------------------------------------------------------------


def _l_numbered(rng: random.Random, st: Style, items: list[Item]) -> str:
    label = rng.choice(("{n}.", "{n})", "#{n}", "Item {n}:", "({n})", "Bag {n} -"))
    sep = rng.choice((": ", " - ", ", "))
    return "\n".join(
        f"{label.format(n=n)} {_named(st, it)}{sep}{_figures(st, it)}"
        for n, it in enumerate(items, 1)
    )


def _l_bullets(rng: random.Random, st: Style, items: list[Item]) -> str:
    mark = rng.choice(("-", "*", "•"))
    sep = rng.choice((": ", " — ", ", ", " | "))
    return "\n".join(f"{mark} {_named(st, it)}{sep}{_figures(st, it)}" for it in items)


def _columns(rng: random.Random, st: Style) -> list[str]:
    dims = ["L", "W", "H"] if rng.random() < 0.5 else ["size"]
    cols = ["item", *dims, "weight"]
    if not st.carry_mark:
        cols = cols if rng.random() < 0.5 else ["#", *cols]
    elif rng.random() < 0.5:
        cols.append("carry-on")
    rng.shuffle(cols)
    return cols


def _cell(col: str, n: int, st: Style, it: Item, marked_apart: bool) -> str:
    b = it.bag
    return {
        "#": str(n),
        "item": it.name if marked_apart else _named(st, it),
        "L": str(b.size[0]),
        "W": str(b.size[1]),
        "H": str(b.size[2]),
        "size": st.size(b),
        "weight": str(b.weight),
        "carry-on": "yes" if it.carry else "no",
    }[col]


_HEAD = {
    "#": ("#", "no."),
    "item": ("item", "bag", "description"),
    "L": ("L (in)", "length", "len"),
    "W": ("W (in)", "width", "wid"),
    "H": ("H (in)", "height", "hgt"),
    "size": ("size", "dimensions", "size (in)"),
    "weight": ("weight (lb)", "lbs", "weight"),
    "carry-on": ("carry-on", "cabin?", "carried on"),
}


def _grid(rng: random.Random, st: Style, items: list[Item]) -> tuple[list[str], list[list[str]]]:
    """A table's header cells and its rows' cells, columns in a drawn order."""
    cols = _columns(rng, st)
    apart = "carry-on" in cols
    head = [rng.choice(_HEAD[c]) for c in cols]
    return head, [[_cell(c, n, st, it, apart) for c in cols] for n, it in enumerate(items, 1)]


def _l_table(rng: random.Random, st: Style, items: list[Item]) -> str:
    head, rows = _grid(rng, st, items)
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *lines])


def _l_delimited(rng: random.Random, st: Style, items: list[Item]) -> str:
    cols = _columns(rng, st)
    apart = "carry-on" in cols
    sep = rng.choice((",", ";", "\t", " | "))
    if sep == "," and "size" in cols:
        sep = ";"  # a size may be written with commas ("length 36, width 22, ...")
    head = [rng.choice(_HEAD[c]) for c in cols]
    rows = [sep.join(_cell(c, n, st, it, apart) for c in cols) for n, it in enumerate(items, 1)]
    return "\n".join([sep.join(head), *rows])


def _l_inline(rng: random.Random, st: Style, items: list[Item]) -> str:
    parts = [f"a {_named(st, it)} ({_figures(st, it)})" for it in items]
    joined = ", ".join(parts[:-1]) + ", and " + parts[-1] if len(parts) > 1 else parts[0]
    return rng.choice(("I'm bringing ", "Luggage: ", "The bags are ", "Items: ")) + joined + "."


def _l_split(rng: random.Random, st: Style, items: list[Item]) -> str:
    carry = next(it for it in items if it.carry)
    checked = [it for it in items if not it.carry]
    head = rng.choice(("Checked bags:", "To check in:", "Checked luggage", "Bags for the hold:"))
    lines = [f"{n}. {it.name}, {_figures(st, it)}" for n, it in enumerate(checked, 1)]
    cabin = rng.choice(("Carry-on", "In the cabin", "Hand luggage", "Cabin bag"))
    carry_line = f"{cabin}: {carry.name}, {_figures(st, carry)}"
    body = [head, *lines]
    return "\n".join([carry_line, *body] if rng.random() < 0.5 else [*body, carry_line])


def _l_sentences(rng: random.Random, st: Style, items: list[Item]) -> str:
    def one(it: Item, n: int) -> str:
        what = f"My {it.name}" if not it.carry else f"The {it.name} I keep with me"
        if it.carry and not st.carry_mark and n == 1:
            what = f"My {it.name}"
        size, weight = st.size(it.bag), st.weight(it.bag)
        w = weight if weight.startswith("weighs") else f"weighs {weight}"
        return f"{what} is {size} and {w}." if not st.weight_first else f"{what} {w} and is {size}."

    lines = [one(it, n) for n, it in enumerate(items, 1)]
    return "\n".join(lines) if rng.random() < 0.6 else " ".join(lines)


def _l_records(rng: random.Random, st: Style, items: list[Item]) -> str:
    eq = rng.choice(("=", ": "))

    def rec(n: int, it: Item) -> str:
        b = it.bag
        fields = [
            ("kind", it.name),
            ("length", str(b.size[0])),
            ("width", str(b.size[1])),
            ("height", str(b.size[2])),
            ("weight_lb", str(b.weight)),
        ]
        if it.carry:
            fields.append(("carry_on", "true"))
        order = (
            fields[:1]
            + (fields[4:5] + fields[1:4] if st.weight_first else fields[1:4] + fields[4:5])
            + fields[5:]
        )
        return f"bag{n} {{" + ", ".join(f"{k}{eq}{v}" for k, v in order) + "}"

    return "\n".join(rec(n, it) for n, it in enumerate(items, 1))


def _l_columns(rng: random.Random, st: Style, items: list[Item]) -> str:
    """A plain-text table: columns aligned with spaces, no rules between them."""
    head, rows = _grid(rng, st, items)
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    gap = rng.choice(("  ", "   ", "    "))

    def line(cells: list[str]) -> str:
        return gap.join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip()

    rule = [gap.join("-" * w for w in widths)] if rng.random() < 0.5 else []
    return "\n".join([line(head), *rule, *(line(r) for r in rows)])


def _l_semicolons(rng: random.Random, st: Style, items: list[Item]) -> str:
    """Every item on one line, items apart by semicolons."""
    lead = rng.choice(("Bags: ", "What I'm taking: ", "Luggage - ", "", "My stuff: "))
    colon = rng.choice((": ", " ", " = "))
    return lead + "; ".join(f"{_named(st, it)}{colon}{_figures(st, it)}" for it in items)


def _l_nested(rng: random.Random, st: Style, items: list[Item]) -> str:
    """One item per line, its size and weight on indented lines below it."""
    mark = rng.choice(("-", "*", "{n}."))
    sub = rng.choice(("    ", "  - ", "    * "))
    size_key = rng.choice(("size", "dimensions", "measures"))
    weight_key = rng.choice(("weight", "weighs"))
    lines = []
    for n, it in enumerate(items, 1):
        weight = st.weight(it.bag).removeprefix("weighs ")
        figures = [f"{size_key}: {st.size(it.bag)}", f"{weight_key}: {weight}"]
        lines.append(f"{mark.format(n=n)} {_named(st, it)}")
        lines += [sub + f for f in (figures[::-1] if st.weight_first else figures)]
    return "\n".join(lines)


LISTING_FNS: dict[str, Callable[[random.Random, Style, list[Item]], str]] = {
    "numbered": _l_numbered,
    "bullets": _l_bullets,
    "table": _l_table,
    "delimited": _l_delimited,
    "inline": _l_inline,
    "split": _l_split,
    "sentences": _l_sentences,
    "records": _l_records,
    "columns": _l_columns,
    "semicolons": _l_semicolons,
    "nested": _l_nested,
}

# ---- documents -----------------------------------------------------------------------


def _intro(rng: random.Random, s: Scenario, st: Style) -> list[str]:
    """The trip facts as sentences, in a drawn order."""
    route = rng.choice(
        (
            f"{s.passenger} is flying from {s.origin} to {s.destination}.",
            f"The flight goes from {s.origin} to {s.destination}.",
            f"{s.passenger} departs {s.origin} for {s.destination}.",
            f"The trip ends in {s.destination}; it starts in {s.origin}.",
        )
    )
    cls = rng.choice((f"The ticket is {st.cls}.", f"Cabin: {st.cls}.", f"Seat class is {st.cls}."))
    price = rng.choice(
        (f"The ticket cost {st.price}.", f"Fare paid: {st.price}.", f"It was {st.price}.")
    )
    out = [route, cls, price]
    rng.shuffle(out)
    return out


def _with_distractors(rng: random.Random, parts: list[str], st: Style) -> list[str]:
    for d in st.distractors:
        parts.insert(rng.randint(0, len(parts)), d)
    return parts


def _carry_hint(st: Style) -> str:
    return "" if st.carry_mark else "The first item is my carry-on."


def _d_prose(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    facts = _with_distractors(rng, _intro(rng, s, st), st)
    cut = rng.randint(0, len(facts))
    hint = _carry_hint(st) if rng.random() < 0.6 else ""
    return "\n".join(
        [" ".join(facts[:cut]), listing, " ".join([hint, *facts[cut:]]).strip()]
    ).strip()


def _d_form(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    rows = [
        (rng.choice(("Passenger", "Name", "Traveler")), s.passenger),
        (rng.choice(("From", "Origin", "Departure")), s.origin),
        (rng.choice(("To", "Destination", "Arrival")), s.destination),
        (rng.choice(("Class", "Cabin", "Fare class")), st.cls),
        (rng.choice(("Fare", "Price", "Ticket")), st.price),
    ]
    rng.shuffle(rows)
    sep = rng.choice((": ", " = ", ":\t"))
    head = [f"{k}{sep}{v}" for k, v in rows]
    tail = [d for d in st.distractors]
    hint = _carry_hint(st)
    label = rng.choice(("Baggage:", "Items:", "Luggage", "Bags"))
    return "\n".join([*head, *tail, f"{label} {hint}".strip(), listing])


def _d_summary(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    arrow = rng.choice((" → ", " -> ", " to ", " > "))
    sep = rng.choice((" | ", " · ", ", "))
    head = sep.join([f"{s.origin}{arrow}{s.destination}", st.cls, st.price])
    extra = " ".join(st.distractors)
    return "\n".join(
        x for x in (head, f"Traveller: {s.passenger}", extra, _carry_hint(st), listing) if x
    )


def _d_note(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    facts = [
        f"booked {st.cls} from {s.origin} to {s.destination}",
        f"paid {st.price}",
    ]
    rng.shuffle(facts)
    first = f"Note to self: I {facts[0]} and {facts[1]}."
    parts = _with_distractors(rng, [first], st)
    return "\n".join([*parts, _carry_hint(st), listing]).replace("\n\n", "\n").strip()


def _d_email(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    subject = rng.choice(("Baggage question", "Bag fees for my trip", "Question about luggage"))
    facts = _intro(rng, s, st)
    body = [
        f"Subject: {subject}",
        "",
        rng.choice(("Hi,", "Hello,", "Dear team,")),
        "",
        " ".join(_with_distractors(rng, facts[:2], st)),
        _carry_hint(st),
        listing,
        facts[2],
        "",
        rng.choice(("Thanks,", "Best regards,", "Cheers,")),
        s.passenger,
    ]
    if rng.random() < 0.5:
        body.append(f"Tel. 555-01{rng.randint(10, 99)}")
    return "\n".join(x for x in body if x is not None)


def _d_chat(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    them = rng.choice(("Agent", "Support", "Airline"))
    me = rng.choice(("Customer", "Me", s.passenger))
    turns = [
        f"{me}: hi, how much will my bags cost? I'm flying {st.cls} from {s.origin} to {s.destination}",
        f"{them}: Happy to help. What are you bringing?",
        f"{me}: {_carry_hint(st) or 'here they are'}\n{listing}",
        f"{them}: Thanks. And what did you pay for the ticket?",
        f"{me}: {st.price}" + (f". {' '.join(st.distractors)}" if st.distractors else ""),
    ]
    return "\n".join(turns)


def _d_markdown(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    """A markdown page: a title, the trip facts as bold-labelled lines, a heading per part."""
    bold = rng.random() < 0.5
    facts = [
        (rng.choice(("Route", "Flight", "Trip")), f"{s.origin} to {s.destination}"),
        (rng.choice(("Class", "Cabin")), st.cls),
        (rng.choice(("Fare", "Ticket price", "Paid")), st.price),
        (rng.choice(("Passenger", "Who")), s.passenger),
    ]
    rng.shuffle(facts)
    lines = [f"- **{k}:** {v}" if bold else f"- {k}: {v}" for k, v in facts]
    parts = [
        rng.choice(("# Baggage fees", "# My trip", "## Bag fee check", "# Luggage")),
        "",
        rng.choice(("## Trip", "### Flight", "## Details")),
        *lines,
        "",
        rng.choice(("## Bags", "### Luggage", "## What I bring")),
        _carry_hint(st),
        listing,
    ]
    if st.distractors:
        parts += ["", rng.choice(("## Other", "### Notes")), *st.distractors]
    return "\n".join(parts).replace("\n\n\n", "\n\n").strip()


def _d_voicemail(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    """A spoken message written down: fillers, run-on sentences, the listing read out."""
    um = rng.choice(("um, ", "uh, ", "so, ", ""))
    facts = [
        f"I'm flying {st.cls} from {s.origin} to {s.destination}",
        f"the ticket was {st.price}",
    ]
    rng.shuffle(facts)
    said = f"{um}it's {s.passenger}. {facts[0]}, and {um}{facts[1]}."
    extra = " ".join(st.distractors)
    hint = _carry_hint(st)
    return "\n".join(
        x
        for x in (
            rng.choice(("Voicemail transcript:", "[voicemail, 0:48]", "Message left at 9:14:")),
            said,
            extra,
            f"{um}here's what I'm bringing. {hint}".strip(),
            listing,
            rng.choice(("that's it, call me back please.", "ok, that's everything.", "")),
        )
        if x
    )


def _d_listfirst(rng: random.Random, s: Scenario, st: Style, listing: str) -> str:
    """The listing first, the trip facts after it."""
    head = rng.choice(("", "My luggage:", "Bags below.", "Packing list"))
    after = rng.choice(("These are my bags.", "That's everything I'm taking.", "Above: my bags."))
    facts = _with_distractors(rng, _intro(rng, s, st), st)
    hint = _carry_hint(st) if rng.random() < 0.7 else ""
    hint_line = [hint] if hint and rng.random() < 0.5 else []
    tail = " ".join(x for x in (after, hint if not hint_line else "", *facts) if x)
    return "\n".join(x for x in (head, *hint_line, listing, tail) if x)


DOC_FNS: dict[str, Callable[[random.Random, Scenario, Style, str], str]] = {
    "prose": _d_prose,
    "form": _d_form,
    "summary": _d_summary,
    "note": _d_note,
    "email": _d_email,
    "chat": _d_chat,
    "markdown": _d_markdown,
    "voicemail": _d_voicemail,
    "listfirst": _d_listfirst,
}


def render_family(scenario: Scenario, family: str, seed: int | str = 0) -> str:
    """The passenger text of ``scenario`` laid out as ``family`` (wordings drawn from ``seed``)."""
    rng = random.Random(f"family:{seed}:{family}")
    if family == "rulearena":
        return _t_rulearena(scenario, rng)
    doc, _, listing = family.partition("/")
    if family not in ALL_FAMILIES:
        raise KeyError(f"unknown family {family!r}; known: {', '.join(ALL_FAMILIES)}")
    st = _style(rng, scenario)
    if listing == "split" and not st.carry_mark:
        st = dataclasses.replace(st, carry_mark="(carry-on)")
    items = _items(rng, scenario, st)
    return DOC_FNS[doc](rng, scenario, st, LISTING_FNS[listing](rng, st, items))


def family_problems(
    n: int,
    *,
    seed: int,
    level: int,
    families: Sequence[str],
    weights: dict[str, int] | None = None,
) -> list[AirlineProblem]:
    """``n`` problems of one level, each laid out as one of ``families`` (drawn in turn, so
    every family gets its share); parameters as ``generate_problems`` draws them."""
    drawn = [f for f in families for _ in range((weights or {}).get(f, 1))]
    if not drawn:
        raise ValueError("families must name at least one family")
    unknown = [f for f in drawn if f not in ALL_FAMILIES]
    if unknown:
        raise KeyError(f"unknown families {unknown}; known: {', '.join(ALL_FAMILIES)}")
    order = random.Random(f"families:{seed}:{level}")
    out = []
    for index in range(n):
        scenario = sample_scenario(random.Random(f"scenario:{seed}:{level}:{index}"), level)
        family = drawn[index % len(drawn)] if index < len(drawn) else order.choice(drawn)
        out.append(
            AirlineProblem(
                id=f"family-s{seed}-L{level}-{index:04d}",
                level=level,
                index=index,
                prompt=render_family(scenario, family, seed=f"{seed}:{level}:{index}"),
                info=scenario.info,
                answer=compute_fee(scenario.info).total,
                source="generated",
                template=family,
                origin=scenario.origin,
                destination=scenario.destination,
            )
        )
    return out


def frozen_split(split: str, levels: Sequence[int] = (0, 1, 2)) -> list[AirlineProblem]:
    """The dev or test evaluation set: ``PER_FAMILY_LEVEL[split]`` problems per family and
    level from ``SPLIT_SEEDS[split]``, every family in turn."""
    if split not in SPLIT_SEEDS:
        raise KeyError(f"frozen splits are {', '.join(SPLIT_SEEDS)}, not {split!r}")
    fams = FAMILY_SPLITS[split]
    n = PER_FAMILY_LEVEL[split] * len(fams)
    out: list[AirlineProblem] = []
    for lvl in levels:
        probs = family_problems(n, seed=SPLIT_SEEDS[split], level=lvl, families=fams)
        out += [p.model_copy(update={"id": f"{split}-L{lvl}-{p.index:03d}"}) for p in probs]
    return out


def split_digest(problems: Sequence[AirlineProblem]) -> str:
    """sha256 over the problems' ids, families, texts and answers (the content of a split)."""
    rows = [[p.id, p.template, p.prompt, p.answer] for p in problems]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
