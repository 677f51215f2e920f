"""News sitemaps -> entries: `<urlset>` with `<url><loc>` and Google's `<news:news>`
(https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap), and
sitemap indexes, whose listed sitemaps are followed a bounded number at a time.

trafilatura's sitemap search keeps only the locations and fetches by itself; newsdesk needs
each article's headline and publication time and fetches through its own `Fetcher`, so the
XML is read here with lxml, entities never expanded and no network access.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from bot.errors import ExtractionError, SourceError
from bot.pipeline.dates import parse_zoned_datetime
from bot.pipeline.fetch import MAX_BYTES, Fetcher
from bot.pipeline.models import FeedEntry

MAX_CHILD_SITEMAPS = 3  # sitemaps of an index read per poll, most recently modified first
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Sitemap:
    """One sitemap document: its articles (a `urlset`) or the sitemaps it lists (an index).

    `entries` are newest first (by publication date, else last modification; undated last),
    `children` are absolute URLs, most recently modified first; `publication` is the
    `news:publication/news:name` the articles give, or empty.
    """

    entries: list[FeedEntry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    publication: str = ""
    is_index: bool = False


def root_name(content: bytes) -> str:
    """Local name of the XML root element ("urlset", "sitemapindex", "rss"...), or empty."""
    try:
        root = _parse(content)
    except ExtractionError:
        return ""
    return etree.QName(root).localname if root is not None else ""


def parse_sitemap(content: bytes, base_url: str = "") -> Sitemap:
    """Read a sitemap or sitemap index (gzipped or not).

    Args:
        content: the bytes served.
        base_url: the document's final URL; relative locations resolve against it.

    Raises:
        ExtractionError: the body is not a sitemap (no `urlset` or `sitemapindex` root).
    """
    root = _parse(content)
    name = etree.QName(root).localname if root is not None else ""
    if name == "sitemapindex":
        listed = []
        for position, node in enumerate(_children(root, "sitemap")):
            loc = _child_text(node, "loc")
            if loc:
                modified = parse_zoned_datetime(_child_text(node, "lastmod"))
                listed.append((modified, position, urljoin(base_url, loc)))
        listed.sort(key=_newest_first)
        return Sitemap(children=list(dict.fromkeys(url for _, _, url in listed)), is_index=True)
    if name != "urlset":
        raise ExtractionError("the body is not a sitemap (no <urlset> or <sitemapindex>)")
    dated: list[tuple[datetime | None, int, FeedEntry]] = []
    publication = ""
    for position, node in enumerate(_children(root, "url")):
        loc = _child_text(node, "loc")
        if not loc:
            continue
        news = next(_children(node, "news"), None)
        title, published = "", None
        if news is not None:
            title = " ".join(_child_text(news, "title").split())
            published = parse_zoned_datetime(_child_text(news, "publication_date"))
            outlet = next(_children(news, "publication"), None)
            if outlet is not None and not publication:
                publication = " ".join(_child_text(outlet, "name").split())
        url = urljoin(base_url, loc)
        entry = FeedEntry(url=url, guid=url, title=title, summary="", published=published)
        # A plain sitemap's lastmod orders the articles but is not their publication time.
        order = published or parse_zoned_datetime(_child_text(node, "lastmod"))
        dated.append((order, position, entry))
    dated.sort(key=_newest_first)
    return Sitemap(entries=[entry for _, _, entry in dated], publication=publication)


def read_sitemap(
    fetcher: Fetcher, content: bytes, final_url: str, max_children: int = MAX_CHILD_SITEMAPS
) -> Sitemap:
    """A fetched sitemap's articles; an index's listed sitemaps are fetched (at most
    `max_children`, most recently modified first) and their articles gathered.

    Raises:
        ExtractionError: not a sitemap, or an index none of whose sitemaps could be read.
    """
    top = parse_sitemap(content, final_url)
    if not top.is_index:
        return top
    entries: list[FeedEntry] = []
    publication, failures = "", []
    queue, seen, fetched = list(top.children), {final_url}, 0
    while queue and fetched < max_children:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        fetched += 1
        try:
            result = fetcher.fetch(url)
            child = parse_sitemap(result.content, result.final_url)
        except (SourceError, ExtractionError) as exc:
            failures.append(f"{url}: {exc}")
            continue
        entries.extend(child.entries)
        queue.extend(child.children)
        publication = publication or child.publication
    if failures and not entries:
        raise ExtractionError(
            "none of the sitemaps the index lists could be read (" + "; ".join(failures) + ")"
        )
    if not top.children:
        raise ExtractionError("the sitemap index lists no sitemaps")
    first_by_url: dict[str, FeedEntry] = {}
    for entry in entries:
        first_by_url.setdefault(entry.url, entry)
    unique = list(first_by_url.values())
    # Each sitemap is in order already; a stable sort on publication keeps plain ones' order.
    unique.sort(key=lambda e: _newest_first((e.published, 0, None)))
    return Sitemap(entries=unique, publication=publication, is_index=True)


def _parse(content: bytes) -> etree._Element:
    if content[:2] == GZIP_MAGIC:  # sitemap.xml.gz is served as a gzip file, not encoded
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            content = inflater.decompress(content, MAX_BYTES)
        except zlib.error as exc:
            raise ExtractionError(f"the gzipped sitemap cannot be unpacked ({exc})") from None
        if inflater.unconsumed_tail:
            raise ExtractionError(f"the gzipped sitemap unpacks to over {MAX_BYTES:,} bytes")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(f"the sitemap is not XML ({exc})") from None
    if root is None:
        raise ExtractionError("the body is not a sitemap (no XML document)")
    return root


def _children(node: etree._Element, name: str) -> Iterator[etree._Element]:
    """Child elements by local name: sitemaps in the wild mix up namespace URIs."""
    return (
        child
        for child in node
        if isinstance(child.tag, str) and etree.QName(child).localname == name
    )


def _child_text(node: etree._Element, name: str) -> str:
    child = next(_children(node, name), None)
    return (child.text or "").strip() if child is not None else ""


def _newest_first(item: tuple[datetime | None, int, object]) -> tuple[int, float, int]:
    when, position, _ = item
    return (0, -when.timestamp(), position) if when else (1, 0.0, position)
