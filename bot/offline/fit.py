"""`newsdesk eval fit`: learn the grouping model's weights and threshold from labelled files.

Each file's stories are split in two by a hash of their label: the "fit" half teaches the
model, the "holdout" half is only ever scored. There are two regimes (pairs where both sides
have text, and headline-only pairs), each with its own weights and thresholds. Weights come
from a logistic regression over the features of (article, candidate story) pairs met while
replaying the fit half in arrival order with the true stories: the true story and the
closest wrong ones, each file weighing the same whatever its size. The threshold is the one
giving the best mean B-cubed F1 when the fit half is grouped for real; the core threshold is
then raised as far as it costs almost nothing (anti-chaining).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.offline.analyze import InputArticle, analyze
from bot.offline.eval_clusters import BCubed, bcubed, gold_labels, labelled_articles
from bot.pipeline.cluster import (
    FEATURES,
    MODEL_PATH,
    REGIMES,
    ClusterDoc,
    Encoder,
    GroupingModel,
    RegimeModel,
    StoryClusterer,
    embed_articles,
)

THRESHOLDS = (0.01, 0.02, 0.03, 0.05, 0.075) + tuple(round(0.1 + 0.05 * i, 2) for i in range(16))
L2 = 1.0
# How many of the closest wrong stories each article contributes to the training pairs.
HARD_NEGATIVES = 10


@dataclass
class LabelledFile:
    path: Path
    articles: list[InputArticle]
    gold: dict[str, str]

    @classmethod
    def read(cls, path: str | Path, part: str = "all") -> LabelledFile:
        gold = gold_labels(path)
        articles = list(labelled_articles(path, gold, part, []))
        return cls(Path(path), articles, {a.id: gold[a.id] for a in articles})

    def score(self, model: GroupingModel | None, encoder: Encoder, window_hours: float) -> BCubed:
        result = analyze(self.articles, window_hours=window_hours, model=model, encoder=encoder)
        predicted = {a.id: story.id for story in result.stories for a in story.articles}
        return bcubed(predicted, self.gold)


class CachingEncoder:
    """Remembers each text's embedding, so repeated runs over the same files encode once."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._encoder(missing), strict=True):
                self._cache[text] = vector
        return np.array([self._cache[t] for t in texts], dtype=np.float32)


def training_pairs(
    labelled: LabelledFile, encoder: Encoder, window_hours: float
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per regime, features and 0/1 labels of every (article, candidate story) pair met while
    replaying the true stories in arrival order."""
    neutral = RegimeModel(tuple(0.0 for _ in FEATURES), 0.5, 0.0)
    clusterer = StoryClusterer(
        window_hours, GroupingModel(dict.fromkeys(REGIMES, neutral)), encoder
    )
    story_ids: dict[str, int] = {}
    rows: dict[str, list[np.ndarray]] = {name: [] for name in REGIMES}
    labels: dict[str, list[float]] = {name: [] for name in REGIMES}
    embeddings = embed_articles(encoder, [(a.title, a.text) for a in labelled.articles])
    for article, embedding in zip(labelled.articles, embeddings, strict=True):
        doc = ClusterDoc(article.id, article.outlet, article.title, article.text, article.published)
        signals = clusterer.signals(doc, embedding=embedding)
        truth = story_ids.get(labelled.gold[article.id])
        candidates = {s.id: s for s in clusterer.candidates(doc, signals)}
        known = clusterer.story(truth) if truth is not None else None
        if known is not None:
            candidates.setdefault(known.id, known)
        scored = [(clusterer.features(doc, signals, s), s) for s in candidates.values()]
        # Only the candidates that could win matter to the decision: the truth and the closest
        # others (by the plain sum of the similarity features).
        scored.sort(key=lambda pair: -(pair[1].id == truth) - float(pair[0][1:8].sum()) / 100)
        for x, story in scored[: HARD_NEGATIVES + 1]:
            regime = clusterer.regime(signals, story)
            rows[regime].append(x)
            labels[regime].append(1.0 if story.id == truth else 0.0)
        story_ids[labelled.gold[article.id]] = clusterer.add(doc, signals, truth)
    return {
        name: (np.array(rows[name]).reshape(-1, len(FEATURES)), np.array(labels[name]))
        for name in REGIMES
    }


def logistic_regression(
    x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, l2: float = L2
) -> np.ndarray:
    """Weighted logistic regression by Newton's method, with an L2 penalty (not on the bias)."""
    weights = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ weights, -30, 30)))
        gradient = x.T @ (sample_weight * (p - y)) + penalty * weights
        hessian = (
            (x.T * (sample_weight * p * (1 - p))) @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        )
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return weights


