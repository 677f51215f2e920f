"""Outside strings made safe for Slack mrkdwn: nothing they contain can ping or link."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

ELLIPSIS = "…"


def escape(text: str | None) -> str:
    """`&`, `<` and `>` as entities: `<!channel>` or `<http://x|y>` in a headline is shown,
    not obeyed."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str | None, limit: int) -> str:
    """At most `limit` characters of raw text, cut at a word where possible."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut + ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with the characters that would end or split a Slack link encoded;
    None for anything else (javascript:, mailto:, empty)."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str | None) -> str:
    """`<url|label>` with the label escaped; the label alone when the URL is not http(s)."""
    shown = escape(label) or escape(url)
    target = safe_url(url)
    if target is None:
        return shown
    return f"<{target.replace('&', '&amp;')}|{shown.replace('|', '¦')}>"


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
