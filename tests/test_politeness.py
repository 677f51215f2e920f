"""Being a good citizen of the web: a source asking us to wait (429/503 with Retry-After) is
not polled before then, and a source that moved for good (301/308 on consecutive polls)
is read at its new address from then on."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.live.watcher import MAX_BACKOFF, Watcher
from bot.slack import blocks
from tests.clock import FakeClock
from tests.conftest import LoopbackServer, Reply, rss
from tests.newsroom import make_watcher
from tests.rawhttp import RawServer

START = datetime(2024, 12, 19, 10, 0, tzinfo=UTC)


@pytest.fixture
def raw_server() -> RawServer:
    srv = RawServer()
    yield srv  # type: ignore[misc]
    srv.close()


def watcher_at(tmp_path: Path, clock: FakeClock) -> Watcher:
    watcher = make_watcher(tmp_path / "n.db", poll_seconds=300)
    watcher.clock = clock
    return watcher


def next_attempt(watcher: Watcher, source_id: int) -> timedelta:
    source = watcher.store.sources.get(source_id)
    assert source is not None and source.next_attempt_at is not None
    return datetime.fromisoformat(source.next_attempt_at) - watcher.clock()


@pytest.mark.parametrize(
    "name", ["rate-limited-429-delta-seconds.http", "maintenance-503-http-date.http"]
)
def test_a_source_asking_to_wait_is_not_polled_again_before_retry_after(
    raw_server: RawServer, tmp_path: Path, name: str
) -> None:
    raw_server.serve_file("/feed.xml", name)
    clock = FakeClock(START)
    watcher = watcher_at(tmp_path, clock)
    source_id = watcher.store.sources.add(
        "Outlet", raw_server.url + "/feed.xml", "feed", now=datetime.now(UTC)
    )
    report = watcher.poll(source_id)
    assert not report.ok and "wait 2 h before trying again" in (report.error or "")
    assert next_attempt(watcher, source_id) == timedelta(seconds=7200)  # not the 300 s back-off
    asked = raw_server.requested.count("/feed.xml")
    for minutes in (5, 10, 60, 119):
        clock.now = START + timedelta(minutes=minutes)
        assert watcher.poll(source_id).skipped == "backing off after errors"
    assert raw_server.requested.count("/feed.xml") == asked
    clock.now = START + timedelta(seconds=7201)
    watcher.poll(source_id)
    assert raw_server.requested.count("/feed.xml") == asked + 1


def test_a_retry_after_longer_than_the_longest_back_off_is_capped(
    raw_server: RawServer, tmp_path: Path
) -> None:
    raw_server.serve_file("/feed.xml", "rate-limited-429-one-day.http")
    watcher = watcher_at(tmp_path, FakeClock(START))
    source_id = watcher.store.sources.add("Outlet", raw_server.url + "/feed.xml", "feed", now=START)
    watcher.poll(source_id)
    assert next_attempt(watcher, source_id) == MAX_BACKOFF


def test_a_short_retry_after_never_shortens_the_back_off(
    raw_server: RawServer, tmp_path: Path
) -> None:
    raw_server.serve_file("/feed.xml", "s3-slow-down-503.http")  # Retry-After: 120
    clock = FakeClock(START)
    watcher = watcher_at(tmp_path, clock)
    source_id = watcher.store.sources.add(
        "Outlet", raw_server.url + "/feed.xml", "feed", now=datetime.now(UTC)
    )
    waits = []
    for _ in range(3):
        watcher.poll(source_id)
        waits.append(next_attempt(watcher, source_id).total_seconds())
        clock.now += timedelta(seconds=waits[-1] + 1)
    assert waits == [300, 600, 1200]


def serve_feed(server: LoopbackServer, path: str) -> None:
    item = {"title": "Council approves cycle lanes", "link": f"{server.url}/a.html"}
    server.routes[path] = Reply(body=rss([item]), headers={"Content-Type": "application/rss+xml"})
    server.routes["/a.html"] = Reply(404)


def moved_feed(server: LoopbackServer, status: int, target: str = "/new/feed.xml") -> None:
    server.routes["/old/feed.xml"] = Reply(status, headers={"Location": target})
    serve_feed(server, target)


@pytest.mark.parametrize("status", [301, 308])
def test_a_feed_moved_for_good_is_read_at_its_new_address_after_two_polls(
    server: LoopbackServer, tmp_path: Path, status: int
) -> None:
    moved_feed(server, status)
    watcher = make_watcher(tmp_path / "n.db")
    old, new = server.url + "/old/feed.xml", server.url + "/new/feed.xml"
    source_id = watcher.store.sources.add(
        "Outlet", old, "feed", origin="file", now=datetime.now(UTC)
    )
    assert watcher.poll(source_id).ok
    assert watcher.store.sources.get(source_id).url == old  # type: ignore[union-attr]
    assert watcher.poll(source_id).ok
    source = watcher.store.sources.get(source_id)
    assert source is not None and source.url == new and source.original_url == old
    listed = json.dumps(blocks.sources_list([vars(s) for s in watcher.store.sources.all()]).blocks)
    assert f"<{new}|" in listed and f"<{old}|" not in listed
    server.requests.clear()
    assert watcher.poll(source_id).ok
    assert "/old/feed.xml" not in server.paths_requested()
    assert "/new/feed.xml" in server.paths_requested()


@pytest.mark.parametrize("status", [302, 303, 307])
def test_a_feed_redirected_for_now_keeps_its_address(
    server: LoopbackServer, tmp_path: Path, status: int
) -> None:
    moved_feed(server, status)
    watcher = make_watcher(tmp_path / "n.db")
    old = server.url + "/old/feed.xml"
    source_id = watcher.store.sources.add("Outlet", old, "feed", now=datetime.now(UTC))
    for _ in range(3):
        assert watcher.poll(source_id).ok
    assert watcher.store.sources.get(source_id).url == old  # type: ignore[union-attr]


def test_a_move_must_be_seen_on_consecutive_polls_to_the_same_address(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    old = server.url + "/old/feed.xml"
    source_id = watcher.store.sources.add("Outlet", old, "feed", now=datetime.now(UTC))
    moved_feed(server, 301, "/a/feed.xml")
    watcher.poll(source_id)
    moved_feed(server, 301, "/b/feed.xml")  # a different target: counting starts again
    watcher.poll(source_id)
    serve_feed(server, "/old/feed.xml")  # a poll with no move in between
    watcher.poll(source_id)
    moved_feed(server, 301, "/b/feed.xml")
    watcher.poll(source_id)
    assert watcher.store.sources.get(source_id).url == old  # type: ignore[union-attr]
    watcher.poll(source_id)
    assert watcher.store.sources.get(source_id).url == server.url + "/b/feed.xml"  # type: ignore[union-attr]


def test_a_move_onto_another_sources_address_keeps_the_old_one(
    server: LoopbackServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    moved_feed(server, 301)
    watcher = make_watcher(tmp_path / "n.db")
    old, new = server.url + "/old/feed.xml", server.url + "/new/feed.xml"
    source_id = watcher.store.sources.add("Outlet", old, "feed", now=datetime.now(UTC))
    other = watcher.store.sources.add(
        "Same outlet, added again", new, "feed", now=datetime.now(UTC)
    )
    watcher.store.sources.remove(other)  # even a removed source keeps its address
    with caplog.at_level(logging.WARNING, logger="bot.live.watcher"):
        for _ in range(3):
            assert watcher.poll(source_id).ok
    assert watcher.store.sources.get(source_id).url == old  # type: ignore[union-attr]
    assert "already another source; keeping the old address" in caplog.text


def test_a_moved_source_survives_a_restart_with_the_sources_file_naming_either_address(
    server: LoopbackServer, tmp_path: Path
) -> None:
    moved_feed(server, 301)
    watcher = make_watcher(tmp_path / "n.db")
    old, new = server.url + "/old/feed.xml", server.url + "/new/feed.xml"
    watcher.store.sources.sync_file(
        [{"outlet": "Outlet", "url": old, "kind": "feed"}], now=datetime.now(UTC)
    )
    [source] = watcher.store.sources.active()
    watcher.poll(source.id)
    watcher.poll(source.id)
    for listed in (old, new):
        watcher.store.sources.sync_file(
            [{"outlet": "Outlet", "url": listed, "kind": "feed"}], now=datetime.now(UTC)
        )
        assert [(s.id, s.url) for s in watcher.store.sources.active()] == [(source.id, new)]
    # The old address added again from Slack is the same source too.
    assert watcher.store.sources.add("Outlet", old, "feed", now=datetime.now(UTC)) == source.id
