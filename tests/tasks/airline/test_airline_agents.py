"""The airline agents read only the passenger text; bad input is reported, nothing recorded is lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from behaviorlab.agents import Result
from behaviorlab.evals import EvalConfig, load_results, run_eval
from behaviorlab.models import Completion, Message, ScriptedModel, ToolCall
from behaviorlab.store import Store
from behaviorlab.tasks import ScenarioOptions, get_task
from behaviorlab.tasks.airline import DatasetRowError, RuleArenaNotFoundError, load_rulearena
from behaviorlab.tasks.airline._agents import calculator, make_cot, make_l0, make_l1, make_l3

_BAG = re.compile(r"(\d+) x (\d+) x (\d+) inches, (\d+) lbs")


def _text_of(messages: list[Message]) -> str:
    return messages[-1].content


def _extraction_from_text(messages: list[Message]) -> str:
    """A model stand-in whose reply is a pure function of the passenger text it is shown."""
    text = _text_of(messages)
    price = int(re.findall(r"\$(\d+)", text)[-1])
    bags = [
        {"item": n, **dict(zip(("length", "width", "height", "weight"), map(int, m), strict=True))}
        for n, m in enumerate(_BAG.findall(text), start=1)
    ][1:]
    route = re.search(r"from (.+?) to (.+?) with", text)
    assert route, text
    return json.dumps(
        {
            "customer_class": "Main Cabin",
            "origin_city": route.group(1),
            "destination_city": route.group(2),
            "ticket_price": price,
            "checked_bags": bags,
        }
    )


def _l3_reply(messages: list[Message]) -> Completion | str:
    user = next(m.content for m in messages if m.role == "user")
    if not any(m.role in ("tool", "assistant") for m in messages):
        return Completion(
            tool_calls=[
                ToolCall(
                    id="c1",
                    name="calculator",
                    arguments={"expression": " + ".join(re.findall(r"\$(\d+)", user))},
                )
            ]
        )
    return f"Final Answer: {messages[-1].content.split()[-1]}"


def _cot_reply(messages: list[Message]) -> str:
    total = sum(int(x) for x in re.findall(r"(\d+) lbs", _text_of(messages)))
    return f"The total cost is ${total}."


def _strip_info(src: Path, dst: Path) -> Path:
    out = dst / "airline" / "synthesized_problems"
    out.mkdir(parents=True)
    for level in (0, 1, 2):
        lines = (
            (src / "airline" / "synthesized_problems" / f"comp_{level}.jsonl")
            .read_text()
            .splitlines()
        )
        rows = [json.loads(line) for line in lines if line.strip()]
        out.joinpath(f"comp_{level}.jsonl").write_text(
            "".join(json.dumps({"prompt": r["prompt"]}) + "\n" for r in rows)
        )
    return dst


AGENTS = {
    "l0": lambda: make_l0(None),
    "l1": lambda: make_l1(ScriptedModel([_extraction_from_text], cycle=True)),
    "l3": lambda: make_l3(ScriptedModel([_l3_reply], cycle=True)),
    "cot": lambda: make_cot(ScriptedModel([_cot_reply], cycle=True)),
}


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_no_agent_reads_info(name, rulearena_dir, tmp_path):
    """Each agent, on problems whose info was removed from the files, gives the same answers."""
    stripped = _strip_info(rulearena_dir, tmp_path)
    n = 300 if name == "l0" else 12
    task = get_task("airline")
    with_info = task.scenarios(ScenarioOptions(data_dir=str(rulearena_dir), n=n // 3))
    without = task.scenarios(ScenarioOptions(data_dir=str(stripped), n=n // 3))
    assert all(s.metadata["info"] is not None for s in with_info)
    assert all(s.metadata["info"] is None for s in without)
    agent = AGENTS[name]()
    a = [agent.run(s.input) for s in with_info]
    b = [AGENTS[name]().run(s.input) for s in without]
    assert [r.output for r in a] == [r.output for r in b]
    assert [r.declined for r in a] == [r.declined for r in b]
    assert all(isinstance(r, Result) and (r.ok or r.declined) for r in a)
    if name == "l0":  # and the L0 program is exactly right on all 300
        scored = [task.score(s, r).correct for s, r in zip(with_info, a, strict=True)]
        assert all(scored), f"{scored.count(False)} wrong"


def test_l0_declines_text_it_cannot_parse():
    r = make_l0().run("My bag is big. How much?")
    assert r.declined and r.reason and r.output is None


def test_calculator_tool_is_safe_arithmetic():
    assert calculator("180 + 35 * 2") == 250
    assert calculator("$1,200 + 30") == 1230
    bad = calculator.invoke({"expression": "__import__('os').system('true')"})
    assert not bad.ok and "only named math functions" in bad.content


def test_missing_rulearena_dir_is_clear(tmp_path):
    with pytest.raises(RuleArenaNotFoundError, match="nope"):
        load_rulearena(tmp_path / "nope", 0)


def test_malformed_row_names_file_and_line(rulearena_dir, tmp_path):
    src = rulearena_dir / "airline" / "synthesized_problems" / "comp_0.jsonl"
    dst = tmp_path / "airline" / "synthesized_problems"
    dst.mkdir(parents=True)
    lines = src.read_text().splitlines()
    lines[3] = lines[3][:40]  # truncated JSON on line 4
    (dst / "comp_0.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetRowError) as ei:
        load_rulearena(tmp_path, 0)
    assert ei.value.line == 4 and "comp_0.jsonl" in str(ei.value)
    res = load_rulearena(tmp_path, 0, on_error="skip")
    assert len(res.problems) == 99 and res.errors[0].line == 4


def test_garbage_model_gives_recorded_errors_and_keeps_runs(rulearena_dir, store_url):
    st = Store(store_url)
    cfg = EvalConfig(
        task="airline",
        agent="l1",
        options=ScenarioOptions(level=0, n=3, data_dir=str(rulearena_dir)),
    )
    task = get_task("airline")
    run = run_eval(cfg, st, factory=lambda: make_l1(ScriptedModel(["<<garbage>>"], cycle=True)))
    rows = load_results(st, run.record.eval_id)
    assert len(rows) == 3 and not any(r.correct for r in rows)
    # no valid extraction after the retries: declined (never priced), the reason recorded
    assert all(
        r.declined and "no valid extraction" in (r.error or "") and "<<garbage>>" in (r.error or "")
        for r in rows
    )
    # each failed run still has its trace: agent → ptool → 3 chat attempts
    spans = st.trace_spans(rows[0].trace_id)
    assert [s.kind for s in spans].count("llm") == 3
    assert task.name == "airline"
