"""Gradual rollout: route a fixed share of agent calls to a candidate, sticky per input."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from behaviorlab.agents import Agent, Result
from behaviorlab.trace import current_span

Arm = Literal["candidate", "production"]

ARM_ATTRIBUTE = "behaviorlab.rollout.arm"


def input_bucket(input: Any, salt: str = "") -> float:
    """A number in [0, 100) that depends only on the input (and ``salt``)."""
    blob = input if isinstance(input, str) else json.dumps(input, sort_keys=True, default=str)
    h = hashlib.sha256(f"{salt}\x00{blob}".encode()).hexdigest()
    return int(h[:12], 16) / float(16**12) * 100.0


def arm_for(input: Any, percent: float, salt: str = "") -> Arm:
    return "candidate" if input_bucket(input, salt) < percent else "production"


class RolloutAgent(Agent):
    """Sends ``percent``% of inputs to ``candidate``, the rest to ``production``.

    The same input always goes to the same arm (a hash of the input decides), so a user who
    repeats a request sees one behaviour. Each result says which arm served it in
    ``metadata["arm"]`` and on the agent span (``behaviorlab.rollout.arm``).
    """

    level = "L?"

    def __init__(
        self,
        production: Agent,
        candidate: Agent,
        percent: float,
        *,
        salt: str = "",
        name: str = "rollout",
        versions: dict[str, str] | None = None,
    ) -> None:
        if not 0 <= percent <= 100:
            raise ValueError(f"rollout percent must be within 0-100, got {percent}")
        self.production = production
        self.candidate = candidate
        self.percent = percent
        self.salt = salt
        self.name = name
        self.versions = versions or {}

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "percent": self.percent,
            "salt": self.salt,
            "production": self.production.settings(),
            "candidate": self.candidate.settings(),
            "versions": self.versions,
        }

    def _run(self, input: Any) -> Result:
        arm = arm_for(input, self.percent, self.salt)
        span = current_span()
        if span is not None:
            span.set_attribute(ARM_ATTRIBUTE, arm)
            if arm in self.versions:
                span.set_attribute("behaviorlab.rollout.version", self.versions[arm])
        agent = self.candidate if arm == "candidate" else self.production
        result = agent.run(input)
        meta = {**result.metadata, "arm": arm}
        if arm in self.versions:
            meta["model_version"] = self.versions[arm]
        return result.model_copy(update={"metadata": meta})
