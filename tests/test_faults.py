"""Bad sources, one of each kind, polled beside a good one: each bad one is recorded with
a clear error (or, where the input is odd but usable, read correctly), and the good source
is never affected. Loopback only; every case is bounded in time and memory."""

from __future__ import annotations

import gzip
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.live.watcher import MAX_BACKOFF, Watcher
from tests.conftest import LoopbackServer, Reply, rss, seed_text
from tests.newsroom import SEEDS, add_feed, make_watcher, publish_feed, serve_article

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://example.invalid/a</link></item></channel></rss>"""

# name -> (what the server does, fragment of the recorded error; None: the poll succeeds)
BAD: dict[str, tuple[Reply, str | None]] = {
    "html-as-rss": (
        Reply(
            body=b"<!DOCTYPE html><html><body>hi</body></html>",
            headers={"Content-Type": "text/html"},
        ),
        "HTML page",
    ),
    "broken-xml": (
        Reply(body=b"<?xml version='1.0'?><rss><channel><title>x</rss"),
        "not well-formed",
    ),
    "hung": (Reply(body=rss([]), delay=2.0), "timed out"),
    "slow-loris": (Reply(body=rss([]) * 4, drip=0.05), "took more than"),
    "endless-body": (Reply(endless=True), "cap"),
    "ten-megabytes": (Reply(body=b"<rss>" + b" " * 10_000_000 + b"</rss>"), "cap"),
    "gzip-bomb": (
        Reply(body=gzip.compress(b" " * 5_000_000), headers={"Content-Encoding": "gzip"}),
        "cap",
    ),
    "redirect-loop": (Reply(302, headers={"Location": "/redirect-loop/feed.xml"}), "redirect loop"),
    "not-found": (Reply(404, b"gone"), "HTTP 404"),
    "server-error": (Reply(500, b"oops"), "HTTP 500"),
    "rate-limited": (Reply(429, b"slow down", headers={"Retry-After": "3600"}), "HTTP 429"),
    "binary": (
        Reply(body=os.urandom(4096), headers={"Content-Type": "application/octet-stream"}),
        "not well-formed",
    ),
    "billion-laughs": (
        Reply(body=BILLION_LAUGHS, headers={"Content-Type": "application/rss+xml"}),
        None,
    ),
    "empty-feed": (Reply(body=rss([]), headers={"Content-Type": "application/rss+xml"}), None),
    "invalid-dates": (
        Reply(
            body=rss(
                [
                    {
                        "title": "Dated nonsense",
                        "link": "/nowhere.html",
                        "pubDate": "Blursday, 45 Smarch 20X4",
                        "description": "Officials said on Monday that the new timetable would start next month.",
                    }
                ]
            )
        ),
        None,
    ),
    "wrong-charset": (
        Reply(
            body='<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\xe9</title><item><title>Caf\xe9 owners protest</title><link>/nowhere-cafe.html</link><description>Caf\xe9 owners protested on Monday against new rules for their terraces.</description></item></channel></rss>'.encode(
                "latin-1"
            )
        ),
        None,
    ),
    "no-links": (
        Reply(
            body=b'<rss version="2.0"><channel><item><title>no link</title></item></channel></rss>',
            headers={"Content-Type": "application/rss+xml"},
        ),
        None,
    ),
    "dead-item-pages": (
        Reply(body=rss([{"title": "Missing page", "link": "/missing-page.html"}])),
        None,
    ),
}


def poll_all(watcher: Watcher, sources: dict[str, int]) -> dict[str, object]:
    return {name: watcher.poll(source_id) for name, source_id in sources.items()}


