"""JSON Feed, news sitemaps and feed autodiscovery, read from the files in tests/data/kinds/
(each states on a line what it must produce)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import ExtractionError
from bot.pipeline.discovery import Identity, identify, robots_sitemaps
from bot.pipeline.feeds import feed_title, parse_feed
from bot.pipeline.jsonfeed import looks_like_json, read_json_feed
from bot.pipeline.sitemaps import parse_sitemap

DATA = Path(__file__).resolve().parent.parent / "data" / "kinds"
BASE = "http://127.0.0.1:8000/kinds/feed.json"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_json_feed_1_1_resolves_relative_links_and_never_guesses_a_zone() -> None:
    feed = read_json_feed(data("jsonfeed-1.1.json"), BASE)
    assert feed.title == "The Example Gazette"
    first, second, third = feed.entries
    assert first.url == "http://127.0.0.1:8000/kinds/articles/ft.html"
    assert first.guid == "https://gazette.example/2024/12/19/troops"
    assert first.title == "UK considers sending troops to Ukraine to train military"
    assert first.published == datetime(2024, 12, 19, 9, 30, tzinfo=UTC)
    assert first.author == "Jane Doe, John Roe"
    assert second.url == "http://127.0.0.1:8000/kinds/articles/telegraph.html"
    assert second.published == datetime(2024, 12, 19, 10, 15, tzinfo=UTC)
    assert third.title == "" and third.published is None
    assert third.summary == "Defence officials said the deployment would be small."


def test_json_feed_1_0_takes_numeric_ids_and_link_posts() -> None:
    content = data("jsonfeed-1.0.json")
    entries = parse_feed(content, "application/json", base_url=BASE)
    assert feed_title(content, "application/json") == "Mayadeen Wire"
    assert [e.guid for e in entries] == ["2041", "link-7"]
    assert entries[0].published == datetime(2024, 12, 19, 13, 0, tzinfo=UTC)
    assert entries[0].author == "Staff"
    assert entries[0].summary == "The UK is weighing a deployment of troops to Ukraine."
    assert entries[1].url == "http://127.0.0.1:8000/kinds/articles/profits.html"


def test_json_that_is_not_a_json_feed_is_refused_with_a_reason() -> None:
    with pytest.raises(ExtractionError, match="not a JSON Feed"):
        parse_feed(data("not-a-json-feed.json"), "application/json", base_url=BASE)


def test_a_news_sitemap_gives_headlines_and_zoned_times_newest_first() -> None:
    sitemap = parse_sitemap(data("news-sitemap.xml"), "http://127.0.0.1:8000/kinds/news.xml")
    assert sitemap.publication == "The Example Gazette" and not sitemap.is_index
    assert [e.url.rsplit("/", 1)[1] for e in sitemap.entries] == [
        "telegraph.html",
        "ft.html",
        "profits.html",
    ]
    telegraph, ft, profits = sitemap.entries
    assert telegraph.published == datetime(2024, 12, 19, 10, 15, tzinfo=UTC)
    assert ft.title == "UK considers sending troops to Ukraine to train military & advisers"
    assert ft.guid == ft.url == "http://127.0.0.1:8000/kinds/articles/ft.html"
    assert profits.published is None  # a bare date: its hour and zone are unknown


def test_a_gzipped_sitemap_reads_as_the_plain_one() -> None:
    plain = parse_sitemap(data("news-sitemap.xml"), BASE)
    assert parse_sitemap(gzip.compress(data("news-sitemap.xml")), BASE) == plain


def test_a_sitemap_index_lists_its_sitemaps_most_recently_modified_first() -> None:
    index = parse_sitemap(data("sitemap-index.xml"), "http://127.0.0.1:8000/kinds/index.xml")
    assert index.is_index and not index.entries
    assert [c.rsplit("/", 1)[1] for c in index.children] == [
        "news-sitemap.xml",
        "sitemap-2024-11.xml",
        "sitemap-2024-10.xml",
        "sitemap-2019-01.xml",
        "sitemap-undated.xml",
    ]


def test_a_page_that_is_neither_sitemap_nor_feed_is_refused_as_a_sitemap() -> None:
    with pytest.raises(ExtractionError, match="not a sitemap"):
        parse_sitemap(data("homepage.html"), BASE)


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        ("jsonfeed-1.1.json", "http://h.example/feed.json", "feed"),
        ("jsonfeed-1.0.json", "http://h.example/feed.json", "feed"),
        ("news-sitemap.xml", "http://h.example/news.xml", "sitemap"),
        ("sitemap-index.xml", "http://h.example/sitemap.xml", "sitemap"),
        ("homepage.html", "http://h.example/", "homepage"),
        ("homepage.html", "http://h.example/world/", "homepage"),
        ("article-with-feed-link.html", "http://h.example/2024/12/19/troops", "page"),
    ],
)
def test_identify_tells_each_kind_of_source_by_its_bytes(name: str, url: str, kind: str) -> None:
    assert identify(data(name), "text/html", url).kind == kind


def test_a_homepage_offers_its_feed_resolved_and_not_its_comments_feed() -> None:
    found = identify(data("homepage.html"), "text/html", "https://gazette.example/")
    assert found.feeds == ("https://gazette.example/feed.xml",)


def test_robots_txt_names_news_sitemaps_first() -> None:
    listed = robots_sitemaps(data("robots.txt").decode(), "https://gazette.example/")
    assert listed == [
        "https://gazette.example/kinds/news-sitemap.xml",
        "https://gazette.example/kinds/sitemap-2024-10.xml",
    ]


def test_a_site_root_is_a_homepage_even_when_it_links_to_no_feed() -> None:
    found = identify(data("homepage-without-feed.html"), "text/html", "https://gazette.example/")
    assert found == Identity("homepage", ())


def test_binary_that_happens_to_open_with_a_brace_is_not_taken_for_json() -> None:
    # A random body opened with "{" once in a fault test and was read as a broken JSON Feed.
    binary = b"{\xb1\x07\x9c" + bytes(range(128, 256))
    assert not looks_like_json(binary)
    with pytest.raises(ExtractionError, match="not well-formed"):
        parse_feed(binary, "application/octet-stream")
