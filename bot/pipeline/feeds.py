"""Feed documents -> entries. feedparser reads RSS and Atom from the bytes newsdesk fetched."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import feedparser

from bot.errors import ExtractionError
from bot.pipeline.models import FeedEntry


def feed_title(content: bytes, content_type: str = "") -> str:
    """The feed's own title (its outlet's name, usually); empty when it has none."""
    from bot.pipeline import jsonfeed  # imported here: jsonfeed reuses this module's helpers

    if jsonfeed.looks_like_json(content):
        try:
            return jsonfeed.read_json_feed(content).title
        except ExtractionError:
            return ""
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-type": content_type})
    return html_to_text(parsed.feed.get("title", "")).strip()


def parse_feed(
    content: bytes, content_type: str = "", *, base_url: str | None = None
) -> list[FeedEntry]:
    """Entries of an RSS, Atom or JSON Feed document. Raises ExtractionError when it holds
    no feed. `base_url` is the document's final URL, for relative links.

    Malformed XML that feedparser can still read yields its entries (feedparser flags it
    as `bozo`); an HTML page or a body with no entries is an error for the source.
    """
    from bot.pipeline import jsonfeed  # imported here: jsonfeed reuses this module's helpers

    if jsonfeed.looks_like_json(content):
        return jsonfeed.parse_json_feed(content, base_url or "")
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-type": content_type})
    entries = []
    for raw in parsed.entries:
        link = raw.get("link") or ""
        guid = raw.get("id") or link
        if not link and not guid:
            continue
        summary = ""
        if raw.get("content"):
            summary = raw["content"][0].get("value", "")
        summary = summary or raw.get("summary", "")
        entries.append(
            FeedEntry(
                url=link or guid,
                guid=guid,
                title=html_to_text(raw.get("title", "")),
                summary=html_to_text(summary),
                published=_struct_time_to_datetime(
                    raw.get("published_parsed") or raw.get("updated_parsed")
                ),
                author=raw.get("author"),
            )
        )
    if not entries:
        head = content[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")) or "html" in content_type.lower():
            raise ExtractionError("the URL serves an HTML page, not an RSS or Atom feed")
        if parsed.get("bozo"):
            reason = parsed.get("bozo_exception")
            raise ExtractionError(f"the feed is not well-formed XML ({reason})")
        if not parsed.get("version"):
            raise ExtractionError("the body is not an RSS or Atom feed")
    return entries


def _struct_time_to_datetime(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)  # type: ignore[index, misc]
    except (TypeError, ValueError):
        return None


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (feed titles and summaries may carry markup)."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    try:
        import lxml.html

        return lxml.html.fromstring(f"<div>{fragment}</div>").text_content().strip()
    except Exception:  # lxml raises several types on junk; plain stripping is the fallback
        return re.sub(r"<[^>]+>", " ", fragment).strip()
