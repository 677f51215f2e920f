"""What a read entry is to the watcher, decided before anything is written: new, a revision,
the same text again, or nothing to do. Pure: the Watcher does the I/O the decision asks for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from bot.pipeline.identity import article_key

# How far ahead of our clock a published time may be (servers' clocks drift a little).
FUTURE_TOLERANCE = timedelta(minutes=15)


def fingerprint(*parts: str | None) -> str:
    """A hash of text with whitespace folded: the same words give the same fingerprint."""
    joined = "\n".join(" ".join((p or "").split()) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def identity(url: str, key: str | None, canonical_url: str | None) -> str:
    """The key an article is stored under (see `identity.article_key`): the entry's own key,
    or the page's canonical link when it names the same site (a canonical link to another
    site is a syndication credit, not this article's address)."""
    if url and canonical_url and urlsplit(canonical_url).netloc == urlsplit(url).netloc:
        return article_key(canonical_url)
    return key or article_key(url)


class IntakeKind(StrEnum):
    NEW = "new"  # store it and place it into a story
    REVISION = "revision"  # a known article whose text changed: store a revision
    SAME_TEXT = "same_text"  # a known article, same text, but the feed entry changed: note it
    NOTHING = "nothing"  # a known article, same text, same entry: nothing to write


@dataclass(frozen=True)
class Intake:
    """The decision, with what its writes need: the title (the page's, else the first 120
    characters of text, when the entry has none), the text's fingerprint, and for a NEW
    article its published time (None when missing or implausibly in the future) and the
    time it counts as seen (published, never later than now)."""

    kind: IntakeKind
    title: str
    text_fingerprint: str
    published: datetime | None = None
    seen: datetime | None = None
    future_time: datetime | None = None  # a published time dropped for being in the future


def decide_intake(
    *,
    stored_fingerprint: str | None,
    title: str,
    page_title: str,
    text: str,
    entry_fingerprint: str | None,
    published: datetime | None,
    now: datetime,
) -> Intake:
    """What to do with an entry whose page was read. `stored_fingerprint` is the stored
    article's text fingerprint, None when the article is not stored yet; `published` is the entry's or page's time
    (timezone-aware UTC), `now` the watcher's clock."""
    title = title or page_title or text[:120]
    text_fp = fingerprint(title, text)
    if stored_fingerprint is not None:
        if stored_fingerprint != text_fp:
            return Intake(IntakeKind.REVISION, title, text_fp)
        kind = IntakeKind.SAME_TEXT if entry_fingerprint else IntakeKind.NOTHING
        return Intake(kind, title, text_fp)
    future = None
    if published and published - now > FUTURE_TOLERANCE:
        # A time ahead of the clock is a wrong zone or a typo, not news from the future:
        # the item is left undated (the time first seen stands in), as for an unreadable one.
        future, published = published, None
    seen = min(published, now) if published else now
    return Intake(IntakeKind.NEW, title, text_fp, published, seen, future)
