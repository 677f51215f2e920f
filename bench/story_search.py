"""`/story` latency over a large database: p50 and p95 of answering a query.

A synthetic database (1,000,000 articles by default, in about 300,000 stories of 1 to 6
articles from a vocabulary of 30,000 words; built once and kept in /tmp) is searched the
way `/story` does it (`Desk.story`: full-text candidates, fuzzy ranking, the best story's
differences), for queries of one to three words taken from stories, some misspelt. Target:
p95 at most 50 ms at 1M articles.

    python bench/story_search.py [--articles 1000000] [--queries 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.settings import Settings  # noqa: E402
from bot.slack.desk import Desk  # noqa: E402
from storage import Store  # noqa: E402

OUTLETS = [f"Outlet {i}" for i in range(40)]


def vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)]


def build(path: Path, articles: int, rng: random.Random) -> None:
    words = vocabulary(rng)
    store = Store(path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    story_rows, article_rows = [], []
    article_id = story_id = 0
    while article_id < articles:
        story_id += 1
        topic = rng.sample(words, 12)
        when = start + timedelta(minutes=story_id)
        title = " ".join(topic[:8]).capitalize()
        members = []
        for _ in range(rng.randint(1, 6)):
            article_id += 1
            text = " ".join(
                rng.choice(topic) if rng.random() < 0.4 else rng.choice(words) for _ in range(60)
            )
            head = " ".join(rng.sample(topic, 7))
            outlet = rng.choice(OUTLETS)
            members.append(f"{head} {text[:400]}")
            article_rows.append(
                (
                    article_id,
                    outlet,
                    f"https://x.example/{article_id}",
                    f"https://x.example/{article_id}",
                    head,
                    when.isoformat(),
                    when.isoformat(),
                    when.isoformat(),
                    text,
                    str(article_id),
                    story_id,
                    "new" if len(members) == 1 else "joined",
                )
            )
        story_rows.append(
            (story_id, title, when.isoformat(), when.isoformat(), " | ".join(members)[:8000])
        )
        if len(article_rows) >= 50_000:
            flush(store, story_rows, article_rows)
    flush(store, story_rows, article_rows)
    store.db.execute("ANALYZE")
    store.close()


def flush(store: Store, stories: list[tuple], articles: list[tuple]) -> None:
    with store.transaction():
        store.db.conn.executemany(
            "INSERT INTO stories (id, title, first_seen, last_seen, search_text) VALUES (?, ?, ?, ?, ?)",
            stories,
        )
        store.db.conn.executemany(
            "INSERT INTO articles (id, outlet, url, canonical_url, title, published, first_seen, seen_at,"
            " text, fingerprint, story_id, placement) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            articles,
        )
    stories.clear()
    articles.clear()


def queries(store: Store, rng: random.Random, count: int) -> list[str]:
    top = store.db.execute("SELECT MAX(id) FROM stories").fetchone()[0]
    found = []
    while len(found) < count:
        row = store.db.execute(
            "SELECT title FROM stories WHERE id = ?", [rng.randint(1, top)]
        ).fetchone()
        words = row[0].lower().split()
        query = rng.sample(words, rng.randint(1, 3))
        if rng.random() < 0.15:  # a misspelt word
            word = query[0]
            query[0] = word[:2] + word[3] + word[2] + word[4:] if len(word) > 4 else word
        found.append(" ".join(query))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(7)
    path = Path(f"/tmp/newsdesk-bench-story-{args.articles}.db")
    if not path.exists():
        started = time.monotonic()
        build(path, args.articles, rng)
        print(f"built {path} in {time.monotonic() - started:.0f} s")
    store = Store(path)
    desk = Desk(store, Settings(), fetcher=None)  # type: ignore[arg-type]
    asked = queries(store, rng, args.queries)
    desk.story(asked[0])  # warm the page cache
    times = []
    for query in asked:
        started = time.perf_counter()
        desk.story(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[int(0.95 * len(times)) - 1]
    print(
        f"/story over {store.activity.counts()['articles']:,} articles: p50 {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms ({len(times)} queries)"
    )


if __name__ == "__main__":
    main()
