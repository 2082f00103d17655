"""fc training data: synthetic APIs and requests, verified answers, the agent's own prompts,
an export the trainer reads, and a contamination report that stays near zero."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from behaviorlab.models import ScriptedModel, ToolSpec, tool_call_text
from behaviorlab.tasks.bfcl import load_category
from behaviorlab.tasks.bfcl._agents import FunctionCallingAgent
from behaviorlab.tasks.bfcl._apis import APIS
from behaviorlab.tasks.bfcl._apisets import API_SETS, api_set, apis_by_name
from behaviorlab.tasks.bfcl._contamination import contamination_report, item_text
from behaviorlab.tasks.bfcl._synth import (
    KINDS,
    REJECTIONS,
    SynthExample,
    generate,
    is_wrong,
    verify,
)
from behaviorlab.tasks.bfcl._trainingdata import (
    MAX_OVERLAP,
    example_text,
    preference_pairs,
    prompt_messages,
    synth_training_set,
)


@pytest.fixture(scope="module")
def examples() -> list[SynthExample]:
    return generate(600, seed=7)


@pytest.mark.parametrize(("name", "least", "domains"), [("core", 35, 10), ("wide", 100, 30)])
def test_the_apis_are_diverse_and_every_clause_names_every_required_parameter(
    name: str, least: int, domains: int
):
    apis = api_set(name)
    assert len(apis) >= least and len({a.domain for a in apis}) >= domains
    types = Counter(p.type for a in apis for p in a.params)
    assert {"string", "integer", "number", "boolean", "array", "object"} <= set(types)
    assert any(p.enum for a in apis for p in a.params)
    assert any(not p.required and p.default is not None for a in apis for p in a.params)
    for a in apis:
        for clause in a.clauses:
            for p in a.params:
                if p.required:
                    assert "{" + p.name + "}" in clause, (a.name, clause, p.name)


def test_the_api_sets_core_is_the_shipped_data_and_wide_adds_to_it():
    assert api_set("core") is APIS
    assert API_SETS["wide"][: len(APIS)] == APIS
    # every API and alias name is one function's alone, across the sets
    names = [n for a in API_SETS["wide"] for n in (a.name, *a.aliases)]
    assert len(names) == len(set(names))
    assert set(apis_by_name()) == {a.name for a in API_SETS["wide"]}
    with pytest.raises(ValueError, match="unknown API set 'everything'; the sets are core, wide"):
        api_set("everything")
    # the default draws from the core set, so a recipe without `apis` keeps its data
    assert [e.model_dump() for e in generate(40, seed=2)] == [
        e.model_dump() for e in generate(40, seed=2, apis="core")
    ]


def test_a_wide_training_set_verifies_draws_beyond_the_core_and_stays_clear_of_bfcl():
    pytest.importorskip("llama_cpp")
    ts = synth_training_set(150, seed=4, apis="wide")
    summary = ts.info["summary"]
    assert summary.apis == "wide" and ts.provenance["apis"] == "wide"
    assert summary.kept == summary.generated == 150 and summary.rejected == {}
    assert summary.grammar_checked
    assert summary.worst_examples_share <= MAX_OVERLAP and summary.worst_items_share <= MAX_OVERLAP
    core = {a.name for a in APIS}
    used = {api for e in ts.examples for api in e.metadata["apis"]}
    assert len(used - core) >= 40 and used & core


def test_the_task_passes_the_api_set_through():
    from behaviorlab.tasks import TrainingOptions, get_task

    task = get_task("bfcl")
    opts = TrainingOptions(n=8, seed=1, extra={"check_grammar": False, "apis": "wide"})
    assert task.training_examples(opts).provenance["apis"] == "wide"
    default = TrainingOptions(n=8, seed=1, extra={"check_grammar": False})
    assert task.training_examples(default).provenance["apis"] == "core"
    bad = TrainingOptions(n=8, seed=1, extra={"check_grammar": False, "apis": "nope"})
    with pytest.raises(ValueError, match="unknown API set 'nope'"):
        task.training_examples(bad)


def test_generation_is_seeded_and_covers_every_kind(examples):
    again = generate(600, seed=7)
    assert [e.model_dump() for e in again] == [e.model_dump() for e in examples]
    assert generate(5, seed=8)[0].question != examples[0].question
    kinds = Counter(e.kind for e in examples)
    assert set(kinds) == set(KINDS) and min(kinds.values()) > 60
    masked = [e for e in examples if e.masked]
    assert 0.2 < len(masked) / len(examples) < 0.4
    # masked examples offer random function and parameter names, descriptions kept
    m = next(e for e in masked if e.calls)
    assert all(t.name.startswith("fn_") for t in m.tools)
    assert all(k.startswith("p_") for t in m.tools for k in t.parameters["properties"])
    parallel = [e for e in examples if e.kind == "parallel"]
    assert all(len(e.calls) >= 2 and len({next(iter(c)) for c in e.calls}) == 1 for e in parallel)
    pm = [e for e in examples if e.kind == "parallel_multiple"]
    assert all(len({next(iter(c)) for c in e.calls}) >= 2 for e in pm)
    assert all(not e.calls and e.text for e in examples if e.kind == "irrelevance")
    assert all(len(e.tools) >= 2 for e in examples if e.kind == "multiple")


def test_every_generated_example_verifies_grammar_included(examples):
    pytest.importorskip("llama_cpp")
    from behaviorlab.models._toolcalls import GrammarMatcher

    m = GrammarMatcher()
    try:
        bad = {e.id: verify(e, m if i < 200 else None) for i, e in enumerate(examples)}
    finally:
        m.close()
    assert {k: v for k, v in bad.items() if v} == {}


def _first(examples: list[SynthExample], kind: str) -> SynthExample:
    return next(e for e in examples if e.kind == kind and not e.masked)


def test_verification_rejects_unsound_examples(examples):
    ex = _first(examples, "simple")
    ((name, args),) = ex.calls[0].items()
    key = next(k for k, v in args.items() if isinstance(v, str))

    def variant(**update) -> SynthExample:
        return ex.model_copy(update=update, deep=True)

    unwritten = variant(calls=[{name: {**args, key: args[key] + " Street"}}])
    assert any("not written in the request" in p for p in verify(unwritten))
    unknown = variant(calls=[{name: {**args, "colour": "red"}}])
    assert any("not in the schema" in p for p in verify(unknown))
    typed = variant(calls=[{name: {**args, key: 12}}])
    assert any("is not of type" in p for p in verify(typed))
    other = variant(calls=[{"not_offered": args}])
    assert any("not offered" in p for p in verify(other))
    missing = variant(calls=[{name: {k: v for k, v in args.items() if k != key}}])
    assert verify(missing)  # a required value left out: the schema and BFCL's checker say so
    irr = _first(examples, "irrelevance")
    wrong_irr = irr.model_copy(update={"calls": [{irr.tools[0].name: {}}]}, deep=True)
    assert verify(wrong_irr)
    offered = irr.model_copy(update={"asked": next(iter(irr.apis.values()))})
    assert any("among those offered" in p for p in verify(offered))


def test_the_grammar_check_catches_a_completion_the_decoder_could_not_write(examples):
    pytest.importorskip("llama_cpp")
    from behaviorlab.models._toolcalls import GrammarMatcher

    ex = next(
        e for e in examples if e.kind == "simple" and len(next(iter(e.calls[0].values()))) > 1
    )
    ((name, args),) = ex.calls[0].items()
    reordered = ex.model_copy(update={"calls": [{name: dict(reversed(list(args.items())))}]})
    m = GrammarMatcher()
    try:
        assert verify(ex, m) == []
        assert verify(reordered) == []  # as data it is fine...
        assert verify(reordered, m) == ["the tool-call grammar does not admit the completion"]
    finally:
        m.close()


def test_the_training_prompt_is_exactly_what_the_fc_agent_sends(examples):
    for ex in (_first(examples, "parallel"), next(e for e in examples if e.masked)):
        model = ScriptedModel([ex.completion()])
        agent = FunctionCallingAgent(model)
        out = agent.run({"messages": [{"role": "user", "content": ex.question}], "tools": ex.tools})
        sent = [{"role": m.role, "content": m.content} for m in model.calls[0]]
        assert sent == prompt_messages(ex)
        assert out.output.calls == ex.calls  # the completion decodes to the answer
        # the functions are said once (as JSON), and several calls are allowed
        for t in ex.tools:
            assert sent[0]["content"].count(t.description) == 1
        assert "Tools:" not in sent[0]["content"] and "one line per call" in sent[0]["content"]


def test_contamination_is_near_zero_for_every_bfcl_category(examples):
    report = contamination_report(
        [example_text(e) for e in examples], [e.question for e in examples]
    )
    assert len(report.categories) == 11
    for c in report.categories:
        assert c.examples_share <= MAX_OVERLAP and c.items_share <= MAX_OVERLAP, c
        assert c.identical_questions == 0


def test_the_contamination_measure_sees_bfcl_text_in_training_data():
    leaked = load_category("parallel", 30)
    texts = [item_text(i) for i in leaked] + ["Book a table for two in Porto tonight."] * 30
    questions = [i.messages[-1]["content"] for i in leaked]
    report = contamination_report(texts, questions, categories=["parallel", "irrelevance"])
    parallel, irrelevance = report.categories
    assert parallel.examples_overlapping == 30 and parallel.items_overlapping >= 30
    assert parallel.identical_questions == 30
    assert parallel.examples_share == 0.5 > MAX_OVERLAP
    assert irrelevance.items_share < parallel.items_share


def test_the_generated_export_is_what_the_trainer_reads_with_the_reports(tmp_path: Path):
    """``train export --task bfcl --source generated`` goes through the task's
    TrainingExamples capability and writes its contamination and synthesis reports beside."""
    from typer.testing import CliRunner

    from behaviorlab.cli import app
    from behaviorlab.train import load_examples

    args = ["train", "export", "--task", "bfcl", "--source", "generated", "-n", "150"]
    args += ["--seed", "3", "-T", "check_grammar=false", "--no-hf", "-o", str(tmp_path), "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["sources"] == ["bfcl-synth seed=3 n=150"]
    assert rep["split"] == {"heldout_fraction": 0.05, "salt": "bfcl-synth"}
    summary = json.loads((tmp_path / "synth.json").read_text())
    assert summary["kept"] == summary["generated"] == 150 and summary["rejected"] == {}
    train = load_examples(tmp_path)
    held = load_examples(tmp_path / "examples.heldout.jsonl")
    assert len(train) + len(held) == 150 and len(held) > 0
    ex = train[0]
    assert [m.role for m in ex.prompt] == ["system", "user"]
    assert ex.completion[0].role == "assistant"
    saved = json.loads((tmp_path / "contamination.json").read_text())
    assert len(saved["categories"]) == 11
    assert saved["n"] == synth_training_set(5, seed=3, check_grammar=False).info["contamination"].n
    assert Counter(e.label for e in train + held) == Counter(summary["kinds"])
    with pytest.raises(ValueError, match="overlaps BFCL"):
        synth_training_set(20, seed=3, check_grammar=False, max_overlap=-1.0)
    bad = CliRunner().invoke(app, [*args[:-3], "-T", "max_overlap=-1", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "overlaps BFCL" in bad.output


def test_no_call_answers_are_text_the_grammar_allows():
    from behaviorlab.tasks.bfcl._synth import NO_CALL_ANSWERS

    assert all("{" not in t and "<" not in t for t in NO_CALL_ANSWERS)
    assert tool_call_text("f", {"a": "<x>"}).count("<") == 2  # only the tags
    assert isinstance(ToolSpec, type)


def test_preference_pairs_reject_what_bfcls_checker_rejects(examples):
    sound = [e for e in examples[:200] if not verify(e)]
    pairs = preference_pairs(sound, seed=3)
    assert len(pairs) >= 0.8 * len(sound)
    assert set(Counter(p.metadata["rejected"] for p in pairs)) == set(REJECTIONS)
    by_id = {e.id: e for e in sound}
    for p in pairs:
        ex = by_id[p.scenario_id]
        assert p.chosen == ex.completion() and not is_wrong(ex, p.chosen)
        assert p.rejected != p.chosen and is_wrong(ex, p.rejected)
        assert [m.model_dump(exclude_none=True) for m in p.prompt] == prompt_messages(ex)
        if ex.kind == "irrelevance":  # a call of an offered function where none fits
            assert p.metadata["rejected"] == "call_when_none_fits"
            assert any(f'"name": "{t.name}"' in p.rejected for t in ex.tools)
    # the same examples and seed, the same pairs; another seed, other wrong answers
    assert preference_pairs(sound, seed=3) == pairs
    assert [p.rejected for p in preference_pairs(sound, seed=4)] != [p.rejected for p in pairs]


def test_asking_for_pairs_leaves_the_sft_examples_as_they_were():
    plain = synth_training_set(12, seed=5, check_grammar=False)
    both = synth_training_set(12, seed=5, check_grammar=False, pairs=True)
    assert not plain.pairs and both.pairs
    assert [e.model_dump() for e in both.examples] == [e.model_dump() for e in plain.examples]
    assert sum(both.provenance["pairs"].values()) == len(both.pairs)


def test_contrastive_pairs_offer_the_same_functions_with_and_without_a_request_they_serve(
    examples,
):
    calling = [e for e in examples[:60] if e.calls and not verify(e)]
    pairs = preference_pairs(calling, seed=1, contrastive=True)
    by_id = {p.scenario_id: p for p in pairs}
    twins = 0
    for ex in calling:
        call = by_id[ex.id]  # its call chosen over no call
        assert (
            call.chosen == ex.completion() and call.metadata["rejected"] == "no_call_when_one_fits"
        )
        twin = by_id.get(f"{ex.id}-twin")
        if twin is None:
            continue
        twins += 1
        # the same prompt but for the request: the system message lists the same functions
        assert twin.prompt[0] == call.prompt[0] and twin.input != ex.question
        assert "<tool_call>" not in twin.chosen and "<tool_call>" in twin.rejected
        assert twin.metadata["rejected"] == "call_when_none_fits"
    assert twins >= 0.9 * len(calling)
    # as many pairs ask for a call as ask for none: calling less everywhere gains nothing
    kinds = Counter(p.metadata["rejected"] for p in pairs)
    assert abs(kinds["no_call_when_one_fits"] - kinds["call_when_none_fits"]) <= 0.1 * len(calling)
