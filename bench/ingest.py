"""Ingest throughput: articles per second through fetch, extract, facts, cluster and store;
and the memory of the process doing it with a large history stored.

Real article texts (the AllSides roundups, or the bundled seed articles when ../shared is
absent) are served as HTML pages on loopback by a child process, listed in RSS feeds of 100
items each, and polled once by a Watcher writing to a real SQLite file, as `newsdesk run`
polls: several sources at once. Each round starts from a new database; the median round is
the result (this machine's speed varies from run to run). Target: at least 50 articles/s.

With `--stored N` the database first holds N articles (made-up texts shaped like real ones,
2,000 a day, in stories of three: see `history_texts`), and the Watcher loads the last 72 hours of them as `newsdesk run` does at start.
The resident memory printed at the end is then the bot's at N stored articles (target: at
most 300 MB at 100,000).

    python bench/ingest.py [--articles 600] [--threads 4] [--rounds 3] [--stored 100000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo.pages import article_page  # noqa: E402
from bot.live.watcher import Watcher  # noqa: E402
from bot.pipeline.fetch import Fetcher, default_client  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage import Store  # noqa: E402
from tests.conftest import LoopbackServer, Reply, rss  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "allsides_roundups.jsonl"
PER_FEED = 100
STORED_PER_DAY = 2000


def texts(count: int) -> list[dict[str, str]]:
    if DATA.exists():
        rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    else:
        rows = [
            {"outlet": "Seed", "title": p.stem, "text": p.read_text()}
            for p in sorted((ROOT / "bot" / "demo" / "site").glob("*.txt"))
        ]
    return [rows[i % len(rows)] for i in range(count)]


def serve_in_child(server: LoopbackServer) -> int:
    """Serve the server's routes from a child process, so its work is not counted as ours."""
    server.httpd.shutdown()  # the parent's serving thread stops; the socket stays open
    pid = os.fork()
    if pid == 0:
        server.httpd.serve_forever()
        os._exit(0)
    server.httpd.server_close()
    return pid


def serve(articles: list[dict[str, str]], now: datetime) -> tuple[str, list[str], int]:
    """Pages and feeds on loopback, served by a child process: (base URL, feed paths, pid)."""
    server = LoopbackServer()
    items = []
    for i, row in enumerate(articles):
        url = f"{server.url}/a/{i}.html"
        when = now - timedelta(minutes=len(articles) - i)
        title = row.get("title") or "Untitled"
        page = article_page(
            outlet=row["outlet"], title=title, text=row["text"], url=url, published=when
        )
        server.routes[f"/a/{i}.html"] = Reply(
            body=page.encode(), headers={"Content-Type": "text/html"}
        )
        items.append({"title": title, "link": url, "pubDate": format_datetime(when)})
    feeds = []
    for n in range(0, len(items), PER_FEED):
        feeds.append(f"/feed{n}.xml")
        server.routes[feeds[-1]] = Reply(
            body=rss(items[n : n + PER_FEED]), headers={"Content-Type": "application/rss+xml"}
        )
    return server.url, feeds, serve_in_child(server)


def history_texts(count: int) -> list[tuple[str, str]]:
    """(title, text) of `count` stored articles in stories of three, from a made-up vocabulary
    (so none is a copy of an article a round ingests) shaped like real news: 450 words, a
    Zipf-distributed common vocabulary and 35% from the story's own 40 words. That gives
    about 220 distinct terms an article and 500 a story of three, as NewsWCL50's full
    texts do (213 and 509)."""
    rng = random.Random(7)
    letters = "abcdefghijklmnoprstuvwy"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(4, 10))) for _ in range(30_000)]
    zipf = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    out = []
    for i in range(count):
        if i % 3 == 0:
            topic = rng.sample(vocabulary, 40)
        words = [
            rng.choice(topic) if rng.random() < 0.35 else word
            for word in rng.choices(vocabulary, cum_weights=zipf, k=450)
        ]
        out.append((" ".join(rng.sample(topic, 8)).capitalize(), " ".join(words) + "."))
    return out


