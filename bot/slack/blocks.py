"""Block Kit messages as pure functions of data, always within Slack's limits.

Every outside string (headlines, outlet names, quotes, URLs) passes through `mrkdwn.escape`
or `mrkdwn.link`; each message has a plain `text` fallback for notifications.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.slack.mrkdwn import clip, escape, link, plain_when, when

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FALLBACK = 3000
# How much of a headline a line of coverage shows, and of an edited passage.
HEADLINE_CHARS = 200
PASSAGE_CHARS = 600

KIND_LABELS = {
    "number": "Figures",
    "quote": "Quote wording",
    "title": "Titles",
    "name": "Names",
    "attribution": "Sources",
    "conflict": "Contradiction",
    "only_in": "Only in",
}
PLACEMENT_LABELS = {"copy": " (copy of another outlet's text)", "same_article": " (same article)"}


@dataclass
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:MAX_SECTION]}}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:MAX_SECTION]}]}


def header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": escape(clip(text, MAX_HEADER - 20))[:MAX_HEADER]},
    }


def sections(title: str, lines: Iterable[str]) -> list[dict[str, Any]]:
    """Lines packed into as few sections as fit MAX_SECTION each, `title` on the first."""
    blocks: list[dict[str, Any]] = []
    current = title
    for line in lines:
        line = line[: MAX_SECTION - 1]
        if current and len(current) + 1 + len(line) > MAX_SECTION:
            blocks.append(section(current))
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks


def capped(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """At most MAX_BLOCKS: the last one says how many were left out."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    kept = blocks[: MAX_BLOCKS - 1]
    return [*kept, context(f"…and {len(blocks) - len(kept)} more not shown")]


