"""Shared fixtures: expert-trajectory L3 runs (scripted replay) recorded in a store, and a
scripted model that extracts exactly what the distilled workflow asks for."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from behaviorlab.distill import record_expert_runs
from behaviorlab.models import Message, ScriptedModel
from behaviorlab.store import Store
from behaviorlab.tasks.airline import AirlineProblem, generate_problems, target_for

TOOLS = "behaviorlab.tasks.airline._agents:airline_tools"
L0 = "behaviorlab.tasks.airline._agents:l0_fee"


def train_problems(n: int = 4, seed: int = 11) -> list[AirlineProblem]:
    return [p for level in (0, 1, 2) for p in generate_problems(n, seed=seed, level=level)]


@pytest.fixture(scope="session")
def expert_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Store, str, list[AirlineProblem]]:
    """12 L3 runs (4 per level) driven by the scripted expert replay; all succeed."""
    db = tmp_path_factory.mktemp("distill") / "store.db"
    store = Store(f"sqlite:///{db}")
    problems = train_problems()
    return store, record_expert_runs(store, "airline", problems), problems


def extraction_reply(
    problems: Sequence[AirlineProblem], *, cabin_suffix: str = " class"
) -> Callable[[list[Message]], str]:
    """A model stand-in: the exact extraction for each known passenger text, written the way a
    small model might (lower-case class with a suffix, price with a dollar sign)."""
    by_text = {p.prompt: p for p in problems}

    def reply(messages: list[Message]) -> str:
        text = messages[-1].content.split("text:\n", 1)[-1]
        p = by_text[text]
        t = target_for(p)
        return json.dumps(
            {
                "origin": t.origin_city,
                "destination": t.destination_city,
                "cabin_class": t.customer_class.lower() + cabin_suffix,
                "bags": [b.model_dump() for b in t.checked_bags],
                "ticket_amount": f"${t.ticket_price}",
            }
        )

    return reply


def extractor_model(problems: Sequence[AirlineProblem]) -> ScriptedModel:
    return ScriptedModel([extraction_reply(problems)], cycle=True)


@pytest.fixture()
def distilled_file(expert_runs: tuple[Store, str, list[AirlineProblem]], tmp_path: Path) -> Path:
    from behaviorlab.distill import CallableSpec, distill

    store, eval_id, _ = expert_runs
    out = tmp_path / "workflow.py"
    distill(eval_id, out, store=store, l0=CallableSpec.parse(L0))
    return out


class Helpers:
    """Shared helpers as a fixture (test modules cannot import conftest under importlib mode)."""

    TOOLS = TOOLS
    L0 = L0
    train_problems = staticmethod(train_problems)
    extractor_model = staticmethod(extractor_model)
    extraction_reply = staticmethod(extraction_reply)


@pytest.fixture(scope="session")
def helpers() -> type[Helpers]:
    return Helpers
