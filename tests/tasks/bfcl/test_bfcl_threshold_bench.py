"""benchmarks/bfcl_call_threshold.py reads stored runs: signals recorded before they existed are
computed from the calls (under the names the model was offered), and a gate stacks two rules."""

from __future__ import annotations

from behaviorlab.evals import RunRecord
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.bfcl._data import BFCLItem


def test_stored_runs_are_read_under_the_offered_names_and_gated(load_benchmark):
    bench = load_benchmark("bfcl_call_threshold")
    sc = get_task("bfcl").scenarios(ScenarioOptions(split="simple_python", n=2))[1]
    assert sc.input["tools"][0]["name"] == "math_factorial"  # offered; BFCL's is math.factorial
    inputs = {sc.id: bench.Offered.of(sc)}
    items = {sc.id: BFCLItem.model_validate(sc.metadata["item"])}

    def run(grounded: float) -> RunRecord:
        return RunRecord(
            eval_id="e",
            scenario_id=sc.id,
            answer=[{"math.factorial": {"number": 5}}],
            correct=True,
            extra={"grounded": grounded},
        )

    kept, ungrounded = run(1.0), run(0.0)
    # computed from the calls: the request speaks of factorials, as the function's name does
    assert bench.signal_value(kept, inputs, "relevance_name") == 1.0
    assert bench.signal_value(kept, inputs, "relevance_doc") > 0.5
    assert bench.signal_value(kept, inputs, "grounded") == 1.0  # as recorded
    gate = ("grounded", 0.5)
    assert bench.signal_value(ungrounded, inputs, "relevance_doc", gate) == 0.0
    assert bench.signal_value(kept, inputs, "relevance_doc", gate) > 0.5
    # withheld calls become "no call", which BFCL scores wrong on a simple_python item
    records = [kept, ungrounded]
    assert bench.right_at(records, items, "relevance_doc", 0.01, inputs) == 2
    assert bench.right_at(records, items, "relevance_doc", 0.01, inputs, gate) == 1
    assert bench.right_at(records, items, "grounded", 0.5) == 1
