"""Outside strings made safe for Slack mrkdwn: nothing they contain can ping or link, and
nothing is cut inside an entity or a link to keep within Slack's length limits.

Every outside string (headline, outlet name, quote, evidence sentence, URL) meets a limit in
one place, `fit`; lines that mix our own markup with outside strings are built from parts
(`Outside`, `Link`, `Listing`) by `compose`, which shares the room out and calls `fit`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

ELLIPSIS = "…"
# Below this many characters a link's label is not worth keeping the link for: the label is
# shown whole as text instead of as a stub pointing at a URL too long for the room.
LINK_LABEL_FLOOR = 20
# One unit that is never split: a control sequence (<url|label>, <!date^…>), an entity, or a
# character with the marks and joiners that follow it.
_ATOM = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);|.", re.DOTALL)
_JOINERS = {"\u200d", "\u034f"}
_TRAILING = " ,-–—"  # never ";", which ends an entity


def escape(text: str | None) -> str:
    """`&`, `<` and `>` as entities: `<!channel>` or `<http://x|y>` in a headline is shown,
    not obeyed."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def measure(text: str) -> int:
    """Length of a string as Slack may count it: in UTF-16 code units, so a character
    outside the Basic Multilingual Plane (most emoji) counts twice. Slack's documentation
    gives limits in "characters" without saying which; counting the larger keeps a message
    from being refused (`invalid_blocks`) for an emoji-heavy headline."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit(text: str | None, limit: int) -> str:
    """`text` (raw) escaped for mrkdwn and at most `limit` long as `measure` counts.

    Runs of whitespace become one space. When the escaped text is too long the raw text is
    cut (at the last space in the second half of what fits, else between two characters,
    never between a character and its combining marks) and "…" ends it; the cut happens
    between escaped characters, so an entity (`&amp;`) is never split. "" when `limit` < 1.
    """
    return shorten(escape(" ".join((text or "").split())), limit)


def clip(text: str | None, limit: int) -> str:
    """Raw text at most `limit` long, cut like `fit` cuts (for callers that escape later)."""
    return shorten(" ".join((text or "").split()), limit)


def shorten(markup: str, limit: int) -> str:
    """Mrkdwn at most `limit` long, cut with "…" between atoms: never inside an entity, a
    `<...>` control sequence (a link or date, dropped whole if it does not fit) or a
    character's combining marks; at the last space in the second half of what fits where
    there is one. `fit` uses it on escaped outside text; `compose` on our own markup only
    as a last resort."""
    if measure(markup) <= limit:
        return markup
    if limit < 1:
        return ""
    room = limit - measure(ELLIPSIS)
    used = end = space = 0
    for atom in _atoms(markup):
        cost = measure(atom)
        if used + cost > room:
            break
        if atom.isspace():
            space = end
        used += cost
        end += len(atom)
    if space > end // 2:
        end = space
    return markup[:end].rstrip(_TRAILING) + ELLIPSIS


def _atoms(markup: str) -> Iterator[str]:
    """The atoms of `markup` in order, lazily: a cut reads only as far as it keeps."""
    atom = ""
    for match in _ATOM.finditer(markup):
        char = match.group()
        if atom and len(char) == 1 and _continues(atom, char):
            atom += char
            continue
        if atom:
            yield atom
        atom = char
    if atom:
        yield atom


def _continues(before: str, char: str) -> bool:
    """Whether `char` belongs to the character before it on screen: a combining mark, a
    joiner or what follows one, a variation selector, a skin tone, a flag's second half."""
    code = ord(char)
    if code < 0x300 and before[-1] not in _JOINERS:  # no mark or joiner below U+0300
        return False
    return (
        before[-1] in _JOINERS
        or char in _JOINERS
        or unicodedata.category(char).startswith("M")
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or (_is_flag_half(char) and len(before) == 1 and _is_flag_half(before))
    )


