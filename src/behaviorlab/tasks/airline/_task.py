"""The airline task: RuleArena problems or the project's own generated ones, scored exactly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from behaviorlab.agents import Agent, Result
from behaviorlab.scoring import parse_number
from behaviorlab.tasks._base import (
    AgentFactory,
    Scenario,
    ScenarioOptions,
    Score,
    Task,
    register_task,
)
from behaviorlab.tasks._capabilities import (
    FaultSpec,
    SubjectSpec,
    TrainingOptions,
    TrainingSet,
)
from behaviorlab.tasks.airline import _agents
from behaviorlab.tasks.airline._calculator import total_cost
from behaviorlab.tasks.airline._data import AirlineProblem, load_rulearena
from behaviorlab.tasks.airline._families import (
    FAMILY_SPLITS,
    PER_FAMILY_LEVEL,
    family_problems,
    frozen_split,
)
from behaviorlab.tasks.airline._generator import (
    ALL_TEMPLATES,
    AUGMENT_TEMPLATES,
    HELDOUT_TEMPLATES,
    TRAIN_TEMPLATES,
    generate_problems,
)
from behaviorlab.tools import Tool

#: the packaged base with the shipped LoRA adapter (``tasks/airline/adapters/l1-lora.gguf``)
SHIPPED_L1_MODEL = "llamacpp/smollm2-135m+behaviorlab.tasks.airline:adapters/l1-lora.gguf"
SHIPPED_L1_ADAPTER = Path(__file__).parent / "adapters" / "l1-lora.gguf"

#: sources drawn afresh from one split's families: (split, default seed, default problems per
#: level). ``families-dev-more``: the dev families (never the test ones) beyond the frozen dev
#: split, where a choice needs more examples than its 66 (calibration); as many per level
DRAWN_FAMILIES = {
    "families-train": ("train", 0, 100),
    "families-dev-more": ("dev", 53_000, PER_FAMILY_LEVEL["dev"] * len(FAMILY_SPLITS["dev"])),
}

SOURCES = (
    "rulearena",
    "families-train",
    "families-dev",
    "families-dev-more",
    "families-test",
    "generated",
    "generated-heldout",
    "generated-augment",
    "generated-all",
)


def problem_scenario(p: AirlineProblem) -> Scenario:
    """Only the passenger's text goes into ``input``; parameters and answer stay hidden."""
    expected = p.answer
    if expected is None and p.info is not None:
        expected = total_cost(p.info)  # the labeller: the exact calculator over hidden info
    return Scenario(
        id=p.id,
        input=p.prompt,
        expected=expected,
        level=p.level,
        category=p.template or p.source,
        metadata={
            "index": p.index,
            "source": p.source,
            "template": p.template,
            "info": p.info.model_dump() if p.info else None,
            "answer_given": p.answer is not None,
        },
    )


def load_problems(options: ScenarioOptions) -> list[AirlineProblem]:
    source = options.source or ("rulearena" if options.data_dir else "generated")
    if source not in SOURCES:
        raise ValueError(f"unknown airline source {source!r}; choose from {', '.join(SOURCES)}")
    levels = [options.level] if options.level is not None else [0, 1, 2]
    for lvl in levels:
        if lvl not in (0, 1, 2):
            raise ValueError(f"airline levels are 0, 1 and 2, not {lvl}")
    problems: list[AirlineProblem] = []
    for lvl in levels:
        if source == "rulearena":
            if not options.data_dir:
                raise ValueError("source 'rulearena' needs --rulearena DIR (a RuleArena checkout)")
            loaded = load_rulearena(options.data_dir, lvl).problems
            problems.extend(loaded[: options.n] if options.n else loaded)
        elif source in ("families-dev", "families-test"):  # frozen: fixed seeds, -n caps
            loaded = frozen_split(source.removeprefix("families-"), levels=[lvl])
            # -n per level rotates through the families, level by level, so a small sample
            # still covers different families
            start = (lvl * (options.n or 0)) % len(loaded)
            loaded = loaded[start:] + loaded[:start]
            problems.extend(loaded[: options.n] if options.n else loaded)
        elif source in DRAWN_FAMILIES:  # drawn afresh from one split's families
            split, seed, n = DRAWN_FAMILIES[source]
            problems.extend(
                family_problems(
                    options.n or n,
                    seed=options.seed or seed,
                    level=lvl,
                    families=FAMILY_SPLITS[split],
                )
            )
        else:
            templates = {
                "generated": TRAIN_TEMPLATES,
                "generated-heldout": HELDOUT_TEMPLATES,
                "generated-augment": AUGMENT_TEMPLATES,
                "generated-all": ALL_TEMPLATES,
            }[source]
            problems.extend(
                generate_problems(
                    options.n or 100, seed=options.seed, level=lvl, templates=list(templates)
                )
            )
    return problems


def _l0(model: Any, options: ScenarioOptions) -> Any:
    return _agents.make_l0(model)


def _l1(model: Any, options: ScenarioOptions) -> Any:
    return _agents.make_l1(model)


def _l1_unconstrained(model: Any, options: ScenarioOptions) -> Any:
    return _agents.make_l1(model, constrained=False)


