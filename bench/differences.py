"""Time to compute one story's differences as the number of outlets grows.

    python bench/differences.py [FILE.jsonl ...]
    (default: ../shared/data/newswcl50.jsonl, then allsides_roundups.jsonl up to 200 articles)

Full-text articles from the file stand in for outlets of one story (worst case: long texts,
many sentences, little shared). Facts are read once per article before timing, as the live
bot stores them with each revision; the spaCy reading of figures (`quantities.py`, cached
per text) is timed apart, then the full report (`compare`, all items) is timed on one core.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from bot.offline.analyze import read_articles
from bot.pipeline.compare import OutletText, compare

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = [DATA / "newswcl50.jsonl", DATA / "allsides_roundups.jsonl"]
SIZES = (2, 5, 10, 20, 40, 100, 200)


def main(paths: list[Path]) -> int:
    articles = [a for path in paths for a in read_articles(path, []) if a.text][: max(SIZES)]
    texts = [OutletText(f"outlet {i}", a.id, a.text) for i, a in enumerate(articles)]
    started = time.perf_counter()
    words = sum(len(t.text.split()) for t in texts)
    for text in texts:
        text.quantities  # noqa: B018 - read once, as a story's first comparison would
    parse = time.perf_counter() - started
    print(
        f"spaCy figures for {len(texts)} articles ({words} words): {parse:.2f} s, once per revision"
    )
    for count in SIZES:
        if count > len(texts):
            break
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
    sys.exit(main([Path(p) for p in sys.argv[1:]] or DEFAULT))
