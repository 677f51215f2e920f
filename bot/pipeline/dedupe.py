"""Is this article one we already have? Same outlet twice, or another outlet's copy.

Near-identical text is found through an index of sampled word shingles, so a lookup
touches only articles that share text with the newcomer, never every stored article.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from bot.pipeline.kinds import PlacementKind
from bot.pipeline.text import normalised, overlap_coefficient, shingle_hashes

# Texts need this many sampled shingles (about 40 words) before their overlap means anything.
MIN_SHINGLES = 8
# Share of the shorter text's shingles found in the other for the two to be one text.
SAME_TEXT = 0.7


@dataclass(frozen=True)
class DuplicateMatch:
    """`kind` is SAME_ARTICLE (same outlet) or COPY (another outlet's text: wire, republication)."""

    kind: PlacementKind
    of: str
    similarity: float


@dataclass
class _Entry:
    key: str
    outlet: str
    shingles: np.ndarray  # uint32, a fifth of a frozenset's memory
    exact: bytes  # a digest of the normalised text: equal texts, equal digests
    seen: datetime | None


class DuplicateIndex:
    """Remembers recent articles' shingles; forgets those older than the window."""

    def __init__(self, window_hours: float = 72.0) -> None:
        self.window = timedelta(hours=window_hours)
        self._entries: dict[str, _Entry] = {}
        # shingle -> the key holding it, or a tuple of keys when several do: most shingles
        # belong to one article, and a set for each would be most of this index's memory.
        self._postings: dict[int, str | tuple[str, ...]] = {}
        self._exact: dict[bytes, set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._entries)

    def find(
        self, outlet: str, title: str, text: str, seen: datetime | None
    ) -> DuplicateMatch | None:
        """The best earlier article this one duplicates, or None. Copies point at their origin."""
        shingles = shingle_hashes(text)
        exact = _digest(title, text)
        best: DuplicateMatch | None = None
        for key in self._exact.get(exact, ()):
            entry = self._live(key, seen)
            if entry and entry.outlet == outlet:
                return DuplicateMatch(PlacementKind.SAME_ARTICLE, entry.key, 1.0)
        if len(shingles) < MIN_SHINGLES:
            return None
        counts: dict[str, int] = defaultdict(int)
        for value in shingles:
            for key in _keys(self._postings.get(value)):
                counts[key] += 1
        for key, shared in sorted(counts.items(), key=lambda kv: -kv[1]):
            if shared < MIN_SHINGLES * SAME_TEXT:
                break
            entry = self._live(key, seen)
            if entry is None or len(entry.shingles) < MIN_SHINGLES:
                continue
            similarity = overlap_coefficient(shingles, entry.shingles.tolist())
            if similarity < SAME_TEXT:
                continue
            kind = PlacementKind.SAME_ARTICLE if entry.outlet == outlet else PlacementKind.COPY
            candidate = DuplicateMatch(kind, entry.key, round(similarity, 3))
            # Prefer the same outlet's article: a re-post is not a copy of someone else.
            if best is None or (kind, similarity) > (best.kind, best.similarity):
                best = candidate
        return best

    def add(self, key: str, outlet: str, title: str, text: str, seen: datetime | None) -> None:
        shingles = shingle_hashes(text)
        entry = _Entry(
            key, outlet, np.array(sorted(shingles), dtype=np.uint32), _digest(title, text), seen
        )
        self._entries[key] = entry
        self._exact[entry.exact].add(key)
        for value in shingles:
            held = _keys(self._postings.get(value))
            if key not in held:
                self._postings[value] = _packed((*held, key))

    def forget_before(self, cutoff: datetime) -> list[str]:
        """Drop articles last seen before `cutoff` (memory stays bounded by the window).

        Returns the keys dropped."""
        old = [k for k, e in self._entries.items() if e.seen and e.seen < cutoff]
        for key in old:
            self._remove(key)
        return old

    def _live(self, key: str, now: datetime | None) -> _Entry | None:
        entry = self._entries.get(key)
        if entry and now and entry.seen and now - entry.seen > self.window:
            return None
        return entry

    def _remove(self, key: str) -> None:
        entry = self._entries.pop(key)
        self._exact[entry.exact].discard(key)
        if not self._exact[entry.exact]:
            del self._exact[entry.exact]
        for value in entry.shingles.tolist():
            rest = tuple(k for k in _keys(self._postings.get(value)) if k != key)
            if rest:
                self._postings[value] = _packed(rest)
            else:
                self._postings.pop(value, None)


def _digest(title: str, text: str) -> bytes:
    """Equal for texts equal word for word; 16 bytes to remember instead of the whole text."""
    return hashlib.blake2b(normalised(f"{title}\n{text}").encode(), digest_size=16).digest()


def _keys(held: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """The keys a posting holds (see `_packed`)."""
    if held is None:
        return ()
    return (held,) if isinstance(held, str) else held


def _packed(keys: tuple[str, ...]) -> str | tuple[str, ...]:
    """A posting: one key as itself, several as a tuple (most shingles have one article)."""
    return keys[0] if len(keys) == 1 else keys
