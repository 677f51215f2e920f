"""Versioned schema migrations; each runs once, in a transaction, in the order written here."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

migrations = Migrations("newsdesk")


@migrations(name="0001_sources_articles_stories_outbox")
def initial_schema(db: Database) -> None:
    db.execute("""
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            outlet TEXT NOT NULL,
            url TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('feed', 'page')),
            interval INTEGER,
            origin TEXT NOT NULL DEFAULT 'file',
            paused INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            etag TEXT,
            last_modified TEXT,
            created_at TEXT NOT NULL,
            backfilled INTEGER NOT NULL DEFAULT 0,
            last_polled_at TEXT,
            last_success_at TEXT,
            last_error TEXT,
            last_error_at TEXT,
            failing_since TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            items_seen INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("""
        CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            at TEXT NOT NULL,
            ok INTEGER NOT NULL,
            new_items INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            elapsed_ms INTEGER
        )""")
    db.execute("CREATE INDEX fetch_log_source ON fetch_log(source_id, at)")
    db.execute("""
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            search_text TEXT NOT NULL DEFAULT '',
            alerted_at TEXT
        )""")
    db.execute("CREATE INDEX stories_last_seen ON stories(last_seen)")
    db.execute("""
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            source_id INTEGER REFERENCES sources(id),
            outlet TEXT NOT NULL,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            guid TEXT,
            title TEXT NOT NULL,
            author TEXT,
            site_name TEXT,
            published TEXT,
            first_seen TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            text TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            entry_fingerprint TEXT,
            revision INTEGER NOT NULL DEFAULT 1,
            backfill INTEGER NOT NULL DEFAULT 0,
            story_id INTEGER REFERENCES stories(id),
            placement TEXT,
            duplicate_of INTEGER REFERENCES articles(id),
            why TEXT
        )""")
    db.execute("CREATE INDEX articles_story ON articles(story_id)")
    db.execute("CREATE INDEX articles_seen ON articles(seen_at)")
    db.execute("""
        CREATE TABLE article_revisions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            revision INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            UNIQUE (article_id, revision)
        )""")
    db.execute("""
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            channel TEXT NOT NULL,
            event TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,
            last_error TEXT,
            sent_at TEXT,
            ts TEXT
        )""")
    db.execute("CREATE INDEX outbox_pending ON outbox(sent_at, id)")
    db.table("stories").enable_fts(
        ["title", "search_text"], fts_version="FTS5", create_triggers=True, tokenize="porter"
    )


@migrations(name="0002_revision_facts")
def revision_facts(db: Database) -> None:
    """Facts (numbers, quotes, sentences) read once from each revision, as JSON."""
    db.execute("ALTER TABLE article_revisions ADD COLUMN facts TEXT")


@migrations(name="0003_slack_state")
def slack_state(db: Database) -> None:
    """Threads, channel settings, mutes, differences already told, and an outbox whose rows
    may belong to no story (a source failing) and remember when a send was attempted."""
    db.execute("""
        CREATE TABLE outbox_new (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            story_id INTEGER REFERENCES stories(id),
            channel TEXT NOT NULL,
            event TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            attempted_at TEXT,
            next_attempt_at TEXT,
            last_error TEXT,
            sent_at TEXT,
            ts TEXT
        )""")
    db.execute("""
        INSERT INTO outbox_new (id, key, story_id, channel, event, payload, created_at, attempts,
                                next_attempt_at, last_error, sent_at, ts)
        SELECT id, key, story_id, channel, event, payload, created_at, attempts,
               next_attempt_at, last_error, sent_at, ts FROM outbox""")
    db.execute("DROP TABLE outbox")
    db.execute("ALTER TABLE outbox_new RENAME TO outbox")
    db.execute("CREATE INDEX outbox_pending ON outbox(sent_at, id)")
    db.execute("""
        CREATE TABLE slack_threads (
            story_id INTEGER NOT NULL REFERENCES stories(id),
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (story_id, channel)
        )""")
    db.execute("""
        CREATE TABLE channel_settings (
            channel TEXT PRIMARY KEY,
            threshold INTEGER,
            watch TEXT NOT NULL DEFAULT '[]',
            updated_by TEXT,
            updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE muted_stories (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id),
            muted_by TEXT,
            muted_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE differences (
            story_id INTEGER NOT NULL REFERENCES stories(id),
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            summary TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (story_id, key)
        )""")
    db.execute("ALTER TABLE sources ADD COLUMN failure_reported_at TEXT")


@migrations(name="0004_article_rechecks")
def article_rechecks(db: Database) -> None:
    """When each article of a told story is next fetched again to catch edits."""
    db.execute("ALTER TABLE articles ADD COLUMN next_check_at TEXT")
    db.execute("CREATE INDEX articles_next_check ON articles(next_check_at)")


@migrations(name="0005_outbox_story_index")
def outbox_story_index(db: Database) -> None:
    """Which channels a story has alerted is read at every placement: index it by story."""
    db.execute("CREATE INDEX outbox_story ON outbox(story_id, event)")


