"""A user's own agent for examples/arithmetic.jsonl: L0, no model — the question's expression
through behaviorlab's safe calculator (declines when there is none)."""

import re

from behaviorlab.agents import Declined, FunctionAgent
from behaviorlab.tools import evaluate_expression


def solve(question: str) -> float:
    m = re.search(r"What is (.+)\?", question)
    if m is None:
        raise Declined("no 'What is …?' question")
    return float(evaluate_expression(m.group(1)))


agent = FunctionAgent(solve, name="calc-l0")
