"""Scoring grouping against labelled data: B-cubed precision, recall and F1."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.offline.analyze import InputArticle, analyze, read_articles


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> BCubed:
    """B-cubed over the items present in both mappings (item -> cluster label)."""
    items = [item for item in predicted if item in gold]
    if not items:
        return BCubed(0.0, 0.0, 0.0)
    pair_counts = Counter((predicted[i], gold[i]) for i in items)
    predicted_sizes = Counter(predicted[i] for i in items)
    gold_sizes = Counter(gold[i] for i in items)
    precision = recall = 0.0
    for item in items:
        both = pair_counts[(predicted[item], gold[item])]
        precision += both / predicted_sizes[predicted[item]]
        recall += both / gold_sizes[gold[item]]
    precision /= len(items)
    recall /= len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1)


def gold_labels(path: str | Path) -> dict[str, str]:
    labels = {}
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            if raw.strip():
                record = json.loads(raw)
                if record.get("story") is not None and record.get("id") is not None:
                    labels[str(record["id"])] = str(record["story"])
    return labels


@dataclass(frozen=True)
class ClusterEvaluation:
    path: str
    part: str
    articles: int
    stories: int
    scores: BCubed
    articles_per_second: float


def in_part(story_label: str, part: str) -> bool:
    """Which half a story is in: "fit" (crc32 of its label even), "holdout", or "all"."""
    if part == "all":
        return True
    is_fit = zlib.crc32(story_label.encode()) % 2 == 0
    return is_fit if part == "fit" else not is_fit


def labelled_articles(
    path: str | Path, gold: dict[str, str], part: str, warnings: list[str]
) -> Iterator[InputArticle]:
    """The file's articles that have a story label in `part`, in file order."""
    return (a for a in read_articles(path, warnings) if a.id in gold and in_part(gold[a.id], part))


def evaluate_clusters(path: str | Path, part: str = "all", **kwargs: Any) -> ClusterEvaluation:
    """Group the file's articles (only those of stories in `part`) and score."""
    gold = gold_labels(path)
    warnings: list[str] = []
    articles = labelled_articles(path, gold, part, warnings)
    result = analyze(articles, warnings=warnings, **kwargs)
    predicted = {a.id: story.id for story in result.stories for a in story.articles}
    scores = bcubed(predicted, gold)
    rate = result.articles / result.seconds if result.seconds else float("inf")
    return ClusterEvaluation(str(path), part, result.articles, len(result.stories), scores, rate)


def write_results(out: Path, evaluations: list[ClusterEvaluation]) -> None:
    """The scores as JSON, with the model they came from, for the repository's record."""
    from bot.pipeline.cluster import MODEL_PATH

    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data = {
        "command": "newsdesk eval clusters",
        "date": datetime.now(UTC).date().isoformat(),
        "model": {"regimes": model["regimes"], "fitted_on": model.get("fitted_on")},
        "results": [
            {
                "file": Path(ev.path).name,
                "part": ev.part,
                "articles": ev.articles,
                "stories": ev.stories,
                "precision": round(ev.scores.precision, 3),
                "recall": round(ev.scores.recall, 3),
                "f1": round(ev.scores.f1, 3),
                "articles_per_second": round(ev.articles_per_second, 1),
            }
            for ev in evaluations
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