def message(fallback: str, blocks: list[dict[str, Any]]) -> Message:
    """A message from blocks and a raw fallback (notifications read it as mrkdwn too, so it
    is escaped here)."""
    return Message(escape(clip(fallback, MAX_FALLBACK // 2)), capped(blocks))


# --- the alert thread -------------------------------------------------------------------------


def parent(payload: dict[str, Any]) -> Message:
    """The story's parent message: headline, outlet count, who had it first and when."""
    first = payload.get("first") or {}
    count = payload["outlet_count"]
    outlets = ", ".join(escape(o) for o in payload.get("outlets", []))
    summary = (
        f"*{count} outlets* are covering this story. First: *{escape(first.get('outlet'))}*, "
        f"{when(first.get('published'))}."
    )
    return message(
        f"{count} outlets: {payload['title']}",
        [header(payload["title"]), section(summary), context(f"Outlets: {outlets}")],
    )


def coverage(payload: dict[str, Any]) -> Message:
    items = payload.get("coverage", [])
    lines = [coverage_line(item) for item in items]
    return message(
        f"Coverage: {len(items)} articles", sections(f"*Coverage* ({len(items)} articles)", lines)
    )


def coverage_line(item: dict[str, Any]) -> str:
    label = PLACEMENT_LABELS.get(item.get("placement", ""), "")
    return (
        f"• *{escape(item['outlet'])}*{label}, {when(item.get('published'))}: "
        f"{link(item.get('url'), clip(item.get('title'), HEADLINE_CHARS))}"
    )


def difference_line(difference: dict[str, Any]) -> str:
    label = KIND_LABELS.get(difference["kind"], difference["kind"].replace("_", " ").title())
    return f"• _{label}_: {escape(difference['summary'])}"


def differences(payload: dict[str, Any], title: str = "Where they differ") -> Message:
    found = payload.get("differences", [])
    lines = [difference_line(d) for d in found]
    return message(f"{title}: {len(found)}", sections(f"*{escape(title)}*", lines))


def only_in(payload: dict[str, Any]) -> Message:
    return differences(payload, "Only in")


def new_differences(payload: dict[str, Any]) -> Message:
    return differences(payload, "New differences")


def outlet_joined(payload: dict[str, Any]) -> Message:
    article = payload["article"]
    text = (
        f"*{escape(article['outlet'])}* joined: now {payload['outlet_count']} outlets.\n"
        f"{coverage_line(article)}"
    )
    return message(
        f"{article['outlet']} joined ({payload['outlet_count']} outlets)", [section(text)]
    )


def edit(payload: dict[str, Any]) -> Message:
    """An edited article: each changed passage old and new, the changed words marked."""
    article = payload["article"]
    blocks = [
        section(
            f":pencil2: *{escape(article['outlet'])}* changed its article "
            f"{link(article.get('url'), clip(article.get('title'), HEADLINE_CHARS))}"
        )
    ]
    for note in payload.get("corrections", []):
        blocks.append(section(f":memo: The outlet notes: _{escape(clip(note, 500))}_"))
    for change in payload.get("changes", []):
        old, new = marked_change(change.get("old", ""), change.get("new", ""))
        where = "Headline" if change.get("where") == "headline" else "Text"
        blocks.append(
            section(f"_{where}_\n*Before:* {old or '(nothing)'}\n*After:* {new or '(removed)'}")
        )
    return message(f"{article['outlet']} edited: {article.get('title', '')}", blocks)


def marked_change(old: str, new: str) -> tuple[str, str]:
    """Escaped old and new passages with the words that differ struck out and in bold."""
    old_words, new_words = clip(old, PASSAGE_CHARS).split(), clip(new, PASSAGE_CHARS).split()
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    before: list[str] = []
    after: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a = escape(" ".join(old_words[i1:i2]))
        b = escape(" ".join(new_words[j1:j2]))
        if tag == "equal":
            before.append(a)
            after.append(b)
            continue
        if a:
            before.append(f"~{a}~")
        if b:
            after.append(f"*{b}*")
    return " ".join(before), " ".join(after)


def source_failing(payload: dict[str, Any]) -> Message:
    text = (
        f":warning: Source *{escape(payload['outlet'])}* ({link(payload['url'], payload['url'])}) "
        f"has been failing since {when(payload.get('failing_since'))}: "
        f"{escape(clip(payload.get('error'), 500))}"
    )
    return message(f"Source {payload['outlet']} has been failing for a day", [section(text)])


# Outbox event -> how its Slack message looks, and whether it is a thread reply.
RENDERERS = {
    "alert": parent,
    "parent_update": parent,
    "coverage": coverage,
    "differences": differences,
    "only_in": only_in,
    "new_differences": new_differences,
    "outlet_joined": outlet_joined,
    "edit": edit,
    "source_failing": source_failing,
}


def render_event(event: str, payload: dict[str, Any]) -> Message:
    return RENDERERS[event](payload)


# --- slash command answers --------------------------------------------------------------------


def story_card(
    story: dict[str, Any],
    diffs: Sequence[dict[str, Any]],
    permalink: str | None,
    others: Sequence[dict[str, Any]] = (),
    shown: int = 3,
) -> Message:
    """The /story answer: the best match with its top differences and buttons, then the next
    few matches."""
    outlets = ", ".join(escape(o) for o in story["outlets"])
    lines = [
        f"*{escape(clip(story['title'], HEADLINE_CHARS))}*",
        f"{len(story['outlets'])} outlets: {outlets}",
        f"First seen {when(story.get('first_seen'))}",
    ]
    if permalink:
        lines.append(link(permalink, "Open the thread"))
    blocks = [section("\n".join(lines))]
    if diffs:
        top = [difference_line(d) for d in diffs[:shown]]
        more = f" (of {len(diffs)})" if len(diffs) > shown else ""
        blocks += sections(f"*Where they differ*{more}", top)
    else:
        blocks.append(context("No differences found between its outlets."))
    story_id = str(story["id"])
    blocks.append(
        {
            "type": "actions",
            "block_id": f"story:{story_id}",
            "elements": [
                _button("Post to channel", "story_post", story_id, primary=True),
                _button("Show all differences", "story_differences", story_id),
                _button("Mute", "story_mute", story_id),
            ],
        }
    )
    if others:
        blocks += sections(
            "*Other matches*",
            [
                f"• {escape(clip(o['title'], HEADLINE_CHARS))} "
                f"({o.get('outlet_count', '?')} outlets, {when(o.get('first_seen'))})"
                for o in others
            ],
        )
    return message(f"{story['title']} ({len(story['outlets'])} outlets)", blocks)


def story_list(title: str, stories: Sequence[dict[str, Any]]) -> Message:
    lines = [
        f"• *{escape(clip(s['title'], HEADLINE_CHARS))}*: {s.get('outlet_count', '?')} outlets, "
        f"last seen {when(s.get('last_seen'))}"
        for s in stories
    ]
    return message(title, sections(f"*{escape(title)}*", lines))


def notice(text: str) -> Message:
    """A short answer; `text` is our own words with outside strings already escaped."""
    return Message(text[:MAX_FALLBACK], [section(text)])


def sources_list(sources: Sequence[dict[str, Any]]) -> Message:
    lines = []
    for s in sources:
        state = "paused" if s["paused"] else ("failing" if s.get("failing_since") else "ok")
        health = f"last success {plain_when(s.get('last_success_at'))}"
        if s.get("last_error"):
            health += f"; last error {plain_when(s.get('last_error_at'))}: " + escape(
                clip(s["last_error"], 200)
            )
        lines.append(
            f"`{s['id']}` *{escape(s['outlet'])}* ({s['kind']}, {state}) "
            f"{link(s['url'], clip(s['url'], 120))}\n      {health}; {s['items_seen']} items"
        )
    if not lines:
        lines = ["No sources yet. Add one with `/sources add <url> [outlet name]`."]
    return message(f"{len(sources)} sources", sections(f"*Sources* ({len(sources)})", lines))


def _button(label: str, action_id: str, value: str, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


# --- digests and mutes ----------------------------------------------------------------------


def digest(payload: dict[str, Any]) -> Message:
    """A digest's parent: why it came, and each story's headline with its outlet count; the
    stories themselves are its thread replies."""
    from bot.slack.notifications import notification_text

    stories = payload.get("stories", [])
    lines = [
        f"• *{escape(clip(s['title'], HEADLINE_CHARS))}* "
        f"({_outlets_phrase(int(s.get('outlet_count') or 0))})"
        for s in stories
    ]
    title = f":newspaper: *{escape(payload.get('reason') or 'Digest')}*: {len(stories)} " + (
        "story" if len(stories) == 1 else "stories"
    )
    blocks = sections(title, lines) + [context("Each story is in the thread below.")]
    return Message(notification_text("digest", payload), capped(blocks))


def digest_story(payload: dict[str, Any]) -> Message:
    """One story of a digest: headline, outlets, top difference, and a link to its alert
    thread when one exists (`thread`, resolved when posting)."""
    from bot.slack.notifications import notification_text

    outlets = payload.get("outlets", [])
    first = payload.get("first") or {}
    lines = [
        f"*{link(first.get('url'), clip(payload['title'], HEADLINE_CHARS))}*",
        f"{_outlets_phrase(len(outlets))}: {', '.join(escape(o) for o in outlets)}",
    ]
    top = payload.get("difference")
    lines.append(difference_line(top) if top else "_No differences found between its outlets._")
    if payload.get("thread"):
        lines.append(link(payload["thread"], "Open its alert thread"))
    return Message(notification_text("digest_story", payload), [section("\n".join(lines))])


def muted_news(payload: dict[str, Any]) -> Message:
    """A muted story has news: what the channel is missing, and a button to unmute it."""
    from bot.slack.notifications import notification_text

    lines = [
        f":mute: *{escape(clip(payload['title'], HEADLINE_CHARS))}* is muted in this channel "
        f"until {when(payload.get('until'))}, and it has news:"
    ]
    article = payload.get("article")
    if article:
        lines.append(f"• A new outlet after a quiet day: {coverage_line(article)[2:]}")
    lines += [difference_line(d) for d in payload.get("differences", [])[:5]]
    blocks = sections("", lines)
    blocks.append(
        context(
            f"{_outlets_phrase(int(payload.get('outlet_count') or 0))} now. "
            f"`/newsdesk unmute {payload['story_id']}` lets its alerts through again."
        )
    )
    blocks.append(_unmute_actions(payload["story_id"]))
    return Message(notification_text("muted_news", payload), capped(blocks))


def muted_notice(story: dict[str, Any], until_iso: str, hours: float) -> Message:
    """The answer to a mute: what, for how long, and a button to undo it."""
    period = f"{hours:g} hours" if hours != 1 else "1 hour"
    text = (
        f"Muted “{escape(clip(story['title'], HEADLINE_CHARS))}” (story {story['id']}) in this "
        f"channel for {period}, until {when(until_iso)}. newsdesk tells this channel once if it "
        f"has news meanwhile. Undo with `/newsdesk unmute {story['id']}` or the button."
    )
    return Message(
        f"Muted “{escape(clip(story['title'], HEADLINE_CHARS))}” in this channel for {period}.",
        [section(text), _unmute_actions(story["id"])],
    )


def single_outlet_note(outlet: str) -> dict[str, Any]:
    """Marks a /story answer whose story only one outlet has covered so far."""
    return context(
        f":bust_in_silhouette: Single outlet: only *{escape(outlet)}* has this story so far."
    )


def _outlets_phrase(n: int) -> str:
    return "1 outlet" if n == 1 else f"{n} outlets"


def _unmute_actions(story_id: int | str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": f"unmute:{story_id}",
        "elements": [_button("Unmute", "story_unmute", str(story_id))],
    }


RENDERERS.update({"digest": digest, "digest_story": digest_story, "muted_news": muted_news})
