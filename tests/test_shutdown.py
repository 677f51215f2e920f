"""A clean stop: SIGTERM while polls read slow pages and the outbox drain prints to a slow
reader ends with a clean log, exit status 0 and nothing half-written; a poll cut short by
the stop is read whole at the next start."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.pipeline.alerts import source_failing_event
from storage import Store
from tests.conftest import ROOT, LoopbackServer, Reply, rss, seed_text
from tests.newsroom import NOW, SEEDS, make_watcher, serve_article

F_SETPIPE_SZ = 1031  # Linux fcntl: the pipe's buffer size
OUTLETS = ["Financial Times", "The Telegraph", "UK Profits"]
ITEMS_PER_FEED = 4
BACKLOG = 400  # outbox entries waiting to be printed when newsdesk starts


def slow_feeds(server: LoopbackServer) -> list[str]:
    """Three outlets' feeds, each listing pages that take about a second to arrive."""
    feeds = []
    for n, outlet in enumerate(OUTLETS):
        slug = outlet.lower().replace(" ", "-")
        items = []
        for i in range(ITEMS_PER_FEED):
            prefix, _, title = SEEDS[(n + i) % len(SEEDS)]
            url = serve_article(
                server, f"{slug}/{i}", outlet, f"{title} ({outlet} {i})", seed_text(prefix)
            )
            page = server.routes[f"/{slug}/{i}.html"]
            assert isinstance(page, Reply)
            page.delay, page.drip = 0.3, 0.0001  # headers late, then the body byte by byte
            items.append({"title": f"{title} ({outlet} {i})", "link": url, "pubDate": NOW})
        server.routes[f"/{slug}/feed.xml"] = Reply(
            body=rss(items, title=outlet), headers={"Content-Type": "application/rss+xml"}
        )
        feeds.append(f"{server.url}/{slug}/feed.xml")
    return feeds


def queue_backlog(db: Path) -> None:
    store = Store(db)
    with store.transaction():
        for i in range(BACKLOG):
            source = {
                "id": i,
                "outlet": f"Outlet {i}",
                "url": f"https://news{i}.example/rss",
                "error": f"HTTP 503 from https://news{i}.example/rss",
            }
            entry = source_failing_event(source, "console", datetime.now(UTC).isoformat())
            store.outbox.enqueue(
                entry.key, None, entry.channel, entry.event, entry.payload, now=datetime.now(UTC)
            )
    store.close()


class SlowReader:
    """Reads the bot's stdout a little at a time, as a slow terminal or log shipper does, so
    the drain's prints block on a full pipe."""

    def __init__(self, pipe: int) -> None:
        self.pipe = pipe
        self.data = bytearray()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while chunk := os.read(self.pipe, 512):
            self.data.extend(chunk)
            time.sleep(0.05)

    def lines(self, marker: str) -> int:
        return bytes(self.data).decode("utf-8", "replace").count(marker)


def count_articles(db: Path, where: str = "1") -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM articles WHERE {where}").fetchone()[0])


def wait_for(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# A `newsdesk run` subprocess stopped mid-poll, and a restart after a poll cut short.
pytestmark = pytest.mark.slow


def test_sigterm_during_polls_and_drain_stops_cleanly_and_leaves_nothing_half_written(
    server: LoopbackServer, tmp_path: Path
) -> None:
    feeds = slow_feeds(server)
    (tmp_path / "sources.toml").write_text(
        "".join(
            f'[[source]]\noutlet = "{outlet}"\nurl = "{url}"\nkind = "feed"\ninterval = 2\n\n'
            for outlet, url in zip(OUTLETS, feeds, strict=True)
        )
    )
    db = tmp_path / "n.db"
    queue_backlog(db)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLACK_")},
        "NEWSDESK_DB": str(db),
        "NEWSDESK_SOURCES": str(tmp_path / "sources.toml"),
        "NEWSDESK_ALLOW_PRIVATE_SOURCES": "true",
    }
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
    log = tmp_path / "bot.log"
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "run", "--env-file", os.devnull],
        cwd=ROOT,
        env=env,
        stdout=write_end,
        stderr=open(log, "wb"),
    )
    os.close(write_end)
    out = SlowReader(read_end)
    try:
        pages = lambda: sum(p.endswith(".html") for p in server.paths_requested())  # noqa: E731
        wait_for(lambda: pages() >= 2 and out.lines("!!! source") >= 5, 12, "polls and drain")
        assert bot.poll() is None, log.read_text()
        bot.send_signal(signal.SIGTERM)
        status = bot.wait(12)
    finally:
        bot.kill()
    out.thread.join(5)

    text = log.read_text()
    assert status == 0, text
    assert "Traceback" not in text and "closed database" not in text, text
    assert " ERROR " not in text, text

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    articles = conn.execute("SELECT id, story_id FROM articles").fetchall()
    # The stop came in the middle of the polls: not every item was read.
    assert len(articles) < len(OUTLETS) * ITEMS_PER_FEED
    # Each stored article is whole: its first revision and its place in a story.
    for article_id, story_id in articles:
        assert story_id is not None
        assert conn.execute(
            "SELECT COUNT(*) FROM article_revisions WHERE article_id = ?", [article_id]
        ).fetchone() == (1,)
    # Every message printed is marked sent, and none is marked sent without being printed;
    # the rest waits for the next start.
    sent = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL").fetchone()[0]
    assert sent == out.lines("!!! source") < BACKLOG
    # A feed whose poll was cut short is not marked read: the next start reads it whole.
    unfinished = conn.execute("SELECT COUNT(*) FROM sources WHERE backfilled = 0").fetchone()[0]
    assert unfinished >= 1


def test_a_poll_cut_short_by_the_stop_is_read_whole_at_the_next_start(
    server: LoopbackServer, tmp_path: Path
) -> None:
    [feed] = slow_feeds(server)[:1]
    watcher = make_watcher(tmp_path / "n.db")
    source_id = watcher.store.sources.add(
        OUTLETS[0], feed, "feed", origin="file", now=datetime.now(UTC)
    )
    stopper = threading.Timer(1.0, watcher.fetcher.stop)
    stopper.start()
    report = watcher.poll(source_id)
    stopper.join()
    assert report.skipped == "newsdesk stopped during the poll" and report.error is None
    assert count_articles(tmp_path / "n.db") < ITEMS_PER_FEED
    source = watcher.store.sources.get(source_id)
    assert source is not None and not source.backfilled and source.failures == 0
    watcher.store.close()

    for path, route in server.routes.items():
        if path.endswith(".html") and isinstance(route, Reply):
            route.delay = route.drip = 0.0  # quick this time: the test need not wait
    restarted = make_watcher(tmp_path / "n.db")
    report = restarted.poll(source_id)
    assert report.ok and report.skipped is None
    assert count_articles(tmp_path / "n.db") == ITEMS_PER_FEED
    # Still the backfill: items present at the first (interrupted) poll never alert.
    assert count_articles(tmp_path / "n.db", "backfill = 0") == 0
    assert restarted.store.outbox.all() == []
