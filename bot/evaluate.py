"""Scoring grouping against labelled data: B-cubed precision, recall and F1."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.analysis import analyze_file


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
    articles: int
    stories: int
    scores: BCubed
    articles_per_second: float


def evaluate_clusters(path: str | Path, **kwargs: object) -> ClusterEvaluation:
    result = analyze_file(path, **kwargs)  # type: ignore[arg-type]
    predicted = {a.id: story.id for story in result.stories for a in story.articles}
    scores = bcubed(predicted, gold_labels(path))
    rate = result.articles / result.seconds if result.seconds else float("inf")
    return ClusterEvaluation(str(path), result.articles, len(result.stories), scores, rate)
