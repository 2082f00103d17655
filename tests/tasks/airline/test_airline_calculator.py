from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from behaviorlab.tasks.airline import (
    CABIN_CLASSES,
    REGIONS,
    AirlineInfo,
    Bag,
    BagNotAcceptedError,
    CheckedBag,
    bag_surcharge,
    best_checked_bag_numbers,
    checked_bag_fee,
    compute_fee,
    load_rulearena,
    oversize_overweight_fee,
)


def test_reproduces_every_rulearena_answer(rulearena_dir: Path) -> None:
    checked = 0
    for level in (0, 1):
        for p in load_rulearena(rulearena_dir, level).problems:
            assert p.info is not None and p.answer is not None
            assert compute_fee(p.info).total == p.answer, p.id
            checked += 1
    assert checked == 200


def _brute_force(info: AirlineInfo) -> int:
    """Minimum over every order of the checked bags, straight from the fee functions."""
    region, direction, cls = info.routine, info.direction, info.customer_class
    best = None
    for order in itertools.permutations(info.checked_bags):
        cost = 0
        for slot, bag in enumerate(order, start=1):
            base = checked_bag_fee(region, direction, cls, slot)
            cost += base + oversize_overweight_fee(
                region, cls, bag.total_size, bag.weight, base == 0
            )
        best = cost if best is None else min(best, cost)
    return info.base_price + (best or 0)


def test_slot_assignment_is_the_minimum_over_orders() -> None:
    rng = random.Random(7)
    for _ in range(300):
        bags = [Bag(id=1, name="carry", size=(20, 12, 7), weight=8)]
        for i in range(rng.randint(0, 5)):
            size = (rng.randint(20, 55), rng.randint(10, 35), rng.randint(8, 25))
            bags.append(Bag(id=i + 2, name="bag", size=size, weight=rng.randint(30, 100)))
        info = AirlineInfo(
            base_price=rng.randint(50, 900),
            customer_class=rng.choice(CABIN_CLASSES),
            routine=rng.choice(REGIONS),
            direction=rng.randint(0, 1),
            bag_list=bags,
        )
        assert compute_fee(info).total == _brute_force(info)


def test_breakdown_is_consistent_and_explains(rulearena_dir: Path) -> None:
    for p in load_rulearena(rulearena_dir, 2).problems:
        assert p.info is not None
        fb = compute_fee(p.info)
        assert fb.total == fb.ticket + sum(b.base_fee + b.surcharge for b in fb.bags)
        assert sorted(b.slot for b in fb.bags) == list(range(1, len(p.info.checked_bags) + 1))
        assert [b.bag_id for b in fb.bags] == [b.id for b in p.info.checked_bags]
        for b in fb.bags:
            assert b.surcharge == max(b.oversize_fee, b.overweight_fee)
            assert b.complimentary == (b.base_fee == 0)
    text = fb.explain()
    assert text.startswith(f"Ticket: ${fb.ticket}") and text.endswith(f"Total: ${fb.total}.")


def test_carry_on_is_never_charged_and_heavy_bags_refused() -> None:
    huge_carry = Bag(id=1, name="trunk", size=(60, 40, 30), weight=99)
    info = AirlineInfo(
        base_price=100, customer_class="First", routine="U.S.", direction=0, bag_list=[huge_carry]
    )
    assert compute_fee(info).total == 100
    too_heavy = Bag(id=2, name="crate", size=(30, 20, 10), weight=120)
    with pytest.raises(BagNotAcceptedError):
        compute_fee(info.model_copy(update={"bag_list": [huge_carry, too_heavy]}))


def test_business_gets_70_lbs_on_free_slots_only() -> None:
    carry = Bag(id=1, name="backpack", size=(20, 12, 7), weight=8)
    heavy = [Bag(id=i, name="box", size=(30, 20, 10), weight=65) for i in range(2, 5)]
    info = AirlineInfo(
        base_price=300,
        customer_class="Business",
        routine="U.S.",
        direction=0,
        bag_list=[carry, *heavy],
    )
    fb = compute_fee(info)
    # Bags 1-2 free with a 70 lb allowance; the 3rd pays $150 + $100 overweight.
    assert [(b.base_fee, b.overweight_fee) for b in fb.bags] == [(0, 0), (0, 0), (150, 100)]
    assert fb.total == 300 + 250


def test_tool_level_functions_reach_the_answer(rulearena_dir: Path) -> None:
    """What an agent gets by chaining the small pure functions equals the answer key."""
    for level in (0, 1):
        for p in load_rulearena(rulearena_dir, level).problems:
            info = p.info
            assert info is not None
            specs = [
                CheckedBag(
                    item=n, length=b.size[0], width=b.size[1], height=b.size[2], weight=b.weight
                )
                for n, b in enumerate(info.checked_bags, start=2)
            ]
            numbers = best_checked_bag_numbers(
                info.routine, info.direction, info.customer_class, specs
            )
            total = info.base_price
            for spec, k in zip(specs, numbers, strict=True):
                base = checked_bag_fee(info.routine, info.direction, info.customer_class, k)
                size = spec.length + spec.width + spec.height
                surcharge = oversize_overweight_fee(
                    info.routine, info.customer_class, size, spec.weight, base == 0
                )
                # the agent's tool takes the three dimensions and gives the same charge
                assert surcharge == bag_surcharge(
                    info.routine,
                    info.customer_class,
                    spec.length,
                    spec.width,
                    spec.height,
                    spec.weight,
                    base == 0,
                )
                total += base + surcharge
            assert total == p.answer, p.id