def store_history(store: Store, count: int, now: datetime) -> None:
    """`count` articles already placed, in stories of three, the newest an hour old."""
    history = store.sources.add("History", "https://history.example/feed", "feed", now=now)
    with store.transaction():
        for i, (title, text) in enumerate(history_texts(count)):
            seen = (
                now - timedelta(hours=1) - timedelta(days=(count - i) / STORED_PER_DAY)
            ).isoformat()
            story = i // 3 + 1
            if i % 3 == 0:
                store.db.conn.execute(
                    "INSERT INTO stories (id, title, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                    [story, title, seen, seen],
                )
            else:
                store.db.conn.execute(
                    "UPDATE stories SET last_seen = ? WHERE id = ?", [seen, story]
                )
            url = f"https://history.example/{i}"
            cursor = store.db.conn.execute(
                "INSERT INTO articles (source_id, outlet, url, canonical_url, title, published,"
                " first_seen, seen_at, text, fingerprint, story_id, placement)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    history,
                    f"Outlet {i % 3}",
                    url,
                    url,
                    title,
                    seen,
                    seen,
                    seen,
                    text,
                    str(i),
                    story,
                    "new" if i % 3 == 0 else "joined",
                ],
            )
            store.db.conn.execute(
                "INSERT INTO article_revisions (article_id, revision, fetched_at, title, text, fingerprint)"
                " VALUES (?, 1, ?, ?, ?, ?)",
                [cursor.lastrowid, seen, title, text, str(i)],
            )


def one_round(base: str, feeds: list[str], threads: int, stored: int, now: datetime) -> float:
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(
            db_path=str(Path(work) / "n.db"), allow_private_sources=True, poll_seconds=300
        )
        store = Store(settings.db_path)
        if stored:
            started = time.monotonic()
            # In a child process: the memory measured must be the bot's, not the builder's.
            pid = os.fork()
            if pid == 0:
                builder = Store(settings.db_path)
                store_history(builder, stored, now)
                builder.close()
                os._exit(0)
            os.waitpid(pid, 0)
            print(f"  stored {stored} articles in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        watcher = Watcher(
            store, Fetcher(default_client(), allow_private=True, host_delay=0.0), settings
        )
        if stored:
            print(f"  loaded the 72-hour window in {time.monotonic() - started:.0f} s")
        sources = []
        for path in feeds:
            source = store.sources.add(f"Outlet {path}", f"{base}{path}", "feed", now=now)
            store.db.execute("UPDATE sources SET backfilled = 1 WHERE id = ?", [source])
            sources.append(source)
        watcher.assembler.embed([("warm up", "the model")])  # loaded once at start in `run`
        started = time.monotonic()
        if threads == 1:  # in this thread, so a profiler sees the work
            placed = sum(len(watcher.poll(source).placed) for source in sources)
        else:
            with ThreadPoolExecutor(threads) as pool:  # as `newsdesk run` polls sources
                placed = sum(len(report.placed) for report in pool.map(watcher.poll, sources))
        seconds = time.monotonic() - started
        store.close()
    print(f"  {placed} articles in {seconds:.1f} s: {placed / seconds:.1f} articles/s")
    return placed / seconds


def resident_mb() -> tuple[float, float]:
    """(now, peak) resident memory of this process, in MB."""
    with open("/proc/self/status") as status:
        now = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return now / 1024, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--threads", type=int, default=4, help="sources polled at once")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stored", type=int, default=0, help="articles stored beforehand")
    args = parser.parse_args()
    now = datetime.now(UTC)
    base, feeds, child = serve(texts(args.articles), now)
    try:
        rates = [one_round(base, feeds, args.threads, args.stored, now) for _ in range(args.rounds)]
    finally:
        os.kill(child, signal.SIGTERM)
        os.waitpid(child, 0)
    current, peak = resident_mb()
    print(
        f"ingest: median {statistics.median(rates):.1f} articles/s over {len(rates)} rounds "
        f"(fetch + extract + facts + cluster + store, {args.threads} polling threads, "
        f"{args.stored} stored before); resident memory {current:.0f} MB, peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
