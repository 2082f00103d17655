"""Generated airline training data: the L1 extraction ptool's exact prompts with targets from
the problem generator, checked by the L0 program (parser + exact calculator).

Only :func:`generate_problems` feeds these functions, never RuleArena's test problems; each
problem's parameters depend on ``(seed, level, index)``, so evaluation seeds stay disjoint
from training seeds by choosing different seeds.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ValidationError

from behaviorlab.agents import Declined
from behaviorlab.models import (
    ChatMessage,
    PreferencePair,
    TrainingExample,
    json_schema_for,
    retry_feedback,
)
from behaviorlab.tasks.airline._agents import extract_airline_params, l1_output_type
from behaviorlab.tasks.airline._calculator import total_cost
from behaviorlab.tasks.airline._data import AirlineProblem
from behaviorlab.tasks.airline._extraction import (
    AirlineExtraction,
    CheckedBag,
    ExtractionError,
    target_for,
    to_info,
)
from behaviorlab.tasks.airline._families import FAMILY_SPLITS, family_problems
from behaviorlab.tasks.airline._generator import HELDOUT_TEMPLATES, generate_problems


class LabelCheck(BaseModel):
    """How many generated problems the labeller accepted, and why others were dropped."""

    generated: int = 0
    kept: int = 0
    rulearena_refused: int = 0
    mismatch: int = 0


def airline_problems(
    n: int,
    *,
    seed: int,
    levels: Sequence[int] = (0, 1, 2),
    templates: Sequence[str] | None = None,
    weights: Mapping[str, int] | None = None,
    families: Sequence[str] | None = None,
) -> list[AirlineProblem]:
    """``n`` generated problems per level laid out as the training ``families`` (the default:
    ``FAMILY_SPLITS["train"]``; a dev or test family is refused), or, with ``templates``, in
    the older fixed phrasings (never a held-out one). ``weights`` makes some families or
    phrasings more frequent: ``{"rulearena": 3}`` draws RuleArena's own layout three times as
    often as each of the others."""
    if templates is None:
        fams = tuple(families) if families is not None else FAMILY_SPLITS["train"]
        held = [f for f in fams if f not in FAMILY_SPLITS["train"]]
        if held:
            raise ValueError(f"dev and test families are never training data: {held}")
        unknown = sorted(set(weights or {}) - set(fams))
        if unknown:
            raise ValueError(f"weights name families not in families: {unknown}")
        return [
            p
            for lvl in levels
            for p in family_problems(
                n, seed=seed, level=lvl, families=fams, weights=dict(weights or {})
            )
        ]
    bad = [t for t in templates if t in HELDOUT_TEMPLATES]
    if bad:
        raise ValueError(f"held-out phrasings are never training data: {bad}")
    unknown = sorted(set(weights or {}) - set(templates))
    if unknown:
        raise ValueError(f"weights name phrasings not in templates: {unknown}")
    drawn = [t for t in templates for _ in range((weights or {}).get(t, 1))]
    out: list[AirlineProblem] = []
    for lvl in levels:
        out.extend(generate_problems(n, seed=seed, level=lvl, templates=drawn))
    return out


def labelled_target(problem: AirlineProblem) -> AirlineExtraction:
    """The extraction target, accepted only when the L0 calculator gets the same total from it
    as from the problem's hidden parameters; raises ``ExtractionError`` otherwise."""
    if problem.source != "generated":
        raise ExtractionError(
            f"{problem.id} is a {problem.source} problem: train on generated problems only"
        )
    target = target_for(problem)
    assert problem.info is not None
    expected = total_cost(problem.info)
    got = total_cost(to_info(target))
    if got != expected:
        raise ExtractionError(f"{problem.id}: target gives {got}, the problem {expected}")
    return target


def extraction_example(problem: AirlineProblem, *, constrained: bool = True) -> TrainingExample:
    """The ptool's prompt and target for one problem. ``constrained``: the model to be trained is
    called with schema-constrained decoding (true of the default llama.cpp model), so its
    prompt carries no schema; it must match how the trained model will be called."""
    target = labelled_target(problem)
    prompt = [
        ChatMessage(role=m.role, content=m.content)  # type: ignore[arg-type]
        for m in extract_airline_params.prompt(
            {"passenger_text": problem.prompt}, constrained=constrained
        )
    ]
    return TrainingExample(
        prompt=prompt,
        completion=[ChatMessage(role="assistant", content=target.model_dump_json())],
        input=problem.prompt,
        source="generated",
        task="airline",
        agent="airline-l1/extract_airline_params",
        scenario_id=problem.id,
        label=f"level={problem.level} · {problem.template}",
        score=1.0,
        metadata={"level": problem.level, "template": problem.template, "answer": problem.answer},
    )