@dataclass
class FitReport:
    model: GroupingModel
    fit_scores: dict[str, BCubed]
    threshold_scan: dict[str, dict[float, float]]


def fit(paths: Sequence[str | Path], encoder: Encoder, window_hours: float = 72.0) -> FitReport:
    encoder = CachingEncoder(encoder)
    files = [LabelledFile.read(path, "fit") for path in paths]
    pairs = [training_pairs(labelled, encoder, window_hours) for labelled in files]
    regimes = _fit_weights(pairs, paths)

    def mean_f1(model: GroupingModel, name: str) -> float:
        relevant = [
            f for f, per_regime in zip(files, pairs, strict=True) if len(per_regime[name][1])
        ]
        return float(np.mean([f.score(model, encoder, window_hours).f1 for f in relevant]))

    def with_regime(name: str, regime: RegimeModel) -> GroupingModel:
        return GroupingModel({**regimes, name: regime})

    scan: dict[str, dict[float, float]] = {}
    for name in REGIMES:
        scan[name] = {}
        for threshold in THRESHOLDS:
            trial = RegimeModel(regimes[name].weights, threshold, 0.0)
            scan[name][threshold] = mean_f1(with_regime(name, trial), name)
        best = max(scan[name], key=lambda t: (scan[name][t], -abs(t - 0.5)))
        regimes[name] = RegimeModel(regimes[name].weights, best, 0.0)
    # The anti-chaining bar: the highest core threshold that costs no more than 0.005 mean F1.
    for name in REGIMES:
        plain = mean_f1(GroupingModel(regimes), name)
        scan[name + "_core"] = {}
        chosen = 0.0
        for core in THRESHOLDS:
            if core > regimes[name].threshold:
                break
            trial = RegimeModel(regimes[name].weights, regimes[name].threshold, core)
            scan[name + "_core"][core] = score = mean_f1(with_regime(name, trial), name)
            if score >= plain - 0.005:
                chosen = core
        regimes[name] = RegimeModel(regimes[name].weights, regimes[name].threshold, chosen)
    model = GroupingModel(regimes)
    scores = {f.path.name: f.score(model, encoder, window_hours) for f in files}
    return FitReport(model, scores, scan)


def _fit_weights(
    pairs: list[dict[str, tuple[np.ndarray, np.ndarray]]], paths: Sequence[str | Path]
) -> dict[str, RegimeModel]:
    """Each regime's logistic weights, from the files with both outcomes in that regime, each
    file weighing the same; thresholds 0.5 and no core bar until `fit` scans them."""
    regimes: dict[str, RegimeModel] = {}
    for name in REGIMES:
        xs, ys, ws = [], [], []
        for per_regime in pairs:
            x, y = per_regime[name]
            if y.sum() and len(y) > y.sum():
                xs.append(x)
                ys.append(y)
                ws.append(np.full(len(y), 1000.0 / len(y)))
        if not xs:
            raise ValueError(f"no {name} pairs with both outcomes in {[str(p) for p in paths]}")
        weights = logistic_regression(np.vstack(xs), np.concatenate(ys), np.concatenate(ws))
        regimes[name] = RegimeModel(tuple(float(w) for w in weights), 0.5, 0.0)
    return regimes


def write_model(report: FitReport, paths: Sequence[str | Path], out: Path = MODEL_PATH) -> None:
    data = {
        "features": list(FEATURES),
        "regimes": {
            name: {
                "weights": [round(w, 6) for w in regime.weights],
                "threshold": regime.threshold,
                "core_threshold": regime.core_threshold,
            }
            for name, regime in report.model.regimes.items()
        },
        "fitted_on": {
            "files": [Path(p).name for p in paths],
            "part": "fit (stories whose label's crc32 is even)",
            "date": datetime.now(UTC).date().isoformat(),
        },
        "fit_scores": {
            name: {
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
            }
            for name, s in report.fit_scores.items()
        },
        "threshold_scan_mean_f1": {
            name: {str(t): round(f, 4) for t, f in scan.items()}
            for name, scan in report.threshold_scan.items()
        },
    }
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
