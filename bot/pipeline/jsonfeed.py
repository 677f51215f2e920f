"""JSON Feed 1.0 and 1.1 documents -> entries (https://jsonfeed.org/version/1.1).

JSON Feed is plain JSON, so it is read with the standard library; feedparser does not know it.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from bot.errors import ExtractionError
from bot.pipeline.dates import parse_zoned_datetime
from bot.pipeline.feeds import html_to_text
from bot.pipeline.models import FeedEntry

VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


@dataclass(frozen=True)
class JsonFeed:
    """A JSON Feed: its title, home page and entries (links absolute when a base was known)."""

    title: str
    home_page_url: str | None
    entries: list[FeedEntry]


def looks_like_json(content: bytes) -> bool:
    """True when the body opens as a JSON object (`{` then a key or `}`) in UTF-8 text: no
    RSS, Atom or HTML document does, and random binary almost never does."""
    head = content[:256]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" and head[1:].lstrip(b" \t\r\n")[:1] in (b'"', b"}")


def read_json_feed(content: bytes, base_url: str = "") -> JsonFeed:
    """The feed's title, home page and items, in document order.

    Args:
        content: the bytes served (UTF-8, a byte-order mark allowed).
        base_url: the document's final URL; relative item links resolve against it (else
            against the feed's own `feed_url`).

    Raises:
        ExtractionError: the body is not JSON, or is JSON without a JSON Feed `version`.
    """
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise ExtractionError(f"the body looks like JSON but cannot be read ({exc})") from None
    if not isinstance(document, dict):
        raise ExtractionError("the body is JSON but not a JSON Feed (no top-level object)")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIXES):
        raise ExtractionError(
            "the body is JSON but not a JSON Feed (no version https://jsonfeed.org/version/1.1)"
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise ExtractionError("the JSON Feed has no list of items")
    base = base_url or _text(document.get("feed_url"))
    entries = [entry for raw in items if (entry := _entry(raw, base)) is not None]
    home = _text(document.get("home_page_url"))
    return JsonFeed(
        title=_text(document.get("title")),
        home_page_url=urljoin(base, home) if home else None,
        entries=entries,
    )


def parse_json_feed(content: bytes, base_url: str = "") -> list[FeedEntry]:
    """Entries of a JSON Feed (see `read_json_feed`)."""
    return read_json_feed(content, base_url).entries


def _entry(raw: Any, base: str) -> FeedEntry | None:
    if not isinstance(raw, dict):
        return None
    # `url` is the item's own page; `external_url` is what a link post points at.
    link = _text(raw.get("url")) or _text(raw.get("external_url"))
    guid = _text(raw.get("id")) if isinstance(raw.get("id"), str | int) else ""
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    if not link and not guid:
        return None
    link = urljoin(base, link) if link and base else link
    # content_text is already plain; content_html and summary may carry markup.
    text = _text(raw.get("content_text")) or html_to_text(_text(raw.get("content_html")))
    text = text or html_to_text(_text(raw.get("summary")))
    return FeedEntry(
        url=link or guid,
        guid=guid or link,
        title=" ".join(_text(raw.get("title")).split()),
        summary=text,
        published=parse_zoned_datetime(raw.get("date_published"))
        or parse_zoned_datetime(raw.get("date_modified")),
        author=_author(raw),
    )


def _author(raw: dict[str, Any]) -> str | None:
    """1.1 lists `authors`; 1.0 had one `author`."""
    people = raw.get("authors")
    if not isinstance(people, list):
        people = [raw.get("author")]
    names = [_text(p.get("name")) for p in people if isinstance(p, dict)]
    return ", ".join(n for n in names if n) or None


def _text(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else ""
