"""The real packaged SmolLM2: through llama.cpp and through transformers (same GGUF)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from behaviorlab.models import (
    GenerationConfig,
    InfraError,
    LlamaCppModel,
    Message,
    generate_structured,
    get_model,
    packaged_gguf,
)


class Answer(BaseModel):
    colour: str


@pytest.mark.slow
def test_llamacpp_default_model_from_installed_package():
    path = packaged_gguf()
    assert path.name.endswith(".gguf") and path.stat().st_size > 50_000_000
    m = get_model("smollm2-135m", config=GenerationConfig(max_tokens=60))
    value, comps = generate_structured(
        m, [Message.user("What colour is the sky? Answer in JSON.")], Answer
    )
    assert isinstance(value.colour, str)
    c = comps[-1]
    assert c.usage.input_tokens > 0 and c.usage.output_tokens > 0
    assert c.cost_usd == 0.0 and c.cpu_s > 0 and c.provider == "llamacpp"


def test_llamacpp_missing_file_is_clear():
    with pytest.raises(InfraError, match="model file not found"):
        LlamaCppModel("/nonexistent/model.gguf")


@pytest.mark.slow
def test_transformers_loads_the_same_gguf_as_torch():
    m = get_model("transformers/smollm2-135m", config=GenerationConfig(max_tokens=8))
    c = m.complete([Message.user("Say hello.")])
    assert c.usage.output_tokens > 0 and c.text.strip()
