"""The store's tables as of the latest migration, for queries. The migrations in
``_migrations`` carry their own frozen DDL: a change here needs a new migration there."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Table as SATable

metadata = MetaData()

schema_version = SATable(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", Float, nullable=False),
)

spans = SATable(
    "spans",
    metadata,
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
)

evals = SATable(
    "evals",
    metadata,
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
)

results = SATable(
    "results",
    metadata,
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
    Column("infra_error", Text, nullable=True),  # migration 5
    UniqueConstraint("eval_id", "scenario_id", "repeat", name="uq_result_once"),
)

model_versions = SATable(
    "model_versions",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("kind", String(50), nullable=False),
    Column("path", Text, nullable=False),
    Column("manifest", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

model_aliases = SATable(
    "model_aliases",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("alias", String(100), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", Float, nullable=False),
)

decisions = SATable(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, index=True),
    Column("alias", String(100), nullable=False),
    Column("from_version", Integer, nullable=True),
    Column("to_version", Integer, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("reasons", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

feedback = SATable(
    "feedback",
    metadata,
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
    # migration 6
    Column("corrected_answer", Text, nullable=True),
)
