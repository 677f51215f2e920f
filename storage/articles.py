"""Articles: what each source published, with every revision of its text and facts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.connection import Connection
from storage.outbox import ALERTED_AT
from storage.rows import (
    ArticleRow,
    article_row,
    to_iso,
)
from storage.stories import refresh_headline


class Articles:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def for_key(self, source_id: int, key: str) -> ArticleRow | None:
        """The article `source_id` already holds under `key` (see `bot.pipeline.identity`),
        or None. The only way to find an article by identity, and it never looks outside
        the source: another outlet's article is never this one, whatever its URL or guid."""
        rows = self._conn.rows(
            "SELECT * FROM articles WHERE source_id = ? AND canonical_url = ?", [source_id, key]
        )
        return article_row(rows[0]) if rows else None

    def get(self, article_id: int) -> ArticleRow | None:
        rows = self._conn.rows("SELECT * FROM articles WHERE id = ?", [article_id])
        return article_row(rows[0]) if rows else None

    def insert(self, values: dict[str, Any], facts: str | None = None, *, now: datetime) -> int:
        """Insert an article (`values`: {column: value}; first seen at `now` unless given) and
        its first revision with its `facts` JSON (inside `transaction`); returns its id."""
        values = {**values, "first_seen": values.get("first_seen") or to_iso(now)}
        columns = ",".join(values)
        article_id = self._conn.write(
            f"INSERT INTO articles ({columns}) VALUES ({','.join('?' * len(values))})",
            list(values.values()),
        )
        self._conn.write(
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

    def save_revision(
        self,
        article_id: int,
        *,
        title: str,
        text: str,
        fingerprint: str,
        entry_fingerprint: str | None,
        facts: str | None = None,
        now: datetime,
    ) -> int:
        """Store a changed text (and its facts JSON), fetched at `now`, as the article's next
        revision; returns the revision number."""
        with self._conn.transaction():
            current = self._conn.rows("SELECT revision FROM articles WHERE id = ?", [article_id])[0]
            revision = int(current["revision"]) + 1
            at = to_iso(now)
            self._conn.db.execute(
                "INSERT INTO article_revisions"
                " (article_id, revision, fetched_at, title, text, fingerprint, facts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [article_id, revision, at, title, text, fingerprint, facts],
            )
            self._conn.db.execute(
                "UPDATE articles SET title = ?, text = ?, fingerprint = ?, revision = ?, seen_at = ?,"
                " entry_fingerprint = COALESCE(?, entry_fingerprint) WHERE id = ?",
                [title, text, fingerprint, revision, at, entry_fingerprint, article_id],
            )
            story = self._conn.rows("SELECT story_id FROM articles WHERE id = ?", [article_id])
            if story and story[0]["story_id"] is not None:
                refresh_headline(self._conn, int(story[0]["story_id"]))
            return revision

    def note_entry_fingerprint(self, article_id: int, entry_fingerprint: str) -> None:
        self._conn.write(
            "UPDATE articles SET entry_fingerprint = ? WHERE id = ?",
            [entry_fingerprint, article_id],
        )

    def current_facts(self, article_id: int) -> str | None:
        """The facts JSON of the article's latest revision (None if never computed)."""
        rows = self._conn.rows(
            "SELECT r.facts FROM article_revisions r JOIN articles a ON a.id = r.article_id"
            " AND a.revision = r.revision WHERE a.id = ?",
            [article_id],
        )
        return rows[0]["facts"] if rows else None

    def revision_titles(self, article_id: int) -> set[str]:
        """Every headline the article has had."""
        rows = self._conn.rows(
            "SELECT DISTINCT title FROM article_revisions WHERE article_id = ?", [article_id]
        )
        return {r["title"] for r in rows}

    def revisions(self, article_id: int) -> list[dict[str, Any]]:
        return self._conn.rows(
            "SELECT * FROM article_revisions WHERE article_id = ? ORDER BY revision", [article_id]
        )

    def due_for_check(self, now: datetime, since: datetime, limit: int = 100) -> list[ArticleRow]:
        """Members of told stories, first seen after `since`, whose next check is due
        (articles with no page, known only from their feed item, have none to check)."""
        return [
            article_row(r)
            for r in self._conn.rows(
                "SELECT a.* FROM articles a JOIN stories s ON s.id = a.story_id "
                f"WHERE {ALERTED_AT} IS NOT NULL AND a.first_seen >= ? AND a.url != '' "
                "AND (a.next_check_at IS NULL OR a.next_check_at <= ?) "
                "ORDER BY a.next_check_at IS NOT NULL, a.next_check_at LIMIT ?",
                [to_iso(since), to_iso(now), limit],
            )
        ]

    def schedule_check(self, article_id: int, at: datetime) -> None:
        self._conn.write(
            "UPDATE articles SET next_check_at = ? WHERE id = ?", [to_iso(at), article_id]
        )

    def seen_since(self, since: datetime, after_id: int = 0, limit: int = 500) -> list[ArticleRow]:
        """Articles of stories still active, oldest first, a page at a time (ids above
        `after_id`): what the clusterer reloads at start."""
        return [
            article_row(r)
            for r in self._conn.rows(
                "SELECT a.* FROM articles a JOIN stories s ON s.id = a.story_id "
                "WHERE s.last_seen >= ? AND a.id > ? ORDER BY a.id LIMIT ?",
                [to_iso(since), after_id, limit],
            )
        ]
