"""Feed entries and pages -> article text, with page furniture removed.

Feeds are parsed from bytes by feedparser; pages by trafilatura. Plain text that still
carries a page's furniture (menus, tickers, "Most Read" lists, advertisements, photo
credits) goes through `clean_text`, so no later stage ever sees it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import trafilatura

from bot.errors import ExtractionError
from bot.pipeline.models import FeedEntry, PageContent

# --- canonical URLs -------------------------------------------------------------------------

_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|smid|smtyp|"
    r"_ga|_gl|ref|ref_src|referrer|source|src|cid|icid|ito|at_medium|at_campaign|"
    r"__twitter_impression|guccounter|guce_referrer\w*|amp)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """The URL an article is known by: lower-case host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(k)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


# --- feeds ----------------------------------------------------------------------------------


def feed_title(content: bytes, content_type: str = "") -> str:
    """The feed's own title (its outlet's name, usually); empty when it has none."""
    parsed = feedparser.parse(io.BytesIO(content), response_headers={"content-type": content_type})
    return html_to_text(parsed.feed.get("title", "")).strip()


def parse_feed(content: bytes, content_type: str = "") -> list[FeedEntry]:
    """Entries of an RSS or Atom document. Raises ExtractionError when it holds no feed.

    Malformed XML that feedparser can still read yields its entries (feedparser flags it
    as `bozo`); an HTML page or a body with no entries is an error for the source.
    """
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


# --- pages ----------------------------------------------------------------------------------


MIN_PAGE_WORDS = 8  # less than a sentence is a menu or an error page, not an article


