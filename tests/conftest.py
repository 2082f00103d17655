from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BEHAVIORLAB_SHARED", ROOT.parent / "shared"))
RULEARENA = SHARED / "data" / "rulearena"
#: a PostgreSQL server's database URL (scripts/test starts one: scripts/pg_test_server)
PG_URL = os.environ.get("BEHAVIORLAB_TEST_PG_URL")


@pytest.fixture(scope="session")
def rulearena_dir() -> Path:
    if not (RULEARENA / "airline").is_dir():
        pytest.fail(f"RuleArena data not found at {RULEARENA}; set BEHAVIORLAB_SHARED")
    return RULEARENA


@pytest.fixture()
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database per test, dropped afterwards; the test is skipped when no
    server is set (``BEHAVIORLAB_TEST_PG_URL``; scripts/test sets it)."""
    if not PG_URL:
        pytest.skip("BEHAVIORLAB_TEST_PG_URL not set (scripts/test sets it)")
    from sqlalchemy import create_engine, text

    name = f"bl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="session")
def load_benchmark():  # type: ignore[no-untyped-def]
    """A script of ``benchmarks/`` loaded as a module, by its file name without ``.py``."""
    import importlib.util

    def load(name: str):  # type: ignore[no-untyped-def]
        path = Path(__file__).parents[1] / "benchmarks" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"benchmark_{name}", path)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    return load
