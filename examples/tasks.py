"""A user's own task in a file: ``behaviorlab eval examples/tasks.py@unit_conversion -T n=20``.

Scenarios are generated here, the scorer is the task's own; any agent (``--agent l1``-style
names the task offers, or a .py file) runs on it like on a built-in task.
"""

from __future__ import annotations

import random

from behaviorlab.agents import Agent, Result, SingleCallAgent
from behaviorlab.models import Model
from behaviorlab.scoring import numeric_match
from behaviorlab.tasks import Scenario, ScenarioOptions, Score, Task

FACTORS = {("km", "m"): 1000, ("kg", "g"): 1000, ("h", "min"): 60, ("min", "s"): 60}


def _direct(model: Model | None, options: ScenarioOptions) -> Agent:
    if model is None:
        raise ValueError("the direct agent needs a model (--model)")
    return SingleCallAgent(
        model, "Convert the quantity. Reply with the number only.", answer_parser=str.strip
    )


class UnitConversion(Task):
    name = "unit_conversion"
    agent_factories = {"direct": _direct}

    def __init__(self, n: int = 10, seed: int = 0) -> None:
        self.n, self.seed = n, seed

    def scenarios(self, options: ScenarioOptions) -> list[Scenario]:
        rng = random.Random(self.seed)
        out = []
        for i in range(self.n):
            (a, b), f = rng.choice(sorted(FACTORS.items()))
            q = rng.randint(2, 90)
            out.append(Scenario(id=f"u{i}", input=f"How many {b} is {q} {a}?", expected=q * f))
        return out[: options.n] if options.n else out

    def score(self, scenario: Scenario, result: Result) -> Score:
        ok = result.ok and numeric_match(result.output, scenario.expected)
        return Score(correct=ok, value=float(ok), answer=result.output, expected=scenario.expected)


def unit_conversion(n: int = 10, seed: int = 0) -> Task:
    return UnitConversion(n=n, seed=seed)