@migrations(name="0006_article_identity_per_source")
def article_identity_per_source(db: Database) -> None:
    """An article is known by (source, key), not by its URL alone: another outlet's item
    with the same link or guid is another article. The table is rebuilt with the same
    columns and rows (ids kept, so revisions, stories and the outbox still point at them)."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(articles)").fetchall()]
    db.execute("""
        CREATE TABLE articles_new (
            id INTEGER PRIMARY KEY,
            source_id INTEGER REFERENCES sources(id),
            outlet TEXT NOT NULL,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL,
            guid TEXT,
            title TEXT NOT NULL,
            author TEXT,
            site_name TEXT,
            published TEXT,
            first_seen TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            text TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            entry_fingerprint TEXT,
            revision INTEGER NOT NULL DEFAULT 1,
            backfill INTEGER NOT NULL DEFAULT 0,
            story_id INTEGER REFERENCES stories(id),
            placement TEXT,
            duplicate_of INTEGER REFERENCES articles(id),
            why TEXT,
            next_check_at TEXT,
            UNIQUE (source_id, canonical_url)
        )""")
    names = ", ".join(columns)
    db.execute(f"INSERT INTO articles_new ({names}) SELECT {names} FROM articles")
    # The Store runs migrations before it turns foreign keys on, so the old table can go.
    db.execute("DROP TABLE articles")
    db.execute("ALTER TABLE articles_new RENAME TO articles")
    db.execute("CREATE INDEX articles_story ON articles(story_id)")
    db.execute("CREATE INDEX articles_seen ON articles(seen_at)")
    db.execute("CREATE INDEX articles_next_check ON articles(next_check_at)")
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"rebuilding articles left rows pointing nowhere: {broken[:5]}")


@migrations(name="0007_source_moves")
def source_moves(db: Database) -> None:
    """A source that moved for good (301/308) follows its new address: the target seen and on
    how many polls in a row, and the address it was added with (the sources file names it)."""
    db.execute("ALTER TABLE sources ADD COLUMN moved_to TEXT")
    db.execute("ALTER TABLE sources ADD COLUMN moved_polls INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE sources ADD COLUMN original_url TEXT")


@migrations(name="0008_sitemap_sources", transactional=False)
def sitemap_sources(db: Database) -> None:
    """Sources may be news sitemaps: the kind check gains "sitemap".

    SQLite cannot change a CHECK in place, so the table is rebuilt (sqlite.org/lang_altertable,
    "other kinds of table schema changes"); foreign keys are off meanwhile, which SQLite
    allows only outside a transaction, so this migration opens its own. It is idempotent,
    in case the process stops between the rebuild and the migration's record.
    """
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'sources'").fetchone()
    old_check = "CHECK (kind IN ('feed', 'page'))"
    if old_check not in sql:
        return
    new_sql = sql.replace(old_check, "CHECK (kind IN ('feed', 'sitemap', 'page'))").replace(
        "CREATE TABLE sources", "CREATE TABLE sources_rebuilt", 1
    )
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(new_sql)
            db.execute("INSERT INTO sources_rebuilt SELECT * FROM sources")
            db.execute("DROP TABLE sources")
            db.execute("ALTER TABLE sources_rebuilt RENAME TO sources")
            if db.execute("PRAGMA foreign_key_check").fetchall():
                raise RuntimeError("rebuilding sources broke a foreign key")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    finally:
        db.execute("PRAGMA foreign_keys = ON")


@migrations(name="0009_editors_channel_mutes_quiet_hours_digests")
def editors_channel_mutes_quiet_hours_digests(db: Database) -> None:
    """Mutes belong to a channel and end (`until`); channels may have quiet hours and a digest
    (JSON in channel_settings); `digest_items` holds, per channel, the stories waiting for
    its next digest and, once told, the outbox key of the digest that told them.

    The old global mutes had no channel and no end: they are lifted, not guessed at."""
    db.execute("""
        CREATE TABLE channel_mutes (
            story_id INTEGER NOT NULL REFERENCES stories(id),
            channel TEXT NOT NULL,
            muted_by TEXT,
            muted_at TEXT NOT NULL,
            until TEXT NOT NULL,
            PRIMARY KEY (story_id, channel)
        )""")
    db.execute("CREATE INDEX channel_mutes_channel ON channel_mutes(channel, until)")
    db.execute("DROP TABLE muted_stories")
    db.execute("ALTER TABLE channel_settings ADD COLUMN quiet TEXT")
    db.execute("ALTER TABLE channel_settings ADD COLUMN digest TEXT")
    db.execute("""
        CREATE TABLE digest_items (
            channel TEXT NOT NULL,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            held_at TEXT NOT NULL,
            digest_key TEXT,
            PRIMARY KEY (channel, story_id)
        )""")
    db.execute("CREATE INDEX digest_items_pending ON digest_items(digest_key, channel)")


@migrations(name="0010_counted_outlets_one_alert_record_headlines")
def counted_outlets_one_alert_record_headlines(db: Database) -> None:
    """Whether an article's outlet counts toward its story's outlets is decided once, when it
    is placed, and kept in `articles.counts_outlet` (queries filter on it); the outbox's alert
    entries become the one record of a story's alert (`stories.alerted_at` repeated them); a
    story's title becomes its headline (first member by publication, ties by first placed).

    Rows placed before this take the rule as it stood then: a copy did not count."""
    db.execute("ALTER TABLE articles ADD COLUMN counts_outlet INTEGER NOT NULL DEFAULT 1")
    db.execute("UPDATE articles SET counts_outlet = 0 WHERE placement = 'copy'")
    if sqlite3.sqlite_version_info >= (3, 35):  # DROP COLUMN came in SQLite 3.35 (2021)
        db.execute("ALTER TABLE stories DROP COLUMN alerted_at")
    # An older SQLite keeps the column; nothing reads or writes it any more.
    db.execute(
        "UPDATE stories SET title = (SELECT a.title FROM articles a WHERE a.story_id = stories.id"
        " ORDER BY COALESCE(a.published, a.first_seen), a.id LIMIT 1)"
        " WHERE EXISTS (SELECT 1 FROM articles a WHERE a.story_id = stories.id)"
    )
