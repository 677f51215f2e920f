"""The notification text of each posted message: the one sentence a phone or a desktop
banner shows (Slack's plain `text` beside the blocks), written as a sentence an editor reads
at a glance ("The Telegraph joined the coverage of “…”, which now has 4 outlets.") rather
than a label and a number ("Only in: 8").

Outside strings are escaped here: Slack reads this text as mrkdwn too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.pipeline.kinds import Event
from bot.slack.mrkdwn import clip, escape, plain_when, shorten

TITLE_CHARS = 150
MAX_TEXT = 1500


def count(n: int, one: str, many: str | None = None) -> str:
    """ "1 outlet", "4 outlets"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def quoted(title: str | None) -> str:
    return f"“{escape(clip(title or 'an untitled story', TITLE_CHARS))}”"


def listed(names: Sequence[str], shown: int = 3) -> str:
    """ "A", "A and B", "A, B and C", "A, B, C and 2 more"."""
    names = [escape(n) for n in names]
    if len(names) > shown:
        names = [*names[:shown], f"{len(names) - shown} more"]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _alert(p: dict[str, Any]) -> str:
    n = int(p.get("outlet_count") or len(p.get("outlets", [])))
    verb = "is" if n == 1 else "are"
    first = (p.get("first") or {}).get("outlet")
    had = f"; {escape(first)} had it first" if first and n > 1 else ""
    return f"{count(n, 'outlet')} {verb} covering {quoted(p.get('title'))}{had}."


def _coverage(p: dict[str, Any]) -> str:
    items = p.get("coverage", [])
    outlets = len(p.get("outlets") or {i.get("outlet") for i in items})
    verb = "covers" if len(items) == 1 else "cover"
    return (
        f"{count(len(items), 'article')} from {count(outlets, 'outlet')} {verb} "
        f"{quoted(p.get('title'))}."
    )


def _differences(p: dict[str, Any]) -> str:
    n = len(p.get("differences", []))
    return f"The outlets covering {quoted(p.get('title'))} differ on {count(n, 'point')}."


def _only_in(p: dict[str, Any]) -> str:
    n = len(p.get("differences", []))
    verb = "appears" if n == 1 else "appear"
    return f"{count(n, 'detail')} of {quoted(p.get('title'))} {verb} in only some of its outlets."


def _new_differences(p: dict[str, Any]) -> str:
    n = len(p.get("differences", []))
    return f"The outlets covering {quoted(p.get('title'))} now differ on {count(n, 'more point')}."


def _outlet_joined(p: dict[str, Any]) -> str:
    outlet = escape((p.get("article") or {}).get("outlet"))
    return (
        f"{outlet} joined the coverage of {quoted(p.get('title'))}, which now has "
        f"{count(int(p.get('outlet_count') or 0), 'outlet')}."
    )


def _edit(p: dict[str, Any]) -> str:
    article = p.get("article") or {}
    return f"{escape(article.get('outlet'))} changed its article {quoted(article.get('title'))}."


def _source_failing(p: dict[str, Any]) -> str:
    return (
        f"The source {escape(p.get('outlet'))} has been failing since "
        f"{plain_when(p.get('failing_since'))}."
    )


def _digest(p: dict[str, Any]) -> str:
    stories = p.get("stories", [])
    titles = " and ".join(quoted(s.get("title")) for s in stories[:2])
    if len(stories) == 1:
        return f"This digest brings one story, {titles}."
    among = "among them " if len(stories) > 2 else ""
    return f"This digest brings {len(stories)} stories, {among}{titles}."


def _digest_story(p: dict[str, Any]) -> str:
    n = int(p.get("outlet_count") or 0)
    if n == 1:
        return f"{quoted(p.get('title'))} is covered by {listed(p.get('outlets', []))} alone."
    return f"{quoted(p.get('title'))} is covered by {count(n, 'outlet')}."


def _muted_news(p: dict[str, Any]) -> str:
    news = []
    if p.get("article"):
        news.append(f"{escape(p['article'].get('outlet'))} joined it after a quiet day")
    if p.get("differences"):
        news.append(f"its outlets differ on {count(len(p['differences']), 'new point')}")
    what = " and ".join(news) or "it has news"
    return (
        f"{quoted(p.get('title'))} is muted in this channel until "
        f"{plain_when(p.get('until'))}, but {what}."
    )


SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    Event.ALERT: _alert,
    Event.PARENT_UPDATE: _alert,
    Event.COVERAGE: _coverage,
    Event.DIFFERENCES: _differences,
    Event.ONLY_IN: _only_in,
    Event.NEW_DIFFERENCES: _new_differences,
    Event.OUTLET_JOINED: _outlet_joined,
    Event.EDIT: _edit,
    Event.SOURCE_FAILING: _source_failing,
    Event.DIGEST: _digest,
    Event.DIGEST_STORY: _digest_story,
    Event.MUTED_NEWS: _muted_news,
}


def notification_text(event: str, payload: dict[str, Any]) -> str:
    """The sentence for an outbox event's message (escaped mrkdwn, at most MAX_TEXT)."""
    sentence = SENTENCES.get(event)
    text = (
        sentence(payload)
        if sentence
        else f"newsdesk has news about {quoted(payload.get('title'))}."
    )
    return shorten(text, MAX_TEXT)  # never inside an entity or a link
