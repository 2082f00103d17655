"""The shipped L1 extractor (SmolLM2-135M + the packaged LoRA adapter, real llama.cpp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from behaviorlab.models import GenerationConfig, get_model
from behaviorlab.tasks import get_task
from behaviorlab.tasks.airline import load_rulearena
from behaviorlab.tasks.airline._agents import make_l1
from behaviorlab.tasks.airline._task import SHIPPED_L1_ADAPTER, SHIPPED_L1_MODEL

#: RuleArena problems (level, index) the shipped adapter runs on in CI
HANDFUL = [(0, 0)]


def test_the_adapter_is_packaged_and_is_the_default_for_l1() -> None:
    assert SHIPPED_L1_ADAPTER.is_file()
    assert 5_000_000 < SHIPPED_L1_ADAPTER.stat().st_size < 12_000_000  # f16, about 10 MB
    assert get_task("airline").default_models["l1"] == SHIPPED_L1_MODEL


@pytest.mark.slow
@pytest.mark.parametrize(("level", "index"), HANDFUL)
def test_the_shipped_adapter_loads_and_extracts_under_the_constraints(
    rulearena_dir: Path, level: int, index: int
) -> None:
    # NOT "gets them right": the shipped adapter is an 8-step model (the README has its
    # measured figures) and got RuleArena level 0 #0 wrong (1115 for 1245) at confidence
    # 4.6e-8; what CI checks is that llama.cpp applies the adapter, the constrained decode
    # gives a valid extraction with a confidence, and the default threshold declines it
    p = load_rulearena(rulearena_dir, level).problems[index]
    model = get_model(SHIPPED_L1_MODEL, config=GenerationConfig(max_tokens=400), n_threads=2)
    r = make_l1(model, min_confidence=0.0).run(p.prompt)
    assert r.error is None and 0.0 < r.metadata["confidence"] <= 1.0
    assert isinstance(r.output, int) or r.declined
    sure = make_l1(model).run(p.prompt)
    assert sure.declined or sure.metadata["confidence"] >= 0.2
