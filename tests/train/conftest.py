from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("peft")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer Llama whose tokenizer was fitted to the airline L1 prompts (short
    encodings keep training and generation fast)."""
    from behaviorlab.tasks.airline import airline_problems
    from behaviorlab.tasks.airline._agents import extract_airline_params
    from behaviorlab.train import make_tiny_model

    corpus = [
        m.content
        for p in airline_problems(4, seed=424242, levels=(0, 1, 2))
        for m in extract_airline_params.messages(passenger_text=p.prompt)
    ]
    return make_tiny_model(
        tmp_path_factory.mktemp("tiny") / "model", vocab_size=1024, corpus=corpus
    )
