"""What a story change should tell editors, as outbox entries (keys make them post once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Member:
    article_id: int
    outlet: str
    title: str
    url: str
    published: str | None
    placement: str
    backfill: bool

    def as_payload(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "title": self.title,
            "url": self.url,
            "published": self.published,
            "placement": self.placement,
        }


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    event: str
    channel: str
    payload: dict[str, Any]


def counted_outlets(members: list[Member]) -> list[str]:
    """Distinct outlets toward the threshold, first come first: a copy of another outlet's text
    does not bring its outlet in, and an outlet's second article adds nothing."""
    return list(dict.fromkeys(m.outlet for m in members if m.placement != "copy"))


def story_events(
    *,
    story_id: int,
    title: str,
    members: list[Member],
    newcomer: Member,
    alerted: bool,
    min_outlets: int,
    channel: str,
) -> list[OutboxEntry]:
    """Outbox entries for `newcomer` joining the story.

    The first time the story reaches `min_outlets` counted outlets it alerts; after that,
    each outlet that joins is one update. Backfilled articles (present when their source
    was first polled) never alert.
    """
    if newcomer.backfill:
        return []
    outlets = counted_outlets(members)
    coverage = [m.as_payload() for m in members]
    base = {
        "story_id": story_id,
        "title": title,
        "outlet_count": len(outlets),
        "outlets": outlets,
        "coverage": coverage,
    }
    if not alerted:
        if len(outlets) < min_outlets:
            return []
        return [OutboxEntry(f"story:{story_id}:alert:{channel}", "alert", channel, base)]
    earlier = [m for m in members if m.article_id != newcomer.article_id]
    if newcomer.placement == "copy" or newcomer.outlet in counted_outlets(earlier):
        return []
    return [
        OutboxEntry(
            f"story:{story_id}:outlet:{newcomer.outlet}:{channel}",
            "outlet_joined",
            channel,
            {**base, "article": newcomer.as_payload()},
        )
    ]
