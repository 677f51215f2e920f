"""Page furniture removal for plain text: menus, tickers, "Most Read" lists, advertisements,
photo credits. Text that still carries a page's furniture goes through `clean_text`, so no
later stage ever sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
WORD = re.compile(r"\w+", re.UNICODE)

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
    if not kept and len(WORD.findall(text)) <= _SHORT_TEXT_WORDS:
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
        words = len(WORD.findall(line.text))
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
    body_words = [len(WORD.findall(line.text)) if line.kind == "body" else 0 for line in lines]
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
            value = float(len(WORD.findall(line.text)))
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
    return " ".join(WORD.findall(text.lower()))
