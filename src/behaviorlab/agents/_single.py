"""One LLM call with a fixed prompt (e.g. chain-of-thought with the rules in the prompt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from behaviorlab.agents._base import Agent
from behaviorlab.models import Message, Model


class SingleCallAgent(Agent):
    level = "L2"

    def __init__(
        self,
        model: Model,
        system_prompt: str,
        *,
        answer_parser: Callable[[str], Any],
        user_template: str = "{input}",
        name: str = "single-call",
    ) -> None:
        self.model = model
        self.system_prompt = system_prompt
        self.answer_parser = answer_parser
        self.user_template = user_template
        self.name = name

    def settings(self) -> dict[str, Any]:
        return {
            **super().settings(),
            "model": self.model.settings(),
            "system_prompt": self.system_prompt,
        }

    def _run(self, input: Any) -> Any:
        c = self.model.complete(
            [
                Message.system(self.system_prompt),
                Message.user(self.user_template.format(input=input)),
            ]
        )
        return self.answer_parser(c.text)
