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
        self._postings = _Postings()
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
        counts = self._postings.shared(np.array(sorted(shingles), dtype=np.uint32))
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
        if key in self._entries:
            self._remove(key)
        self._entries[key] = entry
        self._exact[entry.exact].add(key)
        self._postings.add(key, entry.shingles)

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
        self._postings.remove(key)


class _Postings:
    """Shingle -> the articles holding it, for `DuplicateIndex.find`.

    Most postings are kept in two parallel numpy arrays sorted by shingle (shingle, article
    slot): 8 bytes a posting. A dict of Python ints took about 60 (the int key, its slot, a
    str or tuple value): at 72 hours of 2,000 articles a day, 110 sampled shingles each,
    about 40 MB of the bot's memory. Articles added since the last merge are held in a dict
    until they are an eighth of the index, then merged at once: few merges, so few large
    arrays are allocated and freed (each merge re-sorts everything). A removed article's
    slot is dead at once; its postings go at the next merge.
    """

    MERGE_AT = 64  # the fewest recent articles merged at once

    def __init__(self) -> None:
        self._shingles = np.empty(0, dtype=np.uint32)
        self._slots = np.empty(0, dtype=np.int32)
        self._recent: dict[int, list[int]] = {}  # shingle -> slots, since the last merge
        self._recent_articles: list[tuple[np.ndarray, int]] = []
        self._key_at: list[str | None] = []  # slot -> article key; None once removed
        self._slot_of: dict[str, int] = {}
        self._dead = 0

    def add(self, key: str, shingles: np.ndarray) -> None:
        """`shingles`: the article's sorted, distinct uint32 shingle hashes."""
        slot = len(self._key_at)
        self._slot_of[key] = slot
        self._key_at.append(key)
        self._recent_articles.append((shingles, slot))
        for value in shingles.tolist():
            self._recent.setdefault(value, []).append(slot)
        if len(self._recent_articles) >= max(self.MERGE_AT, len(self._slot_of) // 8):
            self._merge()

    def remove(self, key: str) -> None:
        slot = self._slot_of.pop(key, None)
        if slot is not None:
            self._key_at[slot] = None
            self._dead += 1
            if self._dead > len(self._slot_of):  # most slots dead: compact
                self._merge()

    def shared(self, shingles: np.ndarray) -> dict[str, int]:
        """Article key -> how many of `shingles` (sorted, distinct uint32) it holds."""
        starts = np.searchsorted(self._shingles, shingles, side="left")
        lengths = np.searchsorted(self._shingles, shingles, side="right") - starts
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        found = self._slots[offsets + np.arange(len(offsets))].tolist()
        for value in shingles.tolist():
            found.extend(self._recent.get(value, ()))
        counts: dict[str, int] = defaultdict(int)
        for slot in found:
            key = self._key_at[slot]
            if key is not None:
                counts[key] += 1
        return counts

    def _merge(self) -> None:
        """Fold the recent articles into the sorted arrays, drop dead slots' postings, and
        number the live slots densely again."""
        shingles = np.concatenate([self._shingles, *(held for held, _ in self._recent_articles)])
        slots = np.concatenate(
            [self._slots]
            + [np.full(len(held), slot, np.int32) for held, slot in self._recent_articles]
        )
        live = np.array([key is not None for key in self._key_at], dtype=bool)
        keep = live[slots]
        renumber = (np.cumsum(live) - 1).astype(np.int32)
        shingles, slots = shingles[keep], renumber[slots[keep]]
        order = np.argsort(shingles, kind="stable")
        self._shingles, self._slots = shingles[order], slots[order]
        kept = [key for key in self._key_at if key is not None]
        self._key_at = list(kept)
        self._slot_of = {key: slot for slot, key in enumerate(kept)}
        self._recent, self._recent_articles = {}, []
        self._dead = 0


def _digest(title: str, text: str) -> bytes:
    """Equal for texts equal word for word; 16 bytes to remember instead of the whole text."""
    return hashlib.blake2b(normalised(f"{title}\n{text}").encode(), digest_size=16).digest()
