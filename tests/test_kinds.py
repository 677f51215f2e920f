"""Sitemap and JSON Feed sources polled by a real Watcher over loopback, and the sources
table accepting the new kind on a database made before it existed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.pipeline.identity import article_key
from bot.sources_file import load_sources_file
from storage import Store
from storage.migrations import migrations
from tests.conftest import LoopbackServer, Reply
from tests.newsroom import SEEDS, make_watcher, serve_article
from tests.pipeline.test_kinds import data

ARTICLES = {"ft": "003", "telegraph": "002", "mayadeen": "001", "profits": "004"}


def serve_articles(server: LoopbackServer, *names: str) -> None:
    """The seed articles at /kinds/articles/<name>.html, where the data files link."""
    from tests.conftest import seed_text

    for name in names:
        prefix = ARTICLES[name]
        _, outlet, title = next(s for s in SEEDS if s[0] == prefix)
        serve_article(server, f"kinds/articles/{name}", outlet, title, seed_text(prefix))


def serve_file(server: LoopbackServer, path: str, name: str, content_type: str) -> str:
    server.routes[path] = Reply(body=data(name), headers={"Content-Type": content_type})
    return server.url + path


def test_a_sitemap_index_source_is_polled_and_its_news_articles_placed(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_file(server, "/kinds/sitemap-index.xml", "sitemap-index.xml", "application/xml")
    serve_file(server, "/kinds/news-sitemap.xml", "news-sitemap.xml", "application/xml")
    serve_articles(server, "ft", "telegraph", "profits")
    source = watcher.store.sources.add(
        "The Example Gazette", url, "sitemap", origin="file", now=datetime.now(UTC)
    )

    report = watcher.poll(source)

    assert report.ok, report.error
    assert sorted(p.title for p in report.placed) == [
        "British troops could be sent to Ukraine to train soldiers",
        "UK considers sending troops to Ukraine to train military & advisers",
        "UK considers sending troops to train Ukrainian armed forces",
    ]
    requested = server.paths_requested()
    # Three sitemaps at most, the most recently modified first; the oldest never fetched.
    assert "/kinds/sitemap-2024-10.xml" in requested
    assert "/kinds/sitemap-2019-01.xml" not in requested
    assert "/kinds/sitemap-undated.xml" not in requested
    article = watcher.store.articles.for_key(
        source, article_key(f"{server.url}/kinds/articles/ft.html", "", "", "")
    )
    assert article is not None and "troops" in article.text and len(article.text) > 1000
    assert article.published == "2024-12-19T09:30:00+00:00"
    assert watcher.poll(source).placed == []  # the same sitemap again adds nothing


def test_a_json_feed_source_is_polled_and_a_gone_page_falls_back_to_the_feed_text(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_file(server, "/kinds/feed.json", "jsonfeed-1.1.json", "application/feed+json")
    serve_articles(server, "ft", "telegraph")  # gone.html answers 404
    source = watcher.store.sources.add(
        "The Example Gazette", url, "feed", origin="file", now=datetime.now(UTC)
    )

    report = watcher.poll(source)

    assert report.ok, report.error
    assert len(report.placed) == 3
    gone = watcher.store.articles.for_key(
        source, article_key(f"{server.url}/kinds/articles/gone.html", "", "", "")
    )
    assert gone is not None
    assert gone.text == "Defence officials said the deployment would be small."
    assert gone.published is None  # its time had no zone
    telegraph = watcher.store.articles.for_key(
        source, article_key(f"{server.url}/kinds/articles/telegraph.html", "", "", "")
    )
    assert telegraph is not None and telegraph.published == "2024-12-19T10:15:00+00:00"


def test_json_that_is_not_a_json_feed_fails_the_source_with_a_reason(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_file(server, "/status.json", "not-a-json-feed.json", "application/json")
    source = watcher.store.sources.add("Status", url, "feed", origin="file", now=datetime.now(UTC))
    report = watcher.poll(source)
    assert not report.ok and "not a JSON Feed" in (report.error or "")
    stored = watcher.store.sources.get(source)
    assert stored is not None and "not a JSON Feed" in (stored.last_error or "")


def test_the_sources_file_takes_kind_sitemap_and_names_every_kind_when_wrong(
    tmp_path: Path,
) -> None:
    good = tmp_path / "sources.toml"
    good.write_text(
        '[[source]]\noutlet = "Gazette"\nurl = "https://gazette.example/news.xml"\n'
        'kind = "sitemap"\n',
        encoding="utf-8",
    )
    assert load_sources_file(good)[0]["kind"] == "sitemap"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[source]]\noutlet = "Gazette"\nurl = "https://gazette.example/"\nkind = "homepage"\n',
        encoding="utf-8",
    )
    with pytest.raises(Exception, match='"feed", "sitemap" or "page"'):
        load_sources_file(bad)


def test_a_database_made_before_sitemaps_keeps_its_sources_and_takes_sitemap_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = Database(conn)
    old.execute("PRAGMA foreign_keys = ON")
    migrations.apply(old, stop_before="0008_sitemap_sources")
    old.execute(
        "INSERT INTO sources (id, outlet, url, kind, created_at, items_seen) "
        "VALUES (7, 'Gazette', 'https://gazette.example/rss', 'feed', '2024-12-19', 12)"
    )
    old.execute("INSERT INTO fetch_log (source_id, at, ok) VALUES (7, '2024-12-19', 1)")
    with pytest.raises(sqlite3.IntegrityError):
        old.execute(
            "INSERT INTO sources (outlet, url, kind, created_at) VALUES ('x', 'u', 'sitemap', 'n')"
        )
    conn.close()

    store = Store(path)
    kept = store.sources.get(7)
    assert kept is not None and kept.outlet == "Gazette" and kept.items_seen == 12
    new = store.sources.add(
        "Wire", "https://wire.example/news-sitemap.xml", "sitemap", now=datetime.now(UTC)
    )
    assert store.sources.get(new).kind == "sitemap"  # type: ignore[union-attr]
    assert store.db.execute("SELECT count(*) FROM fetch_log WHERE source_id = 7").fetchone() == (1,)
    with pytest.raises(sqlite3.IntegrityError):  # foreign keys are enforced again
        store.db.execute("INSERT INTO fetch_log (source_id, at, ok) VALUES (999, 'n', 1)")
    store.close()
