"""The Store: every read and write newsdesk makes, named for what it is for.

One SQLite connection in WAL mode writes, shared by the scheduler's threads behind a lock;
writes that belong together run in one transaction (`Store.transaction`). Reads outside a
transaction go through a read-only connection of the reading thread's own, so a poller
reading pages never waits for another one placing an article (WAL readers see the last
commit and are never blocked by the writer).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from storage.migrations import migrations

_RowT = TypeVar("_RowT")
# What /story searches: each member's headline and the start of its text, up to a cap.
SEARCH_LEAD_CHARS = 400
SEARCH_TEXT_CHARS = 8000
# How many of the most recent stories `latest_stories` looks through.
LATEST_SCAN = 2000
# A story's outlets as the alert threshold counts them: distinct outlets, another outlet's
# copy of a text not counted (for a query over stories aliased `s`).
_OUTLET_COUNT = (
    "(SELECT COUNT(DISTINCT outlet) FROM articles a"
    " WHERE a.story_id = s.id AND a.placement != 'copy') AS outlet_count"
)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def to_iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SourceRow:
    id: int
    outlet: str
    url: str
    kind: str
    interval: int | None
    origin: str
    paused: bool
    etag: str | None
    last_modified: str | None
    backfilled: bool
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    failing_since: str | None
    failures: int
    next_attempt_at: str | None
    items_seen: int
    moved_to: str | None = None
    moved_polls: int = 0
    original_url: str | None = None


@dataclass(frozen=True)
class ArticleRow:
    id: int
    source_id: int | None
    outlet: str
    url: str
    canonical_url: str
    title: str
    text: str
    published: str | None
    seen_at: str
    fingerprint: str
    entry_fingerprint: str | None
    revision: int
    backfill: bool
    story_id: int | None
    placement: str | None
    duplicate_of: int | None
    first_seen: str = ""
    next_check_at: str | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    story_id: int | None
    channel: str
    event: str
    payload: dict[str, Any]
    attempts: int
    attempted_at: str | None = None
    next_attempt_at: str | None = None


class StorageError(Exception):
    """A write the database refused (locked for too long, disk full, I/O error); the
    transaction it belonged to was rolled back."""


class Store:
    def __init__(self, path: str | Path, busy_timeout_ms: int = 30_000) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.db = Database(conn)
        self.lock = threading.RLock()
        if self.path != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL survives a crash of the process (kill -9) whole; only an OS
            # crash or power cut may lose the last commits, which the next poll fetches again.
            # FULL would wait for the disk at every commit: a third of ingest time.
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # Migrations run before foreign keys are enforced, as SQLite's procedure for
        # rebuilding a table asks (a table others refer to is dropped and replaced).
        migrations.apply(self.db)
        self.db.execute("PRAGMA foreign_keys = ON")
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    def close(self) -> None:
        with self.lock, self._readers_lock:
            for reader in self._readers:
                reader.close()
            self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Writes that stand or fall together; a refused write raises StorageError after
        everything in the block was rolled back."""
        try:
            with self.lock, self.db.atomic():
                self._local.writing = getattr(self._local, "writing", 0) + 1
                try:
                    yield self
                finally:
                    self._local.writing -= 1
        except sqlite3.Error as exc:
            raise StorageError(f"the database refused a write: {exc}") from exc

    def _reader(self) -> sqlite3.Connection | None:
        """This thread's read-only connection; None inside a transaction, which must read its
        own writes, and for an in-memory database, which only one connection can see."""
        if self.path == ":memory:" or getattr(self._local, "writing", 0):
            return None
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = sqlite3.connect(
                self.path,
                check_same_thread=False,
                isolation_level=None,
                timeout=self._busy_timeout_ms / 1000,
            )
            reader.execute("PRAGMA query_only = ON")
            with self._readers_lock:  # not `lock`: a writer holds that for whole transactions
                self._readers.append(reader)
            self._local.reader = reader
        return reader

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        reader = self._reader()
        with self.lock if reader is None else nullcontext():
            cursor = (reader or self.db.conn).execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.lock:
            return self.db.execute(sql, params).lastrowid or 0

    # --- sources ------------------------------------------------------------------------------

    def sync_file_sources(self, specs: Sequence[dict[str, Any]]) -> None:
        """Make the file's sources present (by URL); file sources no longer listed are removed."""
        with self.transaction():
            urls = [spec["url"] for spec in specs]
            for spec in specs:
                # A source that moved keeps the file's address as `original_url`.
                moved = self.db.execute(
                    """UPDATE sources SET outlet = ?, kind = ?, interval = ?, removed = 0
                       WHERE original_url = ? AND url != ?""",
                    [spec["outlet"], spec["kind"], spec.get("interval"), spec["url"], spec["url"]],
                )
                if moved.rowcount:
                    continue
                self.db.execute(
                    """INSERT INTO sources (outlet, url, kind, interval, origin, created_at)
                       VALUES (?, ?, ?, ?, 'file', ?)
                       ON CONFLICT(url) DO UPDATE SET outlet = excluded.outlet, kind = excluded.kind,
                         interval = excluded.interval, removed = 0""",
                    [spec["outlet"], spec["url"], spec["kind"], spec.get("interval"), now_iso()],
                )
            placeholders = ",".join("?" * len(urls)) or "''"
            self.db.execute(
                f"""UPDATE sources SET removed = 1 WHERE origin = 'file' AND url NOT IN ({placeholders})
                    AND (original_url IS NULL OR original_url NOT IN ({placeholders}))""",
                urls + urls,
            )

    def add_source(
        self, outlet: str, url: str, kind: str, interval: int | None = None, origin: str = "slack"
    ) -> int:
        with self.transaction():
            existing = self._rows(
                "SELECT id FROM sources WHERE url = ? OR original_url = ?", [url, url]
            )
            if existing:
                self.db.execute(
                    "UPDATE sources SET removed = 0, paused = 0 WHERE id = ?", [existing[0]["id"]]
                )
                return int(existing[0]["id"])
            return self._write(
                "INSERT INTO sources (outlet, url, kind, interval, origin, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [outlet, url, kind, interval, origin, now_iso()],
            )

    def active_sources(self) -> list[SourceRow]:
        return [
            _source(r)
            for r in self._rows(
                "SELECT * FROM sources WHERE removed = 0 AND paused = 0 ORDER BY id"
            )
        ]

    def all_sources(self) -> list[SourceRow]:
        return [
            _source(r) for r in self._rows("SELECT * FROM sources WHERE removed = 0 ORDER BY id")
        ]

    def source_by_url(self, url: str) -> SourceRow | None:
        """The watched (not removed) source with exactly this URL."""
        rows = self._rows("SELECT * FROM sources WHERE url = ? AND removed = 0", [url])
        return _source(rows[0]) if rows else None

    def source(self, source_id: int) -> SourceRow | None:
        rows = self._rows("SELECT * FROM sources WHERE id = ?", [source_id])
        return _source(rows[0]) if rows else None

    def set_source_paused(self, source_id: int, paused: bool) -> bool:
        with self.lock:
            cur = self.db.execute(
                "UPDATE sources SET paused = ? WHERE id = ? AND removed = 0",
                [int(paused), source_id],
            )
            return cur.rowcount > 0

    def remove_source(self, source_id: int) -> bool:
        with self.lock:
            cur = self.db.execute(
                "UPDATE sources SET removed = 1 WHERE id = ? AND removed = 0", [source_id]
            )
            return cur.rowcount > 0

    def record_fetch_success(
        self,
        source_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        new_items: int,
        elapsed_ms: int,
        backfilled: bool,
        moved_to: str | None = None,
    ) -> int:
        """Record a good poll. `moved_to` is where a permanent redirect led this poll (None
        when there was none); returns on how many polls in a row that same target was seen."""
        at = now_iso()
        with self.transaction():
            self.db.execute(
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
            self.db.execute(
                "INSERT INTO fetch_log (source_id, at, ok, new_items, elapsed_ms) VALUES (?, ?, 1, ?, ?)",
                [source_id, at, new_items, elapsed_ms],
            )
            rows = self._rows("SELECT moved_polls FROM sources WHERE id = ?", [source_id])
        return int(rows[0]["moved_polls"]) if rows else 0

    def move_source(self, source_id: int, url: str) -> bool:
        """Give a source its new address (its first one is kept as `original_url`). False,
        changing nothing, when another source, even a removed one, already has that address."""
        try:
            with self.transaction():
                cur = self.db.execute(
                    """UPDATE sources SET original_url = COALESCE(original_url, url), url = ?,
                         moved_to = NULL, moved_polls = 0 WHERE id = ?""",
                    [url, source_id],
                )
                return cur.rowcount > 0
        except StorageError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                return False
            raise

    def record_fetch_failure(
        self, source_id: int, error: str, *, next_attempt_at: datetime, elapsed_ms: int
    ) -> None:
        at = now_iso()
        with self.transaction():
            self.db.execute(
                """UPDATE sources SET last_polled_at = ?, last_error = ?, last_error_at = ?,
                     failing_since = COALESCE(failing_since, ?), failures = failures + 1,
                     next_attempt_at = ? WHERE id = ?""",
                [at, error, at, at, to_iso(next_attempt_at), source_id],
            )
            self.db.execute(
                "INSERT INTO fetch_log (source_id, at, ok, error, elapsed_ms) VALUES (?, ?, 0, ?, ?)",
                [source_id, at, error, elapsed_ms],
            )

    def claim_failure_report(self, source_id: int, failing_before: datetime) -> bool:
        """True once per failing spell, when the source has been failing since before
        `failing_before`: the caller then reports it."""
        with self.lock:
            cur = self.db.execute(
                "UPDATE sources SET failure_reported_at = ? WHERE id = ? AND "
                "failure_reported_at IS NULL AND failing_since IS NOT NULL AND failing_since <= ?",
                [now_iso(), source_id, to_iso(failing_before)],
            )
            return cur.rowcount > 0

    def fetch_log(self, source_id: int, limit: int = 20) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM fetch_log WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            [source_id, limit],
        )

    # --- articles -----------------------------------------------------------------------------

    def article_for(self, source_id: int, key: str) -> ArticleRow | None:
        """The article `source_id` already holds under `key` (see `bot.pipeline.identity`),
        or None. The only way to find an article by identity, and it never looks outside
        the source: another outlet's article is never this one, whatever its URL or guid."""
        rows = self._rows(
            "SELECT * FROM articles WHERE source_id = ? AND canonical_url = ?", [source_id, key]
        )
        return _article(rows[0]) if rows else None

    def article(self, article_id: int) -> ArticleRow | None:
        rows = self._rows("SELECT * FROM articles WHERE id = ?", [article_id])
        return _article(rows[0]) if rows else None

    def insert_article(self, values: dict[str, Any], facts: str | None = None) -> int:
        """Insert an article and its first revision with its `facts` JSON (inside `transaction`)."""
        values = {**values, "first_seen": values.get("first_seen") or now_iso()}
        columns = ",".join(values)
        article_id = self._write(
            f"INSERT INTO articles ({columns}) VALUES ({','.join('?' * len(values))})",
            list(values.values()),
        )
        self._write(
            "INSERT INTO article_revisions"
            " (article_id, revision, fetched_at, title, text, fingerprint, facts)"
            " VALUES (?, 1, ?, ?, ?, ?, ?)",
            [
                article_id,
                values["seen_at"],
                values["title"],
                values["text"],
                values["fingerprint"],
                facts,
            ],
        )
        return article_id

    def place_article(
        self,
        article_id: int,
        *,
        story_id: int,
        placement: str,
        duplicate_of: int | None,
        why: dict[str, Any],
    ) -> None:
        """Record the story an article joined, how, and why; refreshes the story's search text."""
        with self.transaction():
            self.db.execute(
                "UPDATE articles SET story_id = ?, placement = ?, duplicate_of = ?, why = ? WHERE id = ?",
                [story_id, placement, duplicate_of, json.dumps(why), article_id],
            )
            leads = self._rows(
                "SELECT group_concat(title || ' ' || substr(text, 1, ?), ' | ') AS t "
                "FROM articles WHERE story_id = ?",
                [SEARCH_LEAD_CHARS, story_id],
            )
            self.db.execute(
                "UPDATE stories SET search_text = substr(?, 1, ?) WHERE id = ?",
                [leads[0]["t"] or "", SEARCH_TEXT_CHARS, story_id],
            )

    def save_revision(
        self,
        article_id: int,
        *,
        title: str,
        text: str,
        fingerprint: str,
        entry_fingerprint: str | None,
        facts: str | None = None,
    ) -> int:
        """Store a changed text (and its facts JSON) as the article's next revision; returns
        the revision number."""
        with self.transaction():
            current = self._rows("SELECT revision FROM articles WHERE id = ?", [article_id])[0]
            revision = int(current["revision"]) + 1
            at = now_iso()
            self.db.execute(
                "INSERT INTO article_revisions"
                " (article_id, revision, fetched_at, title, text, fingerprint, facts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [article_id, revision, at, title, text, fingerprint, facts],
            )
            self.db.execute(
                "UPDATE articles SET title = ?, text = ?, fingerprint = ?, revision = ?, seen_at = ?,"
                " entry_fingerprint = COALESCE(?, entry_fingerprint) WHERE id = ?",
                [title, text, fingerprint, revision, at, entry_fingerprint, article_id],
            )
            return revision

    def note_entry_fingerprint(self, article_id: int, entry_fingerprint: str) -> None:
        self._write(
            "UPDATE articles SET entry_fingerprint = ? WHERE id = ?",
            [entry_fingerprint, article_id],
        )

    def current_facts(self, article_id: int) -> str | None:
        """The facts JSON of the article's latest revision (None if never computed)."""
        rows = self._rows(
            "SELECT r.facts FROM article_revisions r JOIN articles a ON a.id = r.article_id"
            " AND a.revision = r.revision WHERE a.id = ?",
            [article_id],
        )
        return rows[0]["facts"] if rows else None

    def story_facts(self, story_id: int) -> dict[int, str | None]:
        """{article id: facts JSON of its latest revision} for a story's members."""
        rows = self._rows(
            "SELECT a.id, r.facts FROM articles a LEFT JOIN article_revisions r"
            " ON r.article_id = a.id AND r.revision = a.revision WHERE a.story_id = ?",
            [story_id],
        )
        return {int(r["id"]): r["facts"] for r in rows}

    def revision_titles(self, article_id: int) -> set[str]:
        """Every headline the article has had."""
        rows = self._rows(
            "SELECT DISTINCT title FROM article_revisions WHERE article_id = ?", [article_id]
        )
        return {r["title"] for r in rows}

    def revisions(self, article_id: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM article_revisions WHERE article_id = ? ORDER BY revision", [article_id]
        )

    def articles_due_for_check(
        self, now: datetime, since: datetime, limit: int = 100
    ) -> list[ArticleRow]:
        """Members of told stories, first seen after `since`, whose next check is due
        (articles with no page, known only from their feed item, have none to check)."""
        return [
            _article(r)
            for r in self._rows(
                "SELECT a.* FROM articles a JOIN stories s ON s.id = a.story_id "
                "WHERE s.alerted_at IS NOT NULL AND a.first_seen >= ? AND a.url != '' "
                "AND (a.next_check_at IS NULL OR a.next_check_at <= ?) "
                "ORDER BY a.next_check_at IS NOT NULL, a.next_check_at LIMIT ?",
                [to_iso(since), to_iso(now), limit],
            )
        ]

    def schedule_check(self, article_id: int, at: datetime) -> None:
        self._write("UPDATE articles SET next_check_at = ? WHERE id = ?", [to_iso(at), article_id])

    def articles_seen_since(
        self, since: datetime, after_id: int = 0, limit: int = 500
    ) -> list[ArticleRow]:
        """Articles of stories still active, oldest first, a page at a time (ids above
        `after_id`): what the clusterer reloads at start."""
        return [
            _article(r)
            for r in self._rows(
                "SELECT a.* FROM articles a JOIN stories s ON s.id = a.story_id "
                "WHERE s.last_seen >= ? AND a.id > ? ORDER BY a.id LIMIT ?",
                [to_iso(since), after_id, limit],
            )
        ]

    # --- stories ------------------------------------------------------------------------------

    def max_story_id(self) -> int:
        return int(self._rows("SELECT COALESCE(MAX(id), 0) AS m FROM stories")[0]["m"])

    def touch_story(self, story_id: int, *, title: str, seen: datetime) -> None:
        """Create the story or widen its first_seen..last_seen span."""
        at = to_iso(seen)
        self.db.execute(
            "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen), "
            "first_seen = MIN(first_seen, excluded.first_seen)",
            [story_id, title, at, at],
        )

    def story(self, story_id: int) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM stories WHERE id = ?", [story_id])
        return rows[0] if rows else None

    def story_members(self, story_id: int) -> list[ArticleRow]:
        return [
            _article(r)
            for r in self._rows(
                "SELECT * FROM articles WHERE story_id = ? ORDER BY COALESCE(published, first_seen), id",
                [story_id],
            )
        ]

    def widest_story(self) -> tuple[int, int] | None:
        """(story id, distinct outlets not counting copies) of the story with most outlets."""
        rows = self._rows(
            "SELECT story_id, COUNT(DISTINCT outlet) AS outlets FROM articles "
            "WHERE story_id IS NOT NULL AND placement != 'copy' "
            "GROUP BY story_id ORDER BY outlets DESC, story_id LIMIT 1"
        )
        return (int(rows[0]["story_id"]), int(rows[0]["outlets"])) if rows else None

    def story_alerted(self, story_id: int) -> bool:
        rows = self._rows("SELECT alerted_at FROM stories WHERE id = ?", [story_id])
        return bool(rows and rows[0]["alerted_at"])

    def mark_story_alerted(self, story_id: int) -> None:
        self._write(
            "UPDATE stories SET alerted_at = COALESCE(alerted_at, ?) WHERE id = ?",
            [now_iso(), story_id],
        )

    def stories_matching(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """Stories whose titles or members' headlines and leads contain the query's words
        (FTS5, porter stemming), best bm25 first; each with its counted outlets."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in query).split() if w]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        return self._rows(
            f"SELECT s.*, fts.rank AS rank, {_OUTLET_COUNT} "
            "FROM stories_fts fts JOIN stories s ON s.rowid = fts.rowid "
            "WHERE stories_fts MATCH ? ORDER BY fts.rank LIMIT ?",
            [match, limit],
        )

    def latest_stories(self, min_outlets: int, limit: int = 5) -> list[dict[str, Any]]:
        """The most recently active stories with at least `min_outlets` counted outlets,
        looked for among the LATEST_SCAN most recent (never a count over all history)."""
        return self._rows(
            f"SELECT * FROM (SELECT s.*, {_OUTLET_COUNT}"
            " FROM (SELECT * FROM stories ORDER BY last_seen DESC LIMIT ?) s)"
            " WHERE outlet_count >= ? ORDER BY last_seen DESC LIMIT ?",
            [max(LATEST_SCAN, limit), min_outlets, limit],
        )

    def stories_active_since(self, since: datetime, limit: int = 10_000) -> list[dict[str, Any]]:
        """Stories with an article seen at or after `since`, most recently active first, each
        with `outlet_count` (distinct outlets, copies not counted); at most `limit`."""
        return self._rows(
            f"SELECT s.*, {_OUTLET_COUNT}"
            " FROM stories s WHERE s.last_seen >= ? ORDER BY s.last_seen DESC LIMIT ?",
            [to_iso(since), limit],
        )

    def counts(self) -> dict[str, int]:
        row = self._rows(
            "SELECT (SELECT COUNT(*) FROM articles) AS articles, "
            "(SELECT COUNT(*) FROM stories) AS stories, "
            "(SELECT COUNT(*) FROM sources WHERE removed = 0) AS sources, "
            "(SELECT COUNT(*) FROM sources WHERE removed = 0 AND failing_since IS NOT NULL) "
            "AS failing, (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL) AS outbox_pending"
        )[0]
        return {k: int(v or 0) for k, v in row.items()}

    # --- outbox -------------------------------------------------------------------------------

    def enqueue(
        self, key: str, story_id: int | None, channel: str, event: str, payload: dict[str, Any]
    ) -> bool:
        """Add an outbox entry unless one with the same key exists; True if added."""
        with self.lock:
            cur = self.db.execute(
                "INSERT OR IGNORE INTO outbox (key, story_id, channel, event, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [key, story_id, channel, event, json.dumps(payload), now_iso()],
            )
            return cur.rowcount > 0

    def pending_outbox(self, now: datetime, limit: int = 50) -> list[OutboxRow]:
        """Unsent entries that are due, oldest first."""
        return [
            _outbox(r)
            for r in self._rows(
                "SELECT * FROM outbox WHERE sent_at IS NULL AND "
                "(next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?",
                [to_iso(now), limit],
            )
        ]

    def unsent_outbox(self, limit: int = 200) -> list[OutboxRow]:
        """Every unsent entry, due or waiting for a retry, oldest first."""
        return [
            _outbox(r)
            for r in self._rows(
                "SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?", [limit]
            )
        ]

    def mark_attempt(self, outbox_id: int) -> None:
        """Recorded before the Slack call: after a crash, an entry with an attempt and no ts
        may have reached Slack, so the poster looks for it before sending it again."""
        self._write(
            "UPDATE outbox SET attempted_at = ?, attempts = attempts + 1 WHERE id = ?",
            [now_iso(), outbox_id],
        )

    def mark_sent(self, outbox_id: int, ts: str) -> None:
        self._write(
            "UPDATE outbox SET sent_at = ?, ts = ? WHERE id = ?", [now_iso(), ts, outbox_id]
        )

    def mark_failed(self, outbox_id: int, error: str, next_attempt_at: datetime) -> None:
        self._write(
            "UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?",
            [error, to_iso(next_attempt_at), outbox_id],
        )

    def outbox(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM outbox ORDER BY id")

    def activity_after(self, marks: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        """What happened since `marks` (the highest row ids seen last time; empty: since the
        start): polls, failed polls, new articles, outbox entries queued and delivered. Returns
        the counts and the marks for next time."""
        fetch_id, article_id, outbox_id = (
            marks.get(k, 0) for k in ("fetch_log", "articles", "outbox_queued")
        )
        row = self._rows(
            "SELECT (SELECT COUNT(*) FROM fetch_log WHERE id > ?) AS polls, "
            "(SELECT COUNT(*) FROM fetch_log WHERE id > ? AND ok = 0) AS failed_polls, "
            "(SELECT COUNT(*) FROM articles WHERE id > ?) AS new_articles, "
            "(SELECT COUNT(*) FROM outbox WHERE id > ?) AS queued, "
            "(SELECT COALESCE(MAX(id), 0) FROM fetch_log) AS fetch_mark, "
            "(SELECT COALESCE(MAX(id), 0) FROM articles) AS article_mark, "
            "(SELECT COALESCE(MAX(id), 0) FROM outbox) AS outbox_mark, "
            "(SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL) AS sent_ever",
            [fetch_id, fetch_id, article_id, outbox_id],
        )[0]
        sent_ever = int(row["sent_ever"])
        counts = {
            "polls": int(row["polls"]),
            "failed_polls": int(row["failed_polls"]),
            "new_articles": int(row["new_articles"]),
            "queued": int(row["queued"]),
            "sent": sent_ever - marks.get("sent_ever", sent_ever),
        }
        new_marks = {
            "fetch_log": int(row["fetch_mark"]),
            "articles": int(row["article_mark"]),
            "outbox_queued": int(row["outbox_mark"]),
            "sent_ever": sent_ever,
        }
        return counts, new_marks

    def oldest_unsent(self) -> datetime | None:
        """When the oldest undelivered outbox entry was queued; None when none waits."""
        rows = self._rows("SELECT MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL")
        return from_iso(rows[0]["oldest"]) if rows else None

    def outbox_counts(self) -> dict[str, int]:
        rows = self._rows(
            "SELECT SUM(sent_at IS NULL) AS pending, SUM(sent_at IS NOT NULL) AS sent FROM outbox"
        )
        return {k: int(v or 0) for k, v in rows[0].items()}

    def alerted_channels(self, story_id: int) -> set[str]:
        """Channels that have (or are about to have) this story's alert."""
        rows = self._rows(
            "SELECT channel FROM outbox WHERE story_id = ? AND event = 'alert'", [story_id]
        )
        return {r["channel"] for r in rows}

    # --- Slack threads, channel settings, mutes, differences told ----------------------------

    def thread_ts(self, story_id: int, channel: str) -> str | None:
        rows = self._rows(
            "SELECT ts FROM slack_threads WHERE story_id = ? AND channel = ?", [story_id, channel]
        )
        return rows[0]["ts"] if rows else None

    def story_threads(self, story_id: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT channel, ts FROM slack_threads WHERE story_id = ? ORDER BY posted_at",
            [story_id],
        )

    def save_thread(self, story_id: int, channel: str, ts: str) -> None:
        self._write(
            "INSERT OR IGNORE INTO slack_threads (story_id, channel, ts, posted_at) VALUES (?, ?, ?, ?)",
            [story_id, channel, ts, now_iso()],
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
            for r in self._rows("SELECT * FROM channel_settings ORDER BY channel")
        }

    def set_channel_schedule(
        self, channel: str, *, user: str | None, field: str, value: dict[str, Any] | None
    ) -> None:
        """Set the channel's `field` ("quiet" or "digest") to `value`; None turns it off."""
        if field not in ("quiet", "digest"):
            raise ValueError(f"not a channel schedule: {field}")
        with self.transaction():
            self.db.execute(
                "INSERT INTO channel_settings (channel, watch, updated_by, updated_at) "
                "VALUES (?, '[]', ?, ?) ON CONFLICT(channel) DO NOTHING",
                [channel, user, now_iso()],
            )
            self.db.execute(
                f"UPDATE channel_settings SET {field} = ?, updated_by = ?, updated_at = ? "
                "WHERE channel = ?",
                [json.dumps(value) if value else None, user, now_iso(), channel],
            )

    def update_channel(
        self,
        channel: str,
        *,
        user: str | None,
        threshold: int | None = None,
        watch: list[str] | None = None,
    ) -> None:
        with self.transaction():
            current = self.channel_settings().get(channel, {"threshold": None, "watch": []})
            self.db.execute(
                "INSERT INTO channel_settings (channel, threshold, watch, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(channel) DO UPDATE SET "
                "threshold = excluded.threshold, watch = excluded.watch, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                [
                    channel,
                    threshold if threshold is not None else current["threshold"],
                    json.dumps(watch if watch is not None else current["watch"]),
                    user,
                    now_iso(),
                ],
            )

    def mute_story(
        self, story_id: int, channel: str, user: str | None, *, at: datetime, until: datetime
    ) -> None:
        """Mute the story in `channel` until `until`; muting it again sets a new period."""
        self._write(
            "INSERT INTO channel_mutes (story_id, channel, muted_by, muted_at, until) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(story_id, channel) DO UPDATE SET "
            "muted_by = excluded.muted_by, muted_at = excluded.muted_at, until = excluded.until",
            [story_id, channel, user, to_iso(at), to_iso(until)],
        )

    def unmute_story(self, story_id: int, channel: str, now: datetime) -> bool:
        """Lift the story's mute in `channel`; False when it was not muted there (or the
        mute had already ended)."""
        with self.lock:
            cur = self.db.execute(
                "DELETE FROM channel_mutes WHERE story_id = ? AND channel = ? AND until > ?",
                [story_id, channel, to_iso(now)],
            )
            self.db.execute(
                "DELETE FROM channel_mutes WHERE story_id = ? AND channel = ?", [story_id, channel]
            )
            return cur.rowcount > 0

    def story_mutes(self, story_id: int, now: datetime) -> dict[str, dict[str, Any]]:
        """{channel: {muted_by, muted_at, until}} of the story's mutes still running at `now`."""
        return {
            r["channel"]: r
            for r in self._rows(
                "SELECT channel, muted_by, muted_at, until FROM channel_mutes "
                "WHERE story_id = ? AND until > ?",
                [story_id, to_iso(now)],
            )
        }

    def is_muted(self, story_id: int, channel: str, now: datetime) -> bool:
        return channel in self.story_mutes(story_id, now)

    def channel_mutes(self, channel: str, now: datetime) -> list[dict[str, Any]]:
        """The channel's running mutes, soonest to end first, each with the story's title."""
        return self._rows(
            "SELECT m.story_id, m.muted_by, m.muted_at, m.until, s.title FROM channel_mutes m "
            "JOIN stories s ON s.id = m.story_id WHERE m.channel = ? AND m.until > ? "
            "ORDER BY m.until",
            [channel, to_iso(now)],
        )

    def told_differences(self, story_id: int) -> set[str]:
        rows = self._rows("SELECT key FROM differences WHERE story_id = ?", [story_id])
        return {r["key"] for r in rows}

    def remember_differences(self, story_id: int, told: Sequence[tuple[str, str, str]]) -> None:
        """Record differences (key, kind, summary) as told, so each is told once."""
        at = now_iso()
        with self.lock:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO differences (story_id, key, kind, summary, first_seen) "
                "VALUES (?, ?, ?, ?, ?)",
                [(story_id, key, kind, summary, at) for key, kind, summary in told],
            )

    # --- digests --------------------------------------------------------------------------------

    def hold_for_digest(self, channel: str, story_id: int, at: datetime) -> bool:
        """Keep the story for the channel's next digest; a story is held once per channel."""
        with self.lock:
            cur = self.db.execute(
                "INSERT OR IGNORE INTO digest_items (channel, story_id, held_at) VALUES (?, ?, ?)",
                [channel, story_id, to_iso(at)],
            )
            return cur.rowcount > 0

    def digest_channels(self, story_id: int) -> set[str]:
        """Channels where the story is held for a digest or was told in one."""
        rows = self._rows("SELECT channel FROM digest_items WHERE story_id = ?", [story_id])
        return {r["channel"] for r in rows}

    def pending_digest(self, channel: str) -> list[dict[str, Any]]:
        """Stories held for the channel's next digest, in the order they were held."""
        return self._rows(
            "SELECT story_id, held_at FROM digest_items WHERE channel = ? AND digest_key IS NULL "
            "ORDER BY held_at, story_id",
            [channel],
        )

    def channels_with_pending_digests(self) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT channel FROM digest_items WHERE digest_key IS NULL ORDER BY channel"
        )
        return [r["channel"] for r in rows]

    def mark_digested(self, channel: str, story_ids: Sequence[int], digest_key: str) -> None:
        """Record the stories as told by the digest `digest_key` (inside `transaction`)."""
        self.db.conn.executemany(
            "UPDATE digest_items SET digest_key = ? WHERE channel = ? AND story_id = ? "
            "AND digest_key IS NULL",
            [(digest_key, channel, story_id) for story_id in story_ids],
        )

    def sent_ts(self, key: str) -> str | None:
        """The Slack ts of the outbox entry `key`, once it has been posted."""
        rows = self._rows("SELECT ts FROM outbox WHERE key = ? AND sent_at IS NOT NULL", [key])
        return rows[0]["ts"] if rows else None


def _from_row(cls: type[_RowT], row: dict[str, Any]) -> _RowT:
    """A row dataclass from a table row: its fields are column names; SQLite's 0/1 become bools."""
    values = {}
    for spec in fields(cls):  # type: ignore[arg-type]
        value = row[spec.name]
        values[spec.name] = bool(value) if spec.type == "bool" else value
    return cls(**values)


def _source(row: dict[str, Any]) -> SourceRow:
    return _from_row(SourceRow, row)


def _article(row: dict[str, Any]) -> ArticleRow:
    return _from_row(ArticleRow, row)


def _outbox(row: dict[str, Any]) -> OutboxRow:
    return _from_row(OutboxRow, {**row, "payload": json.loads(row["payload"])})