# Dates come from the page's metadata, with the time of day; the extensive search through
# the text costs ten times the rest of the extraction and matters only for pages without
# metadata, whose feed entry usually carries the date anyway.
DATE_SEARCH = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def extract_page(content: bytes | str, url: str | None = None) -> PageContent:
    """Main text, title, author, date and site name of an article page (trafilatura)."""
    try:
        document = trafilatura.bare_extraction(
            content,
            url=url,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            favor_precision=True,
            date_extraction_params=DATE_SEARCH,
        )
    except Exception as exc:  # trafilatura can raise from deep inside lxml on broken markup
        raise ExtractionError(f"could not read the page: {exc}") from None
    if document is None:
        raise ExtractionError("no article text found on the page")
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = clean_text(data.get("text") or "", title=data.get("title"))
    if len(_WORD.findall(text)) < MIN_PAGE_WORDS:
        raise ExtractionError("no article text found on the page")
    return PageContent(
        title=(data.get("title") or "").strip(),
        text=text,
        author=data.get("author") or None,
        published=parse_datetime(data.get("date")),
        site_name=data.get("sitename") or None,
        canonical_url=data.get("url") or None,
    )


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 date or date-time -> aware UTC datetime (naive values are taken as UTC)."""
    if not value:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --- plain-text furniture removal -----------------------------------------------------------

# Headings that open a block of links to other stories, or of page chrome.
_FURNITURE_HEADING = re.compile(
    r"^(related( news| stories| articles| coverage| content| topics)?|most (read|popular|viewed|shared)"
    r"|latest( stories| news| articles?| headlines)?|read (next|more|this next)|more (from|on|stories)\b.*"
    r"|recommended( for you| stories)?|you (may|might) (also )?like|trending( now| stories)?"
    r"|breaking( news)?|top stories|editor'?s picks|must read|popular( now)?|in (other|case you missed).*"
    r"|coverage|also read|see also|watch|video|share( this( article)?)?|newsletter|sign up.*"
    r"|follow us.*|more in .*|around the web|sponsored( content| stories)?|from our partners)\s*:?$",
    re.IGNORECASE,
)
# Single lines that are never article text.
_JUNK_LINE = re.compile(
    r"^(advertisement|skip advertisement|story continues (below|after) (this )?advertisement"
    r"|stay informed with free updates|all rights reserved.*|privacy policy|terms of (use|service)"
    r"|about us|contact us|cookie (policy|settings)|subscribe( now)?|log ?in|sign in|menu|search"
    r"|share( on \w+)?|copy link|print|email|comments?|\d+ (min|minute)s? read|·\s*\d+ min read"
    r"|\d+ shares?|by [\w .'-]{2,40}|source: .{2,40}|photo: .*|image: .*|credit: .*)$",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"^(for (more|the latest)\b.*\bvisit\b|click here\b|download (our|the) app\b|follow us on\b"
    r"|sign up (for|to) our\b|subscribe to our\b|read more at\b)",
    re.IGNORECASE,
)
# A trailing photo credit: "(AP)", "(AFP/Getty Images)", "- STEFAN ROUSSEAU/AFP/Getty", "© PA Wire".
_AGENCIES = r"(AP|AFP|Reuters|Getty( Images)?|PA( Wire)?|EPA|Shutterstock|Bloomberg|Alamy|Xinhua|ANSA|Anadolu|SOPA|Sipa|WireImage|Pool)"
_CREDIT = re.compile(
    rf"(\s*\((?:[\w .'-]*/)?\s*{_AGENCIES}(?:/[\w .'-]+)*\s*\)\s*$"
    rf"|\s+[-–—]\s+[\w .'-]+(?:/[\w .'-]+)*/\s*{_AGENCIES}(?:/[\w .'-]+)*\s*$"
    rf"|\s*©.*$)",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^(\w+day,?\s+)?(\d{1,2}\s+\w+\s+\d{4}|\w+\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"([ ,T]+\d{1,2}:\d{2}.*)?$",
    re.IGNORECASE,
)
# "Libya: Demonstrations in ...": a news ticker writes each item behind a short label.
_TICKER_ITEM = re.compile(r"^[A-Z][\w'’ .&,-]{1,60}:\s+[^\"“‘'\s]")
_TICKER_RUN = 3
_BULLET = re.compile(r"^\s*[•·▪►\-*]\s+")
_SENTENCE_END = re.compile(r"[.!?]['\"”’)]*$|[\"”’]$")
_WORD = re.compile(r"\w+", re.UNICODE)

# Region scoring: body lines earn their word count, furniture costs this many words.
_JUNK_COST = 10
_NEUTRAL_COST = 1
_SHORT_TEXT_WORDS = 30


@dataclass
class _Line:
    text: str
    indented: bool
    bulleted: bool
    starts_block: bool
    kind: str = "neutral"  # body | neutral | junk


def clean_text(text: str, title: str | None = None) -> str:
    """Article text with page furniture removed; paragraphs joined by blank lines.

    Lines are classified (body sentences, neutral lines such as subheadings and captions,
    furniture), furniture headings such as "Most Read" swallow the list under them, and
    the densest run of body text is kept, so links and teasers around the article go.
    """
    lines = _split_lines(text)
    if not lines:
        return ""
    _classify(lines, title)
    _mark_tickers(lines)
    _mark_furniture_zones(lines)
    _drop_page_header(lines, title)
    start, end = _densest_region(lines)
    kept = [line.text for line in lines[start : end + 1] if line.kind != "junk"]
    if not any(line.kind == "body" for line in lines[start : end + 1]):
        # No sentence-like text at all (a headline, a teaser): keep what is not furniture.
        kept = [line.text for line in lines if line.kind != "junk"]
    if not kept and len(_WORD.findall(text)) <= _SHORT_TEXT_WORDS:
        # A few words with nothing to weigh them against: a teaser, not a page.
        return " ".join(text.split())
    return "\n\n".join(kept).strip()


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    previous_blank = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            previous_blank = True
            continue
        bulleted = bool(_BULLET.match(raw))
        stripped = _BULLET.sub("", raw).strip() if bulleted else raw.strip()
        lines.append(
            _Line(
                text=" ".join(stripped.split()),
                indented=raw[:1] in (" ", "\t") and not bulleted,
                bulleted=bulleted,
                starts_block=previous_blank,
            )
        )
        previous_blank = False
    return lines


def _classify(lines: list[_Line], title: str | None) -> None:
    title_key = _normalise(title or "")
    for index, line in enumerate(lines):
        credit = _CREDIT.search(line.text)
        if credit:
            line.text = line.text[: credit.start()].rstrip(" -–—,")
        words = len(_WORD.findall(line.text))
        if (
            not line.text
            or _JUNK_LINE.match(line.text)
            or _PROMO.match(line.text)
            or _DATE_LINE.match(line.text)
        ):
            line.kind = "junk"
        elif title_key and _normalise(line.text) == title_key:
            line.kind = "junk"  # the headline itself is kept apart from the text
        elif _FURNITURE_HEADING.match(line.text):
            line.kind = "heading"
        elif index + 1 < len(lines) and lines[index + 1].text == line.text and words <= 8:
            # A short line repeated at once is a widget heading ("Russia & NATO" twice).
            line.kind = "heading"
        elif credit:
            line.kind = "neutral"  # a caption: keep its words, never as body evidence
        elif (words >= 8 and _SENTENCE_END.search(line.text)) or words >= 40:
            line.kind = "body" if not (line.bulleted and words < 12) else "neutral"
        elif words <= 3 or (line.bulleted and words < 8):
            line.kind = "junk"
        else:
            line.kind = "neutral"


def _mark_tickers(lines: list[_Line]) -> None:
    """Runs of `_TICKER_RUN` or more "Label: statement" lines are a news ticker."""
    run: list[_Line] = []
    for line in [*lines, None]:
        if (
            line is not None
            and _TICKER_ITEM.match(line.text)
            and len(line.text.split(":")[0].split()) <= 7
        ):
            run.append(line)
            continue
        if len(run) >= _TICKER_RUN:
            for item in run:
                item.kind = "junk"
        run = []


def _drop_page_header(lines: list[_Line], title: str | None) -> None:
    """Everything above the headline is page header, when most of the body lies below it.

    The headline is taken at its last such occurrence: a page often names the story in its
    <title> or breadcrumbs first, and repeats it above the article.
    """
    if not title:
        return
    key = _normalise(title)
    body_words = [len(_WORD.findall(line.text)) if line.kind == "body" else 0 for line in lines]
    total = sum(body_words)
    for index in range(len(lines) - 1, -1, -1):
        if _normalise(lines[index].text) == key and sum(body_words[index:]) * 2 >= total:
            for line in lines[:index]:
                line.kind = "junk"
            return


def _mark_furniture_zones(lines: list[_Line]) -> None:
    """A furniture heading turns the lines under it into furniture, up to the next body paragraph.

    In text whose paragraphs are separated by blank lines, a body line only ends the zone
    when it opens a paragraph of its own, so a ticker written as one block goes whole.
    """
    paragraphs_by_blank = sum(1 for line in lines if line.starts_block) > 1
    in_zone = False
    for line in lines:
        if line.kind == "heading":
            line.kind = "junk"
            in_zone = True
            continue
        if not in_zone:
            continue
        ends_zone = (
            line.kind == "body"
            and not line.indented
            and not line.bulleted
            and (line.starts_block or not paragraphs_by_blank)
        )
        if ends_zone:
            in_zone = False
        else:
            line.kind = "junk"


def _densest_region(lines: list[_Line]) -> tuple[int, int]:
    """The run of lines with the largest body-words-minus-furniture score (Kadane)."""
    best_score, best = float("-inf"), (0, len(lines) - 1)
    score, start = 0.0, 0
    for index, line in enumerate(lines):
        if line.kind == "body":
            value = float(len(_WORD.findall(line.text)))
        elif line.kind == "junk":
            value = -_JUNK_COST
        else:
            value = -_NEUTRAL_COST
        if score <= 0:
            score, start = value, index
        else:
            score += value
        if score > best_score:
            best_score, best = score, (start, index)
    return best


def _normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))
