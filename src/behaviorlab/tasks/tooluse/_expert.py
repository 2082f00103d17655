"""The expert's tool decisions on the tool-use items, as the L3 agent's own conversation.

An item whose best decision is to answer directly is answered at once with its expected
output (a free-text item: with its template's written answer, or a model's answer that names
the item's reference points); one whose best decision runs a tool is answered by its template's ``Solution``: the
call is made for real through the agent's own tools (the sandboxed executor, the
calculator), so the observation is exactly what the agent would see, and it must score as
the item's expected output before the example is kept (``verify_solution``). The final
answer then copies the observation.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from behaviorlab.models import Message, Model, ToolCall
from behaviorlab.tools import ToolRegistry

from ._agents import SYSTEM_PROMPTS, tooluse_tools
from ._scoring import score_answer
from ._template import Solution
from ._types import ToolUseItem


class NoExpertAnswer(ValueError):
    """The item has no verified expert answer (no solution, or one that does not check)."""


def solution_call(solution: Solution, call_id: str = "call_1") -> ToolCall:
    """``solution`` as the agent's tool call (the program or the expression as its argument)."""
    key = "code" if solution.tool == "code_executor" else "expression"
    return ToolCall(id=call_id, name=solution.tool, arguments={key: solution.argument})


def run_solution(solution: Solution, tools: ToolRegistry | None = None) -> str:
    """What the agent's ``solution.tool`` returns for ``solution.argument`` (raises
    ``NoExpertAnswer`` when the tool fails)."""
    registry = tools or ToolRegistry(tooluse_tools())
    result = registry.call(solution_call(solution))
    if not result.ok:
        raise NoExpertAnswer(f"{solution.tool} failed on the solution: {result.error}")
    return result.content


def verify_solution(
    item: ToolUseItem, solution: Solution, tools: ToolRegistry | None = None
) -> str:
    """The tool's output for ``solution`` when it scores as ``item``'s expected output; else
    ``NoExpertAnswer`` naming the template, what came back and what was expected."""
    try:
        out = run_solution(solution, tools)
    except NoExpertAnswer as e:
        raise NoExpertAnswer(f"{item.template}: {e}") from e
    if not score_answer(item, out):
        raise NoExpertAnswer(
            f"{item.template}: the solution returned {out.strip()[:200]!r}, "
            f"expected {item.expected_output!r}"
        )
    return out


def slipped(solution: Solution, rng: random.Random) -> Solution | None:
    """``solution`` with one slip of the kinds a small model makes (seen in its own runs): a
    bracket or parenthesis left open, ``printf`` for ``print``; None where none applies."""
    arg = solution.argument
    slips = [arg[:i] + arg[i + 1 :] for i in (arg.rfind(")"), arg.rfind("]")) if i >= 0]
    if solution.tool == "code_executor" and "print(" in arg:
        slips.append(arg.replace("print(", "printf(", 1))
    return Solution(solution.tool, rng.choice(slips)) if slips else None


def failed_attempt(
    item: ToolUseItem, solution: Solution, rng: random.Random, tools: ToolRegistry | None = None
) -> tuple[ToolCall, str] | None:
    """A first call that fails: ``slipped(solution)`` run for real, with what the agent sees
    back (the traceback and exit code, the calculator's error). None where no slip applies
    or the slipped call does not fail (its output must not score as the answer either)."""
    broken = slipped(solution, rng)
    if broken is None:
        return None
    registry = tools or ToolRegistry(tooluse_tools())
    call = solution_call(broken, "call_0")
    result = registry.call(call)
    failed = not result.ok or "[exit code" in result.content
    if not failed or score_answer(item, result.content):
        return None
    return call, result.content


#: writes a free-text answer to an item (an explanation, a review, a design), e.g. a model
Answerer = Callable[[ToolUseItem], str]


def direct_answer(
    item: ToolUseItem, answerer: Answerer | None = None, written: str | None = None
) -> str:
    """The expert's direct answer: the expected output; for a free-text item (no exact
    output) the ``written`` answer (the template's expert-written one) when given, else
    ``answerer``'s answer cut to its last whole sentence. Either is kept only when it names
    the points a right answer names (``score_answer``): a model's answer is rejection
    sampled, never made up from the scorer's keywords."""
    if item.expected_output is not None:
        return item.expected_output
    if written is not None:
        if not score_answer(item, written):
            raise NoExpertAnswer(f"{item.template}: the written answer misses a reference point")
        return written
    if answerer is None:
        raise NoExpertAnswer(f"{item.template}: a free-text item and no answerer to write it")
    text = _whole_sentences(answerer(item))
    if not score_answer(item, text):
        raise NoExpertAnswer(f"{item.template}: the answerer's answer misses a reference point")
    return text


def _whole_sentences(text: str) -> str:
    text = text.strip()
    end = max(text.rfind(". "), text.rfind(".\n"), text.rfind(".") if text.endswith(".") else -1)
    return text[: end + 1] if end > 0 else text


def model_answerer(model: Model, max_tokens: int = 160) -> Answerer:
    """An ``Answerer`` asking ``model`` the item's question alone (no tools, greedy)."""

    def answer(item: ToolUseItem) -> str:
        config = model.config.model_copy(update={"max_tokens": max_tokens, "temperature": 0.0})
        return model.complete([Message.user(item.prompt)], config=config).text

    return answer


def expert_messages(
    item: ToolUseItem,
    solution: Solution | None,
    *,
    fmt: str = "tooldesc",
    tools: ToolRegistry | None = None,
    answerer: Answerer | None = None,
    written: str | None = None,
    first_attempt: tuple[ToolCall, str] | None = None,
) -> list[Message]:
    """The expert's whole conversation on ``item`` under the agent's ``fmt`` system prompt:
    system, question, then either one ``answer_directly`` call, or the solution's tool call,
    its observation and an ``answer_directly`` call copying it. A free-text item is answered
    with ``written`` (the template's expert answer) or else by ``answerer``
    (``direct_answer``). ``first_attempt`` (a call and what came back, ``failed_attempt``)
    goes before the solution's call: the conversation then shows a failed call mended."""
    msgs = [Message.system(SYSTEM_PROMPTS[fmt]), Message.user(item.prompt)]
    if "answer_directly" in item.optimal_tools:
        answer = direct_answer(item, answerer, written)
        msgs.append(Message.assistant("", [_answer(answer, 1)]))
        return msgs
    if solution is None:
        raise NoExpertAnswer(f"{item.template}: no solution for an item that needs a tool")
    if solution.tool not in item.optimal_tools:
        raise NoExpertAnswer(
            f"{item.template}: the solution calls {solution.tool}, not one of the best tools "
            f"{item.optimal_tools}"
        )
    out = verify_solution(item, solution, tools)
    call = solution_call(solution)
    if first_attempt is not None:
        failed, seen = first_attempt
        msgs.append(Message.assistant("", [failed]))
        msgs.append(Message.tool(seen, failed.id, failed.name))
    msgs.append(Message.assistant("", [call]))
    msgs.append(Message.tool(out, call.id, call.name))
    msgs.append(Message.assistant("", [_answer(out.strip(), 2)]))
    return msgs


def _answer(text: str, n: int) -> ToolCall:
    return ToolCall(id=f"call_{n}", name="answer_directly", arguments={"answer": text})
