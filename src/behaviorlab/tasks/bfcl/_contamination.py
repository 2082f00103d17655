"""How much of a training set's text BFCL already holds: word n-gram overlap per category.

Text is lower-cased and cut into words (runs of letters and digits); a training example's
text is what the generator wrote for it (the request, and the descriptions of the functions
and parameters it offers; the agent's fixed instructions are the same at evaluation and are
left out). A BFCL item's text is its question and its function documents. The report gives,
for each category, how many training examples share any n-gram with it and how many of its
items share one with the training set, and how many requests are word for word a BFCL
question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from behaviorlab.models import ToolSpec
from behaviorlab.tasks.bfcl._data import CATEGORIES, BFCLItem, load_category

DEFAULT_N = 8
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(text: str, n: int = DEFAULT_N) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def _schema_text(schema: object) -> Iterable[str]:
    if isinstance(schema, dict):
        if isinstance(schema.get("description"), str):
            yield schema["description"]
        for k, v in schema.items():
            if k in ("properties",) and isinstance(v, dict):
                for name, sub in v.items():
                    yield name
                    yield from _schema_text(sub)
            elif k == "items":
                yield from _schema_text(v)


def tools_text(tools: list[ToolSpec]) -> str:
    parts: list[str] = []
    for t in tools:
        parts += [t.name, t.description, *_schema_text(t.parameters)]
    return "\n".join(parts)


def item_text(item: BFCLItem) -> str:
    parts = [m.get("content", "") for m in item.messages]
    for f in item.functions:
        parts += [str(f.get("name", "")), str(f.get("description", ""))]
        parts += list(_schema_text(f.get("parameters", {})))
    return "\n".join(parts)


class CategoryOverlap(BaseModel):
    category: str
    items: int
    #: BFCL items sharing at least one n-gram with the training text
    items_overlapping: int
    #: training examples sharing at least one n-gram with this category
    examples_overlapping: int
    shared_ngrams: int
    #: training requests identical (as words) to one of this category's questions
    identical_questions: int
    examples_share: float
    items_share: float


class ContaminationReport(BaseModel):
    n: int
    examples: int
    categories: list[CategoryOverlap] = Field(default_factory=list)
    #: a few shared n-grams per category, to see what overlaps
    samples: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def worst_examples_share(self) -> float:
        return max((c.examples_share for c in self.categories), default=0.0)

    @property
    def worst_items_share(self) -> float:
        return max((c.items_share for c in self.categories), default=0.0)


def contamination_report(
    texts: list[str],
    questions: list[str],
    *,
    n: int = DEFAULT_N,
    categories: Iterable[str] = CATEGORIES,
) -> ContaminationReport:
    """Overlap of training ``texts`` (one per example; ``questions`` its requests) with BFCL."""
    example_grams = [ngrams(t, n) for t in texts]
    all_train = set().union(*example_grams) if example_grams else set()
    asked = {" ".join(words(q)) for q in questions}
    report = ContaminationReport(n=n, examples=len(texts))
    for cat in categories:
        items = load_category(cat)
        item_grams = [ngrams(item_text(i), n) for i in items]
        bfcl = set().union(*item_grams) if item_grams else set()
        shared = all_train & bfcl
        bfcl_questions = {" ".join(words(m.get("content", ""))) for i in items for m in i.messages}
        ex_over = sum(1 for g in example_grams if g & bfcl)
        it_over = sum(1 for g in item_grams if g & all_train)
        report.categories.append(
            CategoryOverlap(
                category=cat,
                items=len(items),
                items_overlapping=it_over,
                examples_overlapping=ex_over,
                shared_ngrams=len(shared),
                identical_questions=len(asked & bfcl_questions),
                examples_share=ex_over / len(texts) if texts else 0.0,
                items_share=it_over / len(items) if items else 0.0,
            )
        )
        report.samples[cat] = sorted(" ".join(g) for g in shared)[:5]
    return report
