"""End to end in a real headless Chromium (Debian's, driven by Playwright) against the real
server over a real store: the pages a user opens, the queue's keyboard, and the label read
back by the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from behaviorlab.feedback import list_feedback
from behaviorlab.store import Store
from behaviorlab.ui import UIServer, create_app

CHROMIUM = os.environ.get("BEHAVIORLAB_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: set to a folder (e.g. docs/img) to keep the screenshots the README shows
SHOTS = os.environ.get("BEHAVIORLAB_UI_SCREENSHOTS")


# the machine running the suite may be busy: wait for an element longer than Playwright's 5 s
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"chromium not found at {CHROMIUM}: ./scripts/setup installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 820})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _shot(page: Page, tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    page.screenshot(path=str(out))
    assert out.stat().st_size > 10_000  # a rendered page, not a blank one
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(SHOTS) / name)
    return out


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "behaviorlab.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def test_index_lists_a_fresh_evaluation_by_id_and_links_the_queue(
    built: Any, server: UIServer, page: Page, tmp_path: Path
) -> None:
    page.goto(server.url + "/")
    link = page.locator(f"#evals a[href='/evals/{built.good}']")
    expect(link).to_have_text(built.good)
    expect(page.locator("#queue-link")).to_have_attribute("href", "/queue")
    row = page.locator(f"#evals tr[data-eval='{built.good}']")
    expect(row).to_contain_text("75.0%")  # 3 of 4 right, one declined
    _shot(page, tmp_path, "ui-evaluations.png")
    link.click()
    expect(page.locator("#eval-id")).to_have_text(built.good)
    expect(page.locator("#table-level")).to_contain_text("75.0%")
    # the report's charts, drawn by plotly.js served by the app itself
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.locator("#section-runs a.on").wait_for()
    page.locator("a[href='?show=declined']").click()
    expect(page.locator("#runs tbody tr")).to_have_count(1)
    expect(page.locator("#runs tbody tr")).to_contain_text("declined")


def test_a_run_shows_its_span_tree(
    built: Any, server: UIServer, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/evals/{built.l3}")
    page.locator(f"#runs a[href='/runs/{built.l3_trace}']").click()
    expect(page.locator("#trace-id")).to_have_text(built.l3_trace)
    tree = page.locator("#span-tree")
    agent = tree.locator("> li.kind-agent")
    expect(agent.locator("> details > summary .span-name")).to_have_text("invoke_agent airline-l3")
    # LLM calls and the tool call are nested under the agent, the tool call with its I/O
    llm = agent.locator("li.kind-llm")
    expect(llm).to_have_count(2)
    expect(llm.first.locator(".msg.role-system")).to_be_visible()
    expect(llm.first.locator(".msg.role-user")).to_contain_text("passenger")
    expect(llm.first.locator(".msg.call")).to_contain_text('calculator({"expression": "40 + 2"})')
    tool = agent.locator("li.kind-tool")
    expect(tool.locator(".span-name")).to_have_text("calculator")
    expect(tool.locator(".io").first).to_contain_text("40 + 2")
    expect(tool.locator(".io").nth(1)).to_contain_text("42")
    expect(llm.nth(1).locator(".msg.reply")).to_contain_text("Final Answer: 42")
    page.locator("#collapse-all").click()
    expect(tool).to_be_hidden()
    page.locator("#expand-all").click()
    expect(tool).to_be_visible()
    _shot(page, tmp_path, "ui-run.png")


def test_compare_shows_the_gate_and_links_both_runs_where_they_disagree(
    built: Any, server: UIServer, page: Page
) -> None:
    page.goto(server.url + "/")
    page.locator(f"input[name=a][value='{built.bad}']").check()
    page.locator(f"input[name=b][value='{built.good}']").check()
    page.locator("#compare-form button[type=submit]").click()
    expect(page.locator("#verdict")).to_have_text("REJECT")
    expect(page.locator("#gate-reasons li").first).to_be_visible()
    rows = page.locator("#disagree tbody tr")
    expect(rows).to_have_count(4)  # every scenario: 3 flips to right, 1 to declined
    first = rows.first
    href_b = first.locator("a.run-b").get_attribute("href")
    assert href_b and first.locator("a.run-a").get_attribute("href") != href_b
    first.locator("a.run-b").click()
    expect(page.locator("#trace-id")).to_have_text(href_b.rsplit("/", 1)[1])


def test_label_a_declined_run_with_the_keyboard_and_read_it_back_with_the_cli(
    browser: Browser, store_builder: Any, tmp_path: Path
) -> None:
    b = store_builder(f"sqlite:///{tmp_path / 'label.db'}")
    with UIServer(create_app(Store(b.url))) as srv:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(srv.url + "/")
        page.locator("#queue-link").click()
        # the run the agent declined comes first
        first = page.locator("#queue-list li").first
        expect(first).to_have_class("on")
        expect(first.locator(".tag.declined")).to_be_visible()
        expect(page.locator("#item-scenario")).to_have_text(
            next(r for r in _results(b) if r["trace_id"] == b.declined_trace)["scenario_id"]
        )
        _shot(page, tmp_path, "ui-queue.png")
        page.keyboard.press("4")
        page.keyboard.press("Shift+Digit5")
        expect(page.locator("#rating-4")).to_be_checked()
        expect(page.locator("#tool-5")).to_be_checked()
        page.keyboard.press("t")
        page.keyboard.type("calculator, region_of_route")
        page.keyboard.press("Escape")
        page.keyboard.press("c")
        page.keyboard.type("two bags misread")
        page.keyboard.press("Escape")
        page.keyboard.press("a")
        page.keyboard.type("1334")
        page.keyboard.press("Control+Enter")
        expect(page.locator("#saved")).to_contain_text("Saved feedback #1")
        # the labelled scenario left the queue; the next one is an escalated run
        expect(page.locator("#queue-list li").first.locator(".tag.escalated")).to_be_visible()
        page.close()

    listed = _cli("feedback", "list", "--json", "--db", b.url)
    assert listed.returncode == 0, listed.stderr
    (fb,) = json.loads(listed.stdout)
    assert fb["trace_id"] == b.declined_trace
    assert (fb["rating"], fb["tool_selection"]) == (4, 5)
    assert fb["suggested_tools"] == ["calculator", "region_of_route"]
    assert (fb["comment"], fb["corrected_answer"]) == ("two bags misread", "1334")

    out = tmp_path / "export"
    exported = _cli("train", "export", "-o", str(out), "--no-hf", "--json", "--db", b.url)
    assert exported.returncode == 0, exported.stderr
    rows = _jsonl(out, "examples")
    fixed = [r for r in rows if r["trace_id"] == b.declined_trace]
    assert len(fixed) == 1 and fixed[0]["source"] == "feedback"
    assert fixed[0]["completion"][0]["content"] == "1334"
    assert "passenger_text" in fixed[0]["prompt"][-1]["content"]  # the request it answers
    # and a preference pair: the correction over the reply the model gave
    (pair,) = [p for p in _jsonl(out, "pairs") if p["signal"] == "correction"]
    assert (pair["chosen"], pair["rejected"]) == ("1334", "I cannot read this passenger's bags.")


def _jsonl(folder: Path, kind: str) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for split in ("train", "heldout")
        if (folder / f"{kind}.{split}.jsonl").is_file()
        for line in (folder / f"{kind}.{split}.jsonl").read_text().splitlines()
    ]


def _results(b: Any) -> list[dict[str, object]]:
    from behaviorlab.evals import load_results

    return [r.model_dump() for r in load_results(Store(b.url), b.good)]


def test_a_token_server_refuses_pages_and_writes_without_it(
    built: Any, token_server: UIServer, page: Page
) -> None:
    resp = page.goto(token_server.url + "/")
    assert resp is not None and resp.status == 401
    expect(page.locator("#error-message")).to_contain_text("needs the server's token")
    page.goto(token_server.url + "/?token=s3cret-token")
    assert page.url == token_server.url + "/"  # the token left the address bar for a cookie
    expect(page.locator(f"#evals a[href='/evals/{built.good}']")).to_be_visible()
    # a form posted by the page carries the cookie: the write goes through
    before = len(list_feedback(Store(built.url)))
    page.goto(f"{token_server.url}/label/{built.l3_trace}")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.locator("#saved")).to_be_visible()
    assert len(list_feedback(Store(built.url))) == before + 1