def extraction_examples(
    problems: Sequence[AirlineProblem], *, constrained: bool = True
) -> tuple[list[TrainingExample], LabelCheck]:
    check = LabelCheck(generated=len(problems))
    out: list[TrainingExample] = []
    for p in problems:
        if p.source != "generated":
            check.rulearena_refused += 1
            continue
        try:
            out.append(extraction_example(p, constrained=constrained))
        except ExtractionError:
            check.mismatch += 1
    check.kept = len(out)
    return out, check


def copy_slip(target: AirlineExtraction, rng: random.Random) -> AirlineExtraction | None:
    """The copy slip a fine-tuned SmolLM2 made on long lists (measured on RuleArena level 1):
    a bag takes an earlier bag's figures from some field on (the line starts alike, and the
    model's attention jumps to the earlier line), or a bag is written twice. None when the
    target has fewer than two bags."""
    bags = list(target.checked_bags)
    if len(bags) < 2:
        return None
    i = rng.randrange(1, len(bags))
    j = rng.randrange(i)
    fields = ["length", "width", "height", "weight"]
    kind = rng.choice(["from_field", "from_field", "repeat"])
    if kind == "repeat":
        bags.insert(i, bags[i - 1])
    else:
        k = rng.randrange(1, 4)
        earlier = bags[j].model_dump()
        bags[i] = bags[i].model_copy(update={f: earlier[f] for f in fields[k:]})
    slipped = target.model_copy(update={"checked_bags": bags})
    return None if slipped == target else slipped


def retry_example(
    problem: AirlineProblem, rng: random.Random, *, constrained: bool = True
) -> TrainingExample | None:
    """A second attempt as the L1 workflow makes it: the ptool's prompt, a first output with a
    copy slip (``copy_slip``), the validation message the workflow sends back for it
    (``retry_feedback`` of the text-bound type's error), and the labelled target as the
    completion. None when the slip happens to be one the validators accept (it copies
    figures that also stand together elsewhere in the text)."""
    ex = extraction_example(problem, constrained=constrained)
    target = AirlineExtraction.model_validate_json(ex.completion[0].content)
    slipped = copy_slip(target, rng)
    if slipped is None:
        return None
    bound = l1_output_type(problem.prompt)
    try:
        bound.model_validate(slipped.model_dump())
    except ValidationError as e:
        feedback = retry_feedback(e, json_schema_for(bound), constrained=constrained)
    else:
        return None
    prompt = [
        *ex.prompt,
        ChatMessage(role="assistant", content=slipped.model_dump_json()),
        ChatMessage(role="user", content=feedback.content),
    ]
    return ex.model_copy(
        update={
            "prompt": prompt,
            "label": f"{ex.label} · retry",
            "metadata": {**ex.metadata, "retry": True},
        }
    )


def retry_examples(
    problems: Sequence[AirlineProblem], *, seed: int = 0, constrained: bool = True
) -> list[TrainingExample]:
    """``retry_example`` for each generated problem that has one (RuleArena's are refused)."""
    rng = random.Random(f"retry:{seed}")
    out: list[TrainingExample] = []
    for p in problems:
        if p.source != "generated":
            continue
        try:
            ex = retry_example(p, rng, constrained=constrained)
        except (ExtractionError, Declined):  # unlabelled, or L1 would decline before any call
            continue
        if ex is not None:
            out.append(ex)
    return out


#: the wrong extractions a DPO pair rejects, with how often each is drawn: the slips the
#: shipped adapter makes on the dev families (a bag listed twice, most often the last; the
#: carry-on copied as a checked bag; a bag dropped; a figure copied from another bag), then
#: the rarer ones (a digit, the class, the cities swapped, the price)
CORRUPTIONS: dict[str, float] = {
    "repeat_bag": 0.25,
    "carry_on": 0.2,
    "drop_bag": 0.15,
    "borrowed_figure": 0.15,
    "digit": 0.1,
    "class": 0.05,
    "swap_cities": 0.05,
    "price": 0.05,
}
_CLASSES = ("Basic Economy", "Main Cabin", "Main Plus", "Premium Economy", "Business", "First")


