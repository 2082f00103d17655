from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from behaviorlab.evals import EvalNotFoundError, EvalRecord, RunRecord
from behaviorlab.evals._repo import create_eval, insert_result
from behaviorlab.report import build_report, collect_report, render_html, render_markdown
from behaviorlab.store import Store

N = 40  # scenarios; 0..19 are level 0, 20..39 level 1


@dataclass
class Built:
    html: str
    md: str
    data: dict
    paths: list[Path]
    out: Path


def _add_eval(
    store: Store,
    eval_id: str,
    correct: list[bool],
    *,
    agent: str = "react",
    model: str = "fake/m",
    latency: float = 1.0,
    cost: float = 0.0,
    tokens: int = 100,
    prefix: str = "s",
    levels_answered: list[str] | None = None,
) -> None:
    create_eval(
        store,
        EvalRecord(
            eval_id=eval_id,
            task="airline",
            agent=agent,
            model=model,
            config={"agent": agent, "options": {"level": None}},
            config_hash=f"h-{eval_id}",
            code_version="abc123",
            seed=0,
            created_at=1_700_000_000.0 + len(eval_id),
            status="done",
        ),
    )
    for i, ok in enumerate(correct):
        insert_result(
            store,
            RunRecord(
                eval_id=eval_id,
                scenario_id=f"{prefix}{i:03d}",
                level=0 if i < N // 2 else 1,
                category="bags" if i % 2 else "fees",
                correct=ok,
                # Deterministic spread so the latency box has a shape.
                latency_s=latency * (1 + (i % 5) / 10),
                cost_usd=cost,
                input_tokens=tokens,
                output_tokens=tokens // 4,
                llm_calls=2,
                extra={"level_answered": levels_answered[i]} if levels_answered else {},
            ),
        )


