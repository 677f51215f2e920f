"""Feeds as servers send them, fetched over loopback and read as a poll reads them: each
file in tests/data/feeds says what it must produce."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.pipeline.feeds import html_to_text, parse_feed
from bot.pipeline.models import FeedEntry
from tests.conftest import LoopbackServer, Reply
from tests.feed_files import FEEDS, feed_bytes, feed_expectations, serve_feed_file
from tests.newsroom import make_watcher

FILES = sorted(p.name for p in FEEDS.glob("*.xml") if feed_expectations(p.name))


def fetch_and_parse(server: LoopbackServer, url: str, tmp_path) -> list[FeedEntry]:  # type: ignore[no-untyped-def]
    fetcher = make_watcher(tmp_path / "n.db").fetcher
    result = fetcher.fetch(url)
    return parse_feed(result.content, result.content_type, base_url=result.final_url)


@pytest.mark.parametrize("name", FILES)
def test_feed_file_yields_what_it_states(name: str, server: LoopbackServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    entries = fetch_and_parse(server, serve_feed_file(server, name), tmp_path)
    env = {"entries": entries, "server": server.url, "datetime": datetime, "UTC": UTC}
    for expectation in feed_expectations(name):
        assert eval(expectation, {}, env), (expectation, entries)  # our own test files


def test_every_feed_file_states_what_it_must_produce() -> None:
    names = sorted(p.name for p in FEEDS.iterdir())
    assert names and [n for n in names if not feed_expectations(n)] == []


def test_links_resolve_against_the_url_the_feed_was_redirected_to(
    server: LoopbackServer, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    serve_feed_file(server, "rss_relative_links.xml", "/v2/rss/feed.xml")
    server.routes["/rss"] = Reply(301, headers={"Location": "/v2/rss/feed.xml"})
    entries = fetch_and_parse(server, server.url + "/rss", tmp_path)
    assert entries[1].url == server.url + "/v2/rss/2024/05/tunnel-reopens.html"


def test_relative_links_without_the_feed_url_are_not_taken_as_links() -> None:
    entries = parse_feed(feed_bytes("rss_relative_links.xml"), "application/rss+xml")
    assert [e.url for e in entries] == ["", "", ""]
    assert entries[0].guid == "/news/2024/05/harbour-bridge.html"


def test_an_unreadable_zone_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.pipeline.feeds"):
        parse_feed(feed_bytes("rss_unreadable_zone.xml"), "application/rss+xml")
    assert "IST" in caplog.text and "QQT" in caplog.text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\n\nTwo."),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("Line one<br>Line two<br/>Line three", "Line one\nLine two\nLine three"),
        ("<h2>Head</h2>Body <b>bold</b>\n  text", "Head\n\nBody bold text"),
        ("<div>x</div><div>y</div>", "x\ny"),
        ("Price: &euro;4 million<script>var a=1;</script>", "Price: €4 million"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
    ],
)
def test_html_blocks_become_breaks(html: str, text: str) -> None:
    assert html_to_text(html) == text
