"""Optional constraint solving through Fandango (``pip install fandango-fuzzer``).

The in-house generator covers grammars; when inputs must also satisfy semantic
constraints (a checksum, a length field, "the bag weighs more than 50 lbs"), write them
as a Fandango spec: the grammar in Fandango's syntax (:func:`to_fandango` converts ours)
plus ``where`` constraints in Python. Fandango is slower (≈200 inputs/s measured here
against tens of thousands), so use it only where constraints are needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from behaviorlab.modelize._grammar import Grammar, expansion_text, split_expansion

_INSTALL = "Fandango constraint solving needs: pip install fandango-fuzzer"


def to_fandango(grammar: Grammar, constraints: list[str] | None = None) -> str:
    """The grammar as a Fandango spec (probabilities dropped), with ``where`` constraints appended."""
    lines = []
    for nt, alts in grammar.items():
        rendered = []
        for alt in alts:
            symbols = split_expansion(expansion_text(alt), grammar)
            parts = [s if s in grammar else json.dumps(s) for s in symbols]
            rendered.append(" ".join(parts) if parts else '""')
        lines.append(f"{nt} ::= " + " | ".join(rendered))
    lines.extend(f"where {c}" for c in constraints or [])
    return "\n".join(lines) + "\n"


class FandangoGenerator:
    """Unique inputs from a Fandango spec (text, or a path to a ``.fan`` file)."""

    def __init__(self, spec: str | Path) -> None:
        try:
            from fandango import Fandango
        except ImportError as e:
            raise ImportError(_INSTALL) from e
        text = Path(spec).read_text() if isinstance(spec, Path) else spec
        self._fan: Any = Fandango(text)
        self._seen: set[int] = set()

    def iter_unique(self, max_tries: int | None = None) -> Iterator[str]:
        for tries, tree in enumerate(self._fan.generate_solutions(), 1):
            text = str(tree)
            h = hash(text)
            if h not in self._seen:
                self._seen.add(h)
                yield text
            if max_tries is not None and tries >= max_tries:
                return

    def unique(self, n: int, max_tries: int | None = None) -> list[str]:
        out: list[str] = []
        for text in self.iter_unique(max_tries if max_tries is not None else 50 * n + 100):
            out.append(text)
            if len(out) >= n:
                break
        return out
