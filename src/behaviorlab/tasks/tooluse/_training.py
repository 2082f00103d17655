"""Behaviour-cloning data for the tool-use agents: the expert's decisions (``_expert``) on
training-template items, as the L3 agent's own multi-turn conversation.

Three splits by template: ``heldout`` (about one template in five per cell, marked on the
template), ``dev`` (``DEV_TEMPLATES``: training templates set apart to choose between
variants; never trained on) and ``train`` (the rest, the only ones examples come from).
Every example is verified before it is kept: a tool call's observation must score as the
item's expected output.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

from behaviorlab.models import TrainingExample, render_messages
from behaviorlab.tools import ToolRegistry

from ._agents import SYSTEM_PROMPTS, tooluse_tools
from ._expert import Answerer, NoExpertAnswer, expert_messages, failed_attempt
from ._generator import generate_drafts
from ._template import Draft
from ._types import ToolUseItem

#: training templates set apart as the dev split (one or two per category, across the
#: difficulties and the decisions): variants are chosen on them, never on ``heldout``
DEV_TEMPLATES: frozenset[str] = frozenset(
    {
        "reasoning.easy.http_status",
        "reasoning.intermediate.tradeoff",
        "execution.easy.power",
        "execution.intermediate.word_frequency",
        "ambiguous.intermediate.two_by_one",
        "ambiguous.complex.sum_six",
        "multi_step.intermediate.fix_key_error",
        "multi_step.complex.collatz_longest",
    }
)

#: ``report``: templates written after the held-out split steered a lever, frozen before
#: any run (``_templates_report``); like ``heldout``, never trained on
SPLITS = ("train", "dev", "heldout", "report")

#: the agent formats an example is drawn under (``-T formats=tooldesc,direct``)
DEFAULT_FORMATS = ("tooldesc", "direct", "cot")


def split_of(item: ToolUseItem) -> str:
    """``heldout``, ``dev`` or ``train`` (the item record says train for a dev template)."""
    if item.split == "heldout":
        return "heldout"
    return "dev" if item.template in DEV_TEMPLATES else "train"


def cloning_set(
    n: int,
    *,
    seed: int,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    answerer: Answerer | None = None,
    balance: str = "cells",
    free_text: str = "answerer",
    recover: float = 0.0,
) -> tuple[list[TrainingExample], dict[str, Any]]:
    """``n`` verified expert conversations on training-split items drawn with ``seed``, each
    under one of ``formats`` in turn, and counts of what was kept and why any item was
    dropped. Free-text items are kept only with an ``answerer`` whose answer names the
    item's reference points. ``balance``: ``cells`` draws an even share of items per
    category × difficulty cell and keeps those that verify (a template whose items rarely
    verify ends with few examples); ``templates`` takes the templates in turn, each turn
    trying up to ``TRIES`` of a template's items for one that verifies, so each training
    template keeps a share of the examples. ``free_text``: ``answerer`` answers free-text
    items with ``answerer`` alone; ``written`` with the template's expert-written answer
    (``Draft.answer``) where it has one, ``answerer`` elsewhere. ``recover``: the share of
    tool-needing items whose conversation begins with a failed call (``failed_attempt``: the
    solution with a slip, run for real) before the solution's call; that call and its error
    are part of the prompt, so what is learned is the mended call, never the slip."""
    unknown = [f for f in formats if f not in SYSTEM_PROMPTS]
    if unknown or not formats:
        raise ValueError(f"unknown agent formats {unknown}; formats: {', '.join(SYSTEM_PROMPTS)}")
    if balance not in ("cells", "templates"):
        raise ValueError(f"balance is cells or templates, not {balance!r}")
    if not 0.0 <= recover <= 1.0:
        raise ValueError(f"recover is a share between 0 and 1, not {recover!r}")
    if free_text not in FREE_TEXT:
        raise ValueError(f"free_text is {' or '.join(FREE_TEXT)}, not {free_text!r}")
    # items per cell: about 3x what is needed: a cell's held-out and dev templates take up
    # to two in five of its items, and free-text answers are kept only when they check
    per_cell = max(1, -(-n * 3 // 12)) * (TRIES if balance == "templates" else 1)
    drafts = [(i, d) for i, d in generate_drafts(per_cell, seed=seed) if split_of(i) == "train"]
    slots = _slots(drafts, random.Random(seed), by_template=balance == "templates")
    tools = ToolRegistry(tooluse_tools())
    specs = tools.specs()
    examples: list[TrainingExample] = []
    dropped: Counter[str] = Counter()
    slips = random.Random(f"recover-{seed}")
    mended = 0
    for slot in slots:
        if len(examples) == n:
            break
        fmt = formats[len(examples) % len(formats)]
        for item, draft in slot:
            try:
                written = draft.answer if free_text == "written" else None
                first = None
                needs_tool = "answer_directly" not in item.optimal_tools
                if draft.solution is not None and needs_tool and slips.random() < recover:
                    first = failed_attempt(item, draft.solution, slips, tools)
                msgs = expert_messages(
                    item,
                    draft.solution,
                    fmt=fmt,
                    tools=tools,
                    answerer=answerer,
                    written=written,
                    first_attempt=first,
                )
                break
            except NoExpertAnswer as e:
                dropped[str(e)] += 1
        else:
            continue
        chat = render_messages(msgs, specs)
        given = 4 if first is not None else 2  # system, question (and the failed call, its error)
        mended += first is not None
        examples.append(
            TrainingExample(
                prompt=chat[:given],
                completion=chat[given:],
                input=item.prompt,
                source="generated",
                task="tooluse",
                agent=f"tooluse-l3-{fmt}",
                scenario_id=item.id,
                label=f"{item.category}/{item.difficulty} · {item.template}",
                score=1.0,
                metadata={
                    "template": item.template,
                    "category": item.category,
                    "difficulty": item.difficulty,
                    "format": fmt,
                    "tools": [t.name for m in msgs for t in m.tool_calls or []],
                    "mended": first is not None,
                },
            )
        )
    if len(examples) < n:
        raise ValueError(
            f"only {len(examples)} of {n} tool-use examples verified (dropped: {dict(dropped)})"
        )
    decisions = Counter(ex.metadata["tools"][0] for ex in examples)
    return examples, {
        "seed": seed,
        "generated": len(examples) + sum(dropped.values()),
        "kept": len(examples),
        "dropped": dict(dropped),
        "first_decision": dict(decisions),
        "formats": list(formats),
        "templates": len({ex.metadata["template"] for ex in examples}),
        "balance": balance,
        "free_text": free_text,
        "recover": recover,
        "mended": mended,
    }


#: who answers the free-text items: a model (``answerer``) or the templates' written answers
FREE_TEXT = ("answerer", "written")

#: how many of a template's items one turn tries (``balance="templates"``)
TRIES = 3


def _slots(
    drafts: list[tuple[ToolUseItem, Draft]], rng: random.Random, *, by_template: bool
) -> list[list[tuple[ToolUseItem, Draft]]]:
    """The order items are tried in, as slots of which at most one is kept: every item alone
    in a random order, or (``by_template``) the templates in turn, ``TRIES`` items a turn."""
    if not by_template:
        rng.shuffle(drafts)
        return [[d] for d in drafts]
    pools: dict[str, list[tuple[ToolUseItem, Draft]]] = defaultdict(list)
    for d in drafts:
        pools[d[0].template].append(d)
    names = sorted(pools)
    rng.shuffle(names)
    for name in names:
        rng.shuffle(pools[name])
    turns = max(len(p) for p in pools.values()) // TRIES + 1
    return [
        pools[name][k * TRIES : (k + 1) * TRIES]
        for k in range(turns)
        for name in names
        if pools[name][k * TRIES : (k + 1) * TRIES]
    ]
