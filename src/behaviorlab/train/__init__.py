"""Behaviour distillation into weights: training data from traces and generators, with
hygiene; LoRA SFT and DPO (TRL + PEFT); merge and GGUF export; registry and promotion.

The heavy stack (torch, transformers, peft, trl, datasets, gguf) is imported only by the
functions that train or export (``pip install 'behaviorlab[train]'``).
"""

from behaviorlab.models import ChatMessage, PreferencePair, TrainingExample, render_messages
from behaviorlab.train._export import (
    ExportReport,
    export_dataset,
    load_examples,
    load_pairs,
    read_report,
)
from behaviorlab.train._gguf import GGUFExportError, export_gguf, merge_adapter
from behaviorlab.train._hygiene import (
    BalanceReport,
    DedupReport,
    PIIScrubber,
    Redactions,
    SplitSpec,
    balance_report,
    deduplicate,
    split_of,
)
from behaviorlab.train._lora_gguf import export_lora_gguf
from behaviorlab.train._lora_stack import stack_lora
from behaviorlab.train._manifest import DataInfo, Environment, TrainManifest, environment
from behaviorlab.train._promote import (
    PromotionResult,
    RolloutSummary,
    model_id_for,
    promote,
    register_training,
)
from behaviorlab.train._recipe import Recipe, load_recipe, run_recipe
from behaviorlab.train._rollout import ARM_ATTRIBUTE, RolloutAgent, arm_for
from behaviorlab.train._steps import step_examples
from behaviorlab.train._store_data import (
    StoreFilter,
    StoreRun,
    examples_from_store,
    pairs_from_store,
)
from behaviorlab.train._task_data import GENERATED_SOURCES, task_training_set
from behaviorlab.train._tiny import make_tiny_model
from behaviorlab.train._trainer import (
    HeldOutLeakError,
    LoraSettings,
    TrainResult,
    TrainSettings,
    read_manifest,
    tokenize_example,
    train_dpo,
    train_sft,
)

__all__ = [
    "ARM_ATTRIBUTE",
    "GENERATED_SOURCES",
    "BalanceReport",
    "ChatMessage",
    "DataInfo",
    "DedupReport",
    "Environment",
    "ExportReport",
    "GGUFExportError",
    "HeldOutLeakError",
    "LoraSettings",
    "PIIScrubber",
    "PreferencePair",
    "PromotionResult",
    "Recipe",
    "Redactions",
    "RolloutAgent",
    "RolloutSummary",
    "SplitSpec",
    "StoreFilter",
    "StoreRun",
    "TrainManifest",
    "TrainResult",
    "TrainSettings",
    "TrainingExample",
    "arm_for",
    "balance_report",
    "deduplicate",
    "environment",
    "examples_from_store",
    "export_dataset",
    "export_gguf",
    "export_lora_gguf",
    "load_examples",
    "load_pairs",
    "load_recipe",
    "make_tiny_model",
    "merge_adapter",
    "model_id_for",
    "pairs_from_store",
    "promote",
    "read_manifest",
    "read_report",
    "register_training",
    "render_messages",
    "run_recipe",
    "split_of",
    "stack_lora",
    "step_examples",
    "task_training_set",
    "tokenize_example",
    "train_dpo",
    "train_sft",
]
