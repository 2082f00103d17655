"""``CopiedValueCheck`` on BFCL's own items: an accepted answer whose values the request
writes is never refused, at any point a decode could reach, on every scored item of the
categories the README reports, under the strictest setting (``commit=1``)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from behaviorlab.models._toolcalls import (
    CopiedValueCheck,
    canonical_arguments,
    tool_call_text,
    ungrounded_values,
)
from behaviorlab.tasks.bfcl import load_category
from behaviorlab.tasks.bfcl._schema import portable_name, tool_specs

CATEGORIES = ("simple_python", "multiple", "parallel", "parallel_multiple", "live_simple")


def _written_answer(item: Any, request: str, schemas: dict[str, Any]) -> list[str] | None:
    """The calls (as the decoder writes them) of an answer BFCL accepts whose every copied
    value the request writes (``ungrounded_values``, the grounding reading's own rule), or
    None where the possible answer offers none."""
    texts = []
    for call in item.ground_truth:
        ((name, args),) = call.items()
        offered = portable_name(name)
        schema = schemas[offered]
        chosen: dict[str, Any] = {}
        for key, values in args.items():
            options = [v for v in values if v != ""]
            good = [v for v in options if not ungrounded_values(schema, {key: v}, request)]
            if good:
                chosen[key] = good[0]
            elif "" not in values:
                return None  # every accepted value of a required argument is uncopied
        texts.append(tool_call_text(offered, canonical_arguments(schema, chosen)))
    return texts


@pytest.mark.parametrize("category", CATEGORIES)
def test_an_answer_the_request_writes_is_never_refused(category):
    checked = 0
    for item in load_category(category):
        assert item.ground_truth is not None
        request = "\n".join(m["content"] for m in item.messages if m["role"] == "user")
        tools, _ = tool_specs(item.functions)
        calls = _written_answer(item, request, {t.name: t.parameters for t in tools})
        if calls is None:
            continue
        check = CopiedValueCheck(tools, request, commit=1)
        text = "\n".join(calls)
        for i, j in itertools.product(range(len(text)), (1, 4)):
            prefix = text[: i + j]
            assert check.admits(text[:i], prefix), (item.id, text[:i], text[i : i + j])
        checked += 1
    assert checked > 0.6 * len(load_category(category))  # most items have such an answer


def test_the_copy_settings_reach_the_model_from_task_arguments():
    from behaviorlab.models import ScriptedModel
    from behaviorlab.tasks import ScenarioOptions, get_task

    task = get_task("bfcl")
    sc = task.scenarios(ScenarioOptions(split="simple_python", n=1))[0]
    seen = []

    class Capturing(ScriptedModel):
        def _complete(self, messages, *, tools, json_schema, config):
            seen.append((config.copy_from, config.copy_commit, config.copy_whole_numbers))
            return super()._complete(messages, tools=tools, json_schema=json_schema, config=config)

    on = ScenarioOptions(
        split="simple_python", task_args={"copy_commit": "2", "copy_whole": "true"}
    )
    agent = task.agent_factories["fc-always"](Capturing(["x"]), on)
    assert agent.settings()["copy_commit"] == 2 and agent.settings()["copy_whole_numbers"]
    agent.run(sc.input)
    task.agent_factories["fc"](Capturing(["x"]), ScenarioOptions(split="simple_python")).run(
        sc.input
    )
    request = sc.input["messages"][0]["content"]
    assert seen == [(request, 2, True), (None, 3, False)]  # off by default: no text to copy
    for bad in ({"copy_commit": "three"}, {"copy_commit": "0"}, {"copy_whole": "maybe"}):
        with pytest.raises(ValueError, match="copy_"):
            task.agent_factories["fc"](Capturing(["x"]), ScenarioOptions(task_args=bad))
