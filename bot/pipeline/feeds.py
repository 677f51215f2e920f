"""Feed documents -> entries. feedparser reads RSS and Atom from the bytes newsdesk fetched;
this module gives it what a browser would know (the document's URL, a sniffed type, the
real encoding) and reads its entries the way they were written."""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import feedparser

from bot.errors import ExtractionError
from bot.pipeline.dates import UnreadableZone, read_datetime
from bot.pipeline.models import FeedEntry

logger = logging.getLogger(__name__)

# feedparser fields that hold an entry's time, most telling first (dcterms:created is
# `created`, dc:date and dcterms:modified are `updated`).
DATE_FIELDS = ("published", "created", "updated")
_XML_DECLARATION = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([^\"']*)\2", re.I)
_CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*[\"']?([^;\"'\s]+)[\"']?", re.I)
# What a document starts with, once whitespace and comments are passed.
_LEAD = re.compile(rb"^(\s|<!--.*?-->)*", re.S)
_FEED_START = re.compile(rb"<\?xml|<rss[\s>]|<feed[\s>]|<rdf:rdf[\s>]|<channel[\s>]", re.I)
_HTML_START = re.compile(rb"<!doctype html|<html[\s>]", re.I)
# A relative reference without `/`, `.` or `?` in front is taken as a link only if one of
# its segments names a page (a file name, a slug, a number): "N/A", "none", "TBD" are not.
_PAGE_SEGMENT = re.compile(r"[.\-_0-9]")
_HTTP_SCHEME = re.compile(r"https?://", re.I)
_BLOCKS = frozenset(
    "address article aside blockquote caption dd details div dl dt figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead "
    "tfoot tr ul".split()
)
_LINES = frozenset({"li", "dt", "dd", "tr", "div"})
_DROPPED = frozenset({"script", "style", "template"})
# What feedparser flags about a document it read in full: no reason to refuse an empty feed.
_SOFT_FAULTS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def feed_title(content: bytes, content_type: str = "") -> str:
    """The feed's own title (its outlet's name, usually); empty when it has none."""
    from bot.pipeline import jsonfeed  # imported here: jsonfeed reuses this module's helpers

    if jsonfeed.looks_like_json(content):
        try:
            return jsonfeed.read_json_feed(content).title
        except ExtractionError:
            return ""
    parsed = _parse(content, content_type)
    return " ".join(_text_of(parsed.feed, "title").split())


def parse_feed(
    content: bytes, content_type: str = "", *, base_url: str | None = None
) -> list[FeedEntry]:
    """Entries of an RSS, Atom or JSON Feed document, in document order. Raises
    ExtractionError when it holds no feed.

    `base_url` is the URL the feed was finally fetched from: relative links and permalink
    guids are resolved against it (and against `xml:base`, which feedparser applies). An
    entry's `url` is "" when it has no usable link (its page is then not fetched); `guid`
    is "" when it has no identifying guid. A link or guid shared by entries with different
    titles ("N/A", the home page) identifies none of them and is dropped from all.
    Malformed XML that feedparser can still read yields its entries (feedparser flags it
    as `bozo`); an HTML page or a body with no entries is an error for the source.
    """
    from bot.pipeline import jsonfeed  # imported here: jsonfeed reuses this module's helpers

    if jsonfeed.looks_like_json(content):
        return jsonfeed.parse_json_feed(content, base_url or "")
    if not content.strip():
        raise ExtractionError("the server answered with an empty body instead of the feed")
    parsed = _parse(content, content_type)
    drafts = [_draft(raw, base_url) for raw in parsed.entries]
    drafts = [d for d in drafts if d["url"] or d["guid"] or d["title"] or d["summary"]]
    _drop_shared(drafts, "url")
    _drop_shared(drafts, "guid")
    entries = [FeedEntry(**d) for d in drafts]  # type: ignore[arg-type]
    if not entries:
        if _starts_with(content, _HTML_START) or (
            "html" in content_type.lower() and not _starts_with(content, _FEED_START)
        ):
            raise ExtractionError("the URL serves an HTML page, not an RSS or Atom feed")
        reason = parsed.get("bozo_exception")
        if parsed.get("bozo") and not isinstance(reason, _SOFT_FAULTS):
            raise ExtractionError(f"the feed is not well-formed XML ({reason})")
        if not parsed.get("version"):
            raise ExtractionError("the body is not an RSS or Atom feed")
    return entries


def _parse(content: bytes, content_type: str) -> feedparser.FeedParserDict:
    content, content_type = _as_served(content, content_type)
    # No content-location: feedparser would resolve guids such as "N/A" into URLs, and
    # newsdesk must see what the feed wrote to tell a link from a placeholder. feedparser
    # still applies xml:base; what it leaves relative is joined with the feed's URL here.
    return feedparser.parse(io.BytesIO(content), response_headers={"content-type": content_type})


def _as_served(content: bytes, content_type: str) -> tuple[bytes, str]:
    """The bytes and content type feedparser should see: a feed served with no type, or a
    generic one, is sniffed as XML; a legacy encoding the document does not declare (or
    declares wrongly) is detected with charset-normalizer and the bytes given as UTF-8."""
    media = content_type.split(";", 1)[0].strip().lower()
    if "xml" not in media and _starts_with(content, _FEED_START):
        charset = _CHARSET_PARAM.search(content_type)
        content_type = "application/xml" + (f"; charset={charset.group(1)}" if charset else "")
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or content[:3] == b"\xef\xbb\xbf":
        return content, content_type  # a byte order mark says it all; feedparser reads it
    declared = _declared_encoding(content, content_type)
    if _decodes(content, declared or "utf-8"):
        return content, content_type
    if (declared or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8"):
        mended = _utf8_with_stray_cp1252(content)
        if mended is not None:
            logger.info("feed is UTF-8 with stray windows-1252 bytes; read them as such")
            return mended, content_type
    best = charset_normalizer.from_bytes(content).best()
    if best is None:
        return content, content_type
    logger.info("feed declared %s but reads as %s", declared or "nothing", best.encoding)
    text = str(best).encode("utf-8")
    text = _XML_DECLARATION.sub(rb"\1\2utf-8\2", text, count=1)
    content_type = _CHARSET_PARAM.sub("; charset=utf-8", content_type)
    return text, content_type


STRAY_PER_UTF8_CHARACTER = 4
# A character of more than one byte in valid UTF-8, and a byte that cannot be in UTF-8 text.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _cp1252_byte(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each byte UTF-8 cannot read, read as windows-1252 (latin-1 for
    the five bytes windows-1252 leaves undefined)."""
    assert isinstance(error, UnicodeDecodeError)
    chars = []
    for byte in error.object[error.start : error.end]:
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars), error.end


codecs.register_error("newsdesk-cp1252-bytes", _cp1252_byte)


def _utf8_with_stray_cp1252(content: bytes) -> bytes | None:
    """A UTF-8 document with some windows-1252 bytes pasted in (curly quotes and dashes
    from a word processor: NYPL-Simplified/Simplified-iOS#555), as clean UTF-8; None when
    the bytes do not read as UTF-8 at heart. In legacy-encoded text, valid multi-byte UTF-8
    is rare (a letter then a punctuation byte) and bad bytes are every accented letter, so
    it is taken as UTF-8 when bad bytes are at most STRAY_PER_UTF8_CHARACTER per valid
    multi-byte character. A detector judging the whole document instead picks a legacy
    code page and garbles every UTF-8 character ("Café" as "CafĂ©")."""
    text = content.decode("utf-8", "newsdesk-cp1252-bytes")
    valid = len(_UTF8_MULTIBYTE.findall(content))
    stray = len(text) - len(content.decode("utf-8", "ignore"))  # one character per bad byte
    if valid == 0 or stray > STRAY_PER_UTF8_CHARACTER * valid:
        return None
    return text.encode("utf-8")


def _starts_with(content: bytes, start: re.Pattern[bytes]) -> bool:
    head = content[:4096]
    lead = _LEAD.match(head)
    return bool(start.match(head, lead.end() if lead else 0))


def _declared_encoding(content: bytes, content_type: str) -> str | None:
    charset = _CHARSET_PARAM.search(content_type)
    if charset:
        return charset.group(1)
    declaration = _XML_DECLARATION.match(content[:256])
    return declaration.group(3).decode("ascii", "replace") if declaration else None


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _draft(raw: feedparser.FeedParserDict, base_url: str | None) -> dict[str, object]:
    """One entry's fields as newsdesk reads them (FeedEntry's keyword arguments)."""
    # A feed proxied by FeedBurner links to its redirector; <feedburner:origLink> is the
    # article's own address (passiomatic/coldsweat#7), stable when the proxy is gone.
    link = resolve_link(raw.get("feedburner_origlink"), base_url)
    link = link or resolve_link(raw.get("link"), base_url)
    guid = (raw.get("id") or "").strip()
    if not link and raw.get("guidislink"):  # a permalink guid is the entry's link
        link = resolve_link(guid, base_url)
    if guid and link and guid == raw.get("link"):
        guid = link  # the same permalink, resolved
    summary = ""
    for block in raw.get("content") or ():
        if block.get("value"):
            summary = _as_text(block.get("value", ""), block.get("type", ""))
            break
    summary = summary or _text_of(raw, "summary")
    return {
        "url": link,
        "guid": guid,
        "title": " ".join(_text_of(raw, "title").split()),
        "summary": summary,
        "published": _entry_time(raw),
        "author": raw.get("author"),
    }


def resolve_link(value: object, base_url: str | None) -> str:
    """An absolute http(s) URL for a link as written in a feed, or "" when it is not a link.

    Relative links resolve against `base_url` (when None, they are not links). A URL with
    spaces inside (RSS-Bridge#1649, martinrotter/rssguard#542) is read as a browser reads
    it: tabs and line breaks dropped, spaces as %20 (WHATWG URL). Words with spaces and
    no scheme or leading "/" ("see below", "N/A") are not links.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    if any(c.isspace() for c in text):
        if not (_HTTP_SCHEME.match(text) or text.startswith("/")):
            return ""
        text = re.sub(r"[\t\r\n]", "", text).replace(" ", "%20")
        if any(c.isspace() for c in text):  # other spaces (no-break, ideographic): no URL
            return ""
    parts = urlsplit(text)
    if not parts.scheme:
        if text.startswith("#"):
            return ""
        path_like = text.startswith(("/", "./", "../", "?"))
        if not path_like and not any(_PAGE_SEGMENT.search(s) for s in text.split("/")):
            return ""
        if not base_url:
            return ""
        text = urljoin(base_url, text)
        parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return text


def _drop_shared(drafts: list[dict[str, object]], key: str) -> None:
    """A value several different entries carry (a placeholder, the site's home page) is no
    identity for any of them. The same entry listed twice keeps it."""
    titles: dict[object, set[object]] = {}
    for d in drafts:
        if d[key]:
            titles.setdefault(d[key], set()).add((d["title"], d["summary"]))
    shared = {value for value, seen in titles.items() if len(seen) > 1}
    counts = Counter(d[key] for d in drafts if d[key] in shared)
    if counts:
        logger.info("feed gives %s %s to several different items", key, sorted(counts, key=str)[:3])
    for d in drafts:
        if d[key] in shared:
            d[key] = ""


def _entry_time(raw: feedparser.FeedParserDict) -> datetime | None:
    """The first readable time among DATE_FIELDS. feedparser's own reading is used only
    for forms python-dateutil cannot read (it reads unknown zones as UTC)."""
    for name in DATE_FIELDS:
        written = dict.get(raw, name)  # raw.get would map `updated` to `published`, warning
        if not written:
            continue
        try:
            value = read_datetime(written, zone_required=True)
        except UnreadableZone as exc:
            logger.info("entry time %r left unread: %s", written, exc)
            continue
        if value is None:
            value = _struct_time_to_datetime(dict.get(raw, f"{name}_parsed"))
        if value is not None:
            return value
    return None


def _struct_time_to_datetime(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)  # type: ignore[index, misc]
    except (TypeError, ValueError):
        return None


def _text_of(item: feedparser.FeedParserDict, name: str) -> str:
    """A text construct as its writer meant it: HTML read as HTML, plain text kept as is
    (feedparser has already decoded its entities; reading it as HTML again would eat
    "<blink>" from "Browser finally drops <blink>")."""
    detail = item.get(f"{name}_detail") or {}
    return _as_text(item.get(name, ""), detail.get("type", "text/html"))


def _as_text(value: str, media_type: str) -> str:
    if "html" in (media_type or "").lower():
        return html_to_text(value)
    return (value or "").strip()


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (feed titles and summaries may carry markup), with block
    elements as paragraph breaks ("\\n\\n"), list items, table rows and `<br>` as line
    breaks (two `<br>` in a row as a paragraph break), and table cells apart."""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    try:
        import lxml.html

        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk; plain stripping is the fallback
        return _tidy(re.sub(r"<[^>]+>", " ", fragment))
    marked = "".join(_pieces(root))
    return _tidy(_BREAK_RUN.sub(_break_for, marked))


# Marks left in the text where breaks go; a run of them becomes one break, the widest.
_LINE, _PARA, _BR = "\x01", "\x02", "\x03"
_BREAK_RUN = re.compile("[ \x01\x02\x03]*[\x01\x02\x03][ \x01\x02\x03]*")
_CELLS = frozenset({"td", "th"})


def _break_for(run: re.Match[str]) -> str:
    marks = run.group(0)
    return "\n\n" if _PARA in marks or marks.count(_BR) > 1 else "\n"


def _pieces(element: object) -> Iterable[str]:
    """Text of an lxml element with HTML's whitespace folded and break marks where its
    blocks begin and end."""
    tag = element.tag if isinstance(element.tag, str) else ""  # type: ignore[attr-defined]
    tag = tag.lower()
    if tag in _DROPPED:
        return
    if tag == "br":
        yield _BR
        return
    mark = _LINE if tag in _LINES else _PARA if tag in _BLOCKS else ""
    yield mark
    if element.text and tag:  # type: ignore[attr-defined]
        yield _fold(element.text)  # type: ignore[attr-defined]
    for child in element:  # type: ignore[attr-defined]
        yield from _pieces(child)
        if child.tail:
            yield _fold(child.tail)
    yield " " if tag in _CELLS else mark


def _fold(text: str) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", text)


def _tidy(text: str) -> str:
    """Spaces folded within lines, at most one empty line between paragraphs."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()
