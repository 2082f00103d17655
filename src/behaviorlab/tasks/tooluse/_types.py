"""Records of the tool-use decision dataset."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

ToolName = Literal["code_executor", "calculator", "answer_directly"]
Category = Literal["reasoning", "execution", "ambiguous", "multi_step"]
Difficulty = Literal["easy", "intermediate", "complex"]
AnswerType = Literal["number", "text", "list", "none"]
Split = Literal["train", "heldout"]

TOOL_NAMES: tuple[ToolName, ...] = get_args(ToolName)
CATEGORIES: tuple[Category, ...] = get_args(Category)
DIFFICULTIES: tuple[Difficulty, ...] = get_args(Difficulty)


class ToolUseItem(BaseModel):
    """One prompt with the tool decision an agent should make and, where one exists, its answer.

    ``optimal_tools`` lists the tools any one of which is the best choice; ``acceptable_tools``
    lists further tools that are defensible but not best. ``answer_directly`` stands for "run
    nothing". ``expected_output`` is exact: the generator computed it in Python.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    category: Category
    subcategory: str = Field(min_length=1)
    difficulty: Difficulty
    optimal_tools: list[ToolName] = Field(min_length=1)
    acceptable_tools: list[ToolName] = Field(default_factory=list)
    expected_output: str | None = None
    answer_type: AnswerType
    why: str = Field(min_length=1)
    split: Split
    template: str = Field(min_length=1)
    # Free-text answers (explanations, reviews, designs) have no exact output; a good answer
    # mentions these. Each entry may list synonyms separated by "|".
    reference_keywords: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> ToolUseItem:
        if (self.answer_type == "none") != (self.expected_output is None):
            raise ValueError("expected_output must be None exactly when answer_type is 'none'")
        overlap = set(self.optimal_tools) & set(self.acceptable_tools)
        if overlap:
            raise ValueError(f"tools both optimal and acceptable: {sorted(overlap)}")
        if len(set(self.optimal_tools)) != len(self.optimal_tools):
            raise ValueError("optimal_tools has duplicates")
        if len(set(self.acceptable_tools)) != len(self.acceptable_tools):
            raise ValueError("acceptable_tools has duplicates")
        return self


class CellCount(BaseModel):
    """Items in one category × difficulty cell, per split."""

    model_config = ConfigDict(frozen=True)

    category: Category
    difficulty: Difficulty
    train: int
    heldout: int

    @property
    def total(self) -> int:
        return self.train + self.heldout


class DatasetSummary(BaseModel):
    """What ``write_dataset`` wrote, for a summary file and for humans."""

    model_config = ConfigDict(frozen=True)

    seed: int
    n_per_cell: int
    total: int
    train: int
    heldout: int
    cells: list[CellCount]
    train_templates: list[str]
    heldout_templates: list[str]
    files: dict[str, str]
