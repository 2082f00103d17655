"""The tool-use decision task: correctness plus *which* tool was chosen, per category."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from behaviorlab.agents import Result
from behaviorlab.models import get_model
from behaviorlab.scoring import tool_selection
from behaviorlab.tasks._base import (
    AgentFactory,
    Scenario,
    ScenarioOptions,
    Score,
    Task,
    register_task,
)
from behaviorlab.tasks._capabilities import TrainingOptions, TrainingSet
from behaviorlab.tasks.tooluse._agents import make_tooluse_agent, tooluse_tools
from behaviorlab.tasks.tooluse._expert import model_answerer
from behaviorlab.tasks.tooluse._generator import generate_items, report_items
from behaviorlab.tasks.tooluse._scoring import score_answer, tool_decision
from behaviorlab.tasks.tooluse._training import DEFAULT_FORMATS, SPLITS, cloning_set, split_of
from behaviorlab.tasks.tooluse._types import DIFFICULTIES, ToolUseItem
from behaviorlab.tools import Tool


def _factory(fmt: str) -> AgentFactory:
    return lambda model, options: make_tooluse_agent(model, fmt)  # type: ignore[arg-type]


#: the tool-use agents' default model: the packaged SmolLM2 with the tool-decision adapter
#: (``recipes/tooluse-l3.toml``; chosen on the dev split, README "Tool-use decisions")
SHIPPED_TOOLUSE_MODEL = "llamacpp/smollm2-135m+behaviorlab.tasks.tooluse:adapters/l3-lora.gguf"
SHIPPED_TOOLUSE_ADAPTER = Path(__file__).parent / "adapters" / "l3-lora.gguf"


def _why_dropped(dropped: dict[str, int]) -> str:
    """Drop counts by reason, the template names left out (they are in the provenance)."""
    why: Counter[str] = Counter()
    for reason, k in dropped.items():
        why[reason.split(": ", 1)[-1]] += k
    return ", ".join(f"{k} {reason}" for reason, k in why.most_common())


@register_task
class ToolUseTask(Task):
    """Generated tool-use items; ``--split heldout`` (default), ``dev`` (training templates set
    apart to choose variants on, ``DEV_TEMPLATES``), ``train`` or ``report`` (four templates
    frozen after the held-out split steered a lever, ``_templates_report``); ``--level`` is the difficulty
    (0 easy, 1 intermediate, 2 complex); ``-n`` caps items per category × difficulty cell."""

    name: ClassVar[str] = "tooluse"
    agent_factories: ClassVar[dict[str, AgentFactory]] = {
        "l3": _factory("tooldesc"),
        "l3-direct": _factory("direct"),
        "l3-cot": _factory("cot"),
        "l3-tooldesc": _factory("tooldesc"),
    }
    #: the tool-use agents run the shipped adapter unless ``--model`` says otherwise
    #: (``--model smollm2-135m``: the untuned base)
    default_models: ClassVar[dict[str, str]] = (
        {agent: SHIPPED_TOOLUSE_MODEL for agent in ("l3", "l3-direct", "l3-cot", "l3-tooldesc")}
        if SHIPPED_TOOLUSE_ADAPTER.is_file()
        else {}  # a source checkout without the adapter: the plain base
    )

    def tools(self) -> list[Tool]:
        return tooluse_tools()

    def training_examples(self, options: TrainingOptions) -> TrainingSet:
        """``options.n`` verified expert conversations on training-template items (never a
        dev or held-out template), drawn with ``options.seed``, under the agent formats of
        ``-T formats=tooldesc,direct,cot`` in turn. ``-T answerer=MODEL`` writes the answers
        of free-text items (kept only when they name the item's reference points); without
        one those items are left out; ``-T free_text=written`` answers them with the
        templates' expert-written answers instead, where a template has them.
        ``-T balance=templates`` gives each training template a share of the examples;
        ``-T recover=0.25`` begins a quarter of the tool-needing conversations with a failed
        call that the expert then mends (``cloning_set``)."""
        raw = options.extra.get("formats", DEFAULT_FORMATS)
        formats = tuple(raw.split(",")) if isinstance(raw, str) else tuple(raw)
        spec = options.extra.get("answerer")
        answerer = model_answerer(get_model(str(spec))) if spec else None
        examples, made = cloning_set(
            options.n,
            seed=options.seed,
            formats=formats,
            answerer=answerer,
            balance=str(options.extra.get("balance", "cells")),
            free_text=str(options.extra.get("free_text", "answerer")),
            recover=float(options.extra.get("recover", 0.0)),
        )
        return TrainingSet(
            examples=examples,
            notes=[
                f"expert conversations: {made['kept']} kept of {made['generated']} drawn "
                f"(dropped: {_why_dropped(made['dropped']) or 'none'}); "
                f"first decisions {made['first_decision']}"
            ],
            provenance=made,
        )

    def scenarios(self, options: ScenarioOptions) -> list[Scenario]:
        split = options.split or "heldout"
        if split not in SPLITS:
            raise ValueError(f"tooluse splits are {', '.join(SPLITS)}, not {split!r}")
        if split == "report":
            items = report_items(seed=options.seed)
        else:
            items = [i for i in generate_items(seed=options.seed) if split_of(i) == split]
        if options.level is not None:
            items = [i for i in items if i.difficulty == DIFFICULTIES[options.level]]
        if options.n:
            seen: dict[tuple[str, str], int] = {}
            kept = []
            for i in items:
                k = (i.category, i.difficulty)
                if seen.get(k, 0) < options.n:
                    seen[k] = seen.get(k, 0) + 1
                    kept.append(i)
            items = kept
        return [
            Scenario(
                id=i.id,
                input=i.prompt,
                expected=i.expected_output,
                level=DIFFICULTIES.index(i.difficulty),
                category=i.category,
                expected_tools=list(i.optimal_tools),
                metadata={"item": i.model_dump()},
            )
            for i in items
        ]

    def score(self, scenario: Scenario, result: Result) -> Score:
        item = ToolUseItem.model_validate(scenario.metadata["item"])
        answer = str(result.output) if result.ok and result.output is not None else ""
        correct = bool(answer) and score_answer(item, answer)
        decision = tool_decision(item, result.tools_used)
        sel = tool_selection(decision.used, item.optimal_tools)
        details: dict[str, Any] = {
            "tool_choice_correct": decision.correct_choice,
            "tool_choice_acceptable": decision.acceptable,
            "overuse": decision.overuse,
            "underuse": decision.underuse,
            "tool_precision": sel.precision,
            "tool_recall": sel.recall,
            "tool_f1": sel.f1,
            "difficulty": item.difficulty,
        }
        return Score(
            correct=correct,
            value=float(correct),
            answer=answer or None,
            expected=item.expected_output,
            details=details,
        )
