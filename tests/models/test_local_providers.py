"""The real packaged SmolLM2: through llama.cpp and through transformers (same GGUF)."""

from __future__ import annotations

import os

import pytest
from pydantic import BaseModel

from behaviorlab.models import (
    GenerationConfig,
    InfraError,
    LlamaCppModel,
    Message,
    ModelError,
    generate_structured,
    get_model,
    packaged_gguf,
)
from behaviorlab.models._llamacpp import THREADS_ENV, default_threads


class Answer(BaseModel):
    colour: str


@pytest.mark.slow
def test_llamacpp_default_model_from_installed_package():
    path = packaged_gguf()
    assert path.name.endswith(".gguf") and path.stat().st_size > 50_000_000
    m = get_model("smollm2-135m", config=GenerationConfig(max_tokens=60))
    value, comps = generate_structured(
        m, [Message.user("What colour is the sky? Answer in JSON.")], Answer
    )
    assert isinstance(value.colour, str)
    c = comps[-1]
    assert c.usage.input_tokens > 0 and c.usage.output_tokens > 0
    assert c.cost_usd == 0.0 and c.cpu_s > 0 and c.provider == "llamacpp"


def test_llamacpp_missing_file_is_clear():
    with pytest.raises(InfraError, match="model file not found"):
        LlamaCppModel("/nonexistent/model.gguf")


def test_llamacpp_threads_default_to_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    usable = len(os.sched_getaffinity(0))
    n = default_threads()
    # every usable CPU up to the physical cores: never llama-cpp-python's cpu_count() // 2 when
    # the machine has fewer physical cores than that would leave idle
    assert 1 <= n <= usable
    try:
        import psutil

        physical = psutil.cpu_count(logical=False) or usable
    except ImportError:
        physical = usable
    assert n == min(usable, physical)
    m = LlamaCppModel("smollm2-135m")
    assert m.threads() == (n, n) and m.settings()["n_threads"] == n
    assert LlamaCppModel("smollm2-135m", n_threads=3, n_threads_batch=5).threads() == (3, 5)
    assert LlamaCppModel("smollm2-135m", n_threads=3).threads() == (3, 3)


def test_llamacpp_calls_at_once_share_the_default_threads_out(monkeypatch):
    from behaviorlab.models._llamacpp import _calls_in_flight

    monkeypatch.setenv(THREADS_ENV, "4")
    m = LlamaCppModel("smollm2-135m")
    with _calls_in_flight() as first, _calls_in_flight() as second:
        assert (first, second) == (1, 2)
        assert m.threads(second) == (2, 2) and m.threads(9) == (1, 1)
    with _calls_in_flight() as again:  # both finished: a call alone has them all
        assert again == 1 and m.threads(again) == (4, 4)
    # threads given explicitly are the caller's to share
    assert LlamaCppModel("smollm2-135m", n_threads=3).threads(2) == (3, 3)


def test_llamacpp_threads_from_the_environment_and_a_clear_error(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "7")
    assert default_threads() == 7 and LlamaCppModel("smollm2-135m").threads() == (7, 7)
    for bad, says in (("two", "whole number"), ("0", "at least 1")):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(ModelError, match=f"{THREADS_ENV}.*{says}"):
            default_threads()


@pytest.mark.slow
def test_llamacpp_context_runs_with_the_threads_asked_for(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    m = LlamaCppModel("smollm2-135m", n_ctx=256, config=GenerationConfig(max_tokens=2))
    m.complete([Message.user("hi")])
    params = m._llm.context_params  # what llama.cpp's context was created with
    assert (params.n_threads, params.n_threads_batch) == m.threads() == (default_threads(),) * 2
    m.close()


@pytest.mark.slow
def test_transformers_loads_the_same_gguf_as_torch():
    m = get_model("transformers/smollm2-135m", config=GenerationConfig(max_tokens=8))
    c = m.complete([Message.user("Say hello.")])
    assert c.usage.output_tokens > 0 and c.text.strip()
