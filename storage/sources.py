"""Sources: the feeds and pages newsdesk watches, their polls and failures."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.connection import Connection, StorageError
from storage.rows import (
    SourceRow,
    source_row,
    to_iso,
)

# A source that is polled: not removed and not paused.
ACTIVE = "removed = 0 AND paused = 0"


def inspect_read_only(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """`newsdesk check`'s look at a stored database without changing it (opened read-only,
    never migrated): SQLite's quick_check verdict ("ok" when sound) and the active sources
    as {"outlet", "url", "kind"} dicts ([] before the first migration). Raises StorageError
    when the file cannot be read as a database."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=5)
        try:
            (verdict,) = conn.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            sources = []
            if "sources" in tables:
                sources = [
                    {"outlet": r[0], "url": r[1], "kind": r[2]}
                    for r in conn.execute(f"SELECT outlet, url, kind FROM sources WHERE {ACTIVE}")
                ]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: {exc}") from exc
    return str(verdict), sources


class Sources:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def sync_file(self, specs: Sequence[dict[str, Any]], *, now: datetime) -> None:
        """Make the file's sources present (by URL), new ones created at `now`; file sources
        no longer listed are removed."""
        with self._conn.transaction():
            urls = [spec["url"] for spec in specs]
            for spec in specs:
                # A source that moved keeps the file's address as `original_url`.
                moved = self._conn.db.execute(
                    """UPDATE sources SET outlet = ?, kind = ?, interval = ?, removed = 0
                       WHERE original_url = ? AND url != ?""",
                    [spec["outlet"], spec["kind"], spec.get("interval"), spec["url"], spec["url"]],
                )
                if moved.rowcount:
                    continue
                self._conn.db.execute(
                    """INSERT INTO sources (outlet, url, kind, interval, origin, created_at)
                       VALUES (?, ?, ?, ?, 'file', ?)
                       ON CONFLICT(url) DO UPDATE SET outlet = excluded.outlet, kind = excluded.kind,
                         interval = excluded.interval, removed = 0""",
                    [spec["outlet"], spec["url"], spec["kind"], spec.get("interval"), to_iso(now)],
                )
            placeholders = ",".join("?" * len(urls)) or "''"
            self._conn.db.execute(
                f"""UPDATE sources SET removed = 1 WHERE origin = 'file' AND url NOT IN ({placeholders})
                    AND (original_url IS NULL OR original_url NOT IN ({placeholders}))""",
                urls + urls,
            )

    def add(
        self,
        outlet: str,
        url: str,
        kind: str,
        interval: int | None = None,
        origin: str = "slack",
        *,
        now: datetime,
    ) -> int:
        """Watch `url` (created at `now`); a source already known by this address, even
        removed or paused, is watched again. Returns the source's id."""
        with self._conn.transaction():
            existing = self._conn.rows(
                "SELECT id FROM sources WHERE url = ? OR original_url = ?", [url, url]
            )
            if existing:
                self._conn.db.execute(
                    "UPDATE sources SET removed = 0, paused = 0 WHERE id = ?", [existing[0]["id"]]
                )
                return int(existing[0]["id"])
            return self._conn.write(
                "INSERT INTO sources (outlet, url, kind, interval, origin, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [outlet, url, kind, interval, origin, to_iso(now)],
            )

    def active(self) -> list[SourceRow]:
        return [
            source_row(r)
            for r in self._conn.rows(f"SELECT * FROM sources WHERE {ACTIVE} ORDER BY id")
        ]

    def all(self) -> list[SourceRow]:
        return [
            source_row(r)
            for r in self._conn.rows("SELECT * FROM sources WHERE removed = 0 ORDER BY id")
        ]

    def by_url(self, url: str) -> SourceRow | None:
        """The watched (not removed) source with exactly this URL."""
        rows = self._conn.rows("SELECT * FROM sources WHERE url = ? AND removed = 0", [url])
        return source_row(rows[0]) if rows else None

    def get(self, source_id: int) -> SourceRow | None:
        rows = self._conn.rows("SELECT * FROM sources WHERE id = ?", [source_id])
        return source_row(rows[0]) if rows else None

    def set_paused(self, source_id: int, paused: bool) -> bool:
        with self._conn.lock:
            cur = self._conn.db.execute(
                "UPDATE sources SET paused = ? WHERE id = ? AND removed = 0",
                [int(paused), source_id],
            )
            return cur.rowcount > 0

    def remove(self, source_id: int) -> bool:
        with self._conn.lock:
            cur = self._conn.db.execute(
                "UPDATE sources SET removed = 1 WHERE id = ? AND removed = 0", [source_id]
            )
            return cur.rowcount > 0

    def record_success(
        self,
        source_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        new_items: int,
        elapsed_ms: int,
        backfilled: bool,
        moved_to: str | None = None,
        now: datetime,
    ) -> int:
        """Record a good poll at `now`. `moved_to` is where a permanent redirect led this poll
        (None when there was none); returns on how many polls in a row that same target was
        seen."""
        at = to_iso(now)
        with self._conn.transaction():
            self._conn.db.execute(
                """UPDATE sources SET etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),
                     last_polled_at = ?, last_success_at = ?, failures = 0, failing_since = NULL,
                     failure_reported_at = NULL,
                     next_attempt_at = NULL, items_seen = items_seen + ?,
                     backfilled = MAX(backfilled, ?),
                     moved_polls = CASE WHEN ? IS NULL THEN 0
                       WHEN moved_to IS ? THEN moved_polls + 1 ELSE 1 END,
                     moved_to = ? WHERE id = ?""",
                [
                    etag,
                    last_modified,
                    at,
                    at,
                    new_items,
                    int(backfilled),
                    moved_to,
                    moved_to,
                    moved_to,
                    source_id,
                ],
            )
            self._conn.db.execute(
                "INSERT INTO fetch_log (source_id, at, ok, new_items, elapsed_ms) VALUES (?, ?, 1, ?, ?)",
                [source_id, at, new_items, elapsed_ms],
            )
            rows = self._conn.rows("SELECT moved_polls FROM sources WHERE id = ?", [source_id])
        return int(rows[0]["moved_polls"]) if rows else 0

    def move(self, source_id: int, url: str) -> bool:
        """Give a source its new address (its first one is kept as `original_url`). False,
        changing nothing, when another source, even a removed one, already has that address."""
        try:
            with self._conn.transaction():
                cur = self._conn.db.execute(
                    """UPDATE sources SET original_url = COALESCE(original_url, url), url = ?,
                         moved_to = NULL, moved_polls = 0 WHERE id = ?""",
                    [url, source_id],
                )
                return cur.rowcount > 0
        except StorageError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                return False
            raise

    def record_failure(
        self,
        source_id: int,
        error: str,
        *,
        next_attempt_at: datetime,
        elapsed_ms: int,
        now: datetime,
    ) -> None:
        """Record a failed poll at `now` (a failing spell starts at its first failure); the
        next attempt waits until `next_attempt_at`."""
        at = to_iso(now)
        with self._conn.transaction():
            self._conn.db.execute(
                """UPDATE sources SET last_polled_at = ?, last_error = ?, last_error_at = ?,
                     failing_since = COALESCE(failing_since, ?), failures = failures + 1,
                     next_attempt_at = ? WHERE id = ?""",
                [at, error, at, at, to_iso(next_attempt_at), source_id],
            )
            self._conn.db.execute(
                "INSERT INTO fetch_log (source_id, at, ok, error, elapsed_ms) VALUES (?, ?, 0, ?, ?)",
                [source_id, at, error, elapsed_ms],
            )

    def claim_failure_report(
        self, source_id: int, failing_before: datetime, *, now: datetime
    ) -> bool:
        """True once per failing spell, when the source has been failing since before
        `failing_before`: the caller then reports it (the claim is dated `now`)."""
        with self._conn.lock:
            cur = self._conn.db.execute(
                "UPDATE sources SET failure_reported_at = ? WHERE id = ? AND "
                "failure_reported_at IS NULL AND failing_since IS NOT NULL AND failing_since <= ?",
                [to_iso(now), source_id, to_iso(failing_before)],
            )
            return cur.rowcount > 0

    def fetch_log(self, source_id: int, limit: int = 20) -> list[dict[str, Any]]:
        return self._conn.rows(
            "SELECT * FROM fetch_log WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            [source_id, limit],
        )
