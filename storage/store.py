"""The Store: one SQLite database and its domains, each a small object named for what it holds.

`store.sources`, `store.articles`, `store.stories`, `store.outbox`, `store.slack` (Slack
state: threads, channel settings, mutes, differences told, digests) and `store.activity`
(counts for status and metrics) share the one `Connection` the Store is; `store.transaction()`
spans them all. Storage never reads the clock: every write that records a time takes `now`.
"""

from __future__ import annotations

from pathlib import Path

from storage.activity import Activity
from storage.articles import Articles
from storage.connection import Connection
from storage.outbox import Outbox
from storage.slack_state import SlackState
from storage.sources import Sources
from storage.stories import Stories


class Store(Connection):
    def __init__(self, path: str | Path, busy_timeout_ms: int = 30_000) -> None:
        super().__init__(path, busy_timeout_ms)
        self.sources = Sources(self)
        self.articles = Articles(self)
        self.stories = Stories(self)
        self.outbox = Outbox(self)
        self.slack = SlackState(self)
        self.activity = Activity(self)
