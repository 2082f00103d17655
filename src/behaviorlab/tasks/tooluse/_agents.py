"""The tool-aware L3 agent: ``code_executor`` (sandbox), ``calculator`` (sympy), ``answer_directly``.

Three prompt formats — direct, chain-of-thought, tool-description — so the decision of
*when* to use a tool can be compared across prompts with the same harness.
"""

from __future__ import annotations

from typing import Any, Literal

from behaviorlab.agents import ReActAgent, final_answer_text
from behaviorlab.models import Message, Model
from behaviorlab.tools import Tool, tool

PromptFormat = Literal["direct", "cot", "tooldesc"]


@tool
def code_executor(code: str) -> str:
    """Run a complete Python program in a sandbox and return what it prints.

    Args:
        code: Python source; print() the values you need to see.
    """
    from behaviorlab.tools.sandbox import execute_python

    return execute_python(code)


@tool
def calculator(expression: str) -> str:
    """Evaluate a mathematical expression exactly with sympy, e.g. "48213*9377" or "factorial(20)".

    Args:
        expression: A sympy expression (numbers, + - * / **, functions like sqrt, factorial, gcd).
    """
    import sympy

    if len(expression) > 500:
        raise ValueError("expression longer than 500 characters")
    value = sympy.sympify(expression, evaluate=True)
    if getattr(value, "is_Integer", False):
        return str(int(value))
    if getattr(value, "is_number", False):
        exact = sympy.nsimplify(value)
        return str(exact) if exact.is_Rational and exact.q < 1000 else str(sympy.N(value, 15))
    return str(value)


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


class ToolUseAgent(ReActAgent):
    """ReAct over the three tools; a call to ``answer_directly`` ends the run with its answer."""

    def _run(self, input: Any) -> Any:
        messages = self.initial_messages(input)
        specs = self.tools.specs()
        for _step in range(1, self.max_steps + 1):
            c = self.model.complete(messages, tools=specs)
            if c.tool_parse_error:
                messages += [
                    Message.assistant(c.text),
                    Message.user(f"Error: {c.tool_parse_error}"),
                ]
                continue
            if not c.tool_calls:
                return final_answer_text(c.text)  # plain text: answered directly
            messages.append(Message.assistant(c.text, c.tool_calls))
            for call in c.tool_calls:
                r = self.tools.call(call)
                if call.name == "answer_directly" and r.ok:
                    return r.content
                messages.append(Message.tool(r.content, call.id, call.name))
        raise RuntimeError(f"no final answer within {self.max_steps} steps")


def tooluse_tools() -> list[Tool]:
    return [code_executor, calculator, answer_directly]


def make_tooluse_agent(
    model: Model | None, fmt: PromptFormat = "tooldesc", max_steps: int = 4
) -> ToolUseAgent:
    if model is None:
        raise ValueError("the tool-use agent needs a model")
    return ToolUseAgent(
        model,
        tooluse_tools(),
        system_prompt=SYSTEM_PROMPTS[fmt],
        max_steps=max_steps,
        name=f"tooluse-l3-{fmt}",
    )
