"""Exact total cost (ticket + checked-bag fees) with a per-bag explanation.

Which checked bag counts as the 1st, 2nd, ... is not given by the passenger:
the base fees depend only on the count, but a bag placed on a complimentary
(free) slot gets the larger 70 lb allowance in Business/First and to/from
Australia/New Zealand.  The bags are assigned to slots to minimise the total,
which is how the RuleArena answer key is computed (checked on all 200 answers).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from behaviorlab.tasks.airline._data import AirlineInfo, Bag
from behaviorlab.tasks.airline._extraction import CheckedBag
from behaviorlab.tasks.airline._rules import (
    CabinClass,
    Direction,
    Region,
    checked_bag_fee,
    oversize_fee,
    overweight_fee,
    weight_allowance,
)


class CheckedBagCharge(BaseModel):
    bag_id: int
    name: str
    size: tuple[int, int, int]
    weight: int
    slot: int
    """Which checked bag this one is counted as (1 = first checked bag)."""
    base_fee: int
    complimentary: bool
    oversize_fee: int
    overweight_fee: int
    surcharge: int
    """The higher of ``oversize_fee`` and ``overweight_fee`` (only that one is charged)."""
    total: int
    rule: str


class FeeBreakdown(BaseModel):
    total: int
    ticket: int
    region: Region
    direction: Direction
    customer_class: CabinClass
    bags: list[CheckedBagCharge]

    @property
    def bag_fees(self) -> int:
        return sum(b.total for b in self.bags)

    def explain(self) -> str:
        """Plain-text explanation, one line per checked bag."""
        lines = [f"Ticket: ${self.ticket} ({self.customer_class}, region {self.region})."]
        lines += [f"- {b.rule}" for b in sorted(self.bags, key=lambda b: b.slot)]
        lines.append(f"Checked-bag fees: ${self.bag_fees}. Total: ${self.total}.")
        return "\n".join(lines)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _surcharges(
    bag: Bag, region: Region, cabin_class: CabinClass, complimentary: bool
) -> tuple[int, int]:
    return oversize_fee(region, bag.total_size), overweight_fee(
        region, cabin_class, bag.weight, complimentary
    )


def assign_slots(
    checked: Sequence[Bag], region: Region, direction: Direction, cabin_class: CabinClass
) -> list[int]:
    """Slot (1-based checked-bag number) of each bag, in the given order, minimising the total.

    Total = sum of slot base fees (fixed) + each bag's surcharge, which depends
    only on whether its slot is complimentary; so the complimentary slots go to
    the bags that save the most there (ties: the earlier bag).
    """
    n = len(checked)
    free_slots = [
        k for k in range(1, n + 1) if checked_bag_fee(region, direction, cabin_class, k) == 0
    ]
    paid_slots = [k for k in range(1, n + 1) if k not in free_slots]

    def saving(i: int) -> int:
        paid = max(_surcharges(checked[i], region, cabin_class, False))
        free = max(_surcharges(checked[i], region, cabin_class, True))
        return paid - free

    by_saving = sorted(range(n), key=lambda i: (-saving(i), i))
    free_bags = sorted(by_saving[: len(free_slots)])
    slots = [0] * n
    paid_iter = iter(paid_slots)
    free_iter = iter(free_slots)
    for i in range(n):
        slots[i] = next(free_iter) if i in free_bags else next(paid_iter)
    return slots


def best_checked_bag_numbers(
    region: Region, direction: Direction, cabin_class: CabinClass, bags: list[CheckedBag]
) -> list[int]:
    """Which checked-bag number (1st, 2nd, ...) each bag should count as, so the total fee is smallest.

    The passenger may check bags in any order; a bag counted on a free
    (complimentary) number may weigh more in Business/First and to/from
    Australia/New Zealand, so the order changes the total. Returns one number
    per bag, in the order given; use it as bag_number for checked_bag_fee.

    Args:
        region: The non-U.S. end of the trip, or "U.S." for a domestic flight.
        direction: 0 if the flight departs the U.S., 1 if it arrives in the U.S.
        cabin_class: The passenger's cabin class.
        bags: The checked bags only (not the carry-on), in the order listed: length, width, height in inches and weight in lbs.
    """
    as_bags = [
        Bag(id=n, name="bag", size=(b.length, b.width, b.height), weight=b.weight)
        for n, b in enumerate(bags, 2)
    ]
    return assign_slots(as_bags, region, direction, cabin_class)


def _rule_text(
    bag: Bag, charge: dict[str, int | bool], region: Region, cabin_class: CabinClass
) -> str:
    slot = int(charge["slot"])
    complimentary = bool(charge["complimentary"])
    allowance = weight_allowance(region, cabin_class, complimentary)
    length, width, height = bag.size
    parts = [
        f"bag {bag.id} ({bag.name}, {length}x{width}x{height} in = {bag.total_size} in, {bag.weight} lbs) "
        f"as the {_ordinal(slot)} checked bag: base ${charge['base_fee']}"
        + (" (complimentary)" if complimentary else "")
    ]
    parts.append(f"oversize ${charge['oversize_fee']} ({bag.total_size} in vs 62 in)")
    parts.append(
        f"overweight ${charge['overweight_fee']} ({bag.weight} lbs vs {allowance} lbs allowance)"
    )
    if charge["oversize_fee"] and charge["overweight_fee"]:
        parts.append(f"only the higher applies: ${charge['surcharge']}")
    return "; ".join(parts) + f"; bag total ${charge['total']}"


def compute_fee(info: AirlineInfo) -> FeeBreakdown:
    """Ticket price plus every checked bag's base fee and size/weight surcharge.

    Raises ``BagNotAcceptedError`` for a bag over 115 in or 100 lbs, which no
    fee covers.
    """
    region, direction, cabin_class = info.routine, info.direction, info.customer_class
    checked = info.checked_bags
    slots = assign_slots(checked, region, direction, cabin_class)
    charges: list[CheckedBagCharge] = []
    for bag, slot in zip(checked, slots, strict=True):
        base = checked_bag_fee(region, direction, cabin_class, slot)
        complimentary = base == 0
        over_size, over_weight = _surcharges(bag, region, cabin_class, complimentary)
        surcharge = max(over_size, over_weight)
        fields: dict[str, int | bool] = {
            "slot": slot,
            "base_fee": base,
            "complimentary": complimentary,
            "oversize_fee": over_size,
            "overweight_fee": over_weight,
            "surcharge": surcharge,
            "total": base + surcharge,
        }
        charges.append(
            CheckedBagCharge(
                bag_id=bag.id,
                name=bag.name,
                size=bag.size,
                weight=bag.weight,
                rule=_rule_text(bag, fields, region, cabin_class),
                **fields,  # type: ignore[arg-type]
            )
        )
    return FeeBreakdown(
        total=info.base_price + sum(c.total for c in charges),
        ticket=info.base_price,
        region=region,
        direction=direction,
        customer_class=cabin_class,
        bags=charges,
    )


def total_cost(info: AirlineInfo) -> int:
    return compute_fee(info).total
