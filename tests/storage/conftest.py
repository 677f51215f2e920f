"""A fresh in-memory Store for each storage test, and a way to put articles in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.pipeline.alerts import counts_as_outlet
from storage import Store, to_iso

T0 = datetime(2024, 5, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[Store]:
    memory = Store(":memory:")
    yield memory
    memory.close()


def placed(
    store: Store,
    outlet: str,
    title: str,
    *,
    story: int,
    placement: str = "joined",
    published: datetime | None = None,
    now: datetime = T0,
) -> int:
    """An article of `outlet` stored at `now` and placed into `story` the way the watcher
    does it (its source is made on the way); returns its id."""
    with store.transaction():
        source = store.sources.add(outlet, f"https://{outlet}.example/feed", "feed", now=now)
        url = f"https://{outlet}.example/{title.replace(' ', '-')}"
        article = store.articles.insert(
            {
                "source_id": source,
                "outlet": outlet,
                "url": url,
                "canonical_url": url,
                "title": title,
                "published": to_iso(published),
                "seen_at": to_iso(published or now),
                "text": f"{title}. The text of it.",
                "fingerprint": title,
            },
            now=now,
        )
        store.stories.touch(story, title=title, seen=published or now)
        store.stories.place(
            article,
            story_id=story,
            placement=placement,
            counts_outlet=counts_as_outlet(placement),
            duplicate_of=None,
            why={},
        )
    return article


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
