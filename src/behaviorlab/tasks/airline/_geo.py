"""Cities → fee regions, and a route → (region, direction) resolver.

Every city named in the 300 RuleArena airline prompts is here (RuleArena's
spellings, e.g. "Roma", are kept as aliases), plus more per region for the
generator.  Regions are the fee schedule's row names (``Region``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache

from behaviorlab.tasks.airline._rules import ARRIVING_US, DEPARTING_US, Direction, Region


@dataclass(frozen=True)
class City:
    name: str
    region: Region
    country: str
    aliases: tuple[str, ...] = ()

    @property
    def in_us(self) -> bool:
        """Mainland U.S. (the fee schedule's "U.S."); Puerto Rico is its own region."""
        return self.region == "U.S."


class UnknownCityError(ValueError):
    def __init__(self, name: str, suggestions: list[str] | None = None) -> None:
        self.name = name
        self.suggestions = suggestions or []
        hint = (
            f" (did you mean {', '.join(repr(s) for s in self.suggestions)}?)"
            if self.suggestions
            else ""
        )
        super().__init__(f"unknown city {name!r}{hint}")


class UnsupportedRouteError(ValueError):
    """The fee schedule only covers flights within the U.S. or to/from the U.S."""


def _c(name: str, region: Region, country: str, *aliases: str) -> City:
    return City(name, region, country, aliases)


_US = "United States"
CITIES: tuple[City, ...] = (
    # U.S. (RuleArena)
    _c("Atlanta", "U.S.", _US),
    _c("Austin", "U.S.", _US),
    _c("Boston", "U.S.", _US),
    _c("Charlotte", "U.S.", _US),
    _c("Chicago", "U.S.", _US),
    _c("Dallas", "U.S.", _US),
    _c("Denver", "U.S.", _US),
    _c("Houston", "U.S.", _US),
    _c("Las Vegas", "U.S.", _US),
    _c("Los Angeles", "U.S.", _US),
    _c("Miami", "U.S.", _US),
    _c("Minneapolis", "U.S.", _US),
    _c("New Orleans", "U.S.", _US),
    _c("New York", "U.S.", _US, "New York City", "NYC"),
    _c("Orlando", "U.S.", _US),
    _c("Philadelphia", "U.S.", _US),
    _c("Phoenix", "U.S.", _US),
    _c("Portland", "U.S.", _US),
    _c("Sacramento", "U.S.", _US),
    _c("Salt Lake City", "U.S.", _US),
    _c("San Francisco", "U.S.", _US),
    _c("Seattle", "U.S.", _US),
    _c("Washington D.C.", "U.S.", _US, "Washington DC", "Washington, D.C.", "Washington"),
    # U.S. (generator)
    _c("Nashville", "U.S.", _US),
    _c("Detroit", "U.S.", _US),
    _c("San Diego", "U.S.", _US),
    _c("Baltimore", "U.S.", _US),
    _c("Pittsburgh", "U.S.", _US),
    _c("Kansas City", "U.S.", _US),
    _c("St. Louis", "U.S.", _US, "Saint Louis"),
    _c("Honolulu", "U.S.", _US),
    _c("Anchorage", "U.S.", _US),
    _c("Raleigh", "U.S.", _US),
    _c("Tampa", "U.S.", _US),
    _c("Indianapolis", "U.S.", _US),
    _c("San Antonio", "U.S.", _US),
    _c("San Jose", "U.S.", _US),
    _c("Milwaukee", "U.S.", _US),
    _c("Cleveland", "U.S.", _US),
    _c("Albuquerque", "U.S.", _US),
    _c("Boise", "U.S.", _US),
    _c("Omaha", "U.S.", _US),
    _c("Memphis", "U.S.", _US),
    _c("Tucson", "U.S.", _US),
    # Puerto Rico
    _c("San Juan", "Puerto Rico", "Puerto Rico"),
    _c("Ponce", "Puerto Rico", "Puerto Rico"),
    _c("Aguadilla", "Puerto Rico", "Puerto Rico"),
    # Canada
    _c("Montreal", "Canada", "Canada", "Montréal"),
    _c("Ottawa", "Canada", "Canada"),
    _c("Toronto", "Canada", "Canada"),
    _c("Vancouver", "Canada", "Canada"),
    _c("Calgary", "Canada", "Canada"),
    _c("Edmonton", "Canada", "Canada"),
    _c("Winnipeg", "Canada", "Canada"),
    _c("Halifax", "Canada", "Canada"),
    _c("Quebec City", "Canada", "Canada", "Québec City", "Quebec"),
    # Mexico
    _c("Mexico City", "Mexico", "Mexico", "Ciudad de México"),
    _c("Cancún", "Mexico", "Mexico", "Cancun"),
    _c("Guadalajara", "Mexico", "Mexico"),
    _c("Monterrey", "Mexico", "Mexico"),
    _c("Puerto Vallarta", "Mexico", "Mexico"),
    # Cuba, Haiti
    _c("Havana", "Cuba", "Cuba", "La Habana"),
    _c("Varadero", "Cuba", "Cuba"),
    _c("Port-au-Prince", "Haiti", "Haiti"),
    _c("Cap-Haïtien", "Haiti", "Haiti", "Cap-Haitien"),
    # Panama, Colombia, Ecuador, Peru
    _c("Panama City", "Panama", "Panama"),
    _c("Bogotá", "Colombia", "Colombia", "Bogota"),
    _c("Medellín", "Colombia", "Colombia", "Medellin"),
    _c("Cartagena", "Colombia", "Colombia"),
    _c("Quito", "Ecuador", "Ecuador"),
    _c("Guayaquil", "Ecuador", "Ecuador"),
    _c("Lima", "Peru", "Peru"),
    _c("Cusco", "Peru", "Peru", "Cuzco"),
    # Rest of South America
    _c("Buenos Aires", "South America", "Argentina"),
    _c("Rio de Janeiro", "South America", "Brazil", "Rio"),
    _c("São Paulo", "South America", "Brazil", "Sao Paulo"),
    _c("Santiago", "South America", "Chile", "Santiago de Chile"),
    _c("Montevideo", "South America", "Uruguay"),
    _c("Asunción", "South America", "Paraguay", "Asuncion"),
    # Israel, Qatar
    _c("Jerusalem", "Israel", "Israel"),
    _c("Tel Aviv", "Israel", "Israel"),
    _c("Doha", "Qatar", "Qatar"),
    # Europe
    _c("Amsterdam", "Europe", "Netherlands"),
    _c("Athens", "Europe", "Greece"),
    _c("Barcelona", "Europe", "Spain"),
    _c("Berlin", "Europe", "Germany"),
    _c("Brussels", "Europe", "Belgium"),
    _c("Helsinki", "Europe", "Finland"),
    _c("London", "Europe", "United Kingdom"),
    _c("Madrid", "Europe", "Spain"),
    _c("Munich", "Europe", "Germany", "München"),
    _c("Paris", "Europe", "France"),
    _c("Rome", "Europe", "Italy", "Roma"),
    _c("Stockholm", "Europe", "Sweden"),
    _c("Vienna", "Europe", "Austria", "Wien"),
    _c("Zurich", "Europe", "Switzerland", "Zürich"),
    _c("Dublin", "Europe", "Ireland"),
    _c("Lisbon", "Europe", "Portugal", "Lisboa"),
    _c("Prague", "Europe", "Czech Republic"),
    _c("Milan", "Europe", "Italy", "Milano"),
    _c("Frankfurt", "Europe", "Germany"),
    _c("Copenhagen", "Europe", "Denmark"),
    _c("Oslo", "Europe", "Norway"),
    _c("Warsaw", "Europe", "Poland"),
    _c("Budapest", "Europe", "Hungary"),
    _c("Edinburgh", "Europe", "United Kingdom"),
    # India
    _c("Mumbai", "India", "India", "Bombay"),
    _c("New Delhi", "India", "India", "Delhi"),
    _c("Bengaluru", "India", "India", "Bangalore"),
    _c("Chennai", "India", "India"),
    _c("Kolkata", "India", "India"),
    # China
    _c("Beijing", "China", "China"),
    _c("Chengdu", "China", "China"),
    _c("Guangzhou", "China", "China"),
    _c("Shanghai", "China", "China"),
    _c("Shenzhen", "China", "China"),
    _c("Wuhan", "China", "China"),
    _c("Xiamen", "China", "China"),
    _c("Hangzhou", "China", "China"),
    # Japan
    _c("Tokyo", "Japan", "Japan"),
    _c("Kyoto", "Japan", "Japan"),
    _c("Nagoya", "Japan", "Japan"),
    _c("Osaka", "Japan", "Japan"),
    _c("Sapporo", "Japan", "Japan"),
    _c("Fukuoka", "Japan", "Japan"),
    # South Korea, Hong Kong
    _c("Seoul", "South Korea", "South Korea"),
    _c("Busan", "South Korea", "South Korea"),
    _c("Incheon", "South Korea", "South Korea"),
    _c("Hong Kong", "Hong Kong", "Hong Kong"),
    # Australia, New Zealand
    _c("Sydney", "Australia", "Australia"),
    _c("Melbourne", "Australia", "Australia"),
    _c("Brisbane", "Australia", "Australia"),
    _c("Perth", "Australia", "Australia"),
    _c("Adelaide", "Australia", "Australia"),
    _c("Auckland", "New Zealand", "New Zealand"),
    _c("Wellington", "New Zealand", "New Zealand"),
    _c("Christchurch", "New Zealand", "New Zealand"),
    _c("Queenstown", "New Zealand", "New Zealand"),
)


def normalize_city_name(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "Washington, D.C." → "washington dc"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[.,'’]", "", ascii_only.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", cleaned).split())


@cache
def _index() -> dict[str, City]:
    index: dict[str, City] = {}
    for city in CITIES:
        for spelling in (city.name, *city.aliases):
            key = normalize_city_name(spelling)
            if key in index and index[key] != city:
                raise AssertionError(f"city key {key!r} is ambiguous")
            index[key] = city
    return index


def lookup_city(name: str) -> City:
    """The city for a name, tolerant of case, accents, punctuation and a trailing "City"."""
    key = normalize_city_name(name)
    for prefix in ("the city of ", "city of "):
        key = key.removeprefix(prefix)
    index = _index()
    if key in index:
        return index[key]
    if key.endswith(" city") and key[: -len(" city")] in index:
        return index[key[: -len(" city")]]
    raise UnknownCityError(name, get_close_matches(key, list(index), n=3, cutoff=0.8))


def is_known_city(name: str) -> bool:
    try:
        lookup_city(name)
    except UnknownCityError:
        return False
    return True


def city_spellings() -> list[str]:
    """Every accepted spelling (names and aliases), longest first (for regex alternation)."""
    spellings = {s for city in CITIES for s in (city.name, *city.aliases)}
    return sorted(spellings, key=lambda s: (-len(s), s))


@cache
def _spelling_pattern() -> re.Pattern[str]:
    alternation = "|".join(re.escape(s) for s in city_spellings())
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def cities_written_in(text: str) -> list[str]:
    """The known cities a text names, each as the text writes it, in order of first mention
    (longest spelling first, so "New York City" is one city, not "York")."""
    seen: dict[str, str] = {}
    for m in _spelling_pattern().finditer(text):
        seen.setdefault(lookup_city(m.group(0)).name, m.group(0))
    return list(seen.values())


def cities_in(region: Region) -> list[City]:
    return [c for c in CITIES if c.region == region]


def region_of_route(origin: str, destination: str) -> tuple[Region, Direction]:
    """Fee region and direction of a flight between two cities.

    The region is the non-U.S. end of the trip (or "U.S." for a flight within
    the mainland U.S.); direction is 0 when the flight departs the U.S. and 1
    when it arrives there. Domestic flights get direction 0: it never changes a
    domestic fee.

    Args:
        origin: Departure city, e.g. "Boston".
        destination: Arrival city, e.g. "Paris".
    """
    o, d = lookup_city(origin), lookup_city(destination)
    if o.in_us and d.in_us:
        return "U.S.", DEPARTING_US
    if o.in_us:
        return d.region, DEPARTING_US
    if d.in_us:
        return o.region, ARRIVING_US
    if o.region == d.region == "Puerto Rico":
        return "Puerto Rico", DEPARTING_US
    raise UnsupportedRouteError(
        f"{o.name} ({o.country}) to {d.name} ({d.country}): the fee schedule covers only flights "
        "within the U.S. or between the U.S. and another region"
    )
