"""The trace store: one database (SQLite by default, PostgreSQL for teams) for every job."""

from behaviorlab.store._db import Store, StoreError, default_url
from behaviorlab.store._migrations import MIGRATIONS

__all__ = ["MIGRATIONS", "Store", "StoreError", "default_url"]