def _is_flag_half(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with the characters that would end or split a Slack link encoded;
    None for anything else (javascript:, mailto:, empty)."""
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str | None, limit: int = 3000, most: int = 3000) -> str:
    """`<url|label>` with the label escaped (and cut by `fit` to `most`), at most `limit`
    long.

    The URL is never cut: when the link does not fit with at least LINK_LABEL_FLOOR
    characters of its label (or the whole label, if shorter), the label alone is shown as
    text, cut by `fit`. The label alone also when the URL is not http(s); the URL stands in
    for an empty label.
    """
    label = label if label and label.strip() else url
    target = safe_url(url)
    if target is None:
        return fit(label, min(limit, most))
    opening = f"<{target.replace('&', '&amp;')}|"
    room = min(limit - measure(opening) - 1, most)
    if room < 1 or room < min(measure(fit(label, most)), LINK_LABEL_FLOOR):
        return fit(label, min(limit, most))
    return f"{opening}{fit((label or '').replace('|', '¦'), room)}>"


# --- lines built from parts ------------------------------------------------------------------


@dataclass(frozen=True)
class Outside:
    """An outside string in a line: escaped, cut at a word to share the line's room, and
    never longer than `most` even when there is room."""

    text: str | None
    most: int = 3000

    def need(self) -> int:
        return measure(fit(self.text, self.most))

    def render(self, room: int) -> str:
        return fit(self.text, min(room, self.most))


@dataclass(frozen=True)
class Link:
    """A link in a line, its label at most `most` long; its label alone when it cannot fit."""

    url: str | None
    label: str | None
    most: int = 3000

    def need(self) -> int:
        return measure(link(self.url, self.label, 10**9, self.most))

    def render(self, room: int) -> str:
        return link(self.url, self.label, room, self.most)


@dataclass(frozen=True)
class Listing:
    """Outside names joined by ", " (each at most `most` long): as many as fit, then
    "and N more"."""

    names: Sequence[str | None]
    most: int = 100

    def need(self) -> int:
        return measure(self.render(10**9))

    def render(self, room: int) -> str:
        names = [fit(name, self.most) for name in self.names]
        # ends[k]: length of the first k names joined
        ends = [0]
        for n, name in enumerate(names):
            ends.append(ends[-1] + (2 if n else 0) + measure(name))
        for kept in range(len(names), -1, -1):
            rest = len(names) - kept
            tail = "" if not rest else (f" and {rest} more" if kept else f"{rest} more")
            if ends[kept] + measure(tail) <= room:
                return ", ".join(names[:kept]) + tail
        return ""


Part = str | Outside | Link | Listing


def compose(parts: Sequence[Part], limit: int) -> str:
    """One line or block of mrkdwn from parts, at most `limit` long as `measure` counts.

    Plain `str` parts are our own markup, kept whole. The outside parts each get what they
    need when all fit; otherwise the room left by our markup is shared out (the shortest
    needs are met first, the rest split evenly), so a long quote is cut rather than the
    outlet's name beside it. Our own markup is shortened (by `shorten`) only if it alone is
    too long, which our builders never make.
    """
    own = sum(measure(p) for p in parts if isinstance(p, str))
    outside = [(i, p) for i, p in enumerate(parts) if not isinstance(p, str)]
    needs = {i: p.need() for i, p in outside}
    rooms = dict(needs)
    if own + sum(needs.values()) > limit:
        left = max(limit - own, 0)
        waiting = sorted(outside, key=lambda item: needs[item[0]])
        for n, (i, _) in enumerate(waiting):
            rooms[i] = min(needs[i], left // (len(waiting) - n))
            left -= rooms[i]
    text = "".join(p if isinstance(p, str) else p.render(rooms[i]) for i, p in enumerate(parts))
    return shorten(text, limit)


def when(iso: str | None) -> str:
    """A time shown in each reader's own time zone, with a UTC fallback."""
    if not iso:
        return "time unknown"
    moment = datetime.fromisoformat(iso)
    fallback = moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def plain_when(iso: str | None) -> str:
    if not iso:
        return "time unknown"
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
