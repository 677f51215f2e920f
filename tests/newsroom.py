"""A loopback newsroom: outlets' feeds and article pages served on 127.0.0.1, and a Watcher
reading them into a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx

from bot.demo.pages import article_page
from bot.live.watcher import PollReport, Watcher
from bot.pipeline.fetch import USER_AGENT, Fetcher
from bot.settings import Settings
from storage import Store
from tests.conftest import LoopbackServer, Reply, rss, seed_text

NOW = format_datetime(datetime.now(UTC))
SEEDS = [
    ("003", "Financial Times", "UK considers sending troops to Ukraine to train military"),
    ("002", "The Telegraph", "British troops could be sent to Ukraine to train soldiers"),
    ("001", "Al Mayadeen English", "UK mulls sending troops to Ukraine under guise of 'training'"),
    ("004", "UK Profits", "UK considers sending troops to train Ukrainian armed forces"),
]


def make_watcher(db: Path, **settings: object) -> Watcher:
    options = {"db_path": str(db), "allow_private_sources": True, "min_outlets": 3, **settings}
    config = Settings(**options)  # type: ignore[arg-type]
    client = httpx.Client(
        timeout=httpx.Timeout(1.0, connect=1.0), headers={"User-Agent": USER_AGENT}
    )
    fetcher = Fetcher(client, allow_private=True, host_delay=0.0, max_bytes=200_000)
    return Watcher(Store(db), fetcher, config)


def serve_article(server: LoopbackServer, slug: str, outlet: str, title: str, text: str) -> str:
    url = f"{server.url}/{slug}.html"
    html = article_page(outlet=outlet, title=title, text=text, url=url, published=datetime.now(UTC))
    server.routes[f"/{slug}.html"] = Reply(
        body=html.encode(), headers={"Content-Type": "text/html"}
    )
    return url


def publish_feed(
    server: LoopbackServer, slug: str, items: list[tuple[str, str]], description: str = ""
) -> None:
    """The outlet's feed lists `items` (title, url); a new `description` marks them updated."""
    server.routes[f"/{slug}/feed.xml"] = Reply(
        body=rss(
            [{"title": t, "link": u, "pubDate": NOW, "description": description} for t, u in items]
        ),
        headers={"Content-Type": "application/rss+xml"},
    )


def add_feed(watcher: Watcher, server: LoopbackServer, slug: str, outlet: str) -> int:
    return watcher.store.sources.add(
        outlet, f"{server.url}/{slug}/feed.xml", "feed", origin="file", now=datetime.now(UTC)
    )


def slug_of(outlet: str) -> str:
    return outlet.lower().replace(" ", "-")


def watch_outlets(watcher: Watcher, server: LoopbackServer, outlets: list[str]) -> dict[str, int]:
    """Empty feeds for `outlets`, each polled once (so later items are news, not backfill)."""
    sources = {}
    for outlet in outlets:
        publish_feed(server, slug_of(outlet), [])
        sources[outlet] = add_feed(watcher, server, slug_of(outlet), outlet)
        watcher.poll(sources[outlet])
    return sources


def publish_seed(
    watcher: Watcher, server: LoopbackServer, sources: dict[str, int], prefix: str
) -> PollReport:
    """One seed article appears in its outlet's feed, and that feed is polled."""
    _, outlet, title = next(s for s in SEEDS if s[0] == prefix)
    slug = slug_of(outlet)
    url = serve_article(server, f"{slug}-story", outlet, title, seed_text(prefix))
    publish_feed(server, slug, [(title, url)])
    return watcher.poll(sources[outlet])
