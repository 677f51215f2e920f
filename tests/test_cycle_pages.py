"""Pages that are not articles, end to end: served on loopback, polled by a Watcher into a real
SQLite file. A feed entry falls back to the feed's text; a page source records the cause."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.conftest import LoopbackServer, Reply, rss
from tests.newsroom import NOW, add_feed, make_watcher

PAGES = Path(__file__).resolve().parent / "data" / "pages"
SUMMARY = "Engineers will replace the corroded bearings of the harbour swing bridge from Monday."


def serve_page(server: LoopbackServer, name: str) -> str:
    server.routes[f"/{name}"] = Reply(
        body=(PAGES / name).read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}
    )
    return f"{server.url}/{name}"


def test_a_consent_page_behind_a_feed_entry_gives_the_feeds_text(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_page(server, "consent_over_aside.html")
    server.routes["/f/feed.xml"] = Reply(
        body=rss(
            [
                {
                    "title": "Harbour bridge to close",
                    "link": url,
                    "pubDate": NOW,
                    "description": SUMMARY,
                }
            ]
        )
    )
    report = watcher.poll(add_feed(watcher, server, "f", "Coastal Echo"))
    assert report.ok and len(report.placed) == 1
    article = watcher.store.articles.get(report.placed[0].article_id)
    assert article is not None and article.text == SUMMARY
    assert "partners" not in article.text


def test_a_challenge_page_behind_an_entry_without_summary_is_skipped_with_its_cause(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_page(server, "challenge_just_a_moment.html")
    server.routes["/f/feed.xml"] = Reply(
        body=rss([{"title": "Ministers meet", "link": url, "pubDate": NOW}])
    )
    report = watcher.poll(add_feed(watcher, server, "f", "Paper"))
    assert report.placed == []
    assert report.entry_errors == [f"{url}: blocked by a bot challenge"]


def test_a_page_source_showing_a_consent_dialog_records_the_cause(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_page(server, "consent_over_aside.html")
    source = watcher.store.sources.add(
        "Coastal Echo", url, "page", origin="file", now=datetime.now(UTC)
    )
    report = watcher.poll(source)
    assert not report.ok
    row = watcher.store.sources.get(source)
    assert row is not None
    assert row.last_error == "the page shows a cookie-consent dialog, not the article"


def test_a_page_source_answering_a_bot_challenge_with_200_records_the_cause(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_page(server, "challenge_just_a_moment.html")
    source = watcher.store.sources.add("Paper", url, "page", origin="file", now=datetime.now(UTC))
    assert watcher.poll(source).error == "blocked by a bot challenge"
    row = watcher.store.sources.get(source)
    assert row is not None and row.last_error == "blocked by a bot challenge"


def test_a_page_source_with_a_consent_dialog_over_its_article_stores_the_article(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    url = serve_page(server, "consent_over_article.html")
    report = watcher.poll(
        watcher.store.sources.add("Coastal Echo", url, "page", origin="file", now=datetime.now(UTC))
    )
    assert report.ok and len(report.placed) == 1
    article = watcher.store.articles.get(report.placed[0].article_id)
    assert article is not None
    assert "corroded bearings" in article.text and "partners" not in article.text
