"""`newsdesk preview`: what newsdesk would read from a source, read once as a poll reads it,
storing nothing. The JSON form is a contract (DESIGN.md section 7a)."""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ExtractionError, SourceError
from bot.live.reading import open_document, read_entry, read_listing
from bot.live.watcher import MAX_ENTRIES_PER_POLL
from bot.pipeline.fetch import Fetcher
from bot.pipeline.models import FeedEntry, FetchResult
from bot.pipeline.pages import extract_page


def preview(
    fetcher: Fetcher, target: str, kind: str | None = None, base: str | None = None
) -> dict[str, Any]:
    """Read `target` (an http(s) URL, or a local file read as the bytes a server would send
    from `base`) and say what a poll would take from it.

    Returns the contract's object: `url`, `final_url`, `kind`, `title`, `entries` (each
    `title`, `url`, `guid`, `published` in ISO 8601 UTC or null, `text`, `error`) and
    `error` (why the source could not be read, else None). Never raises for anything the
    source does.
    """
    report: dict[str, Any] = {
        "url": target,
        "final_url": None,
        "kind": kind,
        "title": None,
        "entries": [],
        "error": None,
    }
    try:
        document = _load(fetcher, target, base)
        report["final_url"] = document.final_url or None
        opened = open_document(fetcher, document, kind)
        document = opened.document
        report["final_url"], report["kind"] = document.final_url or None, opened.kind
        if opened.kind == "page":
            page = extract_page(document.content, document.final_url or None)
            report["title"] = page.title
            report["entries"] = [
                _entry(page.title, document.final_url, document.final_url, page.published)
                | {"text": page.text, "error": None}
            ]
            return report
        listing = read_listing(fetcher, opened.kind, document, with_title=True)
    except (SourceError, ExtractionError, OSError) as exc:
        report["error"] = _message(exc)
        return report
    report["title"] = listing.title
    report["entries"] = [_read(fetcher, e) for e in listing.entries[:MAX_ENTRIES_PER_POLL]]
    return report


def render(report: dict[str, Any]) -> str:
    """The preview as text for a terminal."""
    lines = [f"{report['url']}"]
    if report["kind"] or report["final_url"]:  # not when it could not be read at all
        lines.append(f"  read as: {report['kind'] or '?'}  ({report['final_url'] or 'no URL'})")
    if report["title"]:
        lines.append(f"  title: {report['title']}")
    for number, entry in enumerate(report["entries"], start=1):
        lines += [
            "",
            f"{number}. {entry['title'] or '(no title)'}",
            f"   {entry['url'] or '(no absolute link)'}",
            f"   published {entry['published'] or 'unknown'}; guid {entry['guid'] or '(none)'}",
        ]
        if entry["error"] and entry["text"]:
            lines.append(f"   page not used, the feed's text stands in: {entry['error']}")
        elif entry["error"]:
            lines.append(f"   nothing kept: {entry['error']}")
        text = " ".join(entry["text"].split())
        words = len(text.split())
        lines.append(f"   {words} words: {text[:300]}{'…' if len(text) > 300 else ''}")
    if not report["error"]:
        lines += ["", f"{len(report['entries'])} entries; nothing was stored."]
    return "\n".join(lines)


def _load(fetcher: Fetcher, target: str, base: str | None) -> FetchResult:
    """A URL is fetched as a poll fetches it; a local file gives its bytes as served."""
    if urlsplit(target).scheme in ("http", "https"):
        return fetcher.fetch(target)
    path = Path(target)
    if not path.is_file():
        raise SourceError(f"{target} is neither an http(s) URL nor a readable file")
    content_type = mimetypes.guess_type(path.name)[0] or ""
    return FetchResult(target, base or "", 200, path.read_bytes(), content_type)


def _read(fetcher: Fetcher, entry: FeedEntry) -> dict[str, Any]:
    """One entry as the Watcher would keep it (`reading.read_entry`)."""
    hint = "" if _absolute(entry.url) else " (the link is relative: give --base to resolve it)"
    try:
        reading = read_entry(fetcher, entry)
    except (SourceError, ExtractionError) as exc:
        return _entry(entry.title, entry.url, entry.guid, entry.published) | {
            "text": "",
            "error": _message(exc) + hint,
        }
    published = entry.published or reading.page.published
    return _entry(reading.title, entry.url, entry.guid, published) | {
        "text": reading.page.text,
        "error": reading.error and reading.error + hint,
    }


def _entry(title: str, url: str, guid: str, published: datetime | None) -> dict[str, Any]:
    return {
        "title": title,
        "url": url if _absolute(url) else None,
        "guid": guid,
        "published": published.astimezone(UTC).isoformat() if published else None,
    }


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _message(exc: Exception) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, SourceError):
        return f"cannot read {exc.filename or 'the file'}: {exc.strerror or exc}"
    return str(exc)