def test_every_kind_of_bad_source_is_reported_and_the_good_one_goes_on(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    watcher.fetcher.total_timeout = 3.0  # the slow-loris is cut off after this long
    for name, (reply, _) in BAD.items():
        server.routes[f"/{name}/feed.xml"] = reply  # served as written: relative links stay
    server.routes["/nowhere.html"] = Reply(404)
    good_url = serve_article(server, "good-article", "Good", SEEDS[0][2], seed_text("003"))
    publish_feed(server, "good", [(SEEDS[0][2], good_url)])
    sources = {name: add_feed(watcher, server, name, name) for name in BAD}
    sources["dead-port"] = watcher.store.sources.add(
        "dead-port", "http://127.0.0.1:9/feed.xml", "feed", now=datetime.now(UTC)
    )
    good = add_feed(watcher, server, "good", "Good")
    started = time.monotonic()
    reports = poll_all(watcher, sources)
    assert time.monotonic() - started < 60
    good_report = watcher.poll(good)
    assert good_report.ok and len(good_report.placed) == 1
    for name, (_, fragment) in [*BAD.items(), ("dead-port", ("", "Connection refused"))]:
        report = reports[name]
        if fragment is None:
            assert report.ok, (name, report.error)  # type: ignore[attr-defined]
            continue
        assert not report.ok and fragment in (report.error or ""), (name, report.error)  # type: ignore[attr-defined]
        stored = watcher.store.sources.get(sources[name])
        assert stored is not None and stored.last_error and stored.next_attempt_at
    # Odd but usable feeds: what can be read is read; nothing else is invented.
    assert len(reports["invalid-dates"].placed) == 1  # type: ignore[attr-defined]
    [odd] = watcher.store.stories.members(reports["invalid-dates"].placed[0].story_id)  # type: ignore[attr-defined]
    assert odd.published is None  # a date that cannot be read is not guessed
    assert reports["dead-item-pages"].entry_errors  # type: ignore[attr-defined]
    [cafe] = reports["wrong-charset"].placed  # type: ignore[attr-defined]
    assert cafe.title == "Café owners protest"
    # Relative links were read against the feed's URL: their pages were asked for.
    assert {"/nowhere.html", "/nowhere-cafe.html", "/missing-page.html"} <= set(
        server.paths_requested()
    )
    [no_link] = reports["no-links"].placed  # type: ignore[attr-defined]
    assert no_link.title == "no link"  # an item with neither link nor guid is kept


def test_duplicate_guids_and_items_dropped_then_readded_make_one_article(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    prefix, outlet, title = SEEDS[0]
    url = serve_article(server, "story", outlet, title, seed_text(prefix))
    other = serve_article(
        server,
        "other",
        outlet,
        "Rail fares to rise",
        "Rail fares will rise by 4.6 per cent in March, the government said on Wednesday, as unions criticised the increase.",
    )
    publish_feed(server, "ft", [(title, url), (title, url)])  # the same item twice
    source = add_feed(watcher, server, "ft", outlet)
    first = watcher.poll(source)
    assert len(first.placed) == 1
    publish_feed(server, "ft", [("Rail fares to rise", other)])  # the story's item dropped ...
    assert len(watcher.poll(source).placed) == 1
    publish_feed(server, "ft", [(title, url), ("Rail fares to rise", other)])  # ... and back
    again = watcher.poll(source)
    assert again.placed == [] and again.revisions == 0
    assert watcher.store.activity.counts()["articles"] == 2


@pytest.mark.parametrize("entries", [2000])
def test_a_feed_with_thousands_of_items_is_read_in_bounded_bites(
    server: LoopbackServer, tmp_path: Path, entries: int
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    server.routes["/huge/feed.xml"] = Reply(
        body=rss(
            [
                {
                    "title": f"Item {i}",
                    "link": f"{server.url}/i{i}.html",
                    "description": f"Item number {i} of a long feed, with some words.",
                }
                for i in range(entries)
            ]
        )
    )
    watcher.fetcher.max_bytes = 5_000_000
    source = add_feed(watcher, server, "huge", "Huge")
    report = watcher.poll(source)
    assert report.ok and len(report.placed) + len(report.entry_errors) <= 200


def publish_three(watcher: Watcher, server: LoopbackServer) -> dict[str, int]:
    from tests.newsroom import publish_seed, watch_outlets

    sources = watch_outlets(watcher, server, [o for _, o, _ in SEEDS])
    for prefix, _, _ in SEEDS[:2]:
        publish_seed(watcher, server, sources, prefix)
    return sources


@pytest.mark.parametrize("fault", ["disk full", "database busy", "failing mid-transaction"])
def test_a_refused_write_loses_nothing_and_the_article_is_taken_once_it_clears(
    server: LoopbackServer, tmp_path: Path, fault: str
) -> None:
    import sqlite3

    from tests.newsroom import publish_seed

    watcher = make_watcher(tmp_path / "n.db")
    watcher.store.close()
    watcher.store = watcher.store.__class__(tmp_path / "n.db", busy_timeout_ms=200)
    sources = publish_three(watcher, server)
    prefix, outlet, _ = SEEDS[2]
    blocker = sqlite3.connect(tmp_path / "n.db", isolation_level=None)
    if fault == "disk full":
        pages = watcher.store.db.execute("PRAGMA page_count").fetchone()[0]
        watcher.store.db.execute(f"PRAGMA max_page_count = {pages}")
    elif fault == "database busy":
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    else:  # the article is stored and placed in memory, then recording its story fails
        watcher.store.db.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE OF story_id ON articles "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END"
        )
    report = publish_seed(watcher, server, sources, prefix)
    assert not report.ok and "refused a write" in (report.error or "")
    assert watcher.store.activity.counts()["articles"] == 2
    if fault == "disk full":
        watcher.store.db.execute("PRAGMA max_page_count = 1073741823")
    elif fault == "database busy":
        blocker.execute("ROLLBACK")
    else:
        watcher.store.db.execute("DROP TRIGGER refuse")
    blocker.close()
    later = datetime.now(UTC) + MAX_BACKOFF  # past the failed poll's backoff
    watcher.clock = lambda: later
    again = watcher.poll(sources[outlet])
    assert again.ok and len(again.placed) == 1 and again.placed[0].placement == "joined"
    story = again.placed[0].story_id
    assert [m.outlet for m in watcher.store.stories.members(story)] == [o for _, o, _ in SEEDS[:3]]
    # Memory agrees with the database: the article is in its story once.
    assert watcher.assembler.clusterer.story(story).whole.size == 3  # type: ignore[union-attr]
    assert [r["event"] for r in watcher.store.outbox.all()].count("alert") == 1
