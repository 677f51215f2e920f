"""Time to compute one story's differences as the number of outlets grows.

    python bench/differences.py [FILE.jsonl]   (default: ../shared/data/newswcl50.jsonl)

Full-text articles from the file stand in for outlets of one story (worst case: long texts,
many sentences); facts are read once per article before timing, as the live bot stores them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.analysis import read_articles
from bot.pipeline.compare import OutletText, compare

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "newswcl50.jsonl"


def main(path: Path) -> int:
    articles = [a for a in read_articles(path, []) if a.text][:40]
    texts = [OutletText(f"outlet {i}", a.id, a.text) for i, a in enumerate(articles)]
    for count in (2, 5, 10, 20, len(texts)):
        chosen = texts[:count]
        sentences = sum(len(t.facts.sentences) for t in chosen)
        started = time.perf_counter()
        found = compare(chosen, limit=None)
        seconds = time.perf_counter() - started
        print(
            f"{count:>3} outlets, {sentences:>5} sentences: {seconds:6.2f} s, {len(found)} differences"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
