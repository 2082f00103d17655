"""Training data from stored runs, from the airline generator, and expert ReAct trajectories."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from behaviorlab.evals import EvalConfig, run_eval
from behaviorlab.feedback import add_feedback
from behaviorlab.models import Message, ScriptedModel
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions
from behaviorlab.tasks.airline import (
    AUGMENT_TEMPLATES,
    FAMILY_SPLITS,
    HELDOUT_TEMPLATES,
    TRAIN_TEMPLATES,
    AirlineExtraction,
    airline_problems,
    cloning_example,
    extraction_examples,
    extraction_pairs,
    load_rulearena,
    retry_examples,
    target_for,
)
from behaviorlab.tasks.airline._agents import extract_airline_params, make_l1, make_l3
from behaviorlab.tasks.airline._extraction import extraction_for_text
from behaviorlab.train import StoreFilter, examples_from_store, pairs_from_store, step_examples

OPTS = ScenarioOptions(source="generated", level=0, n=4, seed=31)


def _targets() -> dict[str, str]:
    """Passenger text -> the right extraction JSON."""
    return {
        p.prompt: target_for(p).model_dump_json()
        # the phrasings of OPTS's source, "generated"
        for p in airline_problems(4, seed=31, levels=(0,), templates=TRAIN_TEMPLATES)
    }


def _l1_eval(store: Store, good: bool, name: str) -> str:
    targets = _targets()

    def reply(messages: list[Message]) -> str:
        text = messages[-1].content.split("passenger_text:\n", 1)[1]
        t = json.loads(targets[text])
        if not good:
            # another number of the text: valid under the constraints, the wrong total
            t["ticket_price"] = t["checked_bags"][0]["weight"]
        return json.dumps(t)

    cfg = EvalConfig(task="airline", agent=name, model="scripted/l1", options=OPTS)
    return run_eval(
        cfg, store, factory=lambda: make_l1(ScriptedModel([reply], cycle=True))
    ).record.eval_id


def test_store_examples_are_the_exact_ptool_prompts_with_filters(store_url):
    store = Store(store_url)
    good = _l1_eval(store, True, "l1-good")
    _l1_eval(store, False, "l1-bad")
    exs = examples_from_store(store)
    assert len(exs) == 8
    ex = next(e for e in exs if e.metadata["eval_id"] == good)
    # the exact prompt the workflow sent: the ptool's, its output bound to the text
    sent = extract_airline_params.with_output(extraction_for_text(ex.input))
    expected_prompt = sent.messages(passenger_text=ex.input)
    assert [m.content for m in ex.prompt] == [m.content for m in expected_prompt]
    assert AirlineExtraction.model_validate_json(ex.completion[0].content)
    assert ex.task == "airline" and ex.agent == "l1-good" and ex.trace_id
    assert {
        e.metadata["eval_id"] for e in examples_from_store(store, StoreFilter(min_score=1.0))
    } == {good}
    assert len(examples_from_store(store, StoreFilter(agent="bad"))) == 4
    assert examples_from_store(store, StoreFilter(task="tooluse")) == []
    # no tool-selection score and no rating: a run's tool choice is unknown, so it is left out
    assert examples_from_store(store, StoreFilter(correct_tool_only=True)) == []
    add_feedback(store, ex.trace_id, 5, tool_selection=5)
    tool_ok = examples_from_store(store, StoreFilter(correct_tool_only=True))
    assert [e.trace_id for e in tool_ok] == [ex.trace_id]
    assert [e.trace_id for e in examples_from_store(store, StoreFilter(min_rating=4))] == [
        ex.trace_id
    ]


def test_pairs_come_from_runs_that_differ_in_score_on_the_same_input(store_url):
    store = Store(store_url)
    _l1_eval(store, True, "l1-good")
    _l1_eval(store, False, "l1-bad")
    pairs = pairs_from_store(store)
    assert len(pairs) == 4
    for p in pairs:
        assert p.signal == "score" and p.chosen_score == 1.0 and p.rejected_score == 0.0
        chosen, rejected = json.loads(p.chosen), json.loads(p.rejected)
        assert rejected["ticket_price"] == chosen["checked_bags"][0]["weight"]


def test_ratings_are_dpo_signal_when_both_runs_were_rated(store_url):
    store = Store(store_url)
    _l1_eval(store, True, "a")
    _l1_eval(store, False, "b")
    exs = examples_from_store(store)
    by_scenario: dict[str, list] = {}
    for e in exs:
        by_scenario.setdefault(e.scenario_id, []).append(e)
    sid, (first, second) = next(iter(by_scenario.items()))
    # humans prefer the run that scored 0 on this scenario: the rating wins over the score
    low, high = (first, second) if first.score == 0 else (second, first)
    add_feedback(store, low.trace_id, 5)
    add_feedback(store, high.trace_id, 1)
    rated = [p for p in pairs_from_store(store) if p.scenario_id == sid]
    assert len(rated) == 1 and rated[0].signal == "rating"
    assert rated[0].chosen == low.completion[0].content


def test_generated_examples_use_the_l1_prompt_and_the_labelled_target():
    problems = airline_problems(3, seed=77, levels=(0, 2))
    exs, check = extraction_examples(problems)
    assert check.kept == 6 and check.mismatch == 0 and check.rulearena_refused == 0
    p, ex = problems[0], exs[0]
    # rendered for a schema-constrained decoder (the default model): no schema in the prompt
    assert [m.content for m in ex.prompt] == [
        m.content
        for m in extract_airline_params.prompt({"passenger_text": p.prompt}, constrained=True)
    ]
    assert "schema" not in ex.prompt[0].content
    assert ex.completion[0].content == target_for(p).model_dump_json()
    pairs = extraction_pairs(problems, seed=1)
    assert len(pairs) == 6 and all(pr.chosen != pr.rejected for pr in pairs)


def test_dpo_pairs_reject_the_slips_the_l1_model_makes():
    from behaviorlab.tasks.airline._extraction import AirlineExtraction, CheckedBag
    from behaviorlab.tasks.airline._training import CORRUPTIONS

    problems = airline_problems(60, seed=21, levels=(1, 2))
    pairs = extraction_pairs(problems, seed=2)
    assert len(pairs) >= 55
    slips = Counter(str(p.metadata["rejected"]) for p in pairs)
    assert set(slips) <= set(CORRUPTIONS) and {"repeat_bag", "carry_on", "drop_bag"} <= set(slips)
    by_text = {p.prompt: p for p in problems}
    for pair in pairs:
        chosen = AirlineExtraction.model_validate_json(pair.chosen)
        rejected = AirlineExtraction.model_validate_json(pair.rejected)
        assert rejected != chosen
        slip = pair.metadata["rejected"]
        if slip == "repeat_bag":
            assert len(rejected.checked_bags) == len(chosen.checked_bags) + 1
            assert len(set(rejected.checked_bags)) < len(rejected.checked_bags)
        if slip == "carry_on":  # the text's own carry-on, listed as a checked bag
            info = by_text[pair.input].info
            assert info is not None
            (length, width, height), weight = info.carry_on.size, info.carry_on.weight
            carry = CheckedBag(length=length, width=width, height=height, weight=weight)
            assert carry in rejected.checked_bags
            assert len(rejected.checked_bags) == len(chosen.checked_bags) + 1
        if slip == "drop_bag":
            assert len(rejected.checked_bags) == len(chosen.checked_bags) - 1


def test_the_slips_a_dpo_pair_rejects_can_be_weighed():
    problems = airline_problems(12, seed=22, levels=(2,))
    pairs = extraction_pairs(problems, seed=3, corruptions={"drop_bag": 1.0})
    assert pairs and {p.metadata["rejected"] for p in pairs} == {"drop_bag"}
    with pytest.raises(ValueError, match="unknown corruptions"):
        extraction_pairs(problems, corruptions={"drop_everything": 1.0})


def test_generated_training_problems_never_use_a_heldout_phrasing():
    problems = airline_problems(80, seed=3, levels=(1,), weights={"rulearena": 6})
    used = Counter(p.template for p in problems)
    assert set(used) <= set(FAMILY_SPLITS["train"])
    # weight 6 against 1 for each of the others: RuleArena's layout is drawn most
    assert used.most_common(1)[0][0] == "rulearena"
    old = airline_problems(20, seed=3, levels=(1,), templates=list(AUGMENT_TEMPLATES))
    assert {p.template for p in old} <= set(AUGMENT_TEMPLATES)
    with pytest.raises(ValueError, match="held-out phrasings are never training data"):
        airline_problems(1, seed=3, templates=["rulearena", HELDOUT_TEMPLATES[0]])
    with pytest.raises(ValueError, match="not in templates"):
        airline_problems(1, seed=3, templates=["table"], weights={"rulearena": 2})


def test_rulearena_problems_are_refused_as_training_data(rulearena_dir):
    ra = load_rulearena(rulearena_dir, 0).problems[:3]
    exs, check = extraction_examples(ra)
    assert exs == [] and check.rulearena_refused == 3
    assert retry_examples(ra) == []


class _Constrained(ScriptedModel):
    supports_json_schema = True  # as the default llama.cpp model: retries carry no schema


def test_retry_examples_are_the_exact_second_attempt_the_l1_workflow_sends():
    problems = airline_problems(4, seed=12, levels=(1, 2))
    exs = retry_examples(problems, seed=3)
    assert len(exs) >= 6 and all(ex.metadata["retry"] for ex in exs)
    by_text = {p.prompt: p for p in problems}
    for ex in exs:
        p = by_text[ex.input]
        first, feedback = ex.prompt[-2], ex.prompt[-1]
        assert ex.completion[0].content == target_for(p).model_dump_json()
        assert first.role == "assistant" and first.content != ex.completion[0].content
        assert (
            feedback.content.startswith("That output is invalid: ")
            and "schema" not in feedback.content
        )
        # replay: the slip, then the target, through the real L1 workflow
        model = _Constrained([first.content, ex.completion[0].content])
        r = make_l1(model).run(p.prompt)
        assert r.error is None and r.output == p.answer
        assert [(m.role, m.content) for m in model.calls[1]] == [
            (m.role, m.content) for m in ex.prompt
        ]


def _replay(level: int):  # type: ignore[no-untyped-def]
    (p,) = airline_problems(1, seed=5 + level, levels=(level,))
    steps = step_examples(cloning_example(p))
    seen: list[list[Message]] = []

    def reply(messages: list[Message]) -> str:
        seen.append(messages)
        return steps[len(seen) - 1].completion[0].content

    return p, steps, seen, make_l3(ScriptedModel([reply], cycle=True)).run(p.prompt)


@pytest.mark.parametrize("level", [0, 2])
def test_expert_trajectory_replays_through_the_real_l3_agent(level):
    """Replaying the rendered steps as the model's replies makes the real L3 agent call the
    same tools and reach the right total, within its step limit."""
    p, steps, seen, result = _replay(level)
    assert len(steps) <= 6  # fits the agent's step limit even with 10 checked bags
    assert result.ok, result.error
    assert result.output == target_total(p)
    assert result.tools_used[0] == "region_of_route" and result.tools_used[-1] == "calculator"
    assert len(seen) == len(steps)
    # the first prompt (system + tool list + question) is exactly what the agent sends
    assert [(m.role, m.content) for m in seen[0]] == [(m.role, m.content) for m in steps[0].prompt]


def test_expert_history_matches_what_the_agent_sends():
    _, steps, seen, _ = _replay(1)
    for sent, step in zip(seen, steps, strict=True):
        assert [(m.role, m.content) for m in sent] == [(m.role, m.content) for m in step.prompt]


def target_total(p) -> int:  # type: ignore[no-untyped-def]
    from behaviorlab.tasks.airline import total_cost

    return total_cost(p.info)


def test_l3_runs_give_one_example_per_step_in_the_prompted_tool_form(store_url):
    from behaviorlab.models import Completion, ToolCall
    from behaviorlab.tasks.airline._agents import airline_tools
    from behaviorlab.tools import ToolRegistry

    def reply(messages: list[Message]) -> Completion | str:
        if messages[-1].role == "user" and "Tool calculator returned" not in messages[-1].content:
            return Completion(
                text='<tool_call>{"name": "calculator", "arguments": {"expression": "1 + 2"}}</tool_call>',
                tool_calls=[
                    ToolCall(id="c1", name="calculator", arguments={"expression": "1 + 2"})
                ],
            )
        return "Final Answer: 3"

    store = Store(store_url)
    cfg = EvalConfig(task="airline", agent="l3-scripted", options=OPTS.model_copy(update={"n": 1}))
    run_eval(cfg, store, factory=lambda: make_l3(ScriptedModel([reply], cycle=True)))
    specs = ToolRegistry(airline_tools()).specs()
    first, second = examples_from_store(store, tool_specs=specs)
    assert "- calculator(expression: string)" in first.prompt[0].content
    assert first.completion[0].content.startswith('<tool_call>{"name": "calculator"')
    assert second.prompt[-1].content == "Tool calculator returned: 3"
    assert second.completion[0].content == "Final Answer: 3"
    assert first.input == second.input  # one run, one split key
