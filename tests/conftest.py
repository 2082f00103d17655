from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEHAVIORLAB_SHARED", ROOT.parent / "shared"))
RULEARENA = SHARED / "data" / "rulearena"


@pytest.fixture(scope="session")
def rulearena_dir() -> Path:
    if not (RULEARENA / "airline").is_dir():
        pytest.fail(f"RuleArena data not found at {RULEARENA}; set BEHAVIORLAB_SHARED")
    return RULEARENA


@pytest.fixture()
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"
