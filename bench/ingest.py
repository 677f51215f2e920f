"""Ingest throughput: articles per second through fetch, extract, facts, cluster and store.

Real article texts (the AllSides roundups, or the bundled seed articles when ../shared is
absent) are served as HTML pages on loopback, listed in RSS feeds of 100 items each, and
polled once by a Watcher writing to a real SQLite file. Target: at least 50 articles/s.

    python bench/ingest.py [--articles 600] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cycle import Watcher  # noqa: E402
from bot.demo.pages import article_page  # noqa: E402
from bot.pipeline.fetch import Fetcher, default_client  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage import Store  # noqa: E402
from tests.conftest import LoopbackServer, Reply, rss  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "allsides_roundups.jsonl"
PER_FEED = 100


def texts(count: int) -> list[dict[str, str]]:
    if DATA.exists():
        rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    else:
        rows = [
            {"outlet": "Seed", "title": p.stem, "text": p.read_text()}
            for p in sorted((ROOT / "bot" / "demo" / "site").glob("*.txt"))
        ]
    return [rows[i % len(rows)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--threads", type=int, default=4, help="sources polled at once")
    args = parser.parse_args()
    server = LoopbackServer()
    now = datetime.now(UTC)
    items = []
    for i, row in enumerate(texts(args.articles)):
        url = f"{server.url}/a/{i}.html"
        when = now - timedelta(minutes=args.articles - i)
        page = article_page(
            outlet=row["outlet"],
            title=row.get("title") or "Untitled",
            text=row["text"],
            url=url,
            published=when,
        )
        server.routes[f"/a/{i}.html"] = Reply(
            body=page.encode(), headers={"Content-Type": "text/html"}
        )
        items.append(
            {"title": row.get("title") or "Untitled", "link": url, "pubDate": format_datetime(when)}
        )
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(
            db_path=str(Path(work) / "n.db"), allow_private_sources=True, poll_seconds=300
        )
        store = Store(settings.db_path)
        watcher = Watcher(
            store, Fetcher(default_client(), allow_private=True, host_delay=0.0), settings
        )
        feeds = []
        for n in range(0, len(items), PER_FEED):
            server.routes[f"/feed{n}.xml"] = Reply(
                body=rss(items[n : n + PER_FEED]), headers={"Content-Type": "application/rss+xml"}
            )
            source = store.add_source(f"Outlet {n}", f"{server.url}/feed{n}.xml", "feed")
            store.db.execute("UPDATE sources SET backfilled = 1 WHERE id = ?", [source])
            feeds.append(source)
        watcher.assembler.embed([("warm up", "the model")])  # loaded once at start in `run`
        started = time.monotonic()
        if args.threads == 1:  # in this thread, so a profiler sees the work
            placed = sum(len(watcher.poll(source).placed) for source in feeds)
        else:
            with ThreadPoolExecutor(args.threads) as pool:  # as `newsdesk run` polls sources
                placed = sum(len(report.placed) for report in pool.map(watcher.poll, feeds))
        seconds = time.monotonic() - started
        print(
            f"ingested {placed} articles in {seconds:.1f} s: {placed / seconds:.1f} articles/s "
            f"(fetch + extract + facts + cluster + store, {args.threads} polling threads)"
        )
    server.close()


if __name__ == "__main__":
    main()
