"""Storage: the only code that knows table names. SQLite through sqlite-utils."""

from storage.db import StorageError, Store

__all__ = ["StorageError", "Store"]
