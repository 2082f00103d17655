"""The one database behind traces, evaluations, feedback and the model registry."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from behaviorlab.store import _schema as s
from behaviorlab.store._migrations import MIGRATIONS
from behaviorlab.trace import SpanRecord

DEFAULT_DIR = ".behaviorlab"
ENV_URL = "BEHAVIORLAB_DB"


class StoreError(RuntimeError):
    pass


def default_url() -> str:
    """``$BEHAVIORLAB_DB`` if set, else ``.behaviorlab/store.db`` under the working directory."""
    env = os.environ.get(ENV_URL)
    if env:
        return env
    return f"sqlite:///{Path(DEFAULT_DIR) / 'store.db'}"


def _normalise(url: str) -> str:
    if "://" not in url:  # a bare path means SQLite
        return f"sqlite:///{url}"
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Store:
    """A SQLAlchemy engine plus the schema at the latest migration.

    SQLite runs in WAL mode with a busy timeout, so parallel workers and a reader can
    share one file without "database is locked".
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        migrate: bool = True,
        sqlite_pragmas: dict[str, Any] | None = None,
    ) -> None:
        self.url = _normalise(url or default_url())
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            path = Path(self.url[len("sqlite:///") :])
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except Exception as e:  # bad URL, missing driver
            raise StoreError(f"cannot open store {self.url!r}: {e}") from e
        if self.engine.dialect.name == "sqlite":
            extra = dict(sqlite_pragmas or {})

            def on_connect(dbapi_conn: Any, record: Any) -> None:
                _sqlite_pragmas(dbapi_conn, record)
                cur = dbapi_conn.cursor()
                for k, v in extra.items():
                    cur.execute(f"PRAGMA {k}={int(v)}")
                cur.close()

            event.listen(self.engine, "connect", on_connect)
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # schema --------------------------------------------------------------
    def version(self) -> int:
        with self.engine.connect() as conn:
            if not self.engine.dialect.has_table(conn, "schema_version"):
                return 0
            rows = conn.execute(select(s.schema_version.c.version)).scalars().all()
        return max(rows, default=0)

    def migrate(self, target: int | None = None) -> list[int]:
        """Apply every migration newer than the store's version (up to ``target``, default the
        latest); returns those applied.

        Safe when several processes open a new store at once: a migration that fails because
        another process applied it first is re-checked against the recorded version.
        """
        applied: list[int] = []
        for attempt in range(20):
            try:
                with self.engine.begin() as conn:
                    if not self.engine.dialect.has_table(conn, "schema_version"):
                        s.schema_version.create(conn)
                current = self.version()
                for number, name, fn in MIGRATIONS:
                    if number <= current or (target is not None and number > target):
                        continue
                    with self.engine.begin() as conn:
                        fn(conn)
                        conn.execute(
                            insert(s.schema_version).values(
                                version=number, name=name, applied_at=time.time()
                            )
                        )
                    applied.append(number)
                    current = number
                return applied
            except (OperationalError, ProgrammingError, IntegrityError) as e:
                if attempt == 19 or not _raced(e):
                    raise StoreError(
                        f"cannot migrate store {self.url!r}: {getattr(e, 'orig', e)}"
                    ) from e
                time.sleep(0.05 * (attempt + 1))  # another process is migrating: wait, re-read
        return applied

    # spans ---------------------------------------------------------------
    def write_spans(self, records: Iterable[SpanRecord]) -> None:
        rows = [_span_row(r) for r in records]
        if not rows:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(s.spans), rows)
        except OperationalError as e:
            raise StoreError(f"writing {len(rows)} spans to {self.url!r} failed: {e.orig}") from e

    def trace_spans(self, trace_id: str) -> list[SpanRecord]:
        """The spans of the trace ``trace_id`` (or of every trace it is a prefix of)."""
        with self.engine.connect() as conn:
            # An exact id uses the index; a prefix is a LIKE, which scans the table.
            rows = conn.execute(
                select(s.spans).where(s.spans.c.trace_id == trace_id).order_by(s.spans.c.start_ns)
            ).mappings()
            found = [_span_record(r) for r in rows]
            if found:
                return found
            rows = conn.execute(
                select(s.spans)
                .where(s.spans.c.trace_id.startswith(trace_id, autoescape=True))
                .order_by(s.spans.c.start_ns)
            ).mappings()
            return [_span_record(r) for r in rows]

    def trace_ids(self, prefix: str, limit: int = 2) -> list[str]:
        """Up to ``limit`` distinct trace ids starting with ``prefix``."""
        q = (
            select(s.spans.c.trace_id)
            .where(s.spans.c.trace_id.startswith(prefix))
            .distinct()
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars().all())

    def search_spans(self, text: str, limit: int = 50) -> list[SpanRecord]:
        """Spans whose input or output contains ``text`` (case-insensitive), newest first."""
        needle = text.strip()
        if not needle:
            return []
        c = s.spans.c
        q = (
            select(s.spans)
            .where(
                c.input.icontains(needle, autoescape=True)
                | c.output.icontains(needle, autoescape=True)
            )
            .order_by(c.start_ns.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_span_record(r) for r in conn.execute(q).mappings()]

    def list_traces(self, limit: int = 20, name: str | None = None) -> list[SpanRecord]:
        """Root spans, newest first."""
        q = select(s.spans).where(s.spans.c.parent_id.is_(None))
        if name:
            q = q.where(s.spans.c.name.contains(name))
        q = q.order_by(s.spans.c.start_ns.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_span_record(r) for r in conn.execute(q).mappings()]

    def trace_totals(self, trace_ids: list[str]) -> dict[str, dict[str, float]]:
        """Tokens, cost and counts of LLM/tool spans per trace."""
        out: dict[str, dict[str, float]] = {
            t: {"input_tokens": 0, "output_tokens": 0, "cost_usd": 0.0, "llm": 0, "tool": 0}
            for t in trace_ids
        }
        if not trace_ids:
            return out
        q = select(
            s.spans.c.trace_id,
            s.spans.c.kind,
            s.spans.c.input_tokens,
            s.spans.c.output_tokens,
            s.spans.c.cost_usd,
        ).where(s.spans.c.trace_id.in_(trace_ids), s.spans.c.kind.in_(["llm", "tool"]))
        with self.engine.connect() as conn:
            for tid, kind, i, o, c in conn.execute(q):
                t = out[tid]
                t[kind] += 1
                t["input_tokens"] += i
                t["output_tokens"] += o
                t["cost_usd"] += c
        return out

    def close(self) -> None:
        self.engine.dispose()


def _raced(e: Exception) -> bool:
    msg = str(getattr(e, "orig", e)).lower()
    return any(k in msg for k in ("already exists", "locked", "duplicate", "unique constraint"))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _span_row(r: SpanRecord) -> dict[str, Any]:
    return {
        "span_id": r.span_id,
        "trace_id": r.trace_id,
        "parent_id": r.parent_id,
        "name": r.name,
        "kind": r.kind,
        "start_ns": float(r.start_ns),
        "end_ns": float(r.end_ns),
        "status": r.status,
        "error": r.error,
        "input": r.input,
        "output": r.output,
        "input_tokens": r.input_tokens,
        "output_tokens": r.output_tokens,
        "cost_usd": r.cost_usd,
        "cpu_s": r.cpu_s,
        "attributes": json.dumps(r.attributes, default=str, ensure_ascii=False),
    }


def _span_record(row: Any) -> SpanRecord:
    return SpanRecord(
        span_id=row["span_id"],
        trace_id=row["trace_id"],
        parent_id=row["parent_id"],
        name=row["name"],
        kind=row["kind"],
        start_ns=int(row["start_ns"]),
        end_ns=int(row["end_ns"]),
        status=row["status"],
        error=row["error"],
        input=row["input"],
        output=row["output"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        cost_usd=row["cost_usd"],
        cpu_s=row["cpu_s"],
        attributes=json.loads(row["attributes"] or "{}"),
    )
