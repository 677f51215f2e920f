"""Extraction on real text: seed pages with their furniture, feeds good and bad."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.demo.pages import article_page
from bot.errors import ExtractionError
from bot.pipeline.feeds import parse_feed
from bot.pipeline.furniture import clean_text
from bot.pipeline.pages import extract_page
from bot.pipeline.urls import canonical_url
from tests.conftest import rss, seed_text

# Words that only occur in page furniture of the seeds: tickers, "Most Read", "Latest Stories".
FURNITURE = [
    "Yemeni Armed Forces",
    "F-35",
    "Netanyahu",
    "Draconian",
    "Hairstyle",
    "Liz Cheney",
    "Jelly Roll",
    "ADVERTISEMENT",
    "Rousseau",
    "ROUSSEAU",
    "Istanbul",
    "Dbeibah",
    "Privacy Policy",
    "Min Read",
    "min read",
    "Gaza prevails",
]


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_plain_text_furniture_is_removed(prefix: str) -> None:
    text = clean_text(seed_text(prefix))
    assert [word for word in FURNITURE if word in text] == []
    assert "£2.26 billion" in text  # the article's last paragraph survives
    assert "Healey" in text


def test_same_article_cleaned_matches_the_bare_article() -> None:
    page, bare = clean_text(seed_text("000")), clean_text(seed_text("001"))
    bare_paragraphs = bare.split("\n\n")
    assert all(p in page for p in bare_paragraphs), "every paragraph of the article is kept"


def test_captions_keep_their_words_but_lose_the_credit() -> None:
    text = clean_text(seed_text("002"))
    assert "Ukrainian Defence Minister Rustem Umerov" in text
    assert "Stefan Rousseau" not in text and "Getty" not in text


def test_promotional_footer_is_removed() -> None:
    assert "For more latest news" not in clean_text(seed_text("004"))


def test_clean_text_keeps_a_short_teaser() -> None:
    assert clean_text("Fed official says weak data caused by weather") == (
        "Fed official says weak data caused by weather"
    )


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_article_page_extraction_has_no_furniture(prefix: str) -> None:
    html = article_page(
        outlet="Outlet",
        title="Headline",
        text=seed_text(prefix),
        url="http://news.example/a.html",
        published=datetime(2024, 12, 19, tzinfo=UTC),
        author="A Writer",
    )
    page = extract_page(html.encode(), "http://news.example/a.html")
    assert page.title == "Headline"
    assert page.site_name == "Outlet"
    assert page.canonical_url == "http://news.example/a.html"
    assert [word for word in FURNITURE + ["Council approves budget"] if word in page.text] == []
    assert "Healey" in page.text


def test_non_utf8_page_is_decoded() -> None:
    html = (
        "<html><head><meta charset='windows-1252'><title>Caf\xe9 owners protest</title></head>"
        "<body><article><h1>Caf\xe9 owners protest</h1>"
        + "<p>Owners of the caf\xe9s in the old town said on Monday that the new rules would "
        "force them to close early, and that nobody had asked them first.</p>"
        * 3
        + "</article></body></html>"
    ).encode("windows-1252")
    page = extract_page(html, "http://news.example/cafe")
    assert "caf\xe9s" in page.text


def test_page_without_text_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        extract_page(b"<html><body><nav><a href='/'>Home</a></nav></body></html>")


def test_rss_entries_are_parsed() -> None:
    entries = parse_feed(
        rss(
            [
                {
                    "title": "A &amp; B",
                    "link": "http://x.example/1",
                    "description": "&lt;p&gt;Lead &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;",
                }
            ]
        )
    )
    assert entries[0].title == "A & B"
    assert entries[0].summary == "Lead text"
    assert entries[0].published == datetime(2024, 12, 19, 10, tzinfo=UTC)


def test_atom_entries_are_parsed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>T</title><id>urn:t</id><updated>2024-12-19T10:00:00Z</updated>
    <entry><title type="html">&lt;em&gt;Big&lt;/em&gt; news</title><id>urn:1</id>
    <link href="http://x.example/big"/><updated>2024-12-19T11:30:00Z</updated>
    <summary>Summary here</summary></entry></feed>"""
    [entry] = parse_feed(atom)
    assert entry.title == "Big news"
    assert entry.url == "http://x.example/big"
    assert entry.published == datetime(2024, 12, 19, 11, 30, tzinfo=UTC)


def test_html_served_as_a_feed_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="HTML page"):
        parse_feed(b"<!DOCTYPE html><html><body><p>Hello</p></body></html>", "text/html")


def test_malformed_xml_without_entries_is_an_error() -> None:
    with pytest.raises(ExtractionError):
        parse_feed(
            b"<?xml version='1.0'?><rss><channel><title>broken</title><item></rss",
            "application/rss+xml",
        )


def test_malformed_xml_with_entries_still_yields_them() -> None:
    broken = rss([{"title": "Kept", "link": "http://x.example/k"}]).replace(
        b"</channel></rss>", b""
    )
    assert [e.title for e in parse_feed(broken)] == ["Kept"]


def test_canonical_url_strips_tracking_and_fragments() -> None:
    assert canonical_url("HTTPS://News.Example:443/a/b?utm_source=x&id=3&fbclid=y#top") == (
        "https://news.example/a/b?id=3"
    )
    assert (
        canonical_url("http://news.example:8080/a?b=2&a=1") == "http://news.example:8080/a?a=1&b=2"
    )
