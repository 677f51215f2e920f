"""How far content alone can take grouping on a labelled file: bounds the product is measured against.

    python bench/ceiling.py ../shared/data/*.jsonl   (the conflicts file is skipped)

For each file, with the product's own signals (its MiniLM embedding of the title and opening
words, and TF-IDF over its content terms, here with document frequencies from the whole file):

- `nearest same story`: the share of articles whose most similar other article in the whole
  file (past or future, any date) belongs to the same story;
- `perfect past`: B-cubed of a grouping that is told the true story of every earlier article
  and only has to decide the newcomer: it joins the story of its most similar earlier article
  within the time window, or starts a new one (right if it is its story's first article, a
  split otherwise); the best threshold is chosen on the file itself. Mistakes never compound, so
  a streaming method with these signals should not be expected to exceed it by much;
- for files with undated articles, `dated given`: the same, but every dated article is
  simply given its true story and only the undated ones are decided by content;
- the product's own score on the whole file, and on its dated articles alone.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from datetime import timedelta
from pathlib import Path

import numpy as np

from bot.analysis import InputArticle, analyze
from bot.evaluate import BCubed, bcubed, gold_labels, labelled_articles
from bot.pipeline.cluster import embed_articles
from bot.pipeline.embed import shared_embedder
from bot.pipeline.text import content_terms

THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(30))
WINDOW = timedelta(hours=72)


def similarities(articles: list[InputArticle]) -> np.ndarray:
    """Mean of embedding cosine and TF-IDF cosine for every pair of articles."""
    encoder = shared_embedder().encode
    vectors = np.vstack(
        [embed_articles(encoder, [(a.title, a.text)]) for a in articles]  # one by one, as placed
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    counts = [Counter(content_terms(a.title) * 2 + content_terms(a.text)) for a in articles]
    df = Counter(term for c in counts for term in c)
    vocabulary = {term: i for i, term in enumerate(df)}
    tfidf = np.zeros((len(articles), len(vocabulary)), dtype=np.float32)
    for row, c in enumerate(counts):
        for term, n in c.items():
            tfidf[row, vocabulary[term]] = (1 + math.log(n)) * math.log(
                len(articles) / df[term] + 1
            )
    tfidf /= np.linalg.norm(tfidf, axis=1, keepdims=True) + 1e-9
    return (vectors @ vectors.T + tfidf @ tfidf.T) / 2


def nearest_earlier(articles: list[InputArticle], similarity: np.ndarray) -> list[int | None]:
    """For each article, its most similar earlier article within the time window (None if none)."""
    hours = np.array([a.published.timestamp() / 3600 if a.published else np.nan for a in articles])
    window = WINDOW.total_seconds() / 3600
    nearest: list[int | None] = []
    for i in range(len(articles)):
        gap = np.abs(hours[:i] - hours[i])
        allowed = ~(gap > window)  # an unknown date (nan) is never out of the window
        scores = np.where(allowed, similarity[i, :i], -np.inf)
        nearest.append(int(np.argmax(scores)) if i and np.isfinite(scores.max()) else None)
    return nearest


def perfect_past(
    articles: list[InputArticle],
    gold: dict[str, str],
    similarity: np.ndarray,
    given: list[bool],
) -> tuple[BCubed, float]:
    """Every earlier article carries its true story; articles with `given` set are placed by
    their label, the others join the story of their most similar earlier article if that
    similarity reaches the threshold. The best threshold and its score."""
    nearest = nearest_earlier(articles, similarity)
    stories = [gold[a.id] for a in articles]
    opens = [stories[i] not in stories[:i] for i in range(len(articles))]
    results = []
    for threshold in THRESHOLDS:
        predicted: dict[str, str] = {}
        for i, (article, j) in enumerate(zip(articles, nearest, strict=True)):
            if given[i]:
                predicted[article.id] = stories[i]
            elif j is not None and similarity[i, j] >= threshold:
                predicted[article.id] = stories[j]
            else:  # a new story: right if the article is its story's first, a split otherwise
                predicted[article.id] = stories[i] if opens[i] else f"new-{i}"
        results.append((bcubed(predicted, gold), threshold))
    return max(results, key=lambda pair: pair[0].f1)


def product(articles: list[InputArticle], gold: dict[str, str]) -> BCubed:
    result = analyze(articles)
    return bcubed({a.id: s.id for s in result.stories for a in s.articles}, gold)


def report(path: Path) -> None:
    gold = gold_labels(path)
    articles = list(labelled_articles(path, gold, "all", []))
    similarity = similarities(articles)
    stories = [gold[a.id] for a in articles]
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argmax(similarity, axis=1)
    same = np.mean([stories[i] == stories[j] for i, j in enumerate(nearest)])
    np.fill_diagonal(similarity, 0.0)
    print(f"{path.name}: {len(articles)} articles, {len(set(stories))} stories")
    print(f"  nearest same story          {same:.3f}")
    scores, threshold = perfect_past(articles, gold, similarity, [False] * len(articles))
    print(
        f"  perfect past                F1 {scores.f1:.3f} (P {scores.precision:.3f} R {scores.recall:.3f}, threshold {threshold})"
    )
    dated = [a.published is not None for a in articles]
    if not all(dated):
        scores, threshold = perfect_past(articles, gold, similarity, dated)
        print(
            f"  dated given, {dated.count(False)} undated by content F1 {scores.f1:.3f} (P {scores.precision:.3f} R {scores.recall:.3f}, threshold {threshold})"
        )
    whole = product(articles, gold)
    print(
        f"  newsdesk, whole file        F1 {whole.f1:.3f} (P {whole.precision:.3f} R {whole.recall:.3f})"
    )
    if not all(dated) and any(dated):
        only = [a for a in articles if a.published is not None]
        scores = product(only, {a.id: gold[a.id] for a in only})
        print(
            f"  newsdesk, dated only ({len(only)}) F1 {scores.f1:.3f} (P {scores.precision:.3f} R {scores.recall:.3f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    for path in parser.parse_args().files:
        if gold_labels(path):
            report(path)


if __name__ == "__main__":
    main()
