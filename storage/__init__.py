"""Storage: the only code that knows table names. SQLite through sqlite-utils, split by domain
(sources, articles, stories, outbox, slack_state, activity) over one connection."""

from storage.connection import StorageError
from storage.rows import ArticleRow, OutboxRow, SourceRow, from_iso, to_iso
from storage.store import Store

__all__ = ["ArticleRow", "OutboxRow", "SourceRow", "StorageError", "Store", "from_iso", "to_iso"]
