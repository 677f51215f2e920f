"""Page furniture removal. `strip_page_furniture` takes from an extractor's text of an article
page only lines of known furniture kinds ("Read more:" links, newsletter prompts, "Most read"
lists...); `clean_text` cleans plain text that carries a whole page (menus, tickers, lists,
advertisements, photo credits), so no later stage ever sees it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.pipeline.text import count_words

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
    if not kept and count_words(text) <= _SHORT_TEXT_WORDS:
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
        words = count_words(line.text)
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
    body_words = [count_words(line.text) if line.kind == "body" else 0 for line in lines]
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
            value = float(count_words(line.text))
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


# --- Furniture in an extractor's text of an article page -----------------------------------
# trafilatura already keeps the article and drops the page around it; what it lets through
# are lines of a few known kinds, each removed by one rule below. A rule names a kind of
# furniture, never a site, and `newsdesk eval extraction FOLDER --ablate` shows what each one
# adds on real pages. Nothing else is taken from a page's text: line-shape guesses (short
# sentences, "Label: text" runs, lines after a list) removed more article than furniture.

_LIST_ITEM = re.compile(r"^[-•*]\s+")
_SENTENCE = re.compile(r"[.!?…]['\"”’)\]]*$")

# "Read more: <headline>", "Related: <headline>", "Also on rt.com <headline>": a link to
# another story set inside the article.
_CROSS_LINK = re.compile(
    r"^[(\[]?\s*(read (more|also|next)|also read|related( (article|story|stories|post|news|"
    r"content|coverage|reading))?|see also|more( on this( story)?)?|recommended( reading)?"
    r"|watch|listen|don'?t miss|must read|further reading)\s*[:|–—]\s*\S"
    r"|^also on [\w-]+\.[a-z]{2,}\b",
    re.IGNORECASE,
)
_CROSS_LINK_MAX_WORDS = 30
# A sign-up box: "Sign up for our daily newsletter", "Get the day's top headlines delivered to
# your inbox", "Thanks for signing up!", "There was an error processing your subscription."
_NEWSLETTER_LINE = re.compile(
    r"^(thanks? (you )?for (signing up|subscribing)|you('re| are) (now )?(signed up|subscribed)"
    r"|keep an eye on your inbox|there was (an|a problem|an error)\b.*\bsubscription"
    r"|enter your e-?mail( address)?\b|by (signing up|subscribing)\b.*\bagree)"
    r"|\byour inbox\b|^.{0,60}\bnewsletters?\W*$",
    re.IGNORECASE,
)
_NEWSLETTER_VERB = re.compile(
    r"^(click here to )?(sign ?up|subscribe|register|get|join|start your|never miss|don'?t miss"
    r"|want\b.*\?)\b.*\b(newsletters?|inbox|briefing)\b",
    re.IGNORECASE,
)
_NEWSLETTER_MAX_WORDS = 45
# The heading of a block of links to other stories; the block goes with it.
_LINK_LIST_HEADING = re.compile(
    r"^(most (read|popular|viewed|shared|watched|commented)( (stories|articles|now|today))?"
    r"|related( (news|stories|articles|posts|content|coverage|topics|links|videos))?"
    r"|(you )?(may|might) (also )?(like|enjoy|be interested in)|you (may|might) also like"
    r"|recommended( for you| stories| articles| reading)?|more (from|on|in|stories|news|top stories)\b.*"
    r"|popular (on|in|now|stories|articles)\b.*|trending( now| stories| articles)?|top stories"
    r"|latest( news| stories| articles| headlines)|editor'?s (picks?|choice)|don'?t miss"
    r"|read (next|more|this next)|(more|other) (stories|articles)|around the web"
    r"|from (our|the) partners|sponsored (stories|links|content)|what to read next"
    r"|further reading|more coverage|in case you missed it)\W*$",
    re.IGNORECASE,
)
_LINK_LIST_ITEM_MAX_WORDS = 25
_LINK_LIST_HEADING_MAX_WORDS = 8
_SHARE_LINE = re.compile(
    r"^((share|tweet|e-?mail|print|copy link|comments?|\d+ comments?|whatsapp|facebook|twitter"
    r"|linkedin|pinterest|reddit)( (this|the) (article|story|page))?"
    r"|(like|enjoyed|liked) this (story|article)\?.*share.*"
    r"|(follow|like|join) (us|[\w.&'’ ]{2,40}) on (twitter|facebook|instagram|youtube|linkedin"
    r"|tiktok|telegram|whatsapp|threads|bluesky|x)\b.*)\W*$",
    re.IGNORECASE,
)
_SHARE_MAX_WORDS = 30
# Production credits of wire and newspaper copy: "(Reporting by A; Editing by B)",
# "Associated Press writers A and B contributed to this report."
_CREDIT_LINE = re.compile(
    r"^[(\[]?\s*((additional )?(reporting|writing|editing|compiled|edited|written) by\b.*"
    r"|.{0,200}\bcontributed (reporting|research|to (this|the) (report|story|article))\b.*)$",
    re.IGNORECASE,
)
_CREDIT_MAX_WORDS = 60


@dataclass(frozen=True)
class LineRule:
    """One kind of page furniture: `marks(lines, title)` gives the indexes of its lines."""

    name: str
    marks: Callable[[list[str], str | None], set[int]]


def _each(predicate: Callable[[str], bool]) -> Callable[[list[str], str | None], set[int]]:
    def marks(lines: list[str], title: str | None) -> set[int]:
        return {i for i, line in enumerate(lines) if predicate(_LIST_ITEM.sub("", line).strip())}

    return marks


def _cross_link(line: str) -> bool:
    return count_words(line) <= _CROSS_LINK_MAX_WORDS and bool(_CROSS_LINK.match(line))


def _newsletter(line: str) -> bool:
    return count_words(line) <= _NEWSLETTER_MAX_WORDS and bool(
        _NEWSLETTER_LINE.search(line) or _NEWSLETTER_VERB.match(line)
    )


def _share(line: str) -> bool:
    return count_words(line) <= _SHARE_MAX_WORDS and bool(_SHARE_LINE.match(line))


def _credit(line: str) -> bool:
    return count_words(line) <= _CREDIT_MAX_WORDS and bool(_CREDIT_LINE.match(line))


def _link_list_heading(line: str) -> bool:
    # "More on this later, she said." begins like a heading but is a sentence.
    sentence = line.endswith((".", "!", "?")) and not line.endswith("...")
    return (
        not sentence
        and count_words(line) <= _LINK_LIST_HEADING_MAX_WORDS
        and bool(_LINK_LIST_HEADING.match(line))
    )


def _link_lists(lines: list[str], title: str | None) -> set[int]:
    """A "Most read" style heading and the headlines listed under it, up to the first
    sentence of running text."""
    marked: set[int] = set()
    index = 0
    while index < len(lines):
        if not _link_list_heading(lines[index].strip()):
            index += 1
            continue
        marked.add(index)
        index += 1
        while index < len(lines):
            line = lines[index].strip()
            listed = bool(_LIST_ITEM.match(line))
            headline = not _SENTENCE.search(line) and count_words(line) <= _LINK_LIST_ITEM_MAX_WORDS
            if not (listed or headline) or _link_list_heading(line):
                break
            marked.add(index)
            index += 1
    return marked


def _headline(lines: list[str], title: str | None) -> set[int]:
    """The page's headline repeated at the top of its text (it is kept apart, as the title)."""
    key = _normalise(title or "")
    return {i for i, line in enumerate(lines[:3]) if key and _normalise(line) == key}


PAGE_RULES: tuple[LineRule, ...] = (
    LineRule("cross-link", _each(_cross_link)),
    LineRule("newsletter", _each(_newsletter)),
    LineRule("link-list", _link_lists),
    LineRule("share-follow", _each(_share)),
    LineRule("credits", _each(_credit)),
    LineRule("headline", _headline),
)


def strip_page_furniture(
    text: str, title: str | None = None, rules: Sequence[LineRule] = PAGE_RULES
) -> str:
    """An extractor's text of an article page without the lines of the given furniture
    kinds; one paragraph a line in, paragraphs joined by blank lines out."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    furniture: set[int] = set()
    for rule in rules:
        furniture |= rule.marks(lines, title)
    return "\n\n".join(" ".join(line.split()) for i, line in enumerate(lines) if i not in furniture)
