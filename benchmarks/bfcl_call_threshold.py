"""Choose the fc agent's call signal and threshold on BFCL dev slices.

Runs ``fc-always`` (every call kept, its call signals recorded: ``call_confidence``,
``min_token_p``, ``grounded``; see ``tasks/bfcl/_agents.py``) on dev slices (by default items
11-30 of each category, 11-70 of irrelevance and 11-40 of live_simple, as two sets of slices:
never the first 10, which the README's figures report), then for each signal and candidate
threshold counts what ``fc`` would get right: a call whose signal is below the threshold is withheld, so the item's answer becomes "no call",
which BFCL's checker scores like any other answer. The (signal, threshold) with the highest
mean accuracy over the slices wins (each slice counts alike, as BFCL averages categories; ties:
the lowest threshold, which withholds least).

python benchmarks/bfcl_call_threshold.py --db runs/bfcl-dev.db [--model M] [--threads 2]
python benchmarks/bfcl_call_threshold.py --db runs/bfcl-dev.db --stored   # the table again, no model

Thresholds are printed to six places: each candidate sits just above a recorded value (0.500001
withholds a reading of exactly 0.5; a threshold of 0.5 keeps it), so copy it whole.
``--gate grounded=0.5`` also tries every other signal on top of that rule (a call must pass
both); signals that need only the request and the calls (``relevance_name``, ``relevance_doc``)
are computed from stored runs that predate them.

Each slice is one resumable evaluation in the store. A plot of right answers against the
threshold is written beside the store (``<db>.threshold.html``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

from behaviorlab.evals import EvalConfig, RunRecord, list_evals, load_results, run_eval
from behaviorlab.store import Store
from behaviorlab.tasks import Scenario, ScenarioOptions, get_task
from behaviorlab.tasks.bfcl._agents import CALL_SIGNALS, FCInput, request_signals
from behaviorlab.tasks.bfcl._checker import check
from behaviorlab.tasks.bfcl._data import BFCLItem
from behaviorlab.tasks.bfcl._schema import original_calls

DEV_SLICES = [
    "simple_python[10:20]",
    "multiple[10:20]",
    "parallel[10:20]",
    "parallel_multiple[10:20]",
    "irrelevance[10:40]",
    "live_simple[10:20]",
    "simple_python[20:30]",
    "multiple[20:30]",
    "parallel[20:30]",
    "parallel_multiple[20:30]",
    "irrelevance[40:70]",
    "live_simple[20:40]",
]


class Offered(NamedTuple):
    """What the agent was given for one item, and BFCL's name for each function it offered."""

    input: FCInput
    #: offered name -> BFCL's (the task's ``names``: dots and the like made portable)
    names: dict[str, str]

    @classmethod
    def of(cls, sc: Scenario) -> Offered:
        return cls(FCInput.model_validate(sc.input), dict(sc.metadata["names"]))


def signal_value(
    r: RunRecord, inputs: dict[str, Offered], signal: str, gate: tuple[str, float] | None = None
) -> float | None:
    """The run's reading of ``signal``: as recorded, or (for the readings that need only the
    request and the calls, such as ``relevance_name``) computed from its calls, so runs
    recorded before a signal existed can be read. With ``gate`` (signal, threshold), a run
    below the gate reads 0.0: the signal's threshold is then applied on top of the gate."""
    value = r.extra.get(signal)
    if value is None and isinstance(r.answer, list) and r.answer:
        offered = inputs[r.scenario_id]
        # the answer holds BFCL's function names; the signals read the names offered
        calls = original_calls(r.answer, {bfcl: o for o, bfcl in offered.names.items()})
        value = request_signals(calls, offered.input).get(signal)
    if gate is not None and isinstance(value, int | float):
        g = signal_value(r, inputs, gate[0])
        if isinstance(g, int | float) and g < gate[1]:
            return 0.0
    return value


def right_at(
    records: list[RunRecord],
    items: dict[str, BFCLItem],
    signal: str,
    threshold: float,
    inputs: dict[str, Offered] | None = None,
    gate: tuple[str, float] | None = None,
) -> int:
    """How many of ``records`` are right once calls whose ``signal`` is below ``threshold``
    (or, with ``gate``, below the gate's threshold in its signal) are withheld."""
    right = 0
    for r in records:
        conf = r.extra.get(signal) if inputs is None else signal_value(r, inputs, signal, gate)
        if isinstance(conf, int | float) and conf < threshold:
            right += check(items[r.scenario_id], []).valid
        else:
            right += r.correct
    return right


def _mean_accuracy(counts: dict[str, int], by_slice: dict[str, list[RunRecord]]) -> float:
    """Items right as a share of each slice, averaged over the slices (each counts alike)."""
    return sum(counts[s] / len(by_slice[s]) for s in by_slice) / len(by_slice)


