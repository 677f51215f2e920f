"""Stories: articles grouped by event, their headline, counted outlets and search."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.connection import Connection
from storage.outbox import ALERTED_AT
from storage.rows import ArticleRow, article_row, to_iso

# What /story searches: each member's headline and the start of its text, up to a cap.
SEARCH_LEAD_CHARS = 400
SEARCH_TEXT_CHARS = 8000
# How many of the most recent stories `latest` looks through.
LATEST_SCAN = 2000
# A story's members in reading order: earliest published first (an undated one by when it was
# first seen), ties by first placed. The first of them gives the story its headline.
MEMBER_ORDER = "COALESCE(a.published, a.first_seen), a.id"
# A story's outlets as the alert threshold counts them (for a query over stories aliased `s`):
# distinct outlets of the members placed as counting (`counts_outlet`, decided at placement).
_OUTLET_COUNT = (
    "(SELECT COUNT(DISTINCT outlet) FROM articles a"
    " WHERE a.story_id = s.id AND a.counts_outlet = 1) AS outlet_count"
)


def refresh_headline(conn: Connection, story_id: int) -> None:
    """Give the story the headline of its first member in `MEMBER_ORDER` (inside a
    transaction, after a member joined or changed its headline)."""
    conn.db.execute(
        "UPDATE stories SET title = COALESCE((SELECT a.title FROM articles a"
        f" WHERE a.story_id = stories.id ORDER BY {MEMBER_ORDER} LIMIT 1), title)"
        " WHERE id = ?",
        [story_id],
    )


class Stories:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def place(
        self,
        article_id: int,
        *,
        story_id: int,
        placement: str,
        counts_outlet: bool,
        duplicate_of: int | None,
        why: dict[str, Any],
    ) -> None:
        """Record the story an article joined, how (`placement`, and whether its outlet counts
        toward the story's outlets: the caller's rule), and why; refreshes the story's
        headline and search text."""
        with self._conn.transaction():
            self._conn.db.execute(
                "UPDATE articles SET story_id = ?, placement = ?, counts_outlet = ?,"
                " duplicate_of = ?, why = ? WHERE id = ?",
                [
                    story_id,
                    placement,
                    int(counts_outlet),
                    duplicate_of,
                    json.dumps(why),
                    article_id,
                ],
            )
            refresh_headline(self._conn, story_id)
            leads = self._conn.rows(
                "SELECT group_concat(title || ' ' || substr(text, 1, ?), ' | ') AS t "
                "FROM articles WHERE story_id = ?",
                [SEARCH_LEAD_CHARS, story_id],
            )
            self._conn.db.execute(
                "UPDATE stories SET search_text = substr(?, 1, ?) WHERE id = ?",
                [leads[0]["t"] or "", SEARCH_TEXT_CHARS, story_id],
            )

    def facts(self, story_id: int) -> dict[int, str | None]:
        """{article id: facts JSON of its latest revision} for a story's members."""
        rows = self._conn.rows(
            "SELECT a.id, r.facts FROM articles a LEFT JOIN article_revisions r"
            " ON r.article_id = a.id AND r.revision = a.revision WHERE a.story_id = ?",
            [story_id],
        )
        return {int(r["id"]): r["facts"] for r in rows}

    def max_id(self) -> int:
        return int(self._conn.rows("SELECT COALESCE(MAX(id), 0) AS m FROM stories")[0]["m"])

    def touch(self, story_id: int, *, title: str, seen: datetime) -> None:
        """Create the story (headed `title` until `place` picks its headline) or widen its
        first_seen..last_seen span."""
        at = to_iso(seen)
        self._conn.db.execute(
            "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen), "
            "first_seen = MIN(first_seen, excluded.first_seen)",
            [story_id, title, at, at],
        )

    def get(self, story_id: int) -> dict[str, Any] | None:
        """The story's row with `alerted_at` (when its first alert was queued, or None)."""
        rows = self._conn.rows(
            f"SELECT s.*, {ALERTED_AT} AS alerted_at FROM stories s WHERE s.id = ?", [story_id]
        )
        return rows[0] if rows else None

    def members(self, story_id: int) -> list[ArticleRow]:
        """The story's articles in `MEMBER_ORDER`."""
        return [
            article_row(r)
            for r in self._conn.rows(
                f"SELECT * FROM articles a WHERE a.story_id = ? ORDER BY {MEMBER_ORDER}",
                [story_id],
            )
        ]

    def widest(self) -> tuple[int, int] | None:
        """(story id, counted outlets) of the story with most counted outlets."""
        rows = self._conn.rows(
            "SELECT story_id, COUNT(DISTINCT outlet) AS outlets FROM articles "
            "WHERE story_id IS NOT NULL AND counts_outlet = 1 "
            "GROUP BY story_id ORDER BY outlets DESC, story_id LIMIT 1"
        )
        return (int(rows[0]["story_id"]), int(rows[0]["outlets"])) if rows else None

    def alerted(self, story_id: int) -> bool:
        """Whether an alert of the story was queued to some channel."""
        rows = self._conn.rows(
            f"SELECT {ALERTED_AT} AS at FROM stories s WHERE s.id = ?", [story_id]
        )
        return bool(rows and rows[0]["at"])

    def matching(self, query: str, limit: int = 50) -> list[dict[str, Any]]:
        """Stories whose titles or members' headlines and leads contain the query's words
        (FTS5, porter stemming), best bm25 first; each with its counted outlets."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in query).split() if w]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        return self._conn.rows(
            f"SELECT s.*, fts.rank AS rank, {_OUTLET_COUNT} "
            "FROM stories_fts fts JOIN stories s ON s.rowid = fts.rowid "
            "WHERE stories_fts MATCH ? ORDER BY fts.rank LIMIT ?",
            [match, limit],
        )

    def latest(self, min_outlets: int, limit: int = 5) -> list[dict[str, Any]]:
        """The most recently active stories with at least `min_outlets` counted outlets,
        looked for among the LATEST_SCAN most recent (never a count over all history)."""
        return self._conn.rows(
            f"SELECT * FROM (SELECT s.*, {_OUTLET_COUNT}"
            " FROM (SELECT * FROM stories ORDER BY last_seen DESC LIMIT ?) s)"
            " WHERE outlet_count >= ? ORDER BY last_seen DESC LIMIT ?",
            [max(LATEST_SCAN, limit), min_outlets, limit],
        )

    def active_since(self, since: datetime, limit: int = 10_000) -> list[dict[str, Any]]:
        """Stories with an article seen at or after `since`, most recently active first, each
        with `outlet_count` (counted outlets) and `alerted_at`; at most `limit`."""
        return self._conn.rows(
            f"SELECT s.*, {_OUTLET_COUNT}, {ALERTED_AT} AS alerted_at"
            " FROM stories s WHERE s.last_seen >= ? ORDER BY s.last_seen DESC LIMIT ?",
            [to_iso(since), limit],
        )
