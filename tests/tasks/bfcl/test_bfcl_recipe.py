"""The BFCL recipe: the recipe mechanism asks the bfcl task for its synthetic examples."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError

from behaviorlab.tasks.bfcl import generate, prompt_messages
from behaviorlab.train._recipe import Recipe, load_recipe, recipe_examples

RECIPE = Path(__file__).parents[3] / "recipes" / "bfcl-fc.toml"


def test_the_bfcl_recipe_loads_and_yields_verified_fc_examples_of_every_kind() -> None:
    recipe, digest = load_recipe(RECIPE)
    assert recipe.data.task == "bfcl" and len(digest) == 64
    assert recipe.adapter == "../src/behaviorlab/tasks/bfcl/adapters/fc-lora.gguf"
    small = recipe.model_copy(update={"data": recipe.data.model_copy(update={"n": 40})})
    examples, note = recipe_examples(small)
    assert note["kept"] == len(examples) == 40
    assert note["worst_examples_share"] == 0.0
    kinds = Counter(e.label for e in examples)
    assert set(kinds) == {"simple", "multiple", "parallel", "parallel_multiple", "irrelevance"}
    assert any(e.metadata["masked"] for e in examples)
    # the same requests the task's generator makes, in the fc agent's own prompt
    first = generate(40, seed=recipe.data.seed)[0]
    assert examples[0].input == first.question
    assert [m.model_dump(exclude_none=True) for m in examples[0].prompt] == prompt_messages(first)
    assert examples[0].completion[0].content == first.completion()
    assert all(e.task == "bfcl" and e.source == "bfcl-synth" for e in examples)


def test_a_recipe_names_its_task() -> None:
    with pytest.raises(ValidationError, match="task"):
        Recipe.model_validate({"name": "x", "data": {"n": 10}})


def test_a_task_that_makes_no_examples_is_refused_by_name() -> None:
    # a user's task in a Python file, with scenarios and a scorer but no training data
    task = f"{Path(__file__).parents[3] / 'examples' / 'tasks.py'}@unit_conversion"
    recipe = Recipe.model_validate({"name": "x", "data": {"task": task}})
    with pytest.raises(LookupError, match="'unit_conversion' offers no generated training"):
        recipe_examples(recipe)


def test_recipe_weights_set_the_mix_of_kinds() -> None:
    recipe, _ = load_recipe(RECIPE)
    data = recipe.data.model_copy(update={"n": 8, "weights": {"irrelevance": 1, "parallel": 1}})
    examples, _ = recipe_examples(recipe.model_copy(update={"data": data}))
    assert {e.label for e in examples} == {"irrelevance", "parallel"}
