"""Slack state: threads posted, channel settings, mutes, differences told, digests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.connection import Connection
from storage.rows import (
    to_iso,
)


class SlackState:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def thread_ts(self, story_id: int, channel: str) -> str | None:
        rows = self._conn.rows(
            "SELECT ts FROM slack_threads WHERE story_id = ? AND channel = ?", [story_id, channel]
        )
        return rows[0]["ts"] if rows else None

    def story_threads(self, story_id: int) -> list[dict[str, Any]]:
        return self._conn.rows(
            "SELECT channel, ts FROM slack_threads WHERE story_id = ? ORDER BY posted_at",
            [story_id],
        )

    def save_thread(self, story_id: int, channel: str, ts: str, *, now: datetime) -> None:
        """The story's parent message in `channel` is `ts`, posted at `now` (the first kept)."""
        self._conn.write(
            "INSERT OR IGNORE INTO slack_threads (story_id, channel, ts, posted_at) VALUES (?, ?, ?, ?)",
            [story_id, channel, ts, to_iso(now)],
        )

    def channel_settings(self) -> dict[str, dict[str, Any]]:
        """Per-channel settings: {channel: {"threshold": int | None, "watch": [words, ...],
        "quiet": dict | None, "digest": dict | None}} (quiet hours and digest as JSON)."""
        return {
            r["channel"]: {
                "threshold": r["threshold"],
                "watch": json.loads(r["watch"]),
                "quiet": json.loads(r["quiet"]) if r["quiet"] else None,
                "digest": json.loads(r["digest"]) if r["digest"] else None,
            }
            for r in self._conn.rows("SELECT * FROM channel_settings ORDER BY channel")
        }

    def set_channel_schedule(
        self,
        channel: str,
        *,
        user: str | None,
        field: str,
        value: dict[str, Any] | None,
        now: datetime,
    ) -> None:
        """Set the channel's `field` ("quiet" or "digest") to `value` (by `user` at `now`);
        None turns it off."""
        if field not in ("quiet", "digest"):
            raise ValueError(f"not a channel schedule: {field}")
        with self._conn.transaction():
            self._conn.db.execute(
                "INSERT INTO channel_settings (channel, watch, updated_by, updated_at) "
                "VALUES (?, '[]', ?, ?) ON CONFLICT(channel) DO NOTHING",
                [channel, user, to_iso(now)],
            )
            self._conn.db.execute(
                f"UPDATE channel_settings SET {field} = ?, updated_by = ?, updated_at = ? "
                "WHERE channel = ?",
                [json.dumps(value) if value else None, user, to_iso(now), channel],
            )

    def update_channel(
        self,
        channel: str,
        *,
        user: str | None,
        threshold: int | None = None,
        watch: list[str] | None = None,
        now: datetime,
    ) -> None:
        """Set the channel's threshold and watched phrases (None keeps what it has), by `user`
        at `now`."""
        with self._conn.transaction():
            current = self.channel_settings().get(channel, {"threshold": None, "watch": []})
            self._conn.db.execute(
                "INSERT INTO channel_settings (channel, threshold, watch, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(channel) DO UPDATE SET "
                "threshold = excluded.threshold, watch = excluded.watch, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                [
                    channel,
                    threshold if threshold is not None else current["threshold"],
                    json.dumps(watch if watch is not None else current["watch"]),
                    user,
                    to_iso(now),
                ],
            )

    def mute_story(
        self, story_id: int, channel: str, user: str | None, *, at: datetime, until: datetime
    ) -> None:
        """Mute the story in `channel` until `until`; muting it again sets a new period."""
        self._conn.write(
            "INSERT INTO channel_mutes (story_id, channel, muted_by, muted_at, until) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(story_id, channel) DO UPDATE SET "
            "muted_by = excluded.muted_by, muted_at = excluded.muted_at, until = excluded.until",
            [story_id, channel, user, to_iso(at), to_iso(until)],
        )

    def unmute_story(self, story_id: int, channel: str, now: datetime) -> bool:
        """Lift the story's mute in `channel`; False when it was not muted there (or the
        mute had already ended)."""
        with self._conn.lock:
            cur = self._conn.db.execute(
                "DELETE FROM channel_mutes WHERE story_id = ? AND channel = ? AND until > ?",
                [story_id, channel, to_iso(now)],
            )
            self._conn.db.execute(
                "DELETE FROM channel_mutes WHERE story_id = ? AND channel = ?", [story_id, channel]
            )
            return cur.rowcount > 0

    def story_mutes(self, story_id: int, now: datetime) -> dict[str, dict[str, Any]]:
        """{channel: {muted_by, muted_at, until}} of the story's mutes still running at `now`."""
        return {
            r["channel"]: r
            for r in self._conn.rows(
                "SELECT channel, muted_by, muted_at, until FROM channel_mutes "
                "WHERE story_id = ? AND until > ?",
                [story_id, to_iso(now)],
            )
        }

    def is_muted(self, story_id: int, channel: str, now: datetime) -> bool:
        return channel in self.story_mutes(story_id, now)

    def channel_mutes(self, channel: str, now: datetime) -> list[dict[str, Any]]:
        """The channel's running mutes, soonest to end first, each with the story's title."""
        return self._conn.rows(
            "SELECT m.story_id, m.muted_by, m.muted_at, m.until, s.title FROM channel_mutes m "
            "JOIN stories s ON s.id = m.story_id WHERE m.channel = ? AND m.until > ? "
            "ORDER BY m.until",
            [channel, to_iso(now)],
        )

    def told_differences(self, story_id: int) -> set[str]:
        rows = self._conn.rows("SELECT key FROM differences WHERE story_id = ?", [story_id])
        return {r["key"] for r in rows}

    def remember_differences(
        self, story_id: int, told: Sequence[tuple[str, str, str]], *, now: datetime
    ) -> None:
        """Record differences (key, kind, summary) as told at `now`, so each is told once."""
        at = to_iso(now)
        with self._conn.lock:
            self._conn.db.conn.executemany(
                "INSERT OR IGNORE INTO differences (story_id, key, kind, summary, first_seen) "
                "VALUES (?, ?, ?, ?, ?)",
                [(story_id, key, kind, summary, at) for key, kind, summary in told],
            )

    def hold_for_digest(self, channel: str, story_id: int, at: datetime) -> bool:
        """Keep the story for the channel's next digest; a story is held once per channel."""
        with self._conn.lock:
            cur = self._conn.db.execute(
                "INSERT OR IGNORE INTO digest_items (channel, story_id, held_at) VALUES (?, ?, ?)",
                [channel, story_id, to_iso(at)],
            )
            return cur.rowcount > 0

    def digest_channels(self, story_id: int) -> set[str]:
        """Channels where the story is held for a digest or was told in one."""
        rows = self._conn.rows("SELECT channel FROM digest_items WHERE story_id = ?", [story_id])
        return {r["channel"] for r in rows}

    def pending_digest(self, channel: str) -> list[dict[str, Any]]:
        """Stories held for the channel's next digest, in the order they were held."""
        return self._conn.rows(
            "SELECT story_id, held_at FROM digest_items WHERE channel = ? AND digest_key IS NULL "
            "ORDER BY held_at, story_id",
            [channel],
        )

    def channels_with_pending_digests(self) -> list[str]:
        rows = self._conn.rows(
            "SELECT DISTINCT channel FROM digest_items WHERE digest_key IS NULL ORDER BY channel"
        )
        return [r["channel"] for r in rows]

    def mark_digested(self, channel: str, story_ids: Sequence[int], digest_key: str) -> None:
        """Record the stories as told by the digest `digest_key` (inside `transaction`)."""
        self._conn.db.conn.executemany(
            "UPDATE digest_items SET digest_key = ? WHERE channel = ? AND story_id = ? "
            "AND digest_key IS NULL",
            [(digest_key, channel, story_id) for story_id in story_ids],
        )
