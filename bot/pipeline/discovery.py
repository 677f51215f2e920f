"""What a fetched document is (feed, sitemap, article page or homepage) and, for an HTML page,
which feeds it links to (trafilatura's feed autodiscovery on the bytes newsdesk fetched)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from trafilatura.feeds import FeedParameters, determine_feed
from trafilatura.sitemaps import extract_robots_sitemaps

from bot.pipeline.jsonfeed import looks_like_json
from bot.pipeline.sitemaps import root_name

FEED_ROOTS = frozenset({"rss", "feed", "RDF"})  # RSS 2.0 / Atom / RSS 1.0
SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})
# schema.org types an article page declares itself with (NewsArticle, BlogPosting, ...).
ARTICLE_TYPE = re.compile(r"Article|BlogPosting|LiveBlogPosting|Report\b")


@dataclass(frozen=True)
class Identity:
    """What a document is.

    `kind` is "feed" (RSS, Atom or JSON Feed), "sitemap", "page" (an article page, or any
    other document read as one) or "homepage" (an HTML page that is not an article and links
    to feeds, such as an outlet's front or section page). `feeds` are the feed URLs an HTML
    page links to, absolute, in page order.
    """

    kind: str
    feeds: tuple[str, ...] = ()


def identify(content: bytes, content_type: str, url: str) -> Identity:
    """Tell a feed from a sitemap, an article page and a homepage by the bytes served.

    The body decides, not the Content-Type, which servers often get wrong (feeds as
    text/html, sitemaps as text/plain). An HTML page is a homepage when it links to a feed
    and does not declare itself an article (og:type, article:published_time, schema.org
    Article types), or when it is the site's root (whose feed, or news sitemap, is looked
    for even when it links to none); otherwise it is an article page.
    """
    if looks_like_json(content):
        return Identity("feed")
    root = root_name(content)
    if root in FEED_ROOTS:
        return Identity("feed")
    if root in SITEMAP_ROOTS:
        return Identity("sitemap")
    feeds = tuple(feed_links(content, url)) if url else ()
    is_root = bool(url) and urlsplit(url).path in ("", "/")
    if is_root or (feeds and not declares_article(content)):
        return Identity("homepage", feeds)
    return Identity("page", feeds)


def robots_sitemaps(robots_txt: str, url: str) -> list[str]:
    """Sitemaps a robots.txt lists (`Sitemap:` lines), resolved against `url`; news
    sitemaps (a "news" in their address) first.

    Source: trafilatura.sitemaps.extract_robots_sitemaps.
    """
    listed = [urljoin(url, s) for s in extract_robots_sitemaps(robots_txt, url)]
    return sorted(dict.fromkeys(listed), key=lambda s: "news" not in s.lower())


def feed_links(content: bytes, url: str) -> list[str]:
    """Feed URLs an HTML page announces (`<link rel="alternate">` with a feed type, else
    links that look like feeds), resolved against the page's URL; comment feeds left out.

    Source: trafilatura.feeds.determine_feed (after Aaron Swartz's feedfinder).
    """
    # The page's own URL as the base, so "feed.xml" on /news/ resolves to /news/feed.xml.
    params = FeedParameters(url, urlsplit(url).hostname or "", url)
    return determine_feed(content, params)  # type: ignore[arg-type]  # it parses bytes too


def declares_article(content: bytes) -> bool:
    """True when the page's metadata says it is an article (Open Graph or schema.org)."""
    try:
        tree = lxml.html.document_fromstring(content)
    except (ValueError, lxml.etree.ParserError):
        return False
    og_type = tree.xpath('string(//meta[@property="og:type"]/@content)').strip().lower()
    if og_type.startswith("article"):
        return True
    if tree.xpath('//meta[@property="article:published_time"]'):
        return True
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            types = _ld_types(json.loads(script))
        except (ValueError, RecursionError):
            continue
        if any(ARTICLE_TYPE.search(t) for t in types):
            return True
    return False


def _ld_types(node: object) -> list[str]:
    """Every top-level and @graph `@type` of a JSON-LD block."""
    if isinstance(node, list):
        return [t for item in node for t in _ld_types(item)]
    if not isinstance(node, dict):
        return []
    own = node.get("@type")
    types = [own] if isinstance(own, str) else [t for t in own or [] if isinstance(t, str)]
    return types + _ld_types(node.get("@graph", []))