def _flags(level0_correct: int, level1_correct: int) -> list[bool]:
    half = N // 2
    return [i < level0_correct for i in range(half)] + [i < level1_correct for i in range(half)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("report")
    store = Store(f"sqlite:///{tmp / 'store.db'}")
    # Baseline 30/40 = 75.0%; candidate 36/40 = 90.0%, faster and cheaper.
    _add_eval(store, "ev-base", _flags(18, 12), latency=2.0, cost=0.002, tokens=800)
    _add_eval(
        store, "ev-cand", _flags(20, 16), agent="workflow", latency=1.0, cost=0.001, tokens=400
    )
    # Same task, different scenario ids: nothing to pair with the baseline.
    _add_eval(store, "ev-other", _flags(10, 10), prefix="x", cost=0.001)
    out = tmp / "out" / "report.html"
    paths = build_report(store, ["ev-base", "ev-cand", "ev-other"], out)
    return Built(
        html=paths[0].read_text(encoding="utf-8"),
        md=paths[1].read_text(encoding="utf-8"),
        data=json.loads(paths[2].read_text(encoding="utf-8")),
        paths=paths,
        out=out,
    )


def test_writes_html_markdown_and_json(built: Built) -> None:
    assert built.paths == [
        built.out,
        built.out.with_suffix(".md"),
        built.out.with_suffix(".json"),
    ]
    assert all(p.is_file() and p.stat().st_size > 0 for p in built.paths)


def test_html_inlines_plotly_once_and_draws_every_chart(built: Built) -> None:
    html = built.html
    assert html.count("plotly.js v") == 1
    assert "<script src=" not in html  # nothing fetched: the page works offline
    assert html.count("Plotly.newPlot(") == 4
    for div in ("chart-accuracy-cost", "chart-latency", "chart-levels", "chart-ab"):
        assert f'id="{div}"' in html
    for eval_id in ("ev-base", "ev-cand", "ev-other"):
        assert eval_id in html
    assert "75.0% [" in html and "90.0% [" in html
    assert "APPROVE" in html
    assert "not compared: ev-other shares no (scenario, repeat) row" in html


def test_markdown_tables_hold_the_numbers(built: Built) -> None:
    md = built.md

    def row(prefix: str) -> str:  # first match: the summary table comes first
        return next(line for line in md.splitlines() if line.startswith(prefix))

    base = row("| ev-base |")
    assert "| airline | react | fake/m | 40 | 75.0% [" in base
    assert "$0.0020" in base and "1,000.0" in base  # cost/run, tokens/run (800 + 200)
    assert "| 40 | 90.0% [" in row("| ev-cand |")
    # Per-level table: level 1 is 12/20 for the baseline, 16/20 for the candidate.
    level1 = row("| 1 |")
    assert "60.0% [" in level1 and "(12/20)" in level1 and "(16/20)" in level1
    # A/B row: +15 points, every check passes.
    ab = row("| ev-cand | ev-base |")
    assert "| 40 / 40 | +15.0 [" in ab and ab.rstrip().endswith("| APPROVE |")
    assert "### ev-cand vs ev-base: **APPROVE**" in md
    assert "not compared: ev-other" in md
    # Every table row has as many cells as its header.
    for block in re.split(r"\n\n", md):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if lines:
            counts = {len(re.split(r"(?<!\\)\|", ln)) for ln in lines}
            assert len(counts) == 1, block


def test_json_holds_metrics_and_comparison(built: Built) -> None:
    data = built.data
    assert data["baseline"] == "ev-base" and data["cost_basis"] == "usd"
    evals = {e["eval"]["eval_id"]: e for e in data["evals"]}
    assert evals["ev-base"]["metrics"]["accuracy"]["accuracy"] == pytest.approx(0.75)
    assert evals["ev-cand"]["metrics"]["accuracy"]["accuracy"] == pytest.approx(0.90)
    assert evals["ev-cand"]["metrics"]["by_level"]["1"]["correct"] == 16
    assert len(evals["ev-base"]["latencies_s"]) == N

    compared, skipped = data["comparisons"]
    assert (compared["baseline"], compared["candidate"]) == ("ev-base", "ev-cand")
    c = compared["comparison"]
    assert c["accuracy_diff"]["estimate"] == pytest.approx(0.15)
    assert c["accuracy_diff"]["low"] <= 0.15 <= c["accuracy_diff"]["high"]
    assert c["latency"]["ratio"] == pytest.approx(0.5)
    assert c["cost"]["ratio"] == pytest.approx(0.5) and c["cost"]["basis"] == "cost_usd"
    assert compared["decision"]["verdict"] == "APPROVE"
    assert skipped["comparison"] is None and "shares no" in skipped["skipped"]
    assert {t["key"] for t in data["tables"]} >= {"summary", "level", "ab"}


def test_unknown_empty_or_repeated_ids_fail_clearly(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    _add_eval(store, "ev-a", _flags(5, 5))
    with pytest.raises(EvalNotFoundError, match="ev-nope"):
        build_report(store, ["ev-a", "ev-nope"], tmp_path / "r.html")
    with pytest.raises(ValueError, match="at least one"):
        build_report(store, [], tmp_path / "r.html")
    with pytest.raises(ValueError, match="listed twice"):
        build_report(store, ["ev-a", "ev-"], tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_free_local_models_plot_tokens_and_escalation_shares(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    _add_eval(store, "ev-l3", _flags(15, 10), levels_answered=["L3"] * N)
    chain = ["L0"] * 10 + ["L1"] * 20 + ["L3"] * 10
    _add_eval(store, "ev-chain", _flags(15, 12), agent="escalate", levels_answered=chain)
    data = collect_report(store, ["ev-l3", "ev-chain"])
    assert data.cost_basis == "tokens" and data.has_escalation
    html = render_html(data)
    assert "tokens per run (every run cost $0" in html
    md = render_markdown(data)
    assert "## Share of runs answered at each level" in md
    shares = md.split("## Share of runs answered at each level")[1]
    assert "| eval | runs | L0 | L1 | L3 |" in shares
    chain_row = next(line for line in shares.splitlines() if line.startswith("| ev-chain |"))
    assert chain_row == "| ev-chain | 40 | 25.0% (10) | 50.0% (20) | 25.0% (10) |"
    assert "cost/run (all $0: local)" in md
    assert "(tokens)" in md  # the A/B cost ratio uses tokens as proxy


def test_single_eval_without_escalation_has_no_ab_or_share_sections(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    _add_eval(store, "ev-solo", _flags(20, 20), levels_answered=["L1"] * N)
    paths = build_report(store, ["ev-solo"], tmp_path / "solo")  # suffix added
    assert paths[0].name == "solo.html"
    md = paths[1].read_text(encoding="utf-8")
    assert "A/B" not in md and "answered at each level" not in md
    assert "| ev-solo | airline | react | fake/m | 40 | 100.0% [" in md
    assert "Plotly.newPlot(" in paths[0].read_text(encoding="utf-8")


def test_user_text_is_escaped(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    evil = "<script>alert(1)</script>"
    _add_eval(store, "ev-x", _flags(5, 5), agent=evil, model="a|b")
    _add_eval(store, "ev-empty", [])  # no results at all: still reported
    paths = build_report(store, ["ev-x", "ev-empty"], tmp_path / "r.html")
    html = paths[0].read_text(encoding="utf-8")
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = paths[1].read_text(encoding="utf-8")
    assert "a\\|b" in md and "\\<script>" in md
    assert "ev-empty has no results." in md
    assert json.loads(paths[2].read_text(encoding="utf-8"))["comparisons"][0]["skipped"]
