"""Behaviour-cloning data for the tool-use agents: expert conversations on training templates
only, every tool decision verified by running the tool, replayable through the real agent."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from collections import Counter

import pytest

from behaviorlab.models import Message, ScriptedModel
from behaviorlab.tasks import (
    ScenarioOptions,
    TrainingExamples,
    TrainingOptions,
    capability,
    get_task,
)
from behaviorlab.tasks.tooluse._agents import make_tooluse_agent
from behaviorlab.tasks.tooluse._expert import NoExpertAnswer, expert_messages, verify_solution
from behaviorlab.tasks.tooluse._generator import (
    REPORT_TEMPLATES,
    all_templates,
    generate_drafts,
    generate_items,
    report_items,
)
from behaviorlab.tasks.tooluse._scoring import score_answer, tool_decision
from behaviorlab.tasks.tooluse._template import Solution
from behaviorlab.tasks.tooluse._training import DEV_TEMPLATES, cloning_set, split_of
from behaviorlab.tasks.tooluse._types import ToolUseItem
from behaviorlab.train import step_examples

needs_sandbox = pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")

#: sha256 of the held-out and dev splits' items (seed 0, 60 per cell), recorded in the commit
#: that set the dev templates apart, before any adapter was trained on this task
SPLIT_HASHES = {
    "heldout": "f0b4aa058eae75640e23b664e9f45fd3d74eae65c0aa3d202aa0a12d5492ec6a",
    "dev": "ffd416a3649daa3be6b01b0bb0563d44f7bbdfcb213ae517881b092d8f88581b",
}


def _split_hash(split: str) -> str:
    items = [i.model_dump() for i in generate_items(seed=0) if split_of(i) == split]
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()


@pytest.mark.parametrize("split", sorted(SPLIT_HASHES))
def test_the_frozen_splits_are_unchanged(split):
    assert _split_hash(split) == SPLIT_HASHES[split]


#: sha256 of the report split (seed 0, 15 items a template), recorded in the commit that
#: created it, before any model was run on it
REPORT_SHA256 = "92f8f869f2ffe4fb52c47d8160385920eb3ca8c932e2f92dbe3845e4b971dffe"


def test_the_report_split_is_frozen_and_apart_from_every_other_template():
    items = report_items(seed=0)
    digest = hashlib.sha256(
        json.dumps([i.model_dump() for i in items], sort_keys=True).encode()
    ).hexdigest()
    assert digest == REPORT_SHA256
    names = {t.name for t in REPORT_TEMPLATES}
    assert len(names) == 4 and not names & {t.name for t in all_templates()}
    assert all(t.heldout for t in REPORT_TEMPLATES)  # nothing written for them to train on
    assert {t.category for t in REPORT_TEMPLATES} == {
        "reasoning",
        "execution",
        "ambiguous",
        "multi_step",
    }
    trained = {i.prompt for i, _ in generate_drafts(60, seed=1000)}
    assert not trained & {i.prompt for i in items}
    for t in REPORT_TEMPLATES:
        for k in range(5):
            draft = t.make(random.Random(k))
            assert draft.solution is None and draft.answer is None, t.name
    scenarios = get_task("tooluse").scenarios(ScenarioOptions(split="report", n=6))
    assert len(scenarios) == 24 and all(sc.id.startswith("report-") for sc in scenarios)


def test_the_splits_are_whole_templates_and_every_cell_keeps_training_templates():
    names = {t.name for t in all_templates()}
    assert names >= DEV_TEMPLATES
    held = {t.name for t in all_templates() if t.heldout}
    assert not DEV_TEMPLATES & held
    task = get_task("tooluse")
    by_split = {
        s: {sc.metadata["item"]["template"] for sc in task.scenarios(ScenarioOptions(split=s))}
        for s in ("train", "dev", "heldout")
    }
    assert by_split["dev"] == DEV_TEMPLATES
    assert by_split["heldout"] == held
    assert by_split["train"] == names - DEV_TEMPLATES - held
    cells = {(t.category, t.difficulty) for t in all_templates()}
    trained = {(t.category, t.difficulty) for t in all_templates() if t.name in by_split["train"]}
    assert trained == cells


def test_held_out_templates_carry_no_solution():
    for item, draft in generate_drafts(10, seed=3):
        if item.split == "heldout":
            assert draft.solution is None, item.template


def test_every_free_text_training_template_has_written_answers_that_check_and_no_other_does():
    """The expert-written answers (``Draft.answer``) cover every training template whose
    answer is free text, each names the item's reference points, none is written for a dev
    or held-out template, and none reaches the item an agent sees."""
    written: set[str] = set()
    for item, draft in generate_drafts(30, seed=5):
        if split_of(item) != "train" or item.expected_output is not None:
            assert draft.answer is None, item.template
            continue
        assert draft.answer, item.template
        assert score_answer(item, draft.answer), (item.template, draft.answer)
        assert draft.answer not in item.model_dump_json()
        assert not re.search(r"\{[a-z]\}", draft.answer), draft.answer  # formatted fully
        written.add(item.template)
    free_text = {
        t.name
        for t in all_templates()
        if not t.heldout and t.name not in DEV_TEMPLATES and t.category == "reasoning"
    }
    assert written == free_text


@needs_sandbox
def test_written_free_text_answers_teach_every_free_text_training_template():
    exs, made = cloning_set(30, seed=1000, free_text="written")
    assert made["free_text"] == "written"
    assert not any("reference point" in why or "answerer" in why for why in made["dropped"])
    free = [ex for ex in exs if ex.metadata["category"] == "reasoning"]
    assert free and all(ex.metadata["tools"] == ["answer_directly"] for ex in free)
    drafts = {i.id: d for i, d in generate_drafts(-(-30 * 3 // 12), seed=1000)}
    for ex in free:
        call = json.loads(ex.completion[-1].content[len("<tool_call>") : -len("</tool_call>")])
        assert call["arguments"]["answer"] == drafts[ex.scenario_id].answer
    with pytest.raises(ValueError, match="free_text is answerer or written"):
        cloning_set(3, seed=0, free_text="keywords")


NO_SOLUTION_SOMETIMES = {"execution.complex.determinant"}


@needs_sandbox
def test_every_training_template_that_needs_a_tool_has_a_solution_that_checks():
    """The expert's call is run for real and must score as the item's answer, on every
    template outside the held-out split whose best decision runs a tool."""
    seen: set[str] = set()
    for item, draft in generate_drafts(10, seed=11):
        if split_of(item) == "heldout" or "answer_directly" in item.optimal_tools:
            continue
        if draft.solution is None:
            # a 5x5 determinant is beyond one calculator expression, and code is not among
            # that template's best tools: the expert has no answer and the item is not kept
            assert item.template in NO_SOLUTION_SOMETIMES, f"{item.template} has no solution"
            continue
        assert draft.solution.tool in item.optimal_tools, item.template
        out = verify_solution(item, draft.solution)
        assert score_answer(item, out)
        seen.add(item.template)
    needing = {
        t.name
        for t in all_templates()
        if not t.heldout and "answer_directly" not in t.optimal_tools
    }
    assert seen == needing


@needs_sandbox
def test_a_solution_whose_output_does_not_score_is_refused_with_what_came_back():
    item, _ = next(
        (i, d)
        for i, d in generate_drafts(5, seed=0)
        if i.template == "execution.easy.multiply" and i.expected_output
    )
    with pytest.raises(NoExpertAnswer, match=r"returned '7'.*expected"):
        expert_messages(item, Solution("calculator", "3+4"))
    with pytest.raises(NoExpertAnswer, match="not one of the best tools"):
        expert_messages(item, Solution("code_executor", "print(1)"))


def _answerer(item: ToolUseItem) -> str:
    """A stand-in for the base model (control flow only): every other free-text item gets an
    answer naming its points, the rest one that names none."""
    if len(item.prompt) % 2:
        return "I am not sure. It depends"
    points = " and ".join(k.split("|")[0] for k in item.reference_keywords)
    return f"It is about {points}. Then a sentence cut off in the midd"


@pytest.fixture(scope="module")
def examples():
    if shutil.which("bwrap") is None:
        pytest.skip("needs bubblewrap")
    return cloning_set(36, seed=1000, answerer=_answerer)


def test_free_text_answers_are_kept_only_when_they_check_and_end_on_a_whole_sentence(examples):
    exs, made = examples
    free = [ex for ex in exs if ex.metadata["category"] == "reasoning"]
    assert free
    for ex in free:
        answer = json.loads(ex.completion[-1].content[len("<tool_call>") : -len("</tool_call>")])
        assert answer["arguments"]["answer"].startswith("It is about ")
        assert answer["arguments"]["answer"].endswith(".")
    assert any("misses a reference point" in why for why in made["dropped"])
    item = next(i for i in generate_items(3) if i.answer_type == "none")
    with pytest.raises(NoExpertAnswer, match="no answerer"):
        expert_messages(item, None)


def test_examples_come_from_training_templates_only_with_the_best_first_decision(examples):
    exs, made = examples
    assert len(exs) == 36 and made["kept"] == 36
    train = {t.name for t in all_templates() if not t.heldout} - DEV_TEMPLATES
    items = {i.id + i.template: i for i in generate_items(20, seed=1000)}
    assert {ex.metadata["template"] for ex in exs} <= train
    assert {ex.metadata["format"] for ex in exs} == {"tooldesc", "direct", "cot"}
    for ex in exs:
        first = ex.metadata["tools"][0]
        item = items[ex.scenario_id + ex.metadata["template"]]
        assert first in item.optimal_tools, (item.template, first)
        # the answer the expert ends on scores as right
        final = json.loads(
            ex.completion[-1].content.split("<tool_call>")[1].split("</tool_call>")[0]
        )
        assert final["name"] == "answer_directly"
        assert score_answer(item, final["arguments"]["answer"]), item.template
    assert set(made["first_decision"]) == {"answer_directly", "code_executor", "calculator"}


def test_the_task_offers_the_examples_as_its_training_data(examples):
    made = capability(get_task("tooluse"), TrainingExamples).training_examples(
        TrainingOptions(n=12, seed=1000, extra={"formats": "direct"})
    )
    assert made.provenance["kept"] == 12 and made.provenance["formats"] == ["direct"]
    # without an answerer, free-text items are left out, never answered from their keywords
    types = {i.prompt: i.answer_type for i in generate_items(20, seed=1000)}
    assert all(types[ex.input] != "none" for ex in made.examples)
    assert any("no answerer" in why for why in made.provenance["dropped"])
    assert {e.model_dump()["metadata"]["format"] for e in made.examples} == {"direct"}
    with pytest.raises(ValueError, match="unknown agent formats"):
        cloning_set(3, seed=1, formats=("shouting",))


def test_the_expert_replays_through_the_real_agent_with_the_prompts_it_sends(examples):
    """Replaying an example's assistant turns as the model's replies makes the real L3 agent
    send exactly the example's prompts, call the same tools and end on a right answer."""
    exs, _ = examples
    items = {i.prompt: i for i in generate_items(20, seed=1000)}
    tool_runs = [ex for ex in exs if len(ex.metadata["tools"]) > 1][:2]
    direct = [ex for ex in exs if len(ex.metadata["tools"]) == 1][:1]
    for ex in tool_runs + direct:
        steps = step_examples(ex)
        seen: list[list[Message]] = []

        def reply(messages: list[Message], steps=steps, seen=seen) -> str:
            seen.append(messages)
            return steps[len(seen) - 1].completion[0].content

        fmt = ex.metadata["format"]
        r = make_tooluse_agent(ScriptedModel([reply], cycle=True), fmt).run(ex.input)
        assert r.ok, r.error
        item = items[ex.input]
        assert score_answer(item, str(r.output))
        assert tool_decision(item, r.tools_used).correct_choice
        assert len(seen) == len(steps)
        for sent, step in zip(seen, steps, strict=True):
            assert [(m.role, m.content) for m in sent] == [(m.role, m.content) for m in step.prompt]


