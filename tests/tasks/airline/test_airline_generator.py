from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from behaviorlab.tasks.airline import (
    ALL_TEMPLATES,
    AUGMENT_TEMPLATES,
    CABIN_CLASSES,
    HELDOUT_TEMPLATES,
    L1_TRAIN_TEMPLATES,
    TRAIN_TEMPLATES,
    Scenario,
    compute_fee,
    generate_problems,
    load_rulearena,
    region_of_route,
    render_prompt,
)


def test_template_split() -> None:
    assert len(ALL_TEMPLATES) >= 12 and len(HELDOUT_TEMPLATES) >= 4
    assert set(TRAIN_TEMPLATES).isdisjoint(HELDOUT_TEMPLATES)
    assert set(AUGMENT_TEMPLATES).isdisjoint(HELDOUT_TEMPLATES)
    assert set(AUGMENT_TEMPLATES).isdisjoint(TRAIN_TEMPLATES)
    assert set(TRAIN_TEMPLATES) | set(HELDOUT_TEMPLATES) | set(AUGMENT_TEMPLATES) == set(
        ALL_TEMPLATES
    )
    assert set(L1_TRAIN_TEMPLATES) == set(TRAIN_TEMPLATES) | set(AUGMENT_TEMPLATES)
    assert "rulearena" in TRAIN_TEMPLATES


def test_augmentation_moves_the_facts_around() -> None:
    """The augmentation phrasings put weight before size, the carry-on after the checked bags,
    and the header fields in more than one order: what the fixed phrasings never do."""
    weight_first = carry_last = 0
    header_orders = set()
    for p in generate_problems(60, seed=2, level=0, templates=AUGMENT_TEMPLATES):
        assert p.info is not None
        c, first = p.info.carry_on, p.info.checked_bags[0]
        carry_at = p.prompt.find(f"{c.size[0]}")
        carry_last += p.prompt.find(str(first.size[0])) < carry_at
        weight_first += p.prompt.find(str(first.weight)) < p.prompt.find(str(first.size[1]))
        if p.template == "key_values":
            header_orders.add(tuple(line.split(":")[0] for line in p.prompt.splitlines()[:5]))
    assert weight_first >= 10 and carry_last >= 10 and len(header_orders) >= 5


def test_rulearena_template_reproduces_rulearena_prompts(rulearena_dir: Path) -> None:
    for level in (0, 1, 2):
        for p in load_rulearena(rulearena_dir, level).problems:
            m = re.match(r"(\w+) is a", p.prompt)
            assert m and p.info is not None and p.origin and p.destination
            scenario = Scenario(m.group(1), p.origin, p.destination, p.info)
            assert render_prompt(scenario, "rulearena") == p.prompt, p.id


def test_deterministic_for_a_seed() -> None:
    a = generate_problems(30, seed=5, level=1, templates=ALL_TEMPLATES)
    b = generate_problems(30, seed=5, level=1, templates=ALL_TEMPLATES)
    c = generate_problems(30, seed=6, level=1, templates=ALL_TEMPLATES)
    assert a == b
    assert [p.prompt for p in a] != [p.prompt for p in c]
    assert len({p.id for p in a}) == 30


def test_same_parameters_whatever_the_templates() -> None:
    train = generate_problems(20, seed=3, level=0, templates=TRAIN_TEMPLATES)
    held = generate_problems(20, seed=3, level=0, templates=HELDOUT_TEMPLATES)
    assert [p.info for p in train] == [p.info for p in held]
    assert all(p.template in HELDOUT_TEMPLATES for p in held)
    assert all(p.prompt != q.prompt for p, q in zip(train, held, strict=True))


@pytest.mark.parametrize(("level", "items"), [(0, 5), (1, 8), (2, 11)])
def test_level_shape_matches_rulearena(level: int, items: int) -> None:
    problems = generate_problems(300, seed=0, level=level)
    caps = {"Cuba": 3, "Mexico": 6, "South America": 6}
    classes, regions = Counter(), Counter()
    for p in problems:
        info = p.info
        assert info is not None and p.answer == compute_fee(info).total
        assert p.source == "generated" and p.template in TRAIN_TEMPLATES
        assert len(info.bag_list) == min(items, caps.get(info.routine, items))
        assert p.origin and p.destination
        region, direction = region_of_route(p.origin, p.destination)
        assert (region, direction) == (info.routine, info.direction)
        assert sum(info.carry_on.size) <= 45 and info.carry_on.weight <= 12
        for bag in info.checked_bags:
            assert 51 <= bag.weight <= 100 and 63 <= bag.total_size <= 115
        classes[info.customer_class] += 1
        regions[info.routine] += 1
    assert set(classes) == set(CABIN_CLASSES)
    assert regions.most_common(1)[0][0] == "U.S." and len(regions) >= 12


def test_every_template_renders_the_facts() -> None:
    for template in ALL_TEMPLATES:
        for p in generate_problems(5, seed=11, level=2, templates=[template]):
            assert p.info is not None and p.origin and p.destination
            assert p.origin in p.prompt and p.destination in p.prompt
            for bag in p.info.bag_list:
                assert str(bag.weight) in p.prompt


def test_rejects_bad_arguments() -> None:
    with pytest.raises(KeyError, match="nope"):
        generate_problems(1, seed=0, level=0, templates=["nope"])
    with pytest.raises(ValueError, match="level"):
        generate_problems(1, seed=0, level=3)
