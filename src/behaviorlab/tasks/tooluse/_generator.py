"""Seeded generation of the tool-use decision dataset over category × difficulty.

Each of the 12 cells has several templates; items are dealt to a cell's templates in turn.
About one template in five per cell is held out: its items only ever appear in the held-out
split, so held-out scores measure generalisation to unseen phrasings and task shapes rather
than recall of training prompts. Every item's random draws come from its own
``random.Random`` seeded by (seed, template, index), so adding a template does not change the
items of the others, and the same seed always gives the same dataset.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from ._template import Draft, Template
from ._templates_ambiguous import TEMPLATES as _AMBIGUOUS
from ._templates_execution import TEMPLATES as _EXECUTION
from ._templates_multistep import TEMPLATES as _MULTI_STEP
from ._templates_reasoning import TEMPLATES as _REASONING
from ._templates_report import TEMPLATES as REPORT_TEMPLATES
from ._types import CATEGORIES, DIFFICULTIES, Category, CellCount, Difficulty, ToolUseItem

# A template whose pool of prompts is smaller than its share of a large request would loop
# forever looking for a new prompt; after this many draws a repeat is accepted instead.
_MAX_DRAWS = 40


def all_templates() -> tuple[Template, ...]:
    """Every template, in grid order (category, then difficulty)."""
    templates = _REASONING + _EXECUTION + _AMBIGUOUS + _MULTI_STEP
    names = [t.name for t in templates]
    duplicated = sorted(n for n, c in Counter(names).items() if c > 1)
    if duplicated:
        raise RuntimeError(f"duplicate template names: {duplicated}")
    return templates


def templates_by_cell() -> dict[tuple[Category, Difficulty], list[Template]]:
    cells: dict[tuple[Category, Difficulty], list[Template]] = {
        (c, d): [] for c in CATEGORIES for d in DIFFICULTIES
    }
    for t in all_templates():
        cells[(t.category, t.difficulty)].append(t)
    for (category, difficulty), ts in cells.items():
        if not any(t.heldout for t in ts) or all(t.heldout for t in ts):
            raise RuntimeError(
                f"cell {category}/{difficulty} needs both train and held-out templates"
            )
    return cells


def _item(
    template: Template, seed: int, index: int, cell_index: int, seen: set[str]
) -> tuple[ToolUseItem, Draft]:
    for draw in range(_MAX_DRAWS):
        rng = random.Random(f"{seed}/{template.name}/{index}/{draw}")
        draft = template.make(rng)
        if draft.prompt not in seen:
            break
    seen.add(draft.prompt)
    item = ToolUseItem(
        id=f"{template.category}-{template.difficulty}-{cell_index:04d}",
        prompt=draft.prompt,
        category=template.category,
        subcategory=template.subcategory,
        difficulty=template.difficulty,
        optimal_tools=list(template.optimal_tools),
        acceptable_tools=list(template.acceptable_tools),
        expected_output=draft.expected_output,
        answer_type=draft.answer_type,
        why=draft.why,
        split="heldout" if template.heldout else "train",
        template=template.name,
        reference_keywords=list(draft.reference_keywords),
    )
    return item, draft


def generate_items(n_per_cell: int = 60, *, seed: int = 0) -> list[ToolUseItem]:
    """Generate ``n_per_cell`` items for each of the 12 category × difficulty cells.

    Items within a cell are dealt round-robin to the cell's templates, so each template
    (and hence the held-out split) gets an even share. Prompts are unique within a template
    unless ``n_per_cell`` outgrows the template's variety.
    """
    return [item for item, _ in generate_drafts(n_per_cell, seed=seed)]


def generate_drafts(n_per_cell: int = 60, *, seed: int = 0) -> list[tuple[ToolUseItem, Draft]]:
    """``generate_items`` with each item's draft beside it (its template's expert
    ``solution``, which the item record does not carry)."""
    if n_per_cell < 1:
        raise ValueError(f"n_per_cell must be at least 1, got {n_per_cell}")
    out: list[tuple[ToolUseItem, Draft]] = []
    for templates in templates_by_cell().values():
        seen: dict[str, set[str]] = {t.name: set() for t in templates}
        for k in range(n_per_cell):
            t = templates[k % len(templates)]
            out.append(_item(t, seed, k // len(templates), k, seen[t.name]))
    return out


def report_items(n_per_template: int = 15, *, seed: int = 0) -> list[ToolUseItem]:
    """The report split (``_templates_report``): ``n_per_template`` items of each of its
    templates, outside the cells (so no other split's items move), ids prefixed ``report-``."""
    out: list[ToolUseItem] = []
    for t in REPORT_TEMPLATES:
        seen: set[str] = set()
        for k in range(n_per_template):
            item, _ = _item(t, seed, k, k, seen)
            out.append(item.model_copy(update={"id": f"report-{item.id}"}))
    return out


def split_items(items: Iterable[ToolUseItem]) -> tuple[list[ToolUseItem], list[ToolUseItem]]:
    """(train, heldout)."""
    train: list[ToolUseItem] = []
    heldout: list[ToolUseItem] = []
    for item in items:
        (heldout if item.split == "heldout" else train).append(item)
    return train, heldout


def cell_counts(items: Sequence[ToolUseItem]) -> list[CellCount]:
    """Items per category × difficulty cell and split, in grid order."""
    counts = Counter((i.category, i.difficulty, i.split) for i in items)
    return [
        CellCount(
            category=c,
            difficulty=d,
            train=counts[(c, d, "train")],
            heldout=counts[(c, d, "heldout")],
        )
        for c in CATEGORIES
        for d in DIFFICULTIES
    ]
