"""Price table in USD per million tokens. Local models cost $0 and record CPU seconds."""

from __future__ import annotations

from pydantic import BaseModel


class Price(BaseModel):
    input_per_m: float = 0.0
    output_per_m: float = 0.0

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_m + output_tokens * self.output_per_m) / 1e6


# Public list prices; a user passes their own table for anything else.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o": Price(input_per_m=2.50, output_per_m=10.00),
    "gpt-4o-mini": Price(input_per_m=0.15, output_per_m=0.60),
    "gpt-4.1": Price(input_per_m=2.00, output_per_m=8.00),
    "gpt-4.1-mini": Price(input_per_m=0.40, output_per_m=1.60),
    "o1-preview": Price(input_per_m=15.00, output_per_m=60.00),
    "deepseek-chat": Price(input_per_m=0.27, output_per_m=1.10),
    "deepseek-ai/DeepSeek-V3.1": Price(input_per_m=0.60, output_per_m=1.70),
}


class PriceTable:
    def __init__(self, prices: dict[str, Price] | None = None) -> None:
        self._prices = dict(DEFAULT_PRICES if prices is None else prices)

    def price(self, model: str) -> Price:
        return self._prices.get(model, Price())

    def cost(self, model: str, input_tokens: int, output_tokens: int) -> float:
        return self.price(model).cost(input_tokens, output_tokens)

    def set(self, model: str, price: Price) -> None:
        self._prices[model] = price
