"""How far content alone takes grouping on a labelled file: reference points for the product.

    python bench/ceiling.py ../shared/data/*.jsonl   (the conflicts file is skipped)

For each file, with the product's own signals (its MiniLM embedding of the title and opening
words, and TF-IDF over its content terms, here with document frequencies from the whole
file), the similarity of two articles being the mean of the two cosines:

- `nearest article is of the same story`: the share of articles whose most similar other
  article in the whole file (past or future, any date) belongs to the same story;
- `perfect past`: B-cubed of a grouping that is told the true story of every earlier article
  and only has to decide the newcomer: it joins the story of its most similar earlier article
  in the time window ("by nearest article") or the story whose earlier articles' mean is
  most similar ("by story mean"), or starts a new one (right if it is its story's first
  article, a split otherwise); the best threshold is chosen on the file itself. Mistakes
  never compound, which a real streaming method cannot promise; a method weighing more
  signals can still beat it somewhat;
- for files with undated articles, `dated given`: the same, but every dated article is
  simply given its true story and only the undated ones are decided by content;
- `plain streaming centroid`: the same similarity with no help: each article joins the most
  similar mean of the stories formed so far, or opens one (best threshold on the file);
- the product's own score on the whole file, and on its dated articles alone.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from datetime import timedelta
from pathlib import Path

import numpy as np

from bot.offline.analyze import InputArticle, analyze
from bot.offline.eval_clusters import BCubed, bcubed, gold_labels, labelled_articles
from bot.pipeline.cluster import embed_articles
from bot.pipeline.embed import shared_embedder
from bot.pipeline.text import content_terms

THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 34))
WINDOW = timedelta(hours=72)


def signal_vectors(articles: list[InputArticle]) -> np.ndarray:
    """Per article, its unit embedding and unit TF-IDF vector side by side, each scaled by
    1/sqrt(2): the dot product of two rows is the mean of the two cosines."""
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
    return np.hstack([vectors, tfidf]) / math.sqrt(2)


def hours(articles: list[InputArticle]) -> np.ndarray:
    return np.array([a.published.timestamp() / 3600 if a.published else np.nan for a in articles])


def by_nearest_article(
    articles: list[InputArticle], stories: list[str], x: np.ndarray
) -> list[tuple[str | None, float]]:
    """For each article: the true story of its most similar earlier article in the window,
    and that similarity."""
    similarity = x @ x.T
    at = hours(articles)
    window = WINDOW.total_seconds() / 3600
    choices: list[tuple[str | None, float]] = [(None, -np.inf)]
    for i in range(1, len(articles)):
        allowed = ~(np.abs(at[:i] - at[i]) > window)  # an unknown date is never outside
        scores = np.where(allowed, similarity[i, :i], -np.inf)
        j = int(np.argmax(scores))
        choices.append(
            (stories[j], float(scores[j])) if np.isfinite(scores[j]) else (None, -np.inf)
        )
    return choices


def by_story_mean(
    articles: list[InputArticle], stories: list[str], x: np.ndarray
) -> list[tuple[str | None, float]]:
    """For each article: the true story, among those with an earlier article in the window,
    whose earlier articles' mean is most similar, and that cosine."""
    at = hours(articles)
    window = WINDOW.total_seconds() / 3600
    sums: dict[str, np.ndarray] = {}
    last: dict[str, float] = {}
    choices: list[tuple[str | None, float]] = []
    for i in range(len(articles)):
        names = [name for name in sums if not (abs(last.get(name, np.nan) - at[i]) > window)]
        best: tuple[str | None, float] = (None, -np.inf)
        if names:
            means = np.vstack([sums[name] for name in names])
            scores = means @ x[i] / np.linalg.norm(means, axis=1)
            k = int(np.argmax(scores))
            best = (names[k], float(scores[k]))
        choices.append(best)
        story = stories[i]
        sums[story] = sums.get(story, 0) + x[i]
        if not np.isnan(at[i]):
            last[story] = max(last.get(story, at[i]), at[i])
    return choices


