"""The shipped tool-use adapter (SmolLM2-135M + the packaged LoRA, real llama.cpp, the real
sandbox): it runs a tool where the answer needs computing and answers directly otherwise."""

from __future__ import annotations

import shutil

import pytest

from behaviorlab.models import GenerationConfig, get_model
from behaviorlab.tasks.tooluse._agents import make_tooluse_agent
from behaviorlab.tasks.tooluse._task import SHIPPED_TOOLUSE_MODEL

#: hand-written questions (no template's wording; fixed before the adapter was first run on
#: them), whether the best decision runs a tool, and the exact answer where there is one
QUESTIONS = [
    ("What is 7342519 multiplied by 68377? I need the exact number.", True, "502059421663"),
    pytest.param(
        "Print the squares of the whole numbers from 1 to 12 as a Python list.",
        True,
        None,
        marks=pytest.mark.xfail(
            strict=True,
            reason="known: the written-answers adapter (shipped since the first one) answers "
            "this directly, with a wrong list; the first adapter ran code for it",
        ),
    ),
    ("What does the HTTP method PUT do, compared with POST?", False, None),
    ("Why do software teams use version control?", False, None),
]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap")
@pytest.mark.parametrize(("question", "runs_a_tool", "answer"), QUESTIONS)
def test_the_shipped_adapter_runs_a_tool_only_where_the_answer_needs_computing(
    question: str, runs_a_tool: bool, answer: str | None
) -> None:
    model = get_model(SHIPPED_TOOLUSE_MODEL, config=GenerationConfig(max_tokens=256), n_threads=2)
    r = make_tooluse_agent(model, "tooldesc").run(question)
    assert r.ok, r.error
    ran = {"code_executor", "calculator"} & set(r.tools_used)
    assert bool(ran) == runs_a_tool, (r.tools_used, r.output)
    if answer is not None:
        assert answer in str(r.output).replace(",", "")
