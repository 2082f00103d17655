"""The app over HTTP (a real uvicorn server): access rules, bad input, search, history, models."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from behaviorlab.cli import app as cli
from behaviorlab.feedback import list_feedback
from behaviorlab.store import Store
from behaviorlab.trace import SpanRecord
from behaviorlab.ui import UIError, UIServer, UISettings


def _get(server: UIServer, path: str, **kw: Any) -> httpx.Response:
    return httpx.get(server.url + path, timeout=60, **kw)


def _post(server: UIServer, data: dict[str, str], **kw: Any) -> httpx.Response:
    return httpx.post(server.url + "/feedback", data=data, timeout=60, **kw)


def _count(url: str) -> int:
    return len(list_feedback(Store(url)))


def test_public_address_needs_a_token() -> None:
    with pytest.raises(UIError, match="give a token"):
        UISettings(host="0.0.0.0")
    with pytest.raises(UIError, match="at least 8"):
        UISettings(host="0.0.0.0", token="short")
    assert UISettings(host="0.0.0.0", token="long-enough").token == "long-enough"
    assert UISettings(host="::1").token is None  # loopback needs none


def test_writes_without_the_token_are_refused(built: Any, token_server: UIServer) -> None:
    before = _count(built.url)
    form = {"trace": built.l3_trace, "rating": "3"}
    assert _post(token_server, form).status_code == 403
    assert (
        _post(token_server, form, cookies={"behaviorlab_ui_token": "wrong-token"}).status_code
        == 403
    )
    # a token in the query string is never taken for a write
    r = httpx.post(token_server.url + "/feedback?token=s3cret-token", data=form, timeout=60)
    assert r.status_code == 403
    assert _count(built.url) == before
    assert _get(token_server, "/").status_code == 401
    assert _get(token_server, "/?token=nope").status_code == 401
    ok = _post(token_server, form, headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 303 and ok.headers["location"].startswith("/queue?saved=")
    assert _count(built.url) == before + 1
    assert (
        _get(token_server, "/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    )


def test_other_hosts_and_cross_site_writes_are_refused(built: Any, server: UIServer) -> None:
    # DNS rebinding: a name that resolves here is still not localhost
    r = _get(server, "/", headers={"Host": "attacker.example:8000"})
    assert r.status_code == 421 and "only to localhost" in r.text
    before = _count(built.url)
    form = {"trace": built.l3_trace, "rating": "5"}
    assert _post(server, form, headers={"Origin": "http://attacker.example"}).status_code == 403
    assert _post(server, form, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert _post(server, form, headers={"Origin": "null"}).status_code == 403
    assert _count(built.url) == before
    same = _post(server, form, headers={"Origin": server.url, "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 303 and _count(built.url) == before + 1


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"rating": "3"}, 400, "no run given"),
        ({"trace": "TRACE", "rating": "9"}, 400, "must be 1 to 5"),
        ({"trace": "TRACE"}, 400, "choose a rating"),
        ({"trace": "TRACE", "rating": "3", "tool_selection": "x"}, 400, "tool selection must be"),
        ({"trace": "0000000000nosuchtrace", "rating": "3"}, 404, "no run or trace"),
    ],
)
def test_bad_feedback_is_refused_with_a_reason(
    built: Any, server: UIServer, form: dict[str, str], status: int, message: str
) -> None:
    before = _count(built.url)
    r = _post(server, {k: v.replace("TRACE", built.l3_trace) for k, v in form.items()})
    assert r.status_code == status and message in html.unescape(r.text)
    assert "Traceback" not in r.text
    assert _count(built.url) == before


def test_saving_returns_only_to_a_local_page(built: Any, server: UIServer) -> None:
    for evil in ("//attacker.example/x", "https://attacker.example/", "javascript:alert(1)"):
        r = _post(server, {"trace": built.l3_trace, "rating": "4", "next": evil})
        assert r.status_code == 303 and r.headers["location"].startswith("/queue?saved=")
    r = _post(server, {"trace": built.l3_trace, "rating": "4", "next": f"/runs/{built.l3_trace}"})
    assert r.headers["location"].startswith(f"/runs/{built.l3_trace}?saved=")


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/evals/ev-nosuch", 404, "no evaluation 'ev-nosuch'"),
        ("/runs/0000000000000000", 404, "no trace"),
        ("/?offset=-1", 400, "offset must be between"),
        ("/?offset=many", 400, "offset must be a whole number"),
        ("/compare?a=ev", 400, "compare needs two evaluations"),
        ("/history?metric=vibes", 400, "unknown metric 'vibes'"),
        ("/label/0000000000000000", 404, "no run or trace"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_bad_addresses_get_a_page_that_says_why(
    server: UIServer, path: str, status: int, message: str
) -> None:
    r = _get(server, path)
    text = html.unescape(r.text)
    assert r.status_code == status and message in text and "Traceback" not in text


def test_search_finds_inputs_and_outputs(built: Any, server: UIServer) -> None:
    r = _get(server, "/traces", params={"q": "FINAL ANSWER: 42"})  # case-insensitive
    assert r.status_code == 200 and built.l3_trace in r.text and "output" in r.text
    r = _get(server, "/traces", params={"q": "cannot read this passenger"})
    assert built.declined_trace in r.text
    r = _get(server, "/traces", params={"q": "100%_literal"})  # LIKE wildcards are text
    assert "0 trace(s)" in r.text
    r = _get(server, "/traces")
    assert built.l3_trace[:12] in r.text


def test_history_and_the_configuration_of_one_evaluation(built: Any, server: UIServer) -> None:
    r = _get(server, "/history", params={"task": "airline", "metric": "accuracy"})
    assert r.status_code == 200 and "chart-history" in r.text
    for eid in (built.good, built.bad, built.l3):
        assert eid in r.text
    one = _get(server, "/history", params={"task": "airline", "eval": built.good})
    assert built.good in one.text and built.bad not in one.text


def test_models_show_decisions_and_each_rollout_arm(server: UIServer) -> None:
    r = _get(server, "/models")
    assert r.status_code == 200
    assert "fees" in r.text and "APPROVE" in r.text and "v1 → v2" in r.text
    assert "<b>50%</b>" in r.text
    # the candidate is the exact program, production is off by one dollar
    cells = r'<td class="num">(\d+)</td><td class="num">[\d.]+%</td><td class="num">([\d.]+)%'
    cand = re.search("<td>candidate</td>" + cells, r.text)
    prod = re.search("<td>production</td>" + cells, r.text)
    assert cand and prod
    assert int(cand.group(1)) + int(prod.group(1)) == 12
    assert float(cand.group(2)) == 100.0 and float(prod.group(2)) == 0.0


def test_cli_refuses_a_public_address_without_a_token_and_a_missing_store(
    built: Any, tmp_path: Path
) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["ui", "--host", "0.0.0.0", "--db", built.url])
    assert res.exit_code == 2 and "give a token" in res.output
    res = runner.invoke(cli, ["ui", "--db", str(tmp_path / "typo.db")])
    assert res.exit_code == 2 and "no store at" in res.output
    assert not (tmp_path / "typo.db").exists()


def test_the_cli_serves_the_store_at_the_address_it_prints(built: Any) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "behaviorlab.cli", "ui", "--db", built.url, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "400"},
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        assert found, line
        page = httpx.get(found.group(1) + "/", timeout=60)
        assert page.status_code == 200 and built.good in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_text_from_runs_is_shown_never_executed(built: Any, server: UIServer) -> None:
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    Store(built.url).write_spans(
        [SpanRecord("e1", "evil-trace-0001", None, evil, "agent", 1, 2, input=evil, output=evil)]
    )
    for path, params in (("/runs/evil-trace-0001", None), ("/traces", {"q": "onerror"})):
        r = _get(server, path, params=params)
        assert r.status_code == 200
        assert evil not in r.text and "<img src=x" not in r.text
        assert "&lt;script&gt;" in r.text


def test_charts_are_cached_until_an_evaluation_changes(built: Any) -> None:
    from behaviorlab.report import collect_report
    from behaviorlab.ui._evals import ChartCache

    cache = ChartCache(size=1)
    data = collect_report(Store(built.url), [built.good])
    first = cache.get(data, ("latency",))
    assert len(first) == 1 and "chart-latency" in first[0]
    assert cache.get(data, ("latency",)) is first
    grown = data.model_copy(deep=True)
    grown.evals[0].metrics.runs += 1  # a resumed evaluation has more rows
    assert cache.get(grown, ("latency",)) is not first
    assert cache.get(data, ("latency",)) is not first  # size 1: the old entry was dropped


def test_unscored_runs_are_shown_apart_and_block_a_comparison(tmp_path: Path) -> None:
    from behaviorlab.evals import EvalRecord, RunRecord
    from behaviorlab.evals._repo import create_eval, insert_result
    from behaviorlab.ui import create_app

    store = Store(f"sqlite:///{tmp_path / 'infra.db'}")
    for eid, broken in (("ev-ok", False), ("ev-infra", True)):
        create_eval(
            store,
            EvalRecord(
                eval_id=eid,
                task="airline",
                agent="a",
                model="openai/x",
                config={},
                config_hash=eid,
                code_version="v",
                seed=0,
                created_at=1.0,
            ),
        )
        for i in range(3):
            down = broken and i == 2
            insert_result(
                store,
                RunRecord(
                    eval_id=eid,
                    scenario_id=f"s{i}",
                    correct=not down,
                    infra_error="connection refused: http://127.0.0.1:9/v1" if down else None,
                ),
            )
    with UIServer(create_app(store)) as srv:
        index = _get(srv, "/")
        assert "+1 unscored" in index.text
        page = _get(srv, "/evals/ev-infra")
        assert 'id="unscored"' in page.text and "1 run(s) not scored" in page.text
        assert "100.0%" in page.text  # the two scored runs, both right
        runs = _get(srv, "/evals/ev-infra", params={"show": "unscored"})
        assert runs.text.count("connection refused") >= 1 and ">s2<" in runs.text
        cmp = _get(srv, "/compare", params={"a": "ev-ok", "b": "ev-infra"})
        assert cmp.status_code == 409 and "not compared" in cmp.text
        queue = _get(srv, "/queue", params={"eval": "ev-infra"})
        assert ">s2<" not in queue.text  # nothing to learn from an outage
