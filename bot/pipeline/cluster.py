"""Streaming story assignment: each article, in arrival order, joins the best story or opens one.

Articles become TF-IDF vectors (title words count double, capitalised phrases are extra
terms; document frequencies are learned as articles arrive, never from the future). A
story is the sum of its members' vectors. Candidates come from an inverted index over the
terms of recent stories, so the cost of a decision does not grow with history.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.pipeline.text import content_terms, entity_candidates, top_terms

# Chosen on ../shared/data (scores in README.md, "Measured"); score = cosine x time factor.
DEFAULT_THRESHOLD = 0.22
TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 1.0
BODY_TERMS = 400
INDEX_TERMS = 25
TIME_SIGMA_HOURS = 72.0


@dataclass
class ClusterDoc:
    key: str
    outlet: str
    title: str
    text: str
    seen: datetime | None


@dataclass(frozen=True)
class Assignment:
    """Where an article went and why: the score, the terms it shares with the story, the time gap."""

    story: int | None
    score: float
    shared_terms: tuple[str, ...] = ()
    hours_apart: float | None = None

    def why(self) -> dict[str, object]:
        return {
            "score": round(self.score, 3),
            "shared_terms": list(self.shared_terms),
            "hours_apart": None if self.hours_apart is None else round(self.hours_apart, 1),
        }


@dataclass
class _Story:
    id: int
    centroid: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    norm: float = 0.0
    size: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    indexed: set[str] = field(default_factory=set)


class StoryClusterer:
    """Assigns articles to stories. Call `assign` to decide, then `add` to record the decision."""

    def __init__(self, window_hours: float = 72.0, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.window = timedelta(hours=window_hours)
        self.threshold = threshold
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._stories: dict[int, _Story] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._next_id = 1

    def vectorize(self, doc: ClusterDoc, learn: bool = True) -> dict[str, float]:
        """L2-normalised TF-IDF vector; with `learn`, the document counts toward the frequencies."""
        counts: Counter[str] = Counter()
        for term in content_terms(doc.title):
            counts[term] += TITLE_WEIGHT
        for term in content_terms(doc.text)[:BODY_TERMS]:
            counts[term] += 1.0
        for phrase in entity_candidates(f"{doc.title}. {doc.text[:3000]}"):
            counts["@" + phrase] += ENTITY_WEIGHT
        if learn:
            self._docs += 1
            self._df.update(counts.keys())
        total = self._docs + 1
        vector = {
            term: (1.0 + math.log(count)) * (math.log(total / (self._df[term] + 1)) + 1.0)
            for term, count in counts.items()
            if count > 0
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {term: value / norm for term, value in vector.items()}

    def assign(self, doc: ClusterDoc, vector: dict[str, float]) -> Assignment:
        """The best story for `doc` above the threshold, or Assignment(story=None) for a new one."""
        best = Assignment(story=None, score=0.0)
        for story in self._candidates(vector, doc.seen):
            dot = sum(value * story.centroid.get(term, 0.0) for term, value in vector.items())
            cosine = dot / story.norm if story.norm else 0.0
            hours = _hours_between(doc.seen, story.last_seen)
            score = cosine * _time_factor(hours)
            if score > best.score:
                shared = [t for t in top_terms(vector, 40) if story.centroid.get(t)]
                best = Assignment(story.id, score, tuple(t.lstrip("@") for t in shared[:8]), hours)
        if best.score < self.threshold:
            return Assignment(
                story=None,
                score=best.score,
                shared_terms=best.shared_terms,
                hours_apart=best.hours_apart,
            )
        return best

    def add(self, doc: ClusterDoc, vector: dict[str, float], story_id: int | None = None) -> int:
        """Record `doc` as a member of `story_id` (or of a new story); returns the story id."""
        if story_id is None:
            story_id = self._next_id
        self._next_id = max(self._next_id, story_id + 1)
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(story_id, first_seen=doc.seen)
        for term, value in vector.items():
            story.centroid[term] += value
        story.norm = math.sqrt(sum(v * v for v in story.centroid.values()))
        story.size += 1
        if doc.seen and (story.last_seen is None or doc.seen > story.last_seen):
            story.last_seen = doc.seen
        for term in top_terms(vector, INDEX_TERMS):
            if term not in story.indexed:
                story.indexed.add(term)
                self._postings[term].add(story_id)
        return story_id

    def reserve_ids(self, above: int) -> None:
        self._next_id = max(self._next_id, above + 1)

    def forget_before(self, cutoff: datetime) -> None:
        """Drop stories whose last article is older than `cutoff` from memory and the index."""
        for story_id in [
            s.id for s in self._stories.values() if s.last_seen and s.last_seen < cutoff
        ]:
            story = self._stories.pop(story_id)
            for term in story.indexed:
                ids = self._postings.get(term)
                if ids is not None:
                    ids.discard(story_id)
                    if not ids:
                        del self._postings[term]

    def _candidates(self, vector: dict[str, float], seen: datetime | None) -> list[_Story]:
        ids: set[int] = set()
        for term in top_terms(vector, INDEX_TERMS):
            ids.update(self._postings.get(term, ()))
        stories = []
        for story_id in ids:
            story = self._stories.get(story_id)
            if story is None:
                continue
            if seen and story.last_seen and seen - story.last_seen > self.window:
                continue
            stories.append(story)
        return stories


def _hours_between(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return abs((a - b).total_seconds()) / 3600.0


def _time_factor(hours: float | None) -> float:
    """Gaussian decay with the time gap; unknown times cost nothing."""
    if hours is None:
        return 1.0
    return 0.5 + 0.5 * math.exp(-(hours**2) / (2 * TIME_SIGMA_HOURS**2))
