"""Training data for the fc agent: verified synthetic examples, the exact prompts the agent
sends, and a contamination report beside them.

``synth_training_set(n, seed=...)`` is the task's ``TrainingExamples`` capability:
``behaviorlab train export --task bfcl --source generated -n 4000 --seed 0 -o DIR`` writes its
examples (``examples.train.jsonl`` etc., read by ``behaviorlab train sft --data DIR``) plus
``contamination.json`` (:class:`ContaminationReport`) and ``synth.json`` (counts by kind,
masked share, seed, verification). Each prompt is the fc agent's own: its system prompt with the
functions and the prompted tool format, then the request; each completion is the calls as the
tool-call grammar lets the model write them, or a plain sentence where no function fits.
"""

from __future__ import annotations

import json
import random
from collections import Counter

from pydantic import BaseModel, Field

from behaviorlab.models import ChatMessage, GrammarMatcher, PreferencePair, TrainingExample
from behaviorlab.tasks._capabilities import TrainingSet
from behaviorlab.tasks.bfcl._agents import FCInput, fc_messages
from behaviorlab.tasks.bfcl._apisets import api_set
from behaviorlab.tasks.bfcl._contamination import (
    DEFAULT_N,
    contamination_report,
    tools_text,
)
from behaviorlab.tasks.bfcl._synth import (
    NO_CALL_ANSWERS,
    SynthExample,
    generate,
    is_wrong,
    no_call_twin,
    rejected_answer,
    verify,
)

CONTAMINATION = "contamination.json"
SUMMARY = "synth.json"
#: the held-out share of the export, and its split's salt
HELDOUT_FRACTION = 0.05
SPLIT_SALT = "bfcl-synth"
#: the most a dataset may share with any BFCL category (share of examples, share of items)
MAX_OVERLAP = 0.01


class SynthSummary(BaseModel):
    seed: int
    #: the set of synthetic APIs the requests were drawn from
    apis: str = "core"
    generated: int
    kept: int
    rejected: dict[str, int] = Field(default_factory=dict)
    kinds: dict[str, int] = Field(default_factory=dict)
    masked: int = 0
    grammar_checked: bool = False
    contamination_n: int = DEFAULT_N
    worst_examples_share: float = 0.0
    worst_items_share: float = 0.0
    #: preference pairs made, by the kind of wrong answer rejected
    pairs: dict[str, int] = Field(default_factory=dict)


def prompt_messages(ex: SynthExample) -> list[dict[str, str]]:
    """The messages the fc agent sends a prompted provider (llama.cpp) for this request."""
    inp = FCInput(messages=[{"role": "user", "content": ex.question}], tools=ex.tools)
    return [{"role": m.role, "content": m.content} for m in fc_messages(inp, prompted=True)]


def training_example(ex: SynthExample) -> TrainingExample:
    """``ex`` as a training example: the fc agent's prompt, the calls as the completion."""
    return TrainingExample(
        prompt=[ChatMessage.model_validate(m) for m in prompt_messages(ex)],
        completion=[ChatMessage(role="assistant", content=ex.completion())],
        input=ex.question,
        source="bfcl-synth",
        task="bfcl",
        agent="fc",
        scenario_id=ex.id,
        label=ex.kind,
        metadata={"masked": ex.masked, "apis": sorted(set(ex.apis.values()))},
    )