def _stored(store: Store, config: EvalConfig) -> list[RunRecord]:
    """The results of the last finished evaluation with ``config``'s task, agent, model,
    split and options."""
    for rec in reversed(list_evals(store, config.task)):
        same = (
            rec.agent == config.agent
            and rec.config.get("model") == config.model
            and rec.config.get("options", {}).get("split") == config.options.split
            and (rec.config.get("options", {}).get("extra") or {}) == config.options.extra
        )
        if same and rec.status == "finished":
            return load_results(store, rec.eval_id)
    raise SystemExit(f"no finished {config.agent} run of {config.options.split} in the store")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="runs/bfcl-dev.db")
    ap.add_argument("--slices", default=",".join(DEV_SLICES))
    ap.add_argument("--model", default=None, help="default: the task's (the shipped adapter)")
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads")
    ap.add_argument(
        "--copy-commit",
        default=None,
        help="the fc agents' copy_commit for these runs (a number, or none); default: the task's",
    )
    ap.add_argument(
        "--copy-whole",
        action="store_true",
        help="and a number begun as a copy must end as a whole number the request writes",
    )
    ap.add_argument(
        "--stored", action="store_true", help="read each slice's last finished run, run nothing"
    )
    ap.add_argument(
        "--gate",
        default=None,
        help="SIGNAL=T: also try every other signal on top of this one (calls below T withheld)",
    )
    a = ap.parse_args()
    store = Store(a.db)
    task = get_task("bfcl")
    by_slice: dict[str, list[RunRecord]] = {}
    items: dict[str, BFCLItem] = {}
    inputs: dict[str, Offered] = {}
    for split in a.slices.split(","):
        scenarios = task.scenarios(ScenarioOptions(split=split))
        items.update({sc.id: BFCLItem.model_validate(sc.metadata["item"]) for sc in scenarios})
        inputs.update({sc.id: Offered.of(sc) for sc in scenarios})
        extra = {} if a.copy_commit is None else {"copy_commit": a.copy_commit}
        if a.copy_whole:
            extra["copy_whole"] = "true"
        config = EvalConfig(
            task="bfcl",
            agent="fc-always",
            model=a.model,
            options=ScenarioOptions(split=split, extra=extra),
        )
        if a.stored:
            by_slice[split] = _stored(store, config)
        else:
            by_slice[split] = run_eval(
                config,
                store,
                scenarios=scenarios,
                model_kwargs={"n_threads": a.threads} if a.threads else None,
            ).results
        rs = by_slice[split]
        print(f"{split:26s} {sum(r.correct for r in rs)}/{len(rs)} right")
    best: tuple[float, str, float] | None = None  # (mean accuracy, signal, threshold)
    tables = {}
    gate: tuple[str, float] | None = None
    if a.gate:
        name, _, t = a.gate.partition("=")
        if name not in CALL_SIGNALS or not t:
            raise SystemExit(f"--gate is SIGNAL=THRESHOLD with a signal of {CALL_SIGNALS}")
        gate = (name, float(t))
    runs: list[tuple[str, tuple[str, float] | None]] = [(s, None) for s in CALL_SIGNALS]
    if gate is not None:
        runs += [(s, gate) for s in CALL_SIGNALS if s != gate[0]]
    for signal, gated in runs:
        label = signal if gated is None else f"{signal} (with {gated[0]} >= {gated[1]})"
        values = sorted(
            {
                float(c)
                for rs in by_slice.values()
                for r in rs
                if isinstance(c := signal_value(r, inputs, signal, gated), int | float)
            }
        )
        # candidates: no threshold, and just above each recorded value
        candidates = [0.0] + [round(v + 1e-6, 6) for v in values]
        table = [
            (t, {s: right_at(rs, items, signal, t, inputs, gated) for s, rs in by_slice.items()})
            for t in candidates
        ]
        tables[label] = table
        for t, counts in table:
            mean = _mean_accuracy(counts, by_slice)
            if best is None or mean > best[0] + 1e-12:
                best = (mean, label, t)
    assert best is not None
    for signal, table in tables.items():
        print(f"\n{signal}: threshold | " + " | ".join(by_slice) + " | mean accuracy")
        last = None
        for t, counts in table:
            row = tuple(counts[s] for s in by_slice)
            if row == last:
                continue  # only thresholds where a count moves
            last = row
            mean = _mean_accuracy(counts, by_slice)
            mark = "  <- chosen" if (signal, t) == best[1:] else ""
            print(f"{t:.6f} | " + " | ".join(map(str, row)) + f" | {mean:.3f}{mark}")
    print(f"\nchosen: {best[1]} >= {best[2]:.6f}, mean accuracy {best[0]:.3f} over the slices")
    _plot(tables, Path(a.db).with_suffix(".threshold.html"), best[1], best[2])


def _plot(
    tables: dict[str, list[tuple[float, dict[str, int]]]], path: Path, signal: str, chosen: float
) -> None:
    """Items right against the threshold, one panel per signal (plotly, as the reports)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(tables), subplot_titles=list(tables), shared_yaxes=True)
    for col, (name, table) in enumerate(tables.items(), start=1):
        xs = [t for t, _ in table]
        for split in table[0][1]:
            ys = [c[split] for _, c in table]
            trace = go.Scatter(
                x=xs, y=ys, name=split, mode="lines", line_shape="hv", showlegend=col == 1
            )
            fig.add_trace(trace, row=1, col=col)
        if name == signal:
            fig.add_vline(x=chosen, line_dash="dash", line_color="grey", row=1, col=col)
        fig.update_xaxes(title_text=f"{name} threshold", row=1, col=col)
    fig.update_yaxes(title_text="items right", row=1, col=1)
    fig.update_layout(title="Calls withheld below a threshold: items right per dev slice")
    fig.write_html(path, include_plotlyjs="cdn")
    print(f"plot: {path}")


if __name__ == "__main__":
    main()
