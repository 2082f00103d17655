"""The shipped L1 extractor (SmolLM2-135M + the packaged LoRA adapter, real llama.cpp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from behaviorlab.models import GenerationConfig, Model, get_model
from behaviorlab.tasks.airline import load_rulearena, total_cost
from behaviorlab.tasks.airline._agents import L1_MIN_CONFIDENCE, make_l1
from behaviorlab.tasks.airline._task import SHIPPED_L1_MODEL

#: RuleArena problems (level, index) the shipped adapter runs on in CI: the first of levels 0
#: and 1 (fixed before the adapter was trained; level 2's first was not measured with it)
HANDFUL = [(0, 0), (1, 0)]


@pytest.fixture(scope="module")
def shipped_model() -> Model:
    return get_model(SHIPPED_L1_MODEL, config=GenerationConfig(max_tokens=400), n_threads=2)


@pytest.mark.slow
@pytest.mark.parametrize(("level", "index"), HANDFUL)
def test_the_shipped_adapter_gets_a_handful_of_rulearena_problems_right(
    rulearena_dir: Path, shipped_model: Model, level: int, index: int
) -> None:
    p = load_rulearena(rulearena_dir, level).problems[index]
    expected = p.answer if p.answer is not None else total_cost(p.info)  # type: ignore[arg-type]
    r = make_l1(shipped_model).run(p.prompt)  # the default agent, with its threshold
    sure = r.metadata["confidence"]
    assert r.error is None and 0.0 < sure <= 1.0, r.error
    # the extraction is right; the default answers it only at or above the threshold
    assert r.metadata["answer_if_sure"] == expected
    if sure >= L1_MIN_CONFIDENCE:
        assert r.output == expected and not r.declined
    else:
        assert r.declined and r.output is None