def perfect_past(
    articles: list[InputArticle],
    gold: dict[str, str],
    choices: list[tuple[str | None, float]],
    given: list[bool],
) -> tuple[BCubed, float]:
    """Every earlier article carries its true story; articles with `given` set are placed by
    their label, the others join the story chosen for them if its similarity reaches the
    threshold. The best threshold and its score."""
    stories = [gold[a.id] for a in articles]
    first: dict[str, int] = {}
    for i, story in enumerate(stories):
        first.setdefault(story, i)
    opens = [first[story] == i for i, story in enumerate(stories)]
    results = []
    for threshold in THRESHOLDS:
        predicted: dict[str, str] = {}
        for i, (article, (story, score)) in enumerate(zip(articles, choices, strict=True)):
            if given[i]:
                predicted[article.id] = stories[i]
            elif story is not None and score >= threshold:
                predicted[article.id] = story
            else:  # a new story: right if the article is its story's first, a split otherwise
                predicted[article.id] = stories[i] if opens[i] else f"new-{i}"
        results.append((bcubed(predicted, gold), threshold))
    return max(results, key=lambda pair: pair[0].f1)


def product(articles: list[InputArticle], gold: dict[str, str]) -> BCubed:
    result = analyze(articles)
    return bcubed({a.id: s.id for s in result.stories for a in s.articles}, gold)


def streaming_centroid(
    articles: list[InputArticle], gold: dict[str, str], x: np.ndarray
) -> tuple[BCubed, float]:
    """No help at all: each article joins the most similar story mean so far (its own
    earlier decisions) or opens a story; the best threshold on the file itself."""
    results = []
    for threshold in THRESHOLDS[2:12]:
        sums: list[np.ndarray] = []
        predicted: dict[str, str] = {}
        for article, vector in zip(articles, x, strict=True):
            if sums:
                means = np.vstack(sums)
                scores = means @ vector / np.linalg.norm(means, axis=1)
                k = int(np.argmax(scores))
                if scores[k] >= threshold:
                    sums[k] = sums[k] + vector
                    predicted[article.id] = str(k)
                    continue
            sums.append(vector.copy())
            predicted[article.id] = str(len(sums) - 1)
        results.append((bcubed(predicted, gold), threshold))
    return max(results, key=lambda pair: pair[0].f1)


def line(label: str, scores: BCubed, extra: str = "") -> None:
    print(
        f"  {label:<38} F1 {scores.f1:.3f} (P {scores.precision:.3f} R {scores.recall:.3f}{extra})"
    )


def report(path: Path) -> None:
    gold = gold_labels(path)
    articles = list(labelled_articles(path, gold, "all", []))
    stories = [gold[a.id] for a in articles]
    x = signal_vectors(articles)
    similarity = x @ x.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = np.argmax(similarity, axis=1)
    same = np.mean([stories[i] == stories[j] for i, j in enumerate(nearest)])
    print(f"{path.name}: {len(articles)} articles, {len(set(gold.values()))} stories")
    print(f"  {'nearest article is of the same story':<38} {same:.3f}")
    dated = [a.published is not None for a in articles]
    for name, choose in (("nearest article", by_nearest_article), ("story mean", by_story_mean)):
        choices = choose(articles, stories, x)
        scores, threshold = perfect_past(articles, gold, choices, [False] * len(articles))
        line(f"perfect past, by {name}", scores, f", threshold {threshold}")
        if not all(dated):
            scores, threshold = perfect_past(articles, gold, choices, dated)
            line(
                f"dated given, {dated.count(False)} undated by {name}",
                scores,
                f", threshold {threshold}",
            )
    scores, threshold = streaming_centroid(articles, gold, x)
    line("plain streaming centroid", scores, f", threshold {threshold}")
    line("newsdesk, whole file", product(articles, gold))
    if not all(dated) and any(dated):
        only = [a for a in articles if a.published is not None]
        line(f"newsdesk, {len(only)} dated only", product(only, {a.id: gold[a.id] for a in only}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    for path in parser.parse_args().files:
        if gold_labels(path):
            report(path)


if __name__ == "__main__":
    main()
