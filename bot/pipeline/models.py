"""The dataclasses that flow between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchResult:
    """One HTTP fetch. `not_modified` means a conditional GET answered 304 and `content` is empty.

    `moved_to` is the final URL when the request was redirected and every hop was permanent
    (301 or 308): the resource says it lives there now. None after no redirect, or when any
    hop was temporary (302, 303, 307).
    """

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    moved_to: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    """One item of an RSS or Atom feed, as the feed tells it."""

    url: str
    guid: str
    title: str
    summary: str
    published: datetime | None
    author: str | None = None


@dataclass(frozen=True)
class PageContent:
    """What extraction found on an article page."""

    title: str
    text: str
    author: str | None = None
    published: datetime | None = None
    site_name: str | None = None
    canonical_url: str | None = None


@dataclass
class Article:
    """One outlet's article, ready for dedupe and clustering. `key` is unique per run or database."""

    key: str
    outlet: str
    title: str
    text: str
    url: str | None = None
    canonical_url: str | None = None
    published: datetime | None = None
    author: str | None = None
    site_name: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
