"""Every shipped adapter is in the package beside its recipe manifest, about 10 MB of f16
LoRA, and is its task's default model for the agents it was trained for."""

from __future__ import annotations

from pathlib import Path

import pytest

from behaviorlab.tasks import get_task
from behaviorlab.tasks.airline._task import SHIPPED_L1_ADAPTER, SHIPPED_L1_MODEL
from behaviorlab.tasks.bfcl._task import SHIPPED_FC_ADAPTER, SHIPPED_FC_MODEL
from behaviorlab.tasks.tooluse._task import SHIPPED_TOOLUSE_ADAPTER, SHIPPED_TOOLUSE_MODEL

SHIPPED = [
    ("airline", SHIPPED_L1_ADAPTER, SHIPPED_L1_MODEL, ("l1",)),
    ("bfcl", SHIPPED_FC_ADAPTER, SHIPPED_FC_MODEL, ("fc", "fc-prompt", "fc-required")),
    ("tooluse", SHIPPED_TOOLUSE_ADAPTER, SHIPPED_TOOLUSE_MODEL, ("l3", "l3-direct", "l3-cot")),
]


@pytest.mark.parametrize(
    ("task", "adapter", "model", "agents"), SHIPPED, ids=[s[0] for s in SHIPPED]
)
def test_the_adapter_is_packaged_with_its_manifest_and_is_the_default(
    task: str, adapter: Path, model: str, agents: tuple[str, ...]
) -> None:
    assert adapter.is_file()
    assert 5_000_000 < adapter.stat().st_size < 12_000_000  # f16, about 10 MB
    assert adapter.with_suffix(".json").is_file()  # its recipe manifest
    defaults = get_task(task).default_models
    assert all(defaults[a] == model for a in agents)
