"""Feeds as the web serves them, polled by a Watcher into a real SQLite file: one outlet's
article is never another's, no item is skipped, times are right or left out, and the text
is kept as written. The feeds are files of tests/data/feeds, served byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.live.watcher import Watcher
from bot.pipeline.identity import article_key
from storage import ArticleRow
from tests.conftest import LoopbackServer, Reply
from tests.feed_files import serve_feed_file
from tests.newsroom import make_watcher, serve_article

BRIDGE_TEXT = (
    "The harbour bridge will be closed to lorries over 40 tonnes from Monday. "
    "Engineers said the repairs would take six weeks and cost 4 million euros. "
    "Hauliers said the detour would add an hour to every crossing of the river."
)
HAULIERS_TEXT = (
    "Hauliers said on Tuesday that a ban on lorries crossing the harbour bridge would cost "
    "them dearly. The road haulage association said members would lose 2 million euros. "
    "The council said the ban was needed while engineers repaired the bridge deck."
)


@pytest.fixture
def other_server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


def test_relative_links_of_two_outlets_are_two_articles_on_their_own_hosts(
    server: LoopbackServer, other_server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    path = "news/2024/05/harbour-bridge"
    serve_article(server, path, "Harbour Gazette", "Harbour bridge closed", BRIDGE_TEXT)
    serve_article(other_server, path, "Coast Courier", "Lorry ban angers hauliers", HAULIERS_TEXT)
    a = watcher.store.sources.add(
        "Harbour Gazette",
        serve_feed_file(server, "outlet_a_relative.xml"),
        "feed",
        now=datetime.now(UTC),
    )
    b = watcher.store.sources.add(
        "Coast Courier",
        serve_feed_file(other_server, "outlet_b_relative.xml"),
        "feed",
        now=datetime.now(UTC),
    )
    assert len(watcher.poll(a).placed) == 1
    report = watcher.poll(b)
    assert len(report.placed) == 1 and report.revisions == 0
    urls = sorted(m.url for m in _articles(watcher))
    assert urls == sorted(f"{s.url}/{path}.html" for s in (server, other_server))
    # Each outlet's page was read from its own host.
    assert f"/{path}.html" in server.paths_requested()
    assert f"/{path}.html" in other_server.paths_requested()
    titles = {m.outlet: m.title for m in _articles(watcher)}
    assert titles == {
        "Harbour Gazette": "Harbour bridge closed to lorries",
        "Coast Courier": "Lorry ban on harbour bridge angers hauliers",
    }


def _two_outlets(
    watcher: Watcher, server: LoopbackServer, feed_a: str, feed_b: str
) -> tuple[int, int]:
    """Harbour Gazette's feed file at /a/rss and Coast Courier's at /b/rss, as sources."""
    a, b = (
        watcher.store.sources.add(
            outlet, serve_feed_file(server, feed, path), "feed", now=datetime.now(UTC)
        )
        for outlet, feed, path in (
            ("Harbour Gazette", feed_a, "/a/rss"),
            ("Coast Courier", feed_b, "/b/rss"),
        )
    )
    return a, b


def test_an_item_of_another_outlet_with_the_same_link_never_revises_the_first(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    serve_article(server, "news/2024/05/harbour-bridge", "Wire", "Bridge closed", BRIDGE_TEXT)
    a, b = _two_outlets(watcher, server, "outlet_a_relative.xml", "outlet_b_relative.xml")
    first = watcher.poll(a).placed[0]
    second = watcher.poll(b)
    assert second.revisions == 0 and len(second.placed) == 1
    kept = watcher.store.articles.get(first.article_id)
    assert kept is not None and kept.revision == 1
    assert kept.outlet == "Harbour Gazette" and kept.title == "Harbour bridge closed to lorries"
    assert watcher.store.activity.counts()["articles"] == 2


def test_two_outlets_with_placeholder_links_keep_four_articles(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    a, b = _two_outlets(watcher, server, "placeholders_a.xml", "placeholders_b.xml")
    for source in (a, b, a, b):  # polled twice: the second time nothing is new or changed
        report = watcher.poll(source)
        assert report.ok and report.revisions == 0
    rows = _articles(watcher)
    assert sorted((r.outlet, r.title) for r in rows) == [
        ("Coast Courier", "Ferry strike called off after late pay offer"),
        ("Coast Courier", "Fishing quota talks stall in Brussels"),
        ("Harbour Gazette", "Harbour bridge closed to lorries"),
        ("Harbour Gazette", "Tunnel reopens after six weeks of repairs"),
    ]
    assert all(r.url == "" and r.text for r in rows)  # no page to fetch: the feed's text
    assert not any("N/A" in p for p in server.paths_requested())


def test_the_store_finds_an_article_only_within_its_own_source(tmp_path: Path) -> None:
    store = make_watcher(tmp_path / "n.db").store
    a = store.sources.add("A", "http://a.example/rss", "feed", now=datetime.now(UTC))
    b = store.sources.add("B", "http://b.example/rss", "feed", now=datetime.now(UTC))
    key = article_key("http://wire.example/story.html")
    row = {
        "outlet": "A",
        "url": "http://wire.example/story.html",
        "canonical_url": key,
        "title": "Story",
        "seen_at": datetime.now(UTC).isoformat(),
        "text": "Text.",
        "fingerprint": "f",
    }
    with store.transaction():
        first = store.articles.insert({**row, "source_id": a}, now=datetime.now(UTC))
    assert store.articles.for_key(b, key) is None
    with store.transaction():  # the same key in another source is another article
        second = store.articles.insert(
            {**row, "source_id": b, "outlet": "B"}, now=datetime.now(UTC)
        )
    assert first != second
    assert store.articles.for_key(a, key).id == first  # type: ignore[union-attr]
    assert store.articles.for_key(b, key).id == second  # type: ignore[union-attr]


def test_an_item_without_a_link_is_known_by_its_guid_or_its_words() -> None:
    assert article_key("", "urn:uuid:4471") == "guid:urn:uuid:4471"
    words = article_key("", "", "Bridge closed", "Lorries banned.")
    assert words.startswith("words:")
    assert words == article_key("", "", " Bridge  closed", "Lorries\nbanned.")
    assert words != article_key("", "", "Tunnel reopens", "Lorries banned.")
    assert article_key("HTTP://News.Example/a.html?utm_source=x", "g") == (
        "http://news.example/a.html"
    )


def test_items_past_the_cap_of_a_long_oldest_first_feed_are_read_by_later_polls(
    server: LoopbackServer, tmp_path: Path
) -> None:
    from bot.live.watcher import MAX_ENTRIES_PER_POLL

    watcher = make_watcher(tmp_path / "n.db")
    url = serve_feed_file(server, "long_oldest_first_250.xml", "/long/rss")
    source = watcher.store.sources.add("Long Archive", url, "feed", now=datetime.now(UTC))
    first = watcher.poll(source)
    assert len(first.placed) == MAX_ENTRIES_PER_POLL == 200
    second = watcher.poll(source)
    assert len(second.placed) == 50
    serve_feed_file(server, "long_oldest_first_251.xml", "/long/rss")  # item 251 published
    third = watcher.poll(source)
    assert [p.title for p in third.placed] == ["Item 251: tunnel news, part 251"]
    assert watcher.store.activity.counts()["articles"] == 251


def test_times_in_zone_abbreviations_are_stored_in_utc_and_unreadable_ones_left_out(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    source = watcher.store.sources.add(
        "Rhein Kurier", serve_feed_file(server, "outlet_zones.xml"), "feed", now=datetime.now(UTC)
    )
    before = datetime.now(UTC)
    report = watcher.poll(source)
    assert report.ok and len(report.placed) == 2
    bridge, tunnel = sorted(_articles(watcher), key=lambda r: r.title)
    assert bridge.published == "2024-05-14T08:05:00+00:00"
    assert bridge.seen_at == "2024-05-14T08:05:00+00:00"
    assert tunnel.published is None  # IST: India, Ireland or Israel; not guessed
    seen = datetime.fromisoformat(tunnel.seen_at)
    assert before - timedelta(seconds=1) <= seen <= datetime.now(UTC)


def test_paragraphs_of_a_feed_only_text_stay_apart(server: LoopbackServer, tmp_path: Path) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    server.routes["/harbour-bridge.html"] = Reply(404, b"not found")
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>G</title>'
        b"<item><title>Harbour bridge closed</title><link>/harbour-bridge.html</link>"
        b"<description><![CDATA[<p>The bridge will be closed to lorries.</p><p>Engineers "
        b"said the repairs would cost 4 million euros, and take six weeks.</p>]]>"
        b"</description></item></channel></rss>"
    )
    server.routes["/g/rss"] = Reply(body=body, headers={"Content-Type": "application/rss+xml"})
    source = watcher.store.sources.add("G", server.url + "/g/rss", "feed", now=datetime.now(UTC))
    assert len(watcher.poll(source).placed) == 1
    [row] = _articles(watcher)
    assert "lorries.Engineers" not in row.text and "4 million euros" in row.text


def _articles(watcher: Watcher) -> list[ArticleRow]:
    ids = [r[0] for r in watcher.store.db.execute("SELECT id FROM articles ORDER BY id")]
    return [row for i in ids if (row := watcher.store.articles.get(i)) is not None]


def test_a_time_in_the_future_is_left_out_not_stored(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    source = watcher.store.sources.add(
        "Harbour Times",
        serve_feed_file(server, "rss_future_date.xml"),
        "feed",
        now=datetime.now(UTC),
    )
    before = datetime.now(UTC)
    assert watcher.poll(source).ok
    bridge, ferry = sorted(_articles(watcher), key=lambda r: r.title)
    assert bridge.published is None
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(bridge.seen_at)
    assert ferry.published == "2024-05-14T08:05:00+00:00"
