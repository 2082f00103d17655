"""A full disk stops the evaluation with a clear error; what was recorded stays and resumes."""

from __future__ import annotations

import pytest

from behaviorlab.evals import EvalConfig, get_eval, load_results, run_eval
from behaviorlab.store import Store, StoreError
from behaviorlab.tasks import ScenarioOptions


def test_full_store_is_a_clear_error_and_loses_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'small.db'}"
    Store(url).close()  # schema first
    cfg = EvalConfig(task="airline", agent="l0", options=ScenarioOptions(level=2, n=200, seed=3))
    # SQLite's own page cap makes the file "full" exactly as a full disk would
    tiny = Store(url, sqlite_pragmas={"max_page_count": 60})
    with pytest.raises(StoreError, match="full"):
        run_eval(cfg, tiny)
    tiny.close()
    st = Store(url)
    (rec,) = [get_eval(st, "latest")]
    kept = load_results(st, rec.eval_id)
    assert 0 < len(kept) < 200 and rec.status == "running"
    # every kept result is intact and its trace is there
    assert all(r.correct and st.trace_spans(r.trace_id) for r in kept)
    big = Store(url, sqlite_pragmas={"max_page_count": 1_000_000})
    done = run_eval(cfg, big)
    assert done.record.eval_id == rec.eval_id and done.resumed == len(kept)
    assert len(done.results) == 200 and len({r.scenario_id for r in done.results}) == 200
