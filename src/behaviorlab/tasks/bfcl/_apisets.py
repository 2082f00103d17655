"""Named sets of synthetic APIs a training set is drawn from.

``core`` is the 41 APIs the shipped adapter was trained on (everyday assistant work: weather,
travel, shopping, messages, ...). ``wide`` adds APIs of the kinds of work a function-calling
model is also asked to do, written for this project in its own words: maths and statistics,
the sciences, and reference look-ups. A recipe picks one with ``[data] extra = { apis = "wide" }``
(``-T apis=wide`` on the command line); the default stays ``core`` so a recipe's data, and so
its manifest's data hash, does not move when APIs are added.
"""

from __future__ import annotations

from functools import cache

from behaviorlab.tasks.bfcl._apis import APIS, Api
from behaviorlab.tasks.bfcl._apis_maths import MATHS_APIS
from behaviorlab.tasks.bfcl._apis_reference import REFERENCE_APIS
from behaviorlab.tasks.bfcl._apis_science import SCIENCE_APIS

API_SETS: dict[str, tuple[Api, ...]] = {
    "core": APIS,
    "wide": APIS + MATHS_APIS + SCIENCE_APIS + REFERENCE_APIS,
}


def api_set(name: str) -> tuple[Api, ...]:
    """The APIs of the set ``name``; an unknown name is a clear error."""
    try:
        return API_SETS[name]
    except KeyError:
        raise ValueError(f"unknown API set {name!r}; the sets are {', '.join(API_SETS)}") from None


@cache
def apis_by_name() -> dict[str, Api]:
    """Every API of every set by name (names are unique across the sets: checked here)."""
    out: dict[str, Api] = {}
    for api in API_SETS["wide"]:
        if api.name in out:
            raise ValueError(f"two synthetic APIs are named {api.name!r}")
        out[api.name] = api
    return out
