"""Placing one article: the same article again, another outlet's copy, a story member, or a new story.

This is the one place where dedupe and clustering are combined, for the live bot and for
`newsdesk analyze` alike.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from bot.pipeline.cluster import (
    ClusterDoc,
    Encoder,
    GroupingModel,
    StoryClusterer,
    embed_articles,
)
from bot.pipeline.dedupe import DuplicateIndex
from bot.pipeline.kinds import PlacementKind

# One thread runs the model for the whole process (the model itself uses both cores), so the
# pollers' Python work -- reading pages, placing articles -- goes on while it computes.
_EMBEDDING = ThreadPoolExecutor(1, thread_name_prefix="embedding")


@dataclass(frozen=True)
class Placement:
    """`kind`: a NEW story, JOINED a story, the SAME_ARTICLE as `of`, or a COPY of `of`."""

    story: int
    kind: PlacementKind
    of: str | None = None
    why: dict[str, object] = field(default_factory=dict)


class StoryAssembler:
    """Remembers recent articles and stories and places each newcomer."""

    def __init__(
        self,
        window_hours: float = 72.0,
        model: GroupingModel | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        if encoder is None:
            from bot.pipeline.embed import shared_embedder

            encoder = shared_embedder().encode
        self._encoder = encoder
        self.duplicates = DuplicateIndex(window_hours)
        self.clusterer = StoryClusterer(window_hours, model, encoder)
        self.story_of: dict[str, int] = {}

    def place(
        self,
        key: str,
        outlet: str,
        title: str,
        text: str,
        seen: datetime | None,
        embedding: np.ndarray | None = None,
    ) -> Placement:
        """Decide where the article goes and remember it (`embedding` if already computed)."""
        match = self.duplicates.find(outlet, title, text, seen)
        if match is not None and match.of in self.story_of:
            story = self.story_of[match.of]
            if match.kind == PlacementKind.COPY:
                # A copy strengthens the story's vocabulary like any member.
                doc = ClusterDoc(key, outlet, title, text, seen)
                signals = self.clusterer.signals(doc, embedding=embedding)
                self.clusterer.add(doc, signals, story, core=False)
            self._keep(key, outlet, title, text, seen, story)
            return Placement(
                story,
                match.kind,
                match.of,
                {"duplicate_of": match.of, "similarity": match.similarity},
            )
        doc = ClusterDoc(key, outlet, title, text, seen)
        signals = self.clusterer.signals(doc, embedding=embedding)
        assignment = self.clusterer.assign(doc, signals)
        story = self.clusterer.add(doc, signals, assignment.story, assignment.core)
        self._keep(key, outlet, title, text, seen, story)
        kind = PlacementKind.NEW if assignment.story is None else PlacementKind.JOINED
        return Placement(story, kind, None, assignment.why())

    def remember(
        self,
        key: str,
        outlet: str,
        title: str,
        text: str,
        seen: datetime | None,
        story: int,
        embedding: np.ndarray | None = None,
    ) -> None:
        """Load an article already placed (at start-up, from storage) without deciding anything."""
        doc = ClusterDoc(key, outlet, title, text, seen)
        self.clusterer.add(doc, self.clusterer.signals(doc, embedding=embedding), story)
        self._keep(key, outlet, title, text, seen, story)

    def _keep(
        self, key: str, outlet: str, title: str, text: str, seen: datetime | None, story: int
    ) -> None:
        """An article in `story` from now on: later copies of it are found, its story known."""
        self.duplicates.add(key, outlet, title, text, seen)
        self.story_of[key] = story

    def embed(self, articles: list[tuple[str, str]]) -> np.ndarray:
        """Embeddings of (title, text) pairs, in one batch: faster than placing one by one."""
        return embed_articles(self._encoder, articles)

    def embed_later(self, articles: list[tuple[str, str]]) -> Future[np.ndarray]:
        """`embed` on the embedding thread; the caller goes on with other work meanwhile."""
        return _EMBEDDING.submit(embed_articles, self._encoder, articles)

    def reserve_story_ids(self, above: int) -> None:
        """New stories get ids above `above` (stories outside the window are not in memory)."""
        self.clusterer.reserve_ids(above)

    def forget_before(self, cutoff: datetime) -> None:
        """Forget articles and stories older than `cutoff`; they stay in storage."""
        for key in self.duplicates.forget_before(cutoff):
            self.story_of.pop(key, None)
        self.clusterer.forget_before(cutoff)