def corrupt_extraction(
    target: AirlineExtraction, rng: random.Random, *, carry_on: CheckedBag | None = None
) -> AirlineExtraction:
    """A plausible wrong extraction, drawn by ``CORRUPTIONS`` (``carry_on``: the text's own
    carry-on, which the "carry_on" slip lists as a checked bag; a made-up one without it)."""
    return _corruption(target, rng, carry_on)[0]


def _corruption(
    target: AirlineExtraction,
    rng: random.Random,
    carry_on: CheckedBag | None,
    weights: Mapping[str, float] | None = None,
) -> tuple[AirlineExtraction, str]:
    """A wrong extraction and the slip it shows (one that applies: a list of one bag cannot
    borrow a figure from another, so it gets a wrong digit)."""
    bags = list(target.checked_bags)
    drawn = weights or CORRUPTIONS
    kind = rng.choices(list(drawn), weights=list(drawn.values()))[0]
    if kind in ("repeat_bag", "drop_bag", "borrowed_figure", "digit") and not bags:
        kind = "price"
    if kind == "borrowed_figure" and len(bags) < 2:
        kind = "digit"
    if kind == "repeat_bag":
        i = len(bags) - 1 if rng.random() < 0.6 else rng.randrange(len(bags))
        bags.insert(i + 1, bags[i])
    elif kind == "carry_on":
        bag = carry_on or CheckedBag(length=22, width=14, height=9, weight=rng.randint(8, 15))
        bags.insert(0 if rng.random() < 0.7 else len(bags), bag)
    elif kind == "drop_bag":
        bags.pop(len(bags) - 1 if rng.random() < 0.5 else rng.randrange(len(bags)))
    elif kind == "borrowed_figure":
        i, j = rng.sample(range(len(bags)), 2)
        field = rng.choice(["length", "width", "height", "weight"])
        bags[i] = bags[i].model_copy(update={field: getattr(bags[j], field)})
    elif kind == "digit":
        i = rng.randrange(len(bags))
        w = bags[i].weight
        bags[i] = bags[i].model_copy(
            update={"weight": w + rng.choice([-10, -1, 1, 10]) if w > 10 else w + 5}
        )
    elif kind == "class":
        others = [c for c in _CLASSES if c != target.customer_class]
        return target.model_copy(update={"customer_class": rng.choice(others)}), kind
    elif kind == "swap_cities":
        swapped = {"origin_city": target.destination_city, "destination_city": target.origin_city}
        return target.model_copy(update=swapped), kind
    else:
        price = target.ticket_price + rng.choice([-100, 10, 100])
        return target.model_copy(update={"ticket_price": price}), "price"
    return target.model_copy(update={"checked_bags": bags}), kind


def extraction_pairs(
    problems: Sequence[AirlineProblem],
    *,
    seed: int = 0,
    corruptions: Mapping[str, float] | None = None,
) -> list[PreferencePair]:
    """DPO pairs without any stored run: the labelled target against a corrupted one
    (slips drawn by ``corruptions``, relative weights over ``CORRUPTIONS``' names; default
    ``CORRUPTIONS``)."""
    unknown = set(corruptions or {}) - set(CORRUPTIONS)
    if unknown:
        raise ValueError(f"unknown corruptions {sorted(unknown)}; known: {', '.join(CORRUPTIONS)}")
    rng = random.Random(seed)
    pairs: list[PreferencePair] = []
    for p in problems:
        try:
            ex = extraction_example(p)
        except ExtractionError:
            continue
        target = AirlineExtraction.model_validate_json(ex.completion[0].content)
        carry_on = None
        if p.info is not None:
            (length, width, height), weight = p.info.carry_on.size, p.info.carry_on.weight
            carry_on = CheckedBag(length=length, width=width, height=height, weight=weight)
        wrong, why = _corruption(target, rng, carry_on, corruptions)
        if wrong == target:
            continue
        pairs.append(
            PreferencePair(
                prompt=ex.prompt,
                chosen=ex.completion[0].content,
                rejected=wrong.model_dump_json(),
                input=p.prompt,
                chosen_score=1.0,
                rejected_score=0.0,
                source="generated",
                task="airline",
                scenario_id=p.id,
                label=ex.label,
                signal="generated",
                metadata={"rejected": why},
            )
        )
    return pairs
