"""Activity: counts across every table, for status lines and metrics."""

from __future__ import annotations

from storage.connection import Connection


class Activity:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def counts(self) -> dict[str, int]:
        row = self._conn.rows(
            "SELECT (SELECT COUNT(*) FROM articles) AS articles, "
            "(SELECT COUNT(*) FROM stories) AS stories, "
            "(SELECT COUNT(*) FROM sources WHERE removed = 0) AS sources, "
            "(SELECT COUNT(*) FROM sources WHERE removed = 0 AND failing_since IS NOT NULL) "
            "AS failing, (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL) AS outbox_pending"
        )[0]
        return {k: int(v or 0) for k, v in row.items()}

    def after(self, marks: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        """What happened since `marks` (the highest row ids seen last time; empty: since the
        start): polls, failed polls, new articles, outbox entries queued and delivered. Returns
        the counts and the marks for next time."""
        fetch_id, article_id, outbox_id = (
            marks.get(k, 0) for k in ("fetch_log", "articles", "outbox_queued")
        )
        row = self._conn.rows(
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
