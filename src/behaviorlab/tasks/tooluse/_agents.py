"""The tool-aware L3 agent: ``code_executor`` (sandbox), ``calculator`` (a safe evaluator), ``answer_directly``.

Three prompt formats — direct, chain-of-thought, tool-description — so the decision of
*when* to use a tool can be compared across prompts with the same harness.
"""

from __future__ import annotations

from typing import Literal

from behaviorlab.agents import ReActAgent
from behaviorlab.models import Model
from behaviorlab.tools import Tool, evaluate_expression, format_number, tool

PromptFormat = Literal["direct", "cot", "tooldesc"]


@tool(runs_code=True)
def code_executor(code: str) -> str:
    """Run a complete Python program in a sandbox and return what it prints.

    Args:
        code: Python source; print() the values you need to see.
    """
    from behaviorlab.tools.sandbox import execute_python

    return execute_python(code)


@tool
def calculator(expression: str) -> str:
    """Evaluate one arithmetic expression exactly, e.g. "48213*9377", "factorial(20)" or "2^64".

    Args:
        expression: Numbers with + - * / // % ** ( ) and math functions such as sqrt, log,
            factorial, gcd, comb, min, max (no variables).
    """
    return format_number(evaluate_expression(expression))


@tool
def answer_directly(answer: str) -> str:
    """Give the final answer without running anything (for explanations, reviews, designs,
    or anything you can answer reliably yourself).

    Args:
        answer: The complete final answer.
    """
    return answer


SYSTEM_PROMPTS: dict[str, str] = {
    "direct": (
        "You are a helpful assistant with three tools: code_executor, calculator and answer_directly. "
        "Answer the user's question."
    ),
    "cot": (
        "You are a helpful assistant with three tools: code_executor, calculator and answer_directly.\n"
        "First think step by step about whether the question needs computation you cannot do reliably "
        "in your head. Then either call a tool, or call answer_directly with the final answer."
    ),
    "tooldesc": (
        "You are a helpful assistant. Choose the right way to answer:\n"
        "- code_executor: when the answer depends on running code — exact results of big computations, "
        "transforming data, or what a program prints or raises.\n"
        "- calculator: for one exact arithmetic or symbolic expression.\n"
        "- answer_directly: for explanations, reviews, designs and small arithmetic you can do reliably.\n"
        "Call exactly one tool per step. After a tool result, answer with answer_directly."
    ),
}


def tooluse_tools() -> list[Tool]:
    return [code_executor, calculator, answer_directly]


def make_tooluse_agent(
    model: Model | None, fmt: PromptFormat = "tooldesc", max_steps: int = 4
) -> ReActAgent:
    if model is None:
        raise ValueError("the tool-use agent needs a model")
    # a call to answer_directly ends the run with its answer; plain text counts as answering too
    return ReActAgent(
        model,
        tooluse_tools(),
        system_prompt=SYSTEM_PROMPTS[fmt],
        max_steps=max_steps,
        final_tools=frozenset({"answer_directly"}),
        name=f"tooluse-l3-{fmt}",
    )
