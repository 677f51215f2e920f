"""newsdesk's grouping next to two published baselines, on the same files in one run.

    python bench/peers.py [FILE.jsonl ...]     (default: every labelled file in ../shared/data)

Peers, written here from their published descriptions:
- naive: single-pass TF-IDF centroid clustering (title + text, IDF learned as articles
  arrive, cosine to each story's centroid). Its threshold is swept on each file and the best
  score is reported, i.e. it is tuned on the test itself, which flatters it.
- newsblur: NewsBlur's story-clustering title rules: titles normalised, stopwords dropped; two
  stories pair when each title has at least 5 significant words, they share at least 3, and
  the overlap coefficient |A∩B|/min(|A|,|B|) is at least 0.6, within a 120-hour lookback;
  pairs join into clusters, and a cluster needs 2 distinct outlets (otherwise its articles
  stand alone).

Prints B-cubed precision, recall, F1 and articles per second for each.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from bot.offline.analyze import InputArticle, analyze, read_articles
from bot.offline.eval_clusters import BCubed, bcubed, gold_labels
from bot.pipeline.text import STOPWORDS, content_terms

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
Grouper = Callable[[list[InputArticle]], dict[str, str]]


def newsdesk(articles: list[InputArticle]) -> dict[str, str]:
    result = analyze(articles)
    return {a.id: story.id for story in result.stories for a in story.articles}


def naive_centroid(articles: list[InputArticle], threshold: float) -> dict[str, str]:
    df: Counter[str] = Counter()
    docs = 0
    centroids: list[dict[str, float]] = []
    norms: list[float] = []
    labels: dict[str, str] = {}
    for article in articles:
        counts = Counter(content_terms(f"{article.title} {article.text}"))
        docs += 1
        df.update(counts.keys())
        vector = {
            t: (1 + math.log(c)) * math.log((docs + 1) / (df[t] + 1) + 1) for t, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vector = {t: v / norm for t, v in vector.items()}
        best, best_score = -1, 0.0
        for index, centroid in enumerate(centroids):
            if norms[index]:
                score = sum(v * centroid.get(t, 0.0) for t, v in vector.items()) / norms[index]
                if score > best_score:
                    best, best_score = index, score
        if best < 0 or best_score < threshold:
            centroids.append(defaultdict(float))
            norms.append(0.0)
            best = len(centroids) - 1
        for t, v in vector.items():
            centroids[best][t] += v
        norms[best] = math.sqrt(sum(v * v for v in centroids[best].values()))
        labels[article.id] = f"n{best}"
    return labels


_PUNCTUATION = re.compile(r"[^\w\s]")


def _significant(title: str) -> set[str]:
    words = _PUNCTUATION.sub(" ", title.lower()).split()
    return {w for w in words if w not in STOPWORDS and len(w) > 1}


def newsblur_titles(articles: list[InputArticle]) -> dict[str, str]:
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    words = [_significant(a.title) for a in articles]
    for i, a in enumerate(articles):
        if len(words[i]) < 5:
            continue
        for j in range(i):
            b = articles[j]
            if len(words[j]) < 5:
                continue
            if (
                a.published
                and b.published
                and abs((a.published - b.published).total_seconds()) > 120 * 3600
            ):
                continue
            shared = len(words[i] & words[j])
            if shared >= 3 and shared / min(len(words[i]), len(words[j])) >= 0.6:
                parent[find(i)] = find(j)
    outlets: dict[int, set[str]] = defaultdict(set)
    for i, a in enumerate(articles):
        outlets[find(i)].add(a.outlet)
    return {
        a.id: f"b{find(i)}" if len(outlets[find(i)]) >= 2 else f"single{i}"
        for i, a in enumerate(articles)
    }


def run(name: str, grouper: Grouper, articles: list[InputArticle], gold: dict[str, str]) -> None:
    started = time.perf_counter()
    predicted = grouper(articles)
    seconds = time.perf_counter() - started
    show(name, bcubed(predicted, gold), len(articles) / seconds)


def show(name: str, s: BCubed, rate: float) -> None:
    print(
        f"  {name:<26} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}  {rate:8.0f} articles/s"
    )


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted(p for p in DATA.glob("*.jsonl") if gold_labels(p))
    for path in files:
        gold = gold_labels(path)
        articles = [a for a in read_articles(path, []) if a.id in gold]
        print(f"{path.name}: {len(articles)} articles, {len(set(gold.values()))} stories")
        run("newsdesk", newsdesk, articles, gold)
        best: tuple[float, float, BCubed, float] | None = None
        for step in range(5, 60, 5):
            threshold = step / 100
            started = time.perf_counter()
            scores = bcubed(naive_centroid(articles, threshold), gold)
            rate = len(articles) / (time.perf_counter() - started)
            if best is None or scores.f1 > best[0]:
                best = (scores.f1, threshold, scores, rate)
        assert best is not None
        show(f"naive TF-IDF (t={best[1]:.2f}, best)", best[2], best[3])
        run("NewsBlur title rules", newsblur_titles, articles, gold)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