def _l1_always(model: Any, options: ScenarioOptions) -> Any:
    return _agents.make_l1(model, min_confidence=0.0)


def _l3(model: Any, options: ScenarioOptions) -> Any:
    return _agents.make_l3(model)


def _cot(model: Any, options: ScenarioOptions) -> Any:
    return _agents.make_cot(model, options.data_dir)


@register_task
class AirlineTask(Task):
    """RuleArena airline baggage fees. ``-n`` counts per level; no level means levels 0-2."""

    name: ClassVar[str] = "airline"
    agent_factories: ClassVar[dict[str, AgentFactory]] = {
        "l0": _l0,
        "l1": _l1,
        "l1-unconstrained": _l1_unconstrained,
        "l1-always": _l1_always,
        "l3": _l3,
        "cot": _cot,
    }
    model_free_agents: ClassVar[frozenset[str]] = frozenset({"l0"})
    default_agent: ClassVar[str | None] = "l1"
    #: ``l1`` runs the shipped extractor: SmolLM2-135M with the LoRA adapter trained by
    #: ``recipes/airline-l1.toml``
    default_models: ClassVar[dict[str, str]] = (
        {agent: SHIPPED_L1_MODEL for agent in ("l1", "l1-unconstrained", "l1-always")}
        if SHIPPED_L1_ADAPTER.is_file()
        else {}  # a source checkout without the adapter: the plain base
    )

    def hidden_fields(self) -> frozenset[str]:
        # the fields of AirlineInfo that no tool argument shares
        return frozenset({"bag_list", "base_price", "routine"})

    def tools(self) -> list[Tool]:
        return _agents.airline_tools()

    def scenarios(self, options: ScenarioOptions) -> list[Scenario]:
        return [problem_scenario(p) for p in load_problems(options)]

    # capabilities (``behaviorlab.tasks.capability``) ----------------------------------

    def training_examples(self, options: TrainingOptions) -> TrainingSet:
        """The L1 extraction ptool's prompts with labelled targets, and DPO pairs (the target
        against a plausible wrong extraction; ``-T corruptions='{"drop_bag": 1, ...}'`` weighs
        the slips), from generated training-family problems."""
        from behaviorlab.tasks.airline._training import (
            airline_problems,
            extraction_examples,
            extraction_pairs,
        )

        problems = airline_problems(
            options.n, seed=options.seed, levels=options.levels, weights=options.weights
        )
        examples, check = extraction_examples(problems)
        return TrainingSet(
            examples=examples,
            pairs=(
                extraction_pairs(
                    problems, seed=options.seed, corruptions=options.extra.get("corruptions")
                )
                if options.pairs
                else []
            ),
            notes=[f"labeller: {check.kept}/{check.generated} kept, {check.mismatch} mismatches"],
            provenance=check.model_dump(),
        )

    def cloning_examples(self, options: TrainingOptions) -> TrainingSet:
        """The L3 agent's expert steps (region, bag numbers, fees, sum) as multi-turn examples."""
        from behaviorlab.tasks.airline._cloning import cloning_examples
        from behaviorlab.tasks.airline._training import airline_problems

        problems = airline_problems(options.n, seed=options.seed, levels=options.levels)
        return TrainingSet(examples=cloning_examples(problems))

    def expert_scenarios(self, problems: Sequence[Any]) -> list[Scenario]:
        return [problem_scenario(p) for p in problems]

    def expert_agent(self, problems: Sequence[Any]) -> Agent:
        """The real L3 agent driven by the scripted replay of each problem's expert calls."""
        from behaviorlab.tasks.airline._expert import expert_model

        return _agents.make_l3(expert_model(problems))

    def behaviour_subjects(self) -> dict[str, SubjectSpec]:
        from behaviorlab.tasks.airline._subjects import airline_subject

        return {"airline": airline_subject()}

    def tool_argument_grammars(self) -> dict[str, Mapping[str, list[Any]]]:
        from behaviorlab.tasks.airline._subjects import airline_tool_grammars

        return dict(airline_tool_grammars())

    def tool_faults(self) -> dict[str, FaultSpec]:
        from behaviorlab.tasks.airline._subjects import AIRLINE_TOOL_FAULTS

        return dict(AIRLINE_TOOL_FAULTS)

    def tool_agent(self, tools: list[Tool] | None = None) -> Agent:
        """Plain code calling the fee tools in the L3 prompt's order (no model)."""
        from behaviorlab.tasks.airline._subjects import AirlineToolAgent

        return AirlineToolAgent(tools)

    def tool_agent_inputs(self, n: int, *, seed: int, level: int) -> list[Any]:
        return list(generate_problems(n, seed=seed, level=level))

    def score(self, scenario: Scenario, result: Result) -> Score:
        answer = self.normalise(result.output) if result.ok else None
        expected = scenario.expected
        correct = answer is not None and expected is not None and answer == int(expected)
        return Score(correct=correct, value=float(correct), answer=answer, expected=expected)

    @staticmethod
    def normalise(output: Any) -> int | None:
        value = parse_number(output)
        return None if value is None else round(value)

    def jsonl_answer(self, rec: Any) -> int | None:
        return rec.answer if isinstance(rec.answer, int) else None
