"""Storage: the only code that knows table names. SQLite through sqlite-utils."""

from storage.db import Store

__all__ = ["Store"]
