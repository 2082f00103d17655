"""Numbered schema migrations, frozen. Append new ones; never edit one that has shipped.

Each migration writes out its own DDL — here as SQLAlchemy Core tables declared inside this
module as they were when the migration shipped, or as a plain SQL statement both SQLite and
PostgreSQL accept — and never reads the live schema (``_schema``), so editing the live
schema cannot change what an old migration does to an existing store.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Table as SATable

Migration = tuple[int, str, Callable[[Connection], None]]


def _m1_spans(conn: Connection) -> None:
    SATable(
        "spans",
        MetaData(),
        Column("span_id", String(32), primary_key=True),
        Column("trace_id", String(64), nullable=False, index=True),
        Column("parent_id", String(32), nullable=True),
        Column("name", String(300), nullable=False),
        Column("kind", String(32), nullable=False),
        Column("start_ns", Float, nullable=False),
        Column("end_ns", Float, nullable=False),
        Column("status", String(16), nullable=False),
        Column("error", Text, nullable=True),
        Column("input", Text, nullable=True),
        Column("output", Text, nullable=True),
        Column("input_tokens", Integer, nullable=False, default=0),
        Column("output_tokens", Integer, nullable=False, default=0),
        Column("cost_usd", Float, nullable=False, default=0.0),
        Column("cpu_s", Float, nullable=False, default=0.0),
        Column("attributes", Text, nullable=False, default="{}"),
        Index("ix_spans_start", "start_ns"),
    ).create(conn)


def _m2_evals(conn: Connection) -> None:
    md = MetaData()
    SATable(
        "evals",
        md,
        Column("eval_id", String(64), primary_key=True),
        Column("task", String(100), nullable=False),
        Column("agent", String(300), nullable=False),
        Column("model", String(300), nullable=False),
        Column("config", Text, nullable=False),
        Column("config_hash", String(64), nullable=False, index=True),
        Column("code_version", String(100), nullable=False),
        Column("seed", Integer, nullable=False),
        Column("created_at", Float, nullable=False),
        Column("finished_at", Float, nullable=True),
        Column("status", String(16), nullable=False),
    ).create(conn)
    SATable(
        "results",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("eval_id", String(64), nullable=False, index=True),
        Column("scenario_id", String(200), nullable=False),
        Column("repeat", Integer, nullable=False),
        Column("trace_id", String(64), nullable=True),
        Column("level", Integer, nullable=True),
        Column("category", String(100), nullable=True),
        Column("answer", Text, nullable=True),
        Column("expected", Text, nullable=True),
        Column("correct", Boolean, nullable=False),
        Column("score", Float, nullable=False),
        Column("declined", Boolean, nullable=False, default=False),
        Column("error", Text, nullable=True),
        Column("input_tokens", Integer, nullable=False, default=0),
        Column("output_tokens", Integer, nullable=False, default=0),
        Column("cost_usd", Float, nullable=False, default=0.0),
        Column("latency_s", Float, nullable=False, default=0.0),
        Column("cpu_s", Float, nullable=False, default=0.0),
        Column("model_s", Float, nullable=False, default=0.0),
        Column("tool_s", Float, nullable=False, default=0.0),
        Column("llm_calls", Integer, nullable=False, default=0),
        Column("tools_used", Text, nullable=False, default="[]"),
        Column("scores", Text, nullable=False, default="{}"),
        Column("extra", Text, nullable=False, default="{}"),
        Column("created_at", Float, nullable=False),
        UniqueConstraint("eval_id", "scenario_id", "repeat", name="uq_result_once"),
    ).create(conn)


def _m3_registry(conn: Connection) -> None:
    md = MetaData()
    SATable(
        "model_versions",
        md,
        Column("name", String(200), primary_key=True),
        Column("version", Integer, primary_key=True),
        Column("kind", String(50), nullable=False),
        Column("path", Text, nullable=False),
        Column("manifest", Text, nullable=False),
        Column("created_at", Float, nullable=False),
    ).create(conn)
    SATable(
        "model_aliases",
        md,
        Column("name", String(200), primary_key=True),
        Column("alias", String(100), primary_key=True),
        Column("version", Integer, nullable=False),
        Column("updated_at", Float, nullable=False),
    ).create(conn)
    SATable(
        "decisions",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(200), nullable=False, index=True),
        Column("alias", String(100), nullable=False),
        Column("from_version", Integer, nullable=True),
        Column("to_version", Integer, nullable=False),
        Column("verdict", String(16), nullable=False),
        Column("reasons", Text, nullable=False),
        Column("details", Text, nullable=False),
        Column("created_at", Float, nullable=False),
    ).create(conn)


def _m4_feedback(conn: Connection) -> None:
    SATable(
        "feedback",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("trace_id", String(64), nullable=False, index=True),
        Column("eval_id", String(64), nullable=True, index=True),
        Column("scenario_id", String(200), nullable=True),
        Column("rating", Integer, nullable=False),
        Column("tool_selection", Integer, nullable=True),
        Column("comment", Text, nullable=True),
        Column("suggested_tools", Text, nullable=False, default="[]"),
        Column("author", String(100), nullable=True),
        Column("created_at", Float, nullable=False),
    ).create(conn)


def _m5_infra_errors(conn: Connection) -> None:
    # a run the model's infrastructure failed is kept, unscored, until a resume re-runs it
    conn.exec_driver_sql("ALTER TABLE results ADD COLUMN infra_error TEXT")


def _m6_feedback_correction(conn: Connection) -> None:
    # the answer a labeller says the run should have given: a training example
    conn.exec_driver_sql("ALTER TABLE feedback ADD COLUMN corrected_answer TEXT")


MIGRATIONS: list[Migration] = [
    (1, "spans", _m1_spans),
    (2, "evals and results", _m2_evals),
    (3, "model registry", _m3_registry),
    (4, "feedback", _m4_feedback),
    (5, "results.infra_error", _m5_infra_errors),
    (6, "feedback corrected answer", _m6_feedback_correction),
]
