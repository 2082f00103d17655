"""The distilled workflow with the real packaged model (one problem): its extraction ptool
makes a real constrained call, and the chain records what happened at each level."""

from __future__ import annotations

import pytest

from behaviorlab.evals import load_agent_file
from behaviorlab.models import GenerationConfig, get_model
from behaviorlab.store import Store
from behaviorlab.tasks.airline import HELDOUT_TEMPLATES, generate_problems
from behaviorlab.trace import Recorder


@pytest.mark.slow
def test_distilled_chain_with_smollm2(distilled_file, tmp_path):
    (p,) = generate_problems(1, seed=4, level=0, templates=list(HELDOUT_TEMPLATES))
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    # level 0 has four checked bags: 256 tokens hold the extraction and bound the test's time
    model = get_model("smollm2-135m", config=GenerationConfig(max_tokens=256))
    chain = load_agent_file(distilled_file, model)
    with Recorder(store):
        r = chain.run(p.prompt)
    esc = r.metadata["escalation"]
    assert (
        esc[0]["level"] == "L0" and esc[0]["outcome"] == "declined"
    )  # a phrasing the parser never saw
    assert esc[1]["level"] == "L1" and esc[1]["llm_calls"] >= 1
    assert r.llm_calls == esc[1]["llm_calls"] and r.tokens > 0
    if r.ok:
        assert isinstance(r.output, int) and r.answered_by == "distilled-l1"
    else:  # a 135M model may fail to extract; then the chain declines with the reason
        assert r.declined and "distilled-l1" in (r.reason or "")
    spans = store.trace_spans(r.trace_id or "")
    names = [s.name for s in spans]
    assert "ptool extract_inputs" in names and any(n.startswith("chat ") for n in names)
