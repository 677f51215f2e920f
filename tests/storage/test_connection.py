"""The connection: a reader never waits for a writer and sees only what is committed; refused
writes are NewsdeskErrors; migrations keep every row; storage never reads the clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from storage import Store


def test_a_read_does_not_wait_for_a_transaction_and_sees_only_committed_rows(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "n.db")
    store.sources.add("Before", "https://before.example/feed", "feed", now=datetime.now(UTC))
    inside, release = threading.Event(), threading.Event()
    seen_inside: list[list[str]] = []

    def writer() -> None:
        with store.transaction():
            store.sources.add(
                "During", "https://during.example/feed", "feed", now=datetime.now(UTC)
            )
            seen_inside.append([s.outlet for s in store.sources.all()])  # its own write
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(10)
        read: list[list[str]] = []
        reader = threading.Thread(
            target=lambda: read.append([s.outlet for s in store.sources.all()])
        )
        reader.start()
        reader.join(2)
        assert read == [["Before"]], "the read waited for the transaction, or saw its rows"
    finally:
        release.set()
        thread.join(10)
    assert seen_inside == [["Before", "During"]]
    assert [s.outlet for s in store.sources.all()] == ["Before", "During"]
    store.close()


def test_identity_per_source_migration_keeps_every_row_and_lets_outlets_share_a_link(
    tmp_path: Path,
) -> None:
    import sqlite3

    from sqlite_utils import Database

    from storage.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path, isolation_level=None))
    old.execute("PRAGMA foreign_keys = ON")
    migrations.apply(old, stop_before="0006_article_identity_per_source")
    old.execute(
        "INSERT INTO sources (id, outlet, url, kind, created_at) VALUES "
        "(1, 'A', 'http://a.example/rss', 'feed', '2024-05-14T09:00:00+00:00'), "
        "(2, 'B', 'http://b.example/rss', 'feed', '2024-05-14T09:00:00+00:00')"
    )
    old.execute(
        "INSERT INTO articles (id, source_id, outlet, url, canonical_url, title, first_seen,"
        " seen_at, text, fingerprint, duplicate_of) VALUES"
        " (7, 1, 'A', 'http://wire.example/s', 'http://wire.example/s', 'Story', 'x', 'x',"
        " 'Text.', 'f', NULL), (9, 1, 'A', 'http://a.example/t', 'http://a.example/t', 'T',"
        " 'x', 'x', 'Text.', 'f', 7)"
    )
    old.execute(
        "INSERT INTO article_revisions (article_id, revision, fetched_at, title, text,"
        " fingerprint) VALUES (7, 1, 'x', 'Story', 'Text.', 'f')"
    )
    old.conn.close()
    store = Store(path)
    assert store.articles.for_key(1, "http://wire.example/s").id == 7  # type: ignore[union-attr]
    assert store.articles.get(9).duplicate_of == 7  # type: ignore[union-attr]
    assert store.articles.for_key(2, "http://wire.example/s") is None
    with store.transaction():
        store.articles.insert(
            {
                "source_id": 2,
                "outlet": "B",
                "url": "http://wire.example/s",
                "canonical_url": "http://wire.example/s",
                "title": "Story",
                "seen_at": "x",
                "text": "Text.",
                "fingerprint": "f",
            },
            now=datetime.now(UTC),
        )
    assert store.activity.counts()["articles"] == 3
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_refused_write_is_a_newsdesk_error_and_the_transaction_is_rolled_back() -> None:
    from bot.errors import NewsdeskError
    from storage import StorageError

    store = Store(":memory:")
    now = datetime.now(UTC)
    try:
        with store.transaction():
            store.sources.add("A", "https://a.example/feed", "feed", now=now)
            store.db.execute("INSERT INTO fetch_log (source_id, at, ok) VALUES (999, 'x', 1)")
    except NewsdeskError as exc:
        assert isinstance(exc, StorageError) and "refused a write" in str(exc)
    else:
        raise AssertionError("a write breaking a foreign key was not refused")
    assert store.sources.all() == []


def test_storage_never_reads_the_clock() -> None:
    """Times come in from the caller (`now`), so a test moves time by passing it."""
    import ast

    from tests.conftest import ROOT

    for path in (ROOT / "storage").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"now", "utcnow", "today", "time", "monotonic"}, (
                    f"{path.name}:{node.lineno} reads the clock ({node.attr})"
                )


def test_the_one_home_migration_keeps_copies_uncounted_alerts_and_headlines(
    tmp_path: Path,
) -> None:
    import sqlite3

    from sqlite_utils import Database

    from storage.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path, isolation_level=None))
    migrations.apply(old, stop_before="0010_counted_outlets_one_alert_record_headlines")
    old.execute(
        "INSERT INTO sources (id, outlet, url, kind, created_at) VALUES"
        " (1, 'A', 'https://a.example/feed', 'feed', 't'),"
        " (2, 'B', 'https://b.example/feed', 'feed', 't')"
    )
    old.execute(
        "INSERT INTO stories (id, title, first_seen, last_seen, alerted_at)"
        " VALUES (1, 'Placed first', 't', 't', '2024-05-14T09:00:00+00:00')"
    )
    old.execute(
        "INSERT INTO articles (id, source_id, outlet, url, canonical_url, title, published,"
        " first_seen, seen_at, text, fingerprint, story_id, placement) VALUES"
        " (1, 1, 'A', 'u1', 'u1', 'Placed first', '2024-05-14T10:00:00+00:00', 't', 't', 'x',"
        " 'f', 1, 'new'),"
        " (2, 2, 'B', 'u2', 'u2', 'Published first', '2024-05-14T08:00:00+00:00', 't', 't',"
        " 'x', 'f', 1, 'copy')"
    )
    old.execute(
        "INSERT INTO outbox (key, story_id, channel, event, payload, created_at)"
        " VALUES ('a', 1, 'C1', 'alert', '{}', '2024-05-14T09:00:00+00:00')"
    )
    old.conn.close()
    store = Store(path)
    assert store.stories.widest() == (1, 1)
    assert store.stories.alerted(1)
    story = store.stories.get(1)
    assert story["title"] == "Published first"  # type: ignore[index]
    assert story["alerted_at"] == "2024-05-14T09:00:00+00:00"  # type: ignore[index]
    store.close()
