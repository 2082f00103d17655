"""Numbered schema migrations. Append new ones; never edit one that has shipped.

Each migration is a function of a connection that creates or alters tables with
SQLAlchemy constructs, so SQLite and PostgreSQL run the same code.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from behaviorlab.store import _schema as s

Migration = tuple[int, str, Callable[[Connection], None]]


def _m1_spans(conn: Connection) -> None:
    s.spans.create(conn)


def _m2_evals(conn: Connection) -> None:
    s.evals.create(conn)
    s.results.create(conn)


def _m3_registry(conn: Connection) -> None:
    s.model_versions.create(conn)
    s.model_aliases.create(conn)
    s.decisions.create(conn)


def _m4_feedback(conn: Connection) -> None:
    s.feedback.create(conn)


MIGRATIONS: list[Migration] = [
    (1, "spans", _m1_spans),
    (2, "evals and results", _m2_evals),
    (3, "model registry", _m3_registry),
    (4, "feedback", _m4_feedback),
]
