"""Exports: every format written, hygiene applied, the held-out split kept out of training."""

from __future__ import annotations

import json

import pytest

from behaviorlab.tasks.airline import airline_problems, extraction_examples, extraction_pairs
from behaviorlab.train import (
    ChatMessage,
    HeldOutLeakError,
    SplitSpec,
    TrainingExample,
    export_dataset,
    load_examples,
    load_pairs,
    read_report,
    train_sft,
)


@pytest.fixture(scope="module")
def problems():  # type: ignore[no-untyped-def]
    return airline_problems(10, seed=2024, levels=(0, 1))


def test_export_writes_openai_hf_and_pairs_with_a_report(tmp_path, problems):
    exs, _ = extraction_examples(problems)
    # a ptool with a worked example: its answer sits in the prompt and must not be trained on
    shot = [
        ChatMessage(role="user", content="passenger_text:\nan example question"),
        ChatMessage(role="assistant", content='{"an": "example answer"}'),
    ]
    exs = [e.model_copy(update={"prompt": [e.prompt[0], *shot, *e.prompt[1:]]}) for e in exs]
    pairs = extraction_pairs(problems)
    dup = exs[0].model_copy()
    rep = export_dataset(
        tmp_path,
        [*exs, dup],
        pairs,
        split=SplitSpec(heldout_fraction=0.3),
        pii_names=["Daniel", "Emily"],
    )
    assert rep.examples.train + rep.examples.heldout == 20
    assert rep.dedup_examples.exact_duplicates == 1
    assert rep.examples.heldout > 0 and rep.pairs.heldout > 0
    assert rep.balance is not None and sum(rep.balance.counts.values()) == rep.examples.train
    assert len(rep.data_hash) == 64 and read_report(tmp_path) == rep
    # every held-out input is absent from every training file
    held = {e.key for e in load_examples(tmp_path / "examples.heldout.jsonl")}
    train = load_examples(tmp_path)
    assert held and not held & {e.key for e in train}
    assert not held & {p.key for p in load_pairs(tmp_path)}
    # OpenAI rows: messages only; the ptool's few-shot answer is in the prompt with weight 0
    rows = [json.loads(x) for x in (tmp_path / "openai.train.jsonl").read_text().splitlines()]
    assert len(rows) == rep.examples.train and set(rows[0]) == {"messages"}
    assistant = [m for m in rows[0]["messages"] if m["role"] == "assistant"]
    assert [m.get("weight") for m in assistant] == [0, None]
    datasets = pytest.importorskip("datasets")
    hf = datasets.load_from_disk(str(tmp_path / "hf" / "examples.train"))
    assert len(hf) == rep.examples.train and set(hf.column_names) == {"prompt", "completion"}
    hp = datasets.load_from_disk(str(tmp_path / "hf" / "pairs.train"))
    assert set(hp.column_names) == {"prompt", "chosen", "rejected"}


def test_export_counts_redactions(tmp_path):
    ex = TrainingExample(
        prompt=[ChatMessage(role="user", content="Call Ada at 212-555-0100 or ada@example.org")],
        completion=[ChatMessage(role="assistant", content="Ada's card: 5555 5555 5555 4444")],
    )
    rep = export_dataset(tmp_path, [ex], split=SplitSpec(heldout_fraction=0.0), pii_names=["Ada"])
    assert (
        rep.redactions.email,
        rep.redactions.phone,
        rep.redactions.card,
        rep.redactions.name,
    ) == (1, 1, 1, 2)
    (row,) = [json.loads(x) for x in (tmp_path / "openai.train.jsonl").read_text().splitlines()]
    assert row["messages"][0]["content"] == "Call [NAME] at [PHONE] or [EMAIL]"
    assert row["messages"][1]["content"] == "[NAME]'s card: [CARD]"


def test_training_refuses_data_that_reach_into_the_heldout_split(tmp_path, problems, tiny_model):
    exs, _ = extraction_examples(problems)
    export_dataset(tmp_path, exs, split=SplitSpec(heldout_fraction=0.3), hf=False)
    train_file = tmp_path / "examples.train.jsonl"
    held = (tmp_path / "examples.heldout.jsonl").read_text()
    train_file.write_text(train_file.read_text() + held)
    with pytest.raises(HeldOutLeakError, match="held-out split"):
        train_sft(tiny_model, tmp_path, tmp_path / "out")