@needs_sandbox
def test_balanced_by_template_every_training_template_keeps_a_share():
    """``balance="templates"``: the templates in turn, so one whose free-text answers rarely
    check still gets examples, where drawing by cell leaves it out."""
    exs, made = cloning_set(
        84, seed=7, formats=("direct",), answerer=_answerer, balance="templates"
    )
    per = Counter(ex.metadata["template"] for ex in exs)
    train = {t.name for t in all_templates() if not t.heldout} - DEV_TEMPLATES
    assert set(per) == train  # 42 templates, 84 examples: every one is reached
    assert max(per.values()) - min(per.values()) <= 2
    assert made["balance"] == "templates"
    with pytest.raises(ValueError, match="balance is cells or templates"):
        cloning_set(3, seed=1, balance="by-vibes")


@needs_sandbox
def test_a_mended_conversation_teaches_the_mended_call_never_the_slip():
    """``recover``: a tool-needing conversation begins with the solution slipped (run for
    real, so its error is what the agent would see), then the solution. The slip and its
    error are prompt, not completion; replayed through the real agent the slip is answered
    with that same error and the mended call ends on a right answer."""
    exs, made = cloning_set(36, seed=1000, formats=("tooldesc",), recover=1.0, free_text="written")
    mended = [ex for ex in exs if ex.metadata["mended"]]
    tool_needing = [ex for ex in exs if ex.metadata["tools"][0] != "answer_directly"]
    assert made["mended"] == len(mended) and len(mended) >= len(tool_needing) * 3 // 4
    assert not any(ex.metadata["mended"] for ex in exs if ex not in tool_needing)
    items = {i.prompt: i for i in generate_items(20, seed=1000)}
    for ex in mended:
        slip, error = ex.prompt[2], ex.prompt[3]
        assert slip.role == "assistant" and "<tool_call>" in slip.content
        assert "[exit code" in error.content or "returned: Error:" in error.content
        assert not score_answer(items[ex.input], error.content)
        first_learned = ex.completion[0]
        assert first_learned.role == "assistant" and first_learned.content != slip.content
    for ex in mended[:2]:
        replies = [ex.prompt[2].content] + [s.completion[0].content for s in step_examples(ex)]
        seen: list[list[Message]] = []

        def reply(messages: list[Message], replies=replies, seen=seen) -> str:
            seen.append(messages)
            return replies[len(seen) - 1]

        r = make_tooluse_agent(ScriptedModel([reply], cycle=True), "tooldesc").run(ex.input)
        assert r.ok, r.error
        assert score_answer(items[ex.input], str(r.output))
        assert [(m.role, m.content) for m in seen[1]] == [(m.role, m.content) for m in ex.prompt]
    none, _ = cloning_set(12, seed=1000, formats=("tooldesc",), free_text="written")
    assert not any(ex.metadata["mended"] for ex in none)
    with pytest.raises(ValueError, match="recover is a share"):
        cloning_set(3, seed=0, recover=1.5)