def preference_pairs(
    examples: list[SynthExample],
    *,
    seed: int = 0,
    contrastive: bool = False,
    apis: str = "core",
) -> list[PreferencePair]:
    """DPO pairs, the verified answer chosen and a plausible wrong one rejected, kept only
    where BFCL's checker rejects it; the prompt is the fc agent's own.

    By default one pair per example (``rejected_answer``: a call where none fits, a repeated
    or extra call, the wrong function, a dropped call, a value the request never wrote, no
    call). With ``contrastive`` each example that calls makes two pairs over the same offered
    functions: its call against no call, and, for its no-call twin (``no_call_twin``: a
    request none of them serves), no call against a call of one of them; so only the request
    decides, and a model cannot gain by calling less (or more) everywhere."""
    rng = random.Random(f"bfcl-pairs-{seed}")
    pool = api_set(apis)
    out: list[PreferencePair] = []

    def add(ex: SynthExample, drawn: tuple[str, str] | None) -> None:
        if drawn is None or drawn[0] == ex.completion() or not is_wrong(ex, drawn[0]):
            return
        rejected, why = drawn
        out.append(
            PreferencePair(
                prompt=[ChatMessage.model_validate(m) for m in prompt_messages(ex)],
                chosen=ex.completion(),
                rejected=rejected,
                input=ex.question,
                chosen_score=1.0,
                rejected_score=0.0,
                source="bfcl-synth",
                task="bfcl",
                scenario_id=ex.id,
                label=ex.kind,
                signal="generated",
                metadata={"rejected": why, "masked": ex.masked},
            )
        )

    for ex in examples:
        if not contrastive or not ex.calls:
            add(ex, rejected_answer(ex, rng))
            continue
        add(ex, (rng.choice(NO_CALL_ANSWERS), "no_call_when_one_fits"))
        twin = no_call_twin(ex, rng, pool)
        if not verify(twin):
            add(twin, rejected_answer(twin, rng))
    return out


def example_text(ex: SynthExample) -> str:
    return ex.question + "\n" + tools_text(ex.tools)


def synth_training_set(
    n: int,
    *,
    seed: int = 0,
    check_grammar: bool = True,
    max_overlap: float = MAX_OVERLAP,
    mix: dict[str, float] | None = None,
    pairs: bool = False,
    contrastive: bool = False,
    apis: str = "core",
) -> TrainingSet:
    """Generate ``n`` examples (kinds in the proportions of ``mix``, default ``DEFAULT_MIX``)
    and keep the verified ones, with the contamination report and the counts as files beside
    the export; a dataset overlapping BFCL more than ``max_overlap`` is refused (ValueError).
    ``apis`` names the set of synthetic APIs drawn from (``core`` or ``wide``). With
    ``pairs``, DPO pairs of the same requests too (:func:`preference_pairs`; its
    ``contrastive`` form adds requests, so the contamination check covers the pairs' too)."""
    matcher = GrammarMatcher() if check_grammar else None
    examples = generate(n, seed=seed, mix=mix, apis=apis)
    kept: list[SynthExample] = []
    rejected: Counter[str] = Counter()
    try:
        for ex in examples:
            problems = verify(ex, matcher)
            if problems:
                rejected[problems[0].split(":")[0]] += 1
            else:
                kept.append(ex)
    finally:
        if matcher is not None:
            matcher.close()
    made_pairs = (
        preference_pairs(kept, seed=seed, contrastive=contrastive, apis=apis) if pairs else []
    )
    asked = {p.input for p in made_pairs if p.input} - {e.question for e in kept}
    report = contamination_report(
        [example_text(e) for e in kept] + sorted(asked), [e.question for e in kept] + sorted(asked)
    )
    worst = max(report.worst_examples_share, report.worst_items_share)
    identical = sum(c.identical_questions for c in report.categories)
    if worst > max_overlap or identical:
        raise ValueError(
            f"the dataset overlaps BFCL: {worst:.2%} (limit {max_overlap:.2%}), "
            f"{identical} requests identical to BFCL questions; see the samples: {report.samples}"
        )
    summary = SynthSummary(
        seed=seed,
        apis=apis,
        generated=len(examples),
        kept=len(kept),
        rejected=dict(rejected),
        kinds=dict(Counter(e.kind for e in kept)),
        masked=sum(e.masked for e in kept),
        grammar_checked=matcher is not None,
        contamination_n=report.n,
        worst_examples_share=report.worst_examples_share,
        worst_items_share=report.worst_items_share,
        pairs=dict(Counter(str(p.metadata["rejected"]) for p in made_pairs)),
    )
    return TrainingSet(
        examples=[training_example(e) for e in kept],
        pairs=made_pairs,
        sources=[f"bfcl-synth seed={seed} n={n}"],
        heldout_fraction=HELDOUT_FRACTION,
        split_salt=SPLIT_SALT,
        files={
            CONTAMINATION: report.model_dump_json(indent=2),
            SUMMARY: json.dumps(summary.model_dump(), indent=2),
        },
        info={"summary": summary, "contamination": report},
        provenance=summary.model_dump(),
    )
