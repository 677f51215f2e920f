"""Faults that users of feed readers and bots reported publicly, rebuilt as the bytes a server
sends (tests/data/wild) and polled by a Watcher over loopback into a real SQLite file.

Each file says where its fault was reported and what the poll must store: `Expect:` lines
(feeds), an `"_expect"` key (JSON Feed) or an `X-Test-Expect` header (whole HTTP answers,
*.http), evaluated over `articles` (stored rows), `report` (the PollReport), `server` (the
feed's origin) and `requested` (paths the server was asked for). `Page:` lines name paths
where the outlet serves an article page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from bot.live.watcher import PollReport, Watcher
from bot.pipeline.dates import parse_datetime
from bot.pipeline.feeds import parse_feed, resolve_link
from bot.pipeline.fetch import unpack_gzip
from bot.pipeline.jsonfeed import parse_json_feed
from storage import ArticleRow
from tests.conftest import LoopbackServer, Reply
from tests.newsroom import make_watcher, serve_article
from tests.rawhttp import RawServer, expectation

WILD = Path(__file__).parent / "data" / "wild"
_LINE = re.compile(rb"^(Header|Expect|Page):\s+(.+?)\s*$", re.MULTILINE)
PAGE_TEXT = (
    "The harbour bridge will be closed to lorries over 40 tonnes from Monday, the council "
    "said on Tuesday. Engineers said the repairs would take six weeks and cost 4 million "
    "euros. Hauliers said the detour would add an hour to every crossing of the river."
)


def _stated(raw: bytes) -> tuple[dict[str, str], list[str], list[str]]:
    """Headers, expectations and page paths a feed or JSON Feed file states."""
    if raw.lstrip()[:1] == b"{":
        document = json.loads(raw)
        return dict(document.get("_headers", {})), list(document["_expect"]), []
    headers, expects, pages = {}, [], []
    for kind, value in _LINE.findall(raw[:4000]):
        text = value.decode()
        if kind == b"Header":
            name, _, content = text.partition(":")
            headers[name.strip()] = content.strip()
        else:
            (expects if kind == b"Expect" else pages).append(text)
    return headers, expects, pages


def _articles(watcher: Watcher) -> list[ArticleRow]:
    ids = [r[0] for r in watcher.store.db.execute("SELECT id FROM articles ORDER BY id")]
    return [row for i in ids if (row := watcher.store.articles.get(i)) is not None]


def _check(
    expects: list[str], watcher: Watcher, report: PollReport, origin: str, asked: list[str]
) -> None:
    env = {"articles": _articles(watcher), "report": report, "server": origin, "requested": asked}
    assert expects
    for expect in expects:
        assert eval(expect, {}, env), (expect, report, env["articles"])  # our own files


FEED_FILES = sorted(p.name for p in WILD.iterdir() if p.suffix in (".xml", ".json"))
HTTP_FILES = sorted(p.name for p in WILD.glob("*.http"))


@pytest.mark.parametrize("name", FEED_FILES)
def test_wild_feed_is_stored_as_its_file_states(
    name: str, server: LoopbackServer, tmp_path: Path
) -> None:
    raw = (WILD / name).read_bytes()
    headers, expects, pages = _stated(raw)
    for path in pages:
        serve_article(server, quote(path, safe="/%")[1:].removesuffix(".html"), "Gazette",
                      "Harbour bridge closed to lorries", PAGE_TEXT)  # fmt: skip
    server.routes[f"/feeds/{name}"] = Reply(body=raw, headers=headers)
    watcher = make_watcher(tmp_path / "n.db")
    source = watcher.store.sources.add(
        "Harbour Gazette", f"{server.url}/feeds/{name}", "feed", now=datetime.now(UTC)
    )
    report = watcher.poll(source)
    _check(expects, watcher, report, server.url, server.paths_requested())


@pytest.mark.parametrize("name", HTTP_FILES)
def test_wild_http_answer_is_handled_as_its_file_states(name: str, tmp_path: Path) -> None:
    raw_server = RawServer()
    try:
        raw = raw_server.serve_file("/feed", "../wild/" + name)
        watcher = make_watcher(tmp_path / "n.db")
        source = watcher.store.sources.add(
            "Harbour Gazette", raw_server.url + "/feed", "feed", now=datetime.now(UTC)
        )
        report = watcher.poll(source)
        _check(expectation(raw)["expect"], watcher, report, raw_server.url, raw_server.requested)
    finally:
        raw_server.close()


# One test per kind, on the function that owns the decision.


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("Tue, 14 May 2024 10:05:00 GMT+2", (8, 5)),
        ("Tue, 14 May 2024 10:05:00 UTC+05:30", (4, 35)),
        ("Tue, 14 May 2024 10:05:00 GMT-4", (14, 5)),
        ("Tue, 14 May 2024 10:05:00 GMT +0200", (8, 5)),
        ("Tue, 14 May 2024 10:05:00 UT+1 (CET)", (9, 5)),
    ],
)
def test_a_zone_written_as_gmt_plus_an_offset_is_ahead_of_utc(
    written: str, utc: tuple[int, int]
) -> None:
    assert parse_datetime(written) == datetime(2024, 5, 14, *utc, tzinfo=UTC)


def test_a_link_with_spaces_is_read_as_a_browser_reads_it() -> None:
    base = "http://gazette.example/feed.xml"
    assert resolve_link("http://gazette.example/a b.html", base) == (
        "http://gazette.example/a%20b.html"
    )
    assert resolve_link("/news/a b\n.html", base) == "http://gazette.example/news/a%20b.html"
    assert resolve_link("see the link below", base) == ""
    assert resolve_link("N / A", base) == ""


def test_the_original_link_of_a_feedburner_item_is_its_link() -> None:
    entries = parse_feed((WILD / "rss_feedburner_origlink.xml").read_bytes(), "text/xml")
    assert entries[0].url == "http://127.0.0.1:9/2024/05/harbour-bridge.html"
    assert entries[0].guid == "http://gazette.example/?p=4471"


def test_utf8_with_stray_windows_1252_bytes_reads_as_both() -> None:
    entries = parse_feed((WILD / "rss_utf8_with_cp1252_bytes.xml").read_bytes(), "")
    assert entries[0].title == "Café owners \u201cdelighted\u201d by bridge plan"
    assert entries[1].title == "Müller says \u2018no\u2019 \u2013 for now"


def test_a_gzip_file_body_is_unpacked_and_other_bodies_are_not() -> None:
    import gzip

    assert unpack_gzip(gzip.compress(b"<rss/>")) == b"<rss/>"
    assert unpack_gzip(b"<rss/>") == b"<rss/>"


def test_a_json_feed_id_is_never_taken_as_a_link() -> None:
    entries = parse_json_feed((WILD / "jsonfeed_ids_not_links.json").read_bytes(), "")
    assert [(e.url, e.guid) for e in entries][0] == ("", "4471")


def test_an_empty_feed_body_says_so() -> None:
    from bot.errors import ExtractionError

    with pytest.raises(ExtractionError, match="empty body"):
        parse_feed(b"  \r\n", "application/rss+xml")
