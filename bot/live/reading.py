"""Reading a source the way a poll does: what the fetched document is (a homepage is followed
to its feed), its entries, and each entry's text. The Watcher, `newsdesk preview` and
`/sources add` all read through here, so they never disagree about a source."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.errors import ExtractionError, SourceError
from bot.pipeline.discovery import identify, robots_sitemaps
from bot.pipeline.feeds import feed_title, parse_feed
from bot.pipeline.fetch import Fetcher
from bot.pipeline.furniture import clean_text
from bot.pipeline.models import FeedEntry, FetchResult, PageContent
from bot.pipeline.pages import extract_page
from bot.pipeline.sitemaps import read_sitemap

logger = logging.getLogger(__name__)

MAX_FEEDS_TRIED = 3  # feeds a homepage links to, tried in page order until one reads


@dataclass(frozen=True)
class OpenedSource:
    """A source's document, fetched and identified.

    `url` is as given; `document` is what will be read (after redirects and, for a homepage,
    after following its feed link, or the news sitemap its robots.txt names: `via` is then
    the URL of the homepage or of the robots.txt). `feeds` are the feed URLs the HTML page
    offered, when it was one.
    """

    url: str
    kind: str
    document: FetchResult
    via: str | None = None
    feeds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Listing:
    """A feed's or sitemap's title (empty when unknown or not asked for) and entries."""

    title: str
    entries: list[FeedEntry]


@dataclass(frozen=True)
class EntryReading:
    """An entry as newsdesk keeps it: its title, the text read, and `error`, why the page
    was not used when the feed's own text stands in (None when the page was read)."""

    title: str
    page: PageContent
    error: str | None = None


def open_source(fetcher: Fetcher, url: str, kind: str | None = None) -> OpenedSource:
    """Fetch `url` and identify it (see `open_document`). Raises SourceError or
    ExtractionError with a message for an editor."""
    return open_document(fetcher, fetcher.fetch(url), kind)


def open_document(fetcher: Fetcher, document: FetchResult, kind: str | None = None) -> OpenedSource:
    """Identify a fetched document; a homepage (or an HTML page read as a feed) is followed
    to the first feed it links to that can be read, or, when a homepage links to none, to
    the first sitemap its site's robots.txt lists (news sitemaps first).

    `kind` ("feed", "sitemap" or "page") overrides what the bytes look like; None means the
    bytes decide (`discovery.identify`).

    Raises:
        ExtractionError: a homepage whose feeds and sitemaps could not be read or found,
            or a page read as a feed that links to none.
    """
    found = identify(document.content, document.content_type, document.final_url)
    chosen = kind or found.kind
    wants_feed = chosen == "homepage" or (chosen == "feed" and found.kind in ("homepage", "page"))
    if not wants_feed:
        return OpenedSource(document.url, chosen, document, feeds=found.feeds)
    named_in, candidates = document.final_url, list(found.feeds[:MAX_FEEDS_TRIED])
    if not candidates and chosen == "homepage":
        named_in, listed = _robots_sitemaps(fetcher, document.final_url)
        candidates = listed[:MAX_FEEDS_TRIED]
    if not candidates:
        raise ExtractionError(
            "the URL serves an HTML page that links to no feed"
            + (" and whose robots.txt lists no sitemap" if chosen == "homepage" else "")
        )
    failures = []
    for feed_url in candidates:
        try:
            linked = fetcher.fetch(feed_url)
            linked_kind = identify(linked.content, linked.content_type, linked.final_url).kind
            if linked_kind not in ("feed", "sitemap"):
                raise ExtractionError("it is not a feed")
            read_listing(fetcher, linked_kind, linked)  # the same check a poll makes
        except (SourceError, ExtractionError) as exc:
            failures.append(f"{feed_url}: {exc}")
            continue
        return OpenedSource(document.url, linked_kind, linked, via=named_in, feeds=found.feeds)
    raise ExtractionError(
        "none of the feeds or sitemaps the page leads to could be read ("
        + "; ".join(failures)
        + ")"
    )


def _robots_sitemaps(fetcher: Fetcher, url: str) -> tuple[str, list[str]]:
    """The site's robots.txt URL and the sitemaps it lists, news sitemaps first (none when
    it cannot be read). Many outlets publish a news sitemap and no feed, and name it there."""
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        robots = fetcher.fetch(robots_url)
    except SourceError as exc:
        logger.info("no robots.txt for %s: %s", url, exc)
        return robots_url, []
    return robots_url, robots_sitemaps(robots.content.decode("utf-8", "replace"), url)


def read_listing(
    fetcher: Fetcher, kind: str, document: FetchResult, *, with_title: bool = False
) -> Listing:
    """Entries of a feed (RSS, Atom, JSON Feed) or a sitemap (an index's sitemaps fetched
    through `fetcher`), in the order a poll takes them; the title only when asked for.

    Raises:
        ExtractionError: the document holds no feed or sitemap.
    """
    if kind == "sitemap":
        sitemap = read_sitemap(fetcher, document.content, document.final_url)
        return Listing(sitemap.publication, sitemap.entries)
    entries = parse_feed(document.content, document.content_type, base_url=document.final_url)
    title = feed_title(document.content, document.content_type) if with_title else ""
    return Listing(title, entries)


def read_entry(
    fetcher: Fetcher,
    entry: FeedEntry,
    computing: AbstractContextManager[object] | None = None,
) -> EntryReading:
    """The entry's page, read with trafilatura; when the page cannot be read, the feed's own
    text (furniture removed) stands in and `error` says why.

    `computing` is held while extracting (the Watcher's lock that keeps one poller computing
    at a time).

    Raises:
        SourceError, ExtractionError: the page cannot be read and the feed has no text, or
            the item has no link, title or text.
    """
    error = "the item has no link"
    if entry.url:
        try:
            result = fetcher.fetch(entry.url)
            with computing or nullcontext():
                page = extract_page(result.content, result.final_url)
            return EntryReading(entry.title or page.title, page)
        except (SourceError, ExtractionError) as exc:
            if not entry.summary:
                raise
            logger.info("page %s unreadable (%s); using the feed's text", entry.url, exc)
            error = str(exc)
    elif not (entry.title or entry.summary):
        raise ExtractionError("the item has no link, title or text")
    text = clean_text(entry.summary, entry.title) if entry.summary else ""
    return EntryReading(entry.title, PageContent(title=entry.title, text=text), error)
