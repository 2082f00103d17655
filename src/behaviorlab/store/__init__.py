"""The trace store: one database (SQLite by default, PostgreSQL for teams) for every job.

``schema`` holds the tables for their owners' queries: each table has one owner module
(spans: the store itself; evals and results: ``evals``; model versions, aliases and
decisions: ``registry``; feedback: ``feedback``), and no other package writes SQL against
it. The migrations carry their own frozen DDL.
"""

from behaviorlab.store import _schema as schema
from behaviorlab.store._db import Store, StoreError, default_url
from behaviorlab.store._migrations import MIGRATIONS

__all__ = ["MIGRATIONS", "Store", "StoreError", "default_url", "schema"]
