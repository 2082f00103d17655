"""Agent monitoring: tool faults, per-tool monitors, and the airline subjects."""

from __future__ import annotations

import pytest

from behaviorlab.agents import Agent
from behaviorlab.modelize import (
    TEXT_FAULTS,
    AgentMonitor,
    ModelConfig,
    Monitor,
    TrainConfig,
    evaluate_agent_monitor,
    synthesize,
    tool_fault,
    tool_pairs,
    train_model,
)
from behaviorlab.modelize._agents import JSON_LEXER, encode_arguments, tool_subject
from behaviorlab.tools import Tool

PRICES = {"tea": 3, "coffee": 4, "cake": 6, "soup": 8, "bread": 2}


def price(item: str, count: int) -> int:
    """Price of ``count`` items.

    Args:
        item: what is bought.
        count: how many.
    """
    return PRICES[item] * count


GRAMMAR = {
    "<start>": ['{"count": <n>, "item": <item>}'],
    "<n>": ["1", "2", "3"],
    "<item>": [f'"{k}"' for k in PRICES],
}


class Shopper(Agent):
    """Buys every item of its input list through the tool, then adds up."""

    level = "L0"
    name = "shopper"

    def __init__(self, tool: Tool) -> None:
        self.tool = tool

    def _run(self, input: list[tuple[str, int]]) -> int:
        return sum(int(self.tool.invoke({"item": i, "count": n}).content) for i, n in input)


def test_tool_fault_breaks_only_inside_the_block() -> None:
    tool = Tool(price)
    with tool_fault(tool, TEXT_FAULTS["off_by_one"], seed=0) as log:
        broken = tool.invoke({"item": "tea", "count": 2}).content
    assert broken in ("5", "7") and log.calls == 1
    assert log.broken == [(encode_arguments({"item": "tea", "count": 2}), broken)]
    assert tool.invoke({"item": "tea", "count": 2}).content == "6"


def test_tool_as_subject_and_pairs_from_runs() -> None:
    tool = Tool(price)
    subject = tool_subject(tool, GRAMMAR)
    assert subject.run('{"count": 2, "item": "cake"}') == "12"
    res = Shopper(tool).run([("tea", 1), ("soup", 3)])
    assert res.output == 27
    pairs = tool_pairs([res], "price")
    assert [(p.input, p.output) for p in pairs] == [
        ('{"count": 1, "item": "tea"}', "3"),
        ('{"count": 3, "item": "soup"}', "24"),
    ]


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_agent_monitor_flags_runs_and_locates_the_broken_step() -> None:
    pytest.importorskip("torch")
    tool = Tool(price)
    subject = tool_subject(tool, GRAMMAR)
    pairs = synthesize(subject, 15, seed=0).pairs  # the whole language: 5 items x 3 counts
    model = train_model(
        subject,
        pairs * 8,
        model_config=ModelConfig(d_model=32, nhead=2, ffn=64, dropout=0.0, max_len=32),
        train_config=TrainConfig(
            epochs=30, batch_size=16, lr=5e-3, warmup_steps=10, val_fraction=0.0, patience=100
        ),
    )
    assert model.predict_many([p.input for p in pairs]) == [p.output for p in pairs]
    mon = Monitor(model)
    mon.calibrate([p.input for p in pairs], [p.output for p in pairs], false_alarm_rate=0.0)
    agent_monitor = AgentMonitor({"price": mon})
    inputs = [[("tea", 1), ("cake", 2)], [("bread", 3)], [("soup", 1), ("coffee", 2), ("tea", 3)]]
    rep = evaluate_agent_monitor(
        Shopper(tool), inputs, agent_monitor, tool, TEXT_FAULTS["off_by_one"], rate=0.5
    )
    assert rep.faulty_runs >= 1
    assert rep.faulty_runs_flagged == 1.0 and rep.clean_runs_flagged == 0.0
    assert rep.faulty_steps_located == 1.0 and rep.step_precision == 1.0
    assert tool.invoke({"item": "tea", "count": 1}).content == "3"  # the fault is gone


def test_json_lexer_keeps_numbers_whole() -> None:
    toks = [v for v, _ in JSON_LEXER.tokens('{"a_b": 115, "c": "U.S."}')]
    assert '"a_b":' in toks and "115" in toks and "U.S." in toks


def test_airline_subject_and_tool_agent() -> None:
    airline = pytest.importorskip("behaviorlab.tasks.airline")
    from behaviorlab.modelize import get_subject, task_tool_faults, task_tool_subjects
    from behaviorlab.tasks.airline._subjects import (
        AirlineToolAgent,
        airline_text,
        parse_airline_text,
    )

    subject = get_subject("airline")
    res = synthesize(subject, 30, seed=0)
    assert len(res.pairs) == 30
    for p in res.pairs[:10]:
        info = parse_airline_text(p.input)
        assert airline_text(info) == p.input
        fb = airline.compute_fee(info)
        assert (
            f"ticket: {fb.ticket}" in p.output
            and p.output.count("\nbag ") + p.output.startswith("bag ") == len(fb.bags) + 1
        )

    agent = AirlineToolAgent()
    problems = airline.generate_problems(3, seed=1, level=0)
    for prob in problems:
        r = agent.run(prob)
        assert r.ok and r.output == prob.answer
        assert [c.name for c in r.tool_calls][:2] == ["region_of_route", "best_checked_bag_numbers"]
    tools = task_tool_subjects("airline", agent.tools)
    call = next(c for c in agent.run(problems[0]).tool_calls if c.name == "checked_bag_fee")
    assert tools["checked_bag_fee"].run(encode_arguments(call.arguments)) == call.result
    assert set(task_tool_faults("airline")) == {"off_by_one", "wrong_fee"}
