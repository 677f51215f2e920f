"""Streaming story assignment: each article, in arrival order, joins the best story or opens one.

An article is described by four signals: a TF-IDF vector of its title and text (title words
count double, capitalised phrases are extra terms), a TF-IDF vector of its title alone, the
names and numbers it mentions, and a sentence embedding. Document frequencies are learned as
articles arrive, never from the future. A story keeps the sums of those signals over all its
members and, separately, over its first few members: its core.

For each candidate story the signals are compared into the model's ten inputs (FEATURES): a
bias; the text, title and embedding cosines with the whole story; the share of the article's
names and numbers the story has; the text and embedding cosines with the core; the embedding
cosine with the nearest member; the time gap's proximity, and whether the time is unknown. A
fitted logistic model (`grouping_model.json`, made by `newsdesk eval fit`) turns them into
the probability that the article belongs there. The article joins the most probable story
if that probability reaches the model's threshold. Anti-chaining: the features against the
core weigh in the model, and the article must also reach the threshold against the core
alone, so a story cannot drift from one event to the next through near neighbours.

Candidates come from an inverted index over the terms of stories still in the time window
(and, for a headline without text, from the stories whose mean embedding is closest), so
the cost of a decision does not grow with history.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path

import numpy as np

from bot.pipeline.text import content_terms, entity_candidates, top_terms

TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 1.0
BODY_TERMS = 400
INDEX_TERMS = 25
MAX_CANDIDATES = 40
# For a headline without text, the stories whose mean embedding is closest are candidates
# too: a reworded headline may share no term with its story. (An article with text shares
# enough terms; asking the embeddings too changed no score and cost ingest time.)
EMBEDDING_CANDIDATES = 3
CORE_SIZE = 5
# A member joins the story's core only when it was this probable (the first member always is),
# so an article that merely bridges two events never becomes part of what newcomers must match.
CORE_CONFIDENCE = 0.5
TIME_SIGMA_HOURS = 72.0
# Text the embedding sees: the title and the start of the article.
EMBED_WORDS = 30

MODEL_PATH = Path(__file__).with_name("grouping_model.json")
FEATURES = (
    "bias",
    "text_cosine",
    "title_cosine",
    "shared_names",
    "embedding_cosine",
    "core_text_cosine",
    "core_embedding_cosine",
    "nearest_member_cosine",
    "time_proximity",
    "time_unknown",
)
# Articles with text and headline-only items behave differently; each kind has its own weights.
REGIMES = ("text", "headline")
MEMBER_EMBEDDINGS = 64

_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d(?![\w])|(?<![\w.])\d(?![\w.])")


@dataclass(frozen=True)
class RegimeModel:
    """Logistic weights over FEATURES, the probability needed to join, and the probability
    needed against the story's core alone (the anti-chaining check)."""

    weights: tuple[float, ...]
    threshold: float
    core_threshold: float

    def accepts(self, x: np.ndarray) -> tuple[bool, float]:
        """Whether features `x` join the story, and the margin above the threshold."""
        probability = self.probability(x)
        core_ok = self.probability(core_only(x)) >= self.core_threshold
        return core_ok and probability >= self.threshold, probability - self.threshold

    def probability(self, features: np.ndarray) -> float:
        z = float(np.dot(self.weights, features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class GroupingModel:
    """One RegimeModel for pairs where both sides have text, one for headline-only pairs."""

    regimes: dict[str, RegimeModel]

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> GroupingModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: features {data['features']} differ from {FEATURES}")
        return cls(
            {
                name: RegimeModel(
                    tuple(float(w) for w in data["regimes"][name]["weights"]),
                    float(data["regimes"][name]["threshold"]),
                    float(data["regimes"][name]["core_threshold"]),
                )
                for name in REGIMES
            }
        )


@dataclass
class ClusterDoc:
    key: str
    outlet: str
    title: str
    text: str
    seen: datetime | None


def embedding_text(title: str, text: str) -> str:
    """What the sentence embedding reads: the headline and the opening words."""
    lead = " ".join(text.split()[:EMBED_WORDS])
    return f"{title}. {lead}" if title and lead else title or lead


def embed_articles(encoder: Encoder, articles: list[tuple[str, str]]) -> np.ndarray:
    """Embeddings of (title, text) pairs, in one batch (faster than one by one)."""
    return encoder([embedding_text(title, text) for title, text in articles])


class SparseVector:
    """A weighted bag of terms as two arrays sorted by term id: a tenth of a dict's memory,
    which matters for thousands of stories' profiles held at once."""

    __slots__ = ("ids", "values", "norm")

    def __init__(self, ids: np.ndarray | None = None, values: np.ndarray | None = None) -> None:
        self.ids = ids if ids is not None else np.empty(0, dtype=np.int32)
        self.values = values if values is not None else np.empty(0, dtype=np.float64)
        self.norm = float(np.sqrt(np.dot(self.values, self.values)))

    @classmethod
    def of(cls, weights: dict[str, float], term_ids: dict[str, int]) -> SparseVector:
        ids = np.fromiter((term_ids.setdefault(t, len(term_ids)) for t in weights), np.int32)
        values = np.fromiter(weights.values(), np.float64, count=len(weights))
        order = np.argsort(ids)
        return cls(ids[order], values[order])

    def dot(self, other: SparseVector) -> float:
        """Sum over shared terms of the products (`other` is the smaller, usually a doc)."""
        at, shared = self._lookup(other.ids)
        return float(np.dot(self.values[at[shared]], other.values[shared]))

    def contains(self, ids: list[int]) -> np.ndarray:
        """For each term id: is the term in this vector?"""
        return self._lookup(np.asarray(ids, dtype=np.int32))[1]

    def _lookup(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of `ids`: where it is (or would be) in this vector, and whether it is."""
        if not len(self.ids) or not len(ids):
            return np.zeros(len(ids), dtype=np.intp), np.zeros(len(ids), dtype=bool)
        at = np.minimum(np.searchsorted(self.ids, ids), len(self.ids) - 1)
        return at, self.ids[at] == ids

    def cosine(self, other: SparseVector) -> float:
        return self.dot(other) / self.norm if self.norm else 0.0

    def __iadd__(self, other: SparseVector) -> SparseVector:
        ids = np.union1d(self.ids, other.ids).astype(np.int32)
        values = np.zeros(len(ids))
        values[np.searchsorted(ids, self.ids)] += self.values
        values[np.searchsorted(ids, other.ids)] += other.values
        self.ids, self.values = ids, values
        self.norm = float(np.sqrt(np.dot(values, values)))
        return self

    def copy(self) -> SparseVector:
        return SparseVector(self.ids.copy(), self.values.copy())


@dataclass
class DocSignals:
    full: dict[str, float]
    title: dict[str, float]
    names: frozenset[str]
    embedding: np.ndarray | None
    has_text: bool
    full_vector: SparseVector = field(default_factory=SparseVector)
    title_vector: SparseVector = field(default_factory=SparseVector)


@dataclass(frozen=True)
class Assignment:
    """Where an article went and why: probability, signals, shared terms and names, time gap."""

    story: int | None
    score: float
    shared_terms: tuple[str, ...] = ()
    hours_apart: float | None = None
    signals: dict[str, float] = field(default_factory=dict)
    core: bool = True

    def why(self) -> dict[str, object]:
        return {
            "score": round(self.score, 3),
            "shared_terms": list(self.shared_terms),
            "hours_apart": None if self.hours_apart is None else round(self.hours_apart, 1),
            "signals": {name: round(value, 3) for name, value in self.signals.items()},
        }


class _Profile:
    """Sums of the members' signals: what a story (or its core) looks like. A core profile
    (`details=False`) keeps only what the core features read: the text and the embedding."""

    def __init__(self, details: bool = True) -> None:
        self.details = details
        self.full = SparseVector()
        self.title = SparseVector()
        self.names: Counter[str] = Counter()
        self.embedding: np.ndarray | None = None
        self._member_matrix: np.ndarray | None = None  # the first MEMBER_EMBEDDINGS, stacked
        self.size = 0
        self.with_text = 0

    def add(self, signals: DocSignals) -> None:
        self.full += signals.full_vector
        if signals.embedding is not None:
            if self.embedding is None:
                self.embedding = signals.embedding.astype(np.float32).copy()
            else:
                self.embedding += signals.embedding
        if self.details:
            self.title += signals.title_vector
            self.names.update(signals.names)
            self._add_member(signals.embedding)
        self.size += 1
        self.with_text += signals.has_text

    def _add_member(self, embedding: np.ndarray | None) -> None:
        # Copied into one matrix: a row of a batch's array would keep the whole batch alive.
        if embedding is None:
            return
        row = embedding.astype(np.float32)[None, :]
        if self._member_matrix is None:
            self._member_matrix = row.copy()
        elif len(self._member_matrix) < MEMBER_EMBEDDINGS:
            self._member_matrix = np.vstack([self._member_matrix, row])

    def core_copy(self) -> _Profile:
        """A core profile equal to this one so far (made when the core stops being the whole)."""
        core = _Profile(details=False)
        core.full = self.full.copy()
        core.embedding = None if self.embedding is None else self.embedding.copy()
        core.size, core.with_text = self.size, self.with_text
        return core

    def text_cosine(self, signals: DocSignals) -> float:
        return self.full.cosine(signals.full_vector)

    def title_cosine(self, signals: DocSignals) -> float:
        return self.title.cosine(signals.title_vector)

    def shared_names(self, signals: DocSignals) -> float:
        if not signals.names:
            return 0.0
        return sum(1 for name in signals.names if name in self.names) / len(signals.names)

    def embedding_cosine(self, signals: DocSignals) -> float:
        if signals.embedding is None or self.embedding is None:
            return 0.0
        norm = float(np.linalg.norm(self.embedding))
        return float(np.dot(signals.embedding, self.embedding)) / norm if norm else 0.0

    def nearest_member_cosine(self, signals: DocSignals) -> float:
        if signals.embedding is None or self._member_matrix is None:
            return 0.0
        return float(np.max(self._member_matrix @ signals.embedding))


class _EmbeddingIndex:
    """The stories' unit mean embeddings as rows of one matrix: the closest stories to a
    vector in one product. Rows of forgotten stories are reused."""

    def __init__(self) -> None:
        self._rows = np.zeros((0, 0), dtype=np.float32)
        self._owner = np.zeros(0, dtype=np.int64)  # story id per row, -1 when free
        self._row_of: dict[int, int] = {}
        self._free: list[int] = []

    def update(self, story_id: int, embedding: np.ndarray) -> None:
        norm = float(np.linalg.norm(embedding))
        if not norm:
            return
        row = self._row_of.get(story_id)
        if row is None:
            row = self._free.pop() if self._free else self._grow(len(embedding))
            self._row_of[story_id] = row
            self._owner[row] = story_id
        self._rows[row] = embedding / norm

    def remove(self, story_id: int) -> None:
        row = self._row_of.pop(story_id, None)
        if row is not None:
            self._owner[row] = -1
            self._rows[row] = 0.0
            self._free.append(row)

    def closest(self, embedding: np.ndarray, count: int) -> list[int]:
        """Ids of the (at most) `count` stories closest to `embedding`, closest first."""
        if not self._row_of or count <= 0:
            return []
        # einsum, not `@`: a BLAS product this size may start BLAS threads, which then compete
        # with the embedding model for the machine's cores.
        scores = np.einsum("ij,j->i", self._rows, embedding.astype(np.float32))
        scores[self._owner < 0] = -np.inf
        count = min(count, len(self._row_of))
        top = np.argpartition(-scores, count - 1)[:count]
        return [int(self._owner[i]) for i in top[np.argsort(-scores[top])]]

    def _grow(self, dim: int) -> int:
        used = len(self._owner)
        capacity = max(64, used * 2)
        rows = np.zeros((capacity, dim), dtype=np.float32)
        if used:
            rows[:used] = self._rows
        owner = np.full(capacity, -1, dtype=np.int64)
        owner[:used] = self._owner
        self._rows, self._owner = rows, owner
        self._free.extend(range(capacity - 1, used, -1))
        return used


@dataclass
class _Story:
    id: int
    whole: _Profile = field(default_factory=_Profile)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    indexed: set[str] = field(default_factory=set)
    # The members most confidently placed (at most CORE_SIZE); None while that is every
    # member, as it is for most stories: then the whole story is its own core.
    _core: _Profile | None = None

    @property
    def core(self) -> _Profile:
        return self._core or self.whole

    def add(self, signals: DocSignals, core: bool) -> None:
        in_core = (core or self.core.size == 0) and self.core.size < CORE_SIZE
        if not in_core and self._core is None:
            self._core = self.whole.core_copy()
        self.whole.add(signals)
        if in_core and self._core is not None:
            self._core.add(signals)


Encoder = Callable[[list[str]], np.ndarray]


class StoryClusterer:
    """Assigns articles to stories. `signals` describes a doc; `assign` decides; `add` records."""

    def __init__(
        self,
        window_hours: float = 72.0,
        model: GroupingModel | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self.window = timedelta(hours=window_hours)
        self.model = model or GroupingModel.load()
        self._encoder = encoder
        self._df: Counter[str] = Counter()
        self._term_ids: dict[str, int] = {}  # every term seen, like `_df`: ids of SparseVector
        self._docs = 0
        self._stories: dict[int, _Story] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)
        # Built when the first headline without text asks for it (see `candidates`): feeds
        # with full texts never pay its memory.
        self._embeddings: _EmbeddingIndex | None = None
        self._next_id = 1

    def signals(
        self, doc: ClusterDoc, learn: bool = True, embedding: np.ndarray | None = None
    ) -> DocSignals:
        """The doc's signals; with `learn`, it counts toward the document frequencies."""
        title_terms = content_terms(doc.title)
        # Weighted counts (title and name terms weigh more than one), hence floats.
        counts: defaultdict[str, float] = defaultdict(float)
        for term in title_terms:
            counts[term] += TITLE_WEIGHT
        for term in content_terms(doc.text)[:BODY_TERMS]:
            counts[term] += 1.0
        lead = f"{doc.title}. {doc.text[:3000]}"
        names = entity_candidates(lead)
        for phrase in names:
            counts["@" + phrase] += ENTITY_WEIGHT
        if learn:
            self._docs += 1
            self._df.update(counts.keys())
        numbers = {"#" + n.replace(",", "") for n in _NUMBER.findall(lead)}
        if embedding is None and self._encoder is not None:
            embedding = embed_articles(self._encoder, [(doc.title, doc.text)])[0]
        full, title = self._tfidf(counts), self._tfidf(Counter(title_terms))
        return DocSignals(
            full=full,
            title=title,
            names=frozenset(map(sys.intern, names)) | frozenset(numbers),
            embedding=embedding,
            has_text=bool(doc.text.strip()),
            full_vector=SparseVector.of(full, self._term_ids),
            title_vector=SparseVector.of(title, self._term_ids),
        )

    @staticmethod
    def regime(signals: DocSignals, story: _Story) -> str:
        return "text" if signals.has_text and story.whole.with_text else "headline"

    def features(self, doc: ClusterDoc, signals: DocSignals, story: _Story) -> np.ndarray:
        hours = _hours_between(doc.seen, story.last_seen)
        return np.array(
            [
                1.0,
                story.whole.text_cosine(signals),
                story.whole.title_cosine(signals),
                story.whole.shared_names(signals),
                story.whole.embedding_cosine(signals),
                story.core.text_cosine(signals),
                story.core.embedding_cosine(signals),
                story.whole.nearest_member_cosine(signals),
                _time_proximity(hours),
                1.0 if hours is None else 0.0,
            ]
        )

    def candidates(self, doc: ClusterDoc, signals: DocSignals) -> list[_Story]:
        """Stories in the window sharing the most of the doc's top terms (at most
        MAX_CANDIDATES); for a headline alone, also those closest in meaning (at most
        EMBEDDING_CANDIDATES more)."""
        hits: Counter[int] = Counter()
        for term in top_terms(signals.full, INDEX_TERMS):
            hits.update(self._postings.get(term, ()))
        by_terms = self._in_window_stories(doc, (story_id for story_id, _ in hits.most_common()))
        stories = {story.id: story for story in islice(by_terms, MAX_CANDIDATES)}
        if signals.embedding is not None and not signals.has_text:
            # Ask for more than needed: some of the closest may be outside the window.
            closest = self._embedding_index().closest(signals.embedding, 3 * EMBEDDING_CANDIDATES)
            others = (i for i in closest if i not in stories)
            for story in islice(self._in_window_stories(doc, others), EMBEDDING_CANDIDATES):
                stories[story.id] = story
        return list(stories.values())

    def _embedding_index(self) -> _EmbeddingIndex:
        if self._embeddings is None:
            self._embeddings = _EmbeddingIndex()
            for story in self._stories.values():
                if story.whole.embedding is not None:
                    self._embeddings.update(story.id, story.whole.embedding)
        return self._embeddings

    def _in_window_stories(self, doc: ClusterDoc, story_ids: Iterable[int]) -> Iterator[_Story]:
        for story_id in story_ids:
            story = self._stories.get(story_id)
            if story is not None and self._in_window(doc.seen, story):
                yield story

    def assign(self, doc: ClusterDoc, signals: DocSignals) -> Assignment:
        """The most probable story for `doc`, or Assignment(story=None) when none is probable enough."""
        best: tuple[float, bool, _Story, np.ndarray] | None = None
        for story in self.candidates(doc, signals):
            x = self.features(doc, signals, story)
            accepted, margin = self.model.regimes[self.regime(signals, story)].accepts(x)
            if best is None or (accepted, margin) > (best[1], best[0]):
                best = (margin, accepted, story, x)
        if best is None:
            return Assignment(story=None, score=0.0)
        _, accepted, story, x = best
        probability = self.model.regimes[self.regime(signals, story)].probability(x)
        top = top_terms(signals.full, 40)
        present = story.whole.full.contains([self._term_ids[t] for t in top])
        shared = list(
            dict.fromkeys(t.lstrip("@#") for t, there in zip(top, present, strict=True) if there)
        )
        return Assignment(
            story.id if accepted else None,
            probability,
            tuple(shared[:8]),
            _hours_between(doc.seen, story.last_seen),
            dict(zip(FEATURES[1:], (float(v) for v in x[1:]), strict=True)),
            core=not accepted or probability >= CORE_CONFIDENCE,
        )

    def add(
        self,
        doc: ClusterDoc,
        signals: DocSignals,
        story_id: int | None = None,
        core: bool = True,
    ) -> int:
        """Record `doc` as a member of `story_id` (or of a new story); returns the story id.

        With `core`, the doc also becomes part of the story's core while the core has room."""
        if story_id is None:
            story_id = self._next_id
        self._next_id = max(self._next_id, story_id + 1)
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = _Story(story_id, first_seen=doc.seen)
        story.add(signals, core)
        if self._embeddings is not None and story.whole.embedding is not None:
            self._embeddings.update(story_id, story.whole.embedding)
        if doc.seen and (story.last_seen is None or doc.seen > story.last_seen):
            story.last_seen = doc.seen
        for term in top_terms(signals.full, INDEX_TERMS):
            if term not in story.indexed:
                story.indexed.add(term)
                self._postings[term].add(story_id)
        return story_id

    def story(self, story_id: int) -> _Story | None:
        """The story in memory (None once it has left the window, or if it never existed)."""
        return self._stories.get(story_id)

    def reserve_ids(self, above: int) -> None:
        self._next_id = max(self._next_id, above + 1)

    def forget_before(self, cutoff: datetime) -> None:
        """Drop stories whose last article is older than `cutoff` from memory and the index."""
        for story_id in [
            s.id for s in self._stories.values() if s.last_seen and s.last_seen < cutoff
        ]:
            story = self._stories.pop(story_id)
            if self._embeddings is not None:
                self._embeddings.remove(story_id)
            for term in story.indexed:
                ids = self._postings.get(term)
                if ids is not None:
                    ids.discard(story_id)
                    if not ids:
                        del self._postings[term]

    def _tfidf(self, counts: Mapping[str, float]) -> dict[str, float]:
        """L2-normalised TF-IDF with the document frequencies learned so far."""
        total = self._docs + 1
        # Terms are interned: the term ids, postings and names then share one copy of each word.
        vector = {
            sys.intern(term): (1.0 + math.log(count))
            * (math.log(total / (self._df[term] + 1)) + 1.0)
            for term, count in counts.items()
            if count > 0
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {term: value / norm for term, value in vector.items()}

    def _in_window(self, seen: datetime | None, story: _Story) -> bool:
        return not (seen and story.last_seen and seen - story.last_seen > self.window)


def core_only(x: np.ndarray) -> np.ndarray:
    """The features with the whole-story signals replaced by the core's: the anti-chaining check."""
    core = x.copy()
    core[FEATURES.index("text_cosine")] = x[FEATURES.index("core_text_cosine")]
    core[FEATURES.index("embedding_cosine")] = x[FEATURES.index("core_embedding_cosine")]
    core[FEATURES.index("nearest_member_cosine")] = x[FEATURES.index("core_embedding_cosine")]
    return core


def _hours_between(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return abs((a - b).total_seconds()) / 3600.0


def _time_proximity(hours: float | None) -> float:
    """Gaussian in the time gap (sigma three days); an unknown time is treated as no gap."""
    if hours is None:
        return 1.0
    return math.exp(-(hours**2) / (2 * TIME_SIGMA_HOURS**2))
