"""The outbox: Slack messages waiting to be posted, and what became of each."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.connection import Connection
from storage.rows import (
    OutboxRow,
    from_iso,
    outbox_row,
    to_iso,
)

# The event of an entry that alerts a channel to a story. The outbox's alert entries are the one
# record of which stories alerted, where and when (for a query over stories aliased `s`: when
# the story's first alert was queued, NULL when none was).
ALERT_EVENT = "alert"
ALERTED_AT = (
    "(SELECT MIN(o.created_at) FROM outbox o"
    f" WHERE o.story_id = s.id AND o.event = '{ALERT_EVENT}')"
)


class Outbox:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def enqueue(
        self,
        key: str,
        story_id: int | None,
        channel: str,
        event: str,
        payload: dict[str, Any],
        *,
        now: datetime,
    ) -> bool:
        """Add an outbox entry, queued at `now`, unless one with the same key exists; True if
        added."""
        with self._conn.lock:
            cur = self._conn.db.execute(
                "INSERT OR IGNORE INTO outbox (key, story_id, channel, event, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [key, story_id, channel, event, json.dumps(payload), to_iso(now)],
            )
            return cur.rowcount > 0

    def pending(self, now: datetime, limit: int = 50) -> list[OutboxRow]:
        """Unsent entries that are due, oldest first."""
        return [
            outbox_row(r)
            for r in self._conn.rows(
                "SELECT * FROM outbox WHERE sent_at IS NULL AND "
                "(next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?",
                [to_iso(now), limit],
            )
        ]

    def unsent(self, limit: int = 200) -> list[OutboxRow]:
        """Every unsent entry, due or waiting for a retry, oldest first."""
        return [
            outbox_row(r)
            for r in self._conn.rows(
                "SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?", [limit]
            )
        ]

    def mark_attempt(self, outbox_id: int, *, now: datetime) -> None:
        """Recorded (at `now`) before the Slack call: after a crash, an entry with an attempt
        and no ts may have reached Slack, so the poster looks for it before sending it again."""
        self._conn.write(
            "UPDATE outbox SET attempted_at = ?, attempts = attempts + 1 WHERE id = ?",
            [to_iso(now), outbox_id],
        )

    def mark_sent(self, outbox_id: int, ts: str, *, now: datetime) -> None:
        """The entry reached Slack at `now` as the message `ts`."""
        self._conn.write(
            "UPDATE outbox SET sent_at = ?, ts = ? WHERE id = ?", [to_iso(now), ts, outbox_id]
        )

    def mark_failed(self, outbox_id: int, error: str, next_attempt_at: datetime) -> None:
        self._conn.write(
            "UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?",
            [error, to_iso(next_attempt_at), outbox_id],
        )

    def all(self) -> list[dict[str, Any]]:
        return self._conn.rows("SELECT * FROM outbox ORDER BY id")

    def oldest_unsent(self) -> datetime | None:
        """When the oldest undelivered outbox entry was queued; None when none waits."""
        rows = self._conn.rows("SELECT MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL")
        return from_iso(rows[0]["oldest"]) if rows else None

    def counts(self) -> dict[str, int]:
        rows = self._conn.rows(
            "SELECT SUM(sent_at IS NULL) AS pending, SUM(sent_at IS NOT NULL) AS sent FROM outbox"
        )
        return {k: int(v or 0) for k, v in rows[0].items()}

    def alerted_channels(self, story_id: int) -> set[str]:
        """Channels that have (or are about to have) this story's alert."""
        rows = self._conn.rows(
            "SELECT channel FROM outbox WHERE story_id = ? AND event = ?", [story_id, ALERT_EVENT]
        )
        return {r["channel"] for r in rows}

    def sent_ts(self, key: str) -> str | None:
        """The Slack ts of the outbox entry `key`, once it has been posted."""
        rows = self._conn.rows("SELECT ts FROM outbox WHERE key = ? AND sent_at IS NOT NULL", [key])
        return rows[0]["ts"] if rows else None
