from __future__ import annotations

import re
from pathlib import Path

import pytest

from behaviorlab.tasks.airline import (
    ALL_TEMPLATES,
    CITIES,
    REGIONS,
    UnknownCityError,
    UnsupportedRouteError,
    generate_problems,
    load_rulearena,
    lookup_city,
    region_of_route,
)
from behaviorlab.tasks.airline._geo import cities_written_in

_ROUTE = re.compile(r"flying from (.+?) to (.+?) with the following items:")


def test_reproduces_routine_and_direction_of_all_rulearena_problems(rulearena_dir: Path) -> None:
    seen = 0
    for level in (0, 1, 2):
        for p in load_rulearena(rulearena_dir, level).problems:
            m = _ROUTE.search(p.prompt)
            assert m and p.info is not None
            region, direction = region_of_route(m.group(1), m.group(2))
            assert region == p.info.routine, p.id
            # Within the U.S. the direction changes no fee (and RuleArena's is arbitrary).
            if region != "U.S.":
                assert direction == p.info.direction, p.id
            seen += 1
    assert seen == 300


def test_every_region_has_cities_and_us_flag() -> None:
    assert {c.region for c in CITIES} == set(REGIONS)
    assert lookup_city("Boston").in_us and not lookup_city("San Juan").in_us
    assert lookup_city("Paris").country == "France"


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("new york city", "New York"),
        ("New York", "New York"),
        ("Washington, D.C.", "Washington D.C."),
        ("washington dc", "Washington D.C."),
        ("Bogota", "Bogotá"),
        ("ZÜRICH", "Zurich"),
        ("Roma", "Rome"),
        ("port au prince", "Port-au-Prince"),
        ("  Mexico City ", "Mexico City"),
        ("Quebec", "Quebec City"),
    ],
)
def test_lookup_is_tolerant(spelling: str, name: str) -> None:
    assert lookup_city(spelling).name == name


def test_unknown_city_and_unsupported_route() -> None:
    with pytest.raises(UnknownCityError, match="Springfield"):
        lookup_city("Springfield")
    with pytest.raises(UnknownCityError) as err:
        lookup_city("Bostonn")
    assert err.value.suggestions == ["boston"]
    with pytest.raises(UnsupportedRouteError, match="Paris"):
        region_of_route("Paris", "Tokyo")
    assert region_of_route("Boston", "Havana") == ("Cuba", 0)
    assert region_of_route("Havana", "Miami") == ("Cuba", 1)
    assert region_of_route("Seattle", "Denver") == ("U.S.", 0)
    assert region_of_route("San Juan", "Boston") == ("Puerto Rico", 1)


def test_cities_written_in_a_text_keep_the_texts_spelling() -> None:
    text = "From new york city to Washington, D.C. (not York); then on to Ciudad de México."
    assert cities_written_in(text) == ["new york city", "Washington, D.C.", "Ciudad de México"]
    # one entry a city, the first spelling seen; a city inside a word is no mention
    assert cities_written_in("NYC, New York City and Parisian cafés") == ["NYC"]
    assert cities_written_in("no city here") == []


def test_every_phrasing_names_both_cities_of_its_route() -> None:
    for template in ALL_TEMPLATES:
        for p in generate_problems(10, seed=4, level=0, templates=[template]):
            assert p.origin and p.destination
            found = {lookup_city(c) for c in cities_written_in(p.prompt)}
            assert {lookup_city(p.origin), lookup_city(p.destination)} <= found, p.prompt
