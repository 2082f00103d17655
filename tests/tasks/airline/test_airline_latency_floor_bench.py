"""``benchmarks/l1_latency_floor.py``: the parts it times are the model's real passes over the
tokens it was given (llama.cpp, the packaged model), and each reads what it says it reads."""

from __future__ import annotations

import pytest

pytest.importorskip("llama_cpp")


@pytest.mark.slow
def test_the_parts_are_timed_on_the_given_tokens_and_leave_the_model_reset(load_benchmark):
    from behaviorlab.models import LlamaCppModel

    bench = load_benchmark("l1_latency_floor")
    model = LlamaCppModel("smollm2-135m", n_ctx=512, n_threads=1)
    try:
        llm = model._load()
        prompt = llm.tokenize(b"The passenger flies from Boston to Tokyo with two bags.")
        output = llm.tokenize(b' {"origin": "Boston", "destination": "Tokyo"}', add_bos=False)
        seconds = bench.parts(llm, prompt, output)
        assert set(seconds) == {"prompt_s", "step_s", "batch_s"}
        assert all(s > 0 for s in seconds.values())
        assert llm.n_tokens == 0  # reset: the next call reads its prompt afresh
    finally:
        model.close()
