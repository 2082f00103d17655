"""End to end on a tiny model: forward, reverse, monitor, mock, registry; each beats a trivial baseline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("torch")

from behaviorlab.agents import FunctionAgent
from behaviorlab.modelize import (
    HTML_FAULTS,
    AgentSubject,
    BehaviorModel,
    ModelAgent,
    ModelConfig,
    ModelSubject,
    Monitor,
    Pair,
    Subject,
    TrainConfig,
    evaluate_accuracy,
    evaluate_inversion,
    evaluate_monitor,
    inject_faults,
    invert,
    load_model,
    mock,
    register_model,
    split_pairs,
    train_model,
)
from behaviorlab.registry import ModelRegistry
from behaviorlab.store import Store
from behaviorlab.trace import Recorder

TINY = ModelConfig(d_model=64, nhead=4, ffn=128, dropout=0.0, max_len=64)
FAST = TrainConfig(
    epochs=40,
    batch_size=32,
    lr=3e-3,
    warmup_steps=20,
    patience=8,
    val_exact_items=60,
    stop_at_val_exact=1.0,
)


@pytest.fixture(scope="module")
def data(tiny_markdown: Subject) -> dict[str, list[Pair]]:
    return split_pairs(tiny_markdown, {"train": 400, "cal": 100, "test": 200}, seed=0)


@pytest.fixture(scope="module")
def forward(tiny_markdown: Subject, data: dict[str, list[Pair]]) -> BehaviorModel:
    return train_model(
        tiny_markdown, data["train"], "forward", model_config=TINY, train_config=FAST
    )


@pytest.fixture(scope="module")
def reverse(tiny_markdown: Subject, data: dict[str, list[Pair]]) -> BehaviorModel:
    return train_model(
        tiny_markdown, data["train"], "reverse", model_config=TINY, train_config=FAST
    )


def test_forward_beats_the_most_common_output(
    forward: BehaviorModel, data: dict[str, list[Pair]]
) -> None:
    acc = evaluate_accuracy(forward, data["test"], latency_items=5)
    common = Counter(p.output for p in data["train"]).most_common(1)[0][0]
    baseline = sum(p.output == common for p in data["test"]) / len(data["test"])
    assert acc.exact >= 0.5 > baseline + 0.3
    assert acc.within_one_edit >= acc.exact and acc.bleu > 0.5
    assert forward.info.report is not None and forward.info.report.val_pairs == 40
    assert forward.parameters < 200_000


def test_greedy_matches_beam_top_and_likelihood_prefers_truth(forward: BehaviorModel) -> None:
    text = "# alpha beta"
    best = forward.candidates(text, k=3)
    assert (
        best[0].text
        == forward.predict(text)
        == forward.predict(text, beam=3)
        == "<h1>alpha beta</h1>"
    )
    assert best[0].logprob >= best[-1].logprob
    good = forward.likelihood(text, "<h1>alpha beta</h1>")
    bad = forward.likelihood(text, "<h2>alpha beta</h2>")
    assert good.mean_nll < bad.mean_nll and good.max_nll < bad.max_nll
    # a token the model never saw counts as unknown
    assert forward.likelihood(text, "<h1>alpha beta</h9>").unknown == 1


def test_reverse_round_trips_better_than_the_most_common_input(
    reverse: BehaviorModel, data: dict[str, list[Pair]], tiny_markdown: Subject
) -> None:
    subject = tiny_markdown
    rep = evaluate_inversion(subject, reverse, data["test"][:60], k=3)
    # the trivial baseline: always propose the most common training input
    common = Counter(p.input for p in data["train"]).most_common(1)[0][0]
    baseline = sum(subject.run(common) == p.output for p in data["test"][:60]) / 60
    assert rep.round_trip_any >= rep.round_trip_top1 >= 0.5 > baseline + 0.3
    inv = invert(subject, reverse, "<h2>gamma</h2>", k=3)
    assert inv.found is not None and subject.run(inv.found.input) == "<h2>gamma</h2>"


def test_monitor_separates_faulty_outputs(
    forward: BehaviorModel, data: dict[str, list[Pair]], tiny_markdown: Subject, tmp_path: Path
) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    faults = {
        k: HTML_FAULTS[k]
        for k in ("off_by_one", "swapped_tags", "truncated_output", "wrong_escape")
    }
    faulty = inject_faults(data["test"][100:], faults, per_fault=20, seed=0)
    rec = Recorder(store)
    mon = Monitor(forward, tiny_markdown, recorder=rec)
    rep = evaluate_monitor(mon, data["cal"], data["test"][:100], faulty, false_alarm_rate=0.05)
    rec.flush()
    assert rep.auroc > 0.8  # a random score has 0.5
    assert rep.recall > 0.5 and rep.false_alarm_rate < 0.2
    anomalies = [
        s
        for r in store.list_traces(limit=500)
        for s in store.trace_spans(r.trace_id)
        if s.kind == "anomaly"
    ]
    assert len(anomalies) == round(rep.n_faulty * rep.recall) + round(
        rep.n_clean * rep.false_alarm_rate
    )
    assert anomalies[0].attributes["behaviorlab.anomaly.score"] > rep.calibration.threshold


def test_live_monitor_flags_a_broken_subject(
    forward: BehaviorModel, data: dict[str, list[Pair]], tiny_markdown: Subject
) -> None:
    from behaviorlab.modelize import FaultySubject

    mon = Monitor(forward, FaultySubject(tiny_markdown, HTML_FAULTS["swapped_tags"]))
    mon.calibrate([p.input for p in data["cal"]], [p.output for p in data["cal"]], 0.05)
    assert mon.run("*alpha*").anomalous
    assert not mon.run("# alpha").anomalous  # the fault does not apply: output is correct


def test_mock_and_registry_round_trip(
    forward: BehaviorModel, tiny_markdown: Subject, tmp_path: Path
) -> None:
    subject = tiny_markdown
    m = mock(subject, forward)
    assert isinstance(m, ModelSubject) and m.run("## beta") == subject.run("## beta")
    agent_subject = AgentSubject(
        "tiny-agent",
        FunctionAgent(subject.run),
        subject.grammar,
        subject.input_lexer,
        subject.output_lexer,
    )
    agent = mock(agent_subject, forward)
    assert isinstance(agent, ModelAgent)
    assert agent.run("**delta**").output == "<p><strong>delta</strong></p>"

    registry = ModelRegistry(Store(f"sqlite:///{tmp_path / 'r.db'}"))
    mv = register_model(forward, registry, root=tmp_path / "models")
    assert mv.ref == "modelize-tiny-markdown-forward@1"
    assert (
        Path(mv.path) == (tmp_path / "models" / "modelize-tiny-markdown-forward" / "v1").resolve()
    )
    assert mv.manifest["subject"] == "tiny-markdown" and mv.manifest["data_size"] == 400
    assert len(mv.manifest["grammar_hash"]) == 16 and "val_exact" in mv.manifest["metrics"]
    again = load_model(mv.ref, registry)
    assert register_model(forward, registry, root=tmp_path / "models").version == 2
    texts = ["# alpha", "- beta\n- gamma", "iota & rho"]
    assert again.predict_many(texts) == forward.predict_many(texts)
    assert again.info.checkpoint == mv.path
