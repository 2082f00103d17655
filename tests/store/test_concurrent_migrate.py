"""Several processes opening a brand-new store at once all end with one migrated schema."""

from __future__ import annotations

import subprocess
import sys

from behaviorlab.store import MIGRATIONS, Store


def test_parallel_processes_migrate_a_new_store_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = f"from behaviorlab.store import Store; Store({url!r}).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    st = Store(url, migrate=False)
    with st.engine.connect() as c:
        versions = [
            v for (v,) in c.exec_driver_sql("select version from schema_version order by version")
        ]
    assert versions == [m[0] for m in MIGRATIONS]
