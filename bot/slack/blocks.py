"""Block Kit messages as pure functions of data, always within Slack's limits.

Every outside string (headlines, outlet names, quotes, URLs) is a part (`Outside`, `Link`,
`Listing`) that `mrkdwn.compose` escapes and fits to the limit where it lands; each message
has a plain `text` fallback for notifications, built the same way. Layout only: every word
comes from `texts`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.pipeline.kinds import Event
from bot.pipeline.urls import canonical_url
from bot.slack import texts
from bot.slack.mrkdwn import (
    ELLIPSIS,
    Link,
    Listing,
    Outside,
    Part,
    compose,
    fit,
    measure,
    plain_when,
    when,
)
from bot.slack.texts import notification_text

# Slack's limits (docs.slack.dev/reference/block-kit): 50 blocks a message; section and
# context text 3000 characters; header text 150; button text 75 and value 2000. The `text`
# fallback may hold 40,000, but it is what notifications show, so it is kept short.
MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_CONTEXT = 3000
MAX_HEADER = 150
MAX_FALLBACK = 3000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
# How much of a headline a line shows, of an outlet's name, of an edited passage (each side),
# and of an outlet's note or a source's error.
HEADLINE_CHARS = 200
NAME_CHARS = 100
PASSAGE_CHARS = 600
NOTE_CHARS = 500


@dataclass
class Message:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


Line = Sequence[Part]


def section(*parts: Part) -> dict[str, Any]:
    """A section of mrkdwn from parts (our markup as `str`, outside strings as `Outside`,
    `Link`, `Listing`), within MAX_SECTION."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": compose(parts, MAX_SECTION)}}


def context(*parts: Part) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": compose(parts, MAX_CONTEXT)}],
    }


def header(title: str | None) -> dict[str, Any]:
    """A header of an outside string: escaped, and cut at a word within MAX_HEADER (Slack
    refuses an empty one, so a story without a headline says so)."""
    text = fit(title, MAX_HEADER) or texts.NO_HEADLINE
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def sections(title: Line, lines: Iterable[Line]) -> list[dict[str, Any]]:
    """Lines packed into as few sections as fit MAX_SECTION each, `title` on the first. Each
    line is composed within MAX_SECTION on its own, so packing never cuts one."""
    blocks: list[dict[str, Any]] = []
    current = compose(title, MAX_SECTION)
    for parts in lines:
        line = compose(parts, MAX_SECTION)
        if current and measure(current) + 1 + measure(line) > MAX_SECTION:
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
    return [*kept, context(texts.more_not_shown(len(blocks) - len(kept)))]


def message(fallback: Line, blocks: list[dict[str, Any]]) -> Message:
    """A message from blocks and a fallback made of parts (notifications read it as mrkdwn
    too, so outside strings in it are escaped like everywhere else)."""
    return Message(compose(fallback, MAX_FALLBACK), capped(blocks))


def article_url(item: dict[str, Any]) -> str | None:
    """The URL an article is linked by: its stored canonical URL when the payload carries
    one, else its URL, without tracking parameters (`canonical_url`), so a link is short
    enough to fit a line whatever the feed appended to it."""
    url = item.get("canonical_url") or item.get("url")
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return url
    try:
        return canonical_url(url)
    except ValueError:  # a bad port or host; `link` shows the label alone if it is unusable
        return url


# --- the alert thread -------------------------------------------------------------------------


def parent(payload: dict[str, Any]) -> Message:
    """The story's parent message: headline, outlet count, who had it first and when."""
    first = payload.get("first") or {}
    count = payload["outlet_count"]
    return message(
        [f"{texts.outlets_label(count)}: ", Outside(payload["title"])],
        [
            header(payload["title"]),
            section(
                *texts.parent_lines(
                    count, first.get("outlet"), when(first.get("published")), NAME_CHARS
                )
            ),
            context(texts.OUTLETS, Listing(payload.get("outlets", []), NAME_CHARS)),
        ],
    )


def coverage(payload: dict[str, Any]) -> Message:
    items = payload.get("coverage", [])
    return message(
        [texts.coverage_fallback(len(items))],
        sections([texts.coverage_title(len(items))], map(coverage_line, items)),
    )


def coverage_line(item: dict[str, Any]) -> list[Part]:
    """• *Outlet* (placement), time: <canonical URL|headline>."""
    label = texts.PLACEMENT_LABELS.get(item.get("placement", ""), "")
    return [
        "• *",
        Outside(item["outlet"], NAME_CHARS),
        f"*{label}, {when(item.get('published'))}: ",
        Link(article_url(item), item.get("title"), HEADLINE_CHARS),
    ]


def difference_line(difference: dict[str, Any]) -> list[Part]:
    return [f"• _{texts.kind_label(difference['kind'])}_: ", Outside(difference["summary"])]


def differences(payload: dict[str, Any], title: str = texts.WHERE_THEY_DIFFER) -> Message:
    """Every difference, one line each; `title` is raw (it may hold a headline)."""
    found = payload.get("differences", [])
    return message(
        [Outside(title), f": {len(found)}"],
        sections(["*", Outside(title, HEADLINE_CHARS), "*"], map(difference_line, found)),
    )


def only_in(payload: dict[str, Any]) -> Message:
    return differences(payload, texts.ONLY_IN)


def new_differences(payload: dict[str, Any]) -> Message:
    return differences(payload, texts.NEW_DIFFERENCES)


def outlet_joined(payload: dict[str, Any]) -> Message:
    article = payload["article"]
    count = payload["outlet_count"]
    return message(
        [Outside(article["outlet"], NAME_CHARS), texts.joined_fallback(count)],
        [
            section(
                "*",
                Outside(article["outlet"], NAME_CHARS),
                texts.joined_now(count),
                *coverage_line(article),
            )
        ],
    )


def edit(payload: dict[str, Any]) -> Message:
    """An edited article: each changed passage old and new, the changed words marked."""
    article = payload["article"]
    blocks = [
        section(
            ":pencil2: *",
            Outside(article["outlet"], NAME_CHARS),
            texts.CHANGED_ITS_ARTICLE,
            Link(article_url(article), article.get("title"), HEADLINE_CHARS),
        )
    ]
    for note in payload.get("corrections", []):
        blocks.append(section(*texts.outlet_notes(note, NOTE_CHARS)))
    for change in payload.get("changes", []):
        old, new = marked_change(change.get("old", ""), change.get("new", ""))
        blocks.append(section(texts.changed_passage(change.get("where"), old, new)))
    return message(
        [Outside(article["outlet"], NAME_CHARS), texts.EDITED, Outside(article.get("title"))],
        blocks,
    )


def marked_change(old: str, new: str, limit: int = PASSAGE_CHARS) -> tuple[str, str]:
    """Escaped old and new passages with the words that differ struck out and in bold, each
    at most `limit` long: a passage too long ends at a word with "…"."""
    # Words past `limit` raw characters can never be shown (escaping only lengthens them).
    old_words = " ".join(old.split())[: limit * 2].split()
    new_words = " ".join(new.split())[: limit * 2].split()
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    before: list[tuple[str, str]] = []
    after: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before.append((" ".join(old_words[i1:i2]), "" if tag == "equal" else "~"))
        after.append((" ".join(new_words[j1:j2]), "" if tag == "equal" else "*"))
    return _marked(before, limit), _marked(after, limit)


def _marked(chunks: list[tuple[str, str]], limit: int) -> str:
    """Raw chunks escaped, each wrapped in its mark, joined by spaces, within `limit`: the
    chunk that does not fit is cut by `fit` (inside its marks) and ends the passage."""
    chunks = [(raw, mark) for raw, mark in chunks if raw]
    shown = ""
    for n, (raw, mark) in enumerate(chunks):
        sep = " " if shown else ""
        last = n == len(chunks) - 1
        # Room for a "…" must stay if a later chunk may have to be cut to nothing.
        room = limit - measure(shown + sep) - 2 * len(mark) - (0 if last else 1)
        piece = fit(raw, room)
        if piece == fit(raw, 10**9):
            shown += f"{sep}{mark}{piece}{mark}"
            continue
        if piece.rstrip(ELLIPSIS):
            return f"{shown}{sep}{mark}{piece}{mark}"
        return shown + ELLIPSIS
    return shown


def source_failing(payload: dict[str, Any]) -> Message:
    return message(
        texts.failing_fallback(payload["outlet"], NAME_CHARS),
        [
            section(
                f":warning: {texts.SOURCE}*",
                Outside(payload["outlet"], NAME_CHARS),
                "* (",
                Link(payload["url"], payload["url"], HEADLINE_CHARS),
                texts.failing_since(when(payload.get("failing_since"))),
                Outside(payload.get("error"), NOTE_CHARS),
            )
        ],
    )


# Outbox event -> how its Slack message looks, and whether it is a thread reply. Keyed by
# str: an outbox row's event is read back as a plain string (an Event is one).
RENDERERS: dict[str, Callable[[dict[str, Any]], Message]] = {
    Event.ALERT: parent,
    Event.PARENT_UPDATE: parent,
    Event.COVERAGE: coverage,
    Event.DIFFERENCES: differences,
    Event.ONLY_IN: only_in,
    Event.NEW_DIFFERENCES: new_differences,
    Event.OUTLET_JOINED: outlet_joined,
    Event.EDIT: edit,
    Event.SOURCE_FAILING: source_failing,
}


def render_event(event: str, payload: dict[str, Any]) -> Message:
    """The message an outbox event posts: its blocks, and as its text the one sentence a
    phone shows (`texts.notification_text`)."""
    message = RENDERERS[event](payload)
    message.text = notification_text(event, payload)
    return message


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
    outlets, seen = texts.first_seen(len(story["outlets"]), when(story.get("first_seen")))
    lines: list[Part] = [
        "*",
        Outside(story["title"], HEADLINE_CHARS),
        outlets,
        Listing(story["outlets"], NAME_CHARS),
        seen,
    ]
    if permalink:
        lines += ["\n", Link(permalink, texts.OPEN_THREAD)]
    blocks = [section(*lines)]
    if diffs:
        top = [difference_line(d) for d in diffs[:shown]]
        blocks += sections([texts.top_differences_title(len(diffs), shown)], top)
    else:
        blocks.append(context(texts.NO_DIFFERENCES))
    story_id = str(story["id"])
    blocks.append(
        {
            "type": "actions",
            "block_id": f"story:{story_id}",
            "elements": [
                _button(texts.POST_TO_CHANNEL, "story_post", story_id, primary=True),
                _button(texts.SHOW_ALL_DIFFERENCES, "story_differences", story_id),
                _button(texts.MUTE, "story_mute", story_id),
            ],
        }
    )
    if others:
        blocks += sections(
            [f"*{texts.OTHER_MATCHES}*"],
            [
                [
                    "• ",
                    Outside(o["title"], HEADLINE_CHARS),
                    texts.other_match(o.get("outlet_count", "?"), when(o.get("first_seen"))),
                ]
                for o in others
            ],
        )
    return message([Outside(story["title"]), texts.card_fallback(len(story["outlets"]))], blocks)


def story_list(title: str, stories: Sequence[dict[str, Any]]) -> Message:
    lines: list[Line] = [
        [
            "• *",
            Outside(s["title"], HEADLINE_CHARS),
            texts.listed_story(s.get("outlet_count", "?"), when(s.get("last_seen"))),
        ]
        for s in stories
    ]
    return message([Outside(title)], sections(["*", Outside(title), "*"], lines))


def notice(*parts: Part) -> Message:
    """A short answer from parts; a plain `str` part is our own words, with any outside
    strings in it already escaped (callers that pass them raw as `Outside` get them cut at a
    word if the answer is too long)."""
    return Message(compose(parts, MAX_FALLBACK), [section(*parts)])


def sources_list(sources: Sequence[dict[str, Any]]) -> Message:
    lines: list[list[Part]] = []
    for s in sources:
        state = texts.source_state(bool(s["paused"]), bool(s.get("failing_since")))
        line: list[Part] = [
            f"`{s['id']}` *",
            Outside(s["outlet"], NAME_CHARS),
            f"* ({s['kind']}, {state}) ",
            Link(s["url"], s["url"], 120),
            texts.last_success(plain_when(s.get("last_success_at"))),
        ]
        if s.get("last_error"):
            line += [
                texts.last_error(plain_when(s.get("last_error_at"))),
                Outside(s["last_error"], 200),
            ]
        if s.get("original_url") and s["original_url"] != s["url"]:
            line += [texts.MOVED_FROM, Outside(s["original_url"], 120)]
        lines.append([*line, texts.items_seen(s["items_seen"])])
    if not lines:
        lines = [[texts.NO_SOURCES]]
    return message(
        [texts.sources_fallback(len(sources))],
        sections([texts.sources_title(len(sources))], lines),
    )


def _button(label: str, action_id: str, value: str, primary: bool = False) -> dict[str, Any]:
    """A button; the label is our own words and the value an id of ours, never outside text,
    so neither is cut: one over Slack's limit is a bug, raised here rather than refused by
    Slack."""
    if len(label) > MAX_BUTTON_TEXT or len(value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button {action_id!r} is over Slack's limits")
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
    stories = payload.get("stories", [])
    lines: list[Line] = [
        [
            "• *",
            Outside(s["title"], HEADLINE_CHARS),
            f"* ({texts.outlet_count(int(s.get('outlet_count') or 0))})",
        ]
        for s in stories
    ]
    title: Line = [
        ":newspaper: *",
        Outside(payload.get("reason") or texts.DIGEST),
        texts.digest_count(len(stories)),
    ]
    blocks = sections(title, lines) + [context(texts.DIGEST_THREAD)]
    return Message(notification_text(Event.DIGEST, payload), capped(blocks))


def digest_story(payload: dict[str, Any]) -> Message:
    """One story of a digest: headline, outlets, top difference, and a link to its alert
    thread when one exists (`thread`, resolved when posting)."""
    outlets = payload.get("outlets", [])
    first = payload.get("first") or {}
    lines: list[Line] = [
        ["*", Link(article_url(first) if first else None, payload["title"], HEADLINE_CHARS), "*"],
        [f"{texts.outlet_count(len(outlets))}: ", Listing(outlets, NAME_CHARS)],
    ]
    top = payload.get("difference")
    lines.append(difference_line(top) if top else [f"_{texts.NO_DIFFERENCES}_"])
    if payload.get("thread"):
        lines.append([Link(payload["thread"], texts.OPEN_ALERT_THREAD)])
    return Message(notification_text(Event.DIGEST_STORY, payload), sections([], lines)[:3])


def muted_news(payload: dict[str, Any]) -> Message:
    """A muted story has news: what the channel is missing, and a button to unmute it."""
    lines: list[Line] = [
        [
            ":mute: *",
            Outside(payload["title"], HEADLINE_CHARS),
            texts.muted_until(when(payload.get("until"))),
        ]
    ]
    article = payload.get("article")
    if article:
        lines.append([texts.NEW_OUTLET_AFTER_QUIET, *coverage_line(article)[1:]])
    lines += [difference_line(d) for d in payload.get("differences", [])[:5]]
    blocks = sections([], lines)
    blocks.append(
        context(texts.muted_footer(int(payload.get("outlet_count") or 0), payload["story_id"]))
    )
    blocks.append(_unmute_actions(payload["story_id"]))
    return Message(notification_text(Event.MUTED_NEWS, payload), capped(blocks))


def muted_notice(story: dict[str, Any], until_iso: str, hours: float) -> Message:
    """The answer to a mute: what, for how long, and a button to undo it."""
    period = texts.mute_period(hours)
    headline = Outside(story["title"], HEADLINE_CHARS)
    text = section(*texts.muted_answer(headline, story["id"], period, when(until_iso)))
    fallback = compose(texts.muted_answer_fallback(headline, period), MAX_FALLBACK)
    return Message(fallback, [text, _unmute_actions(story["id"])])


def single_outlet_note(outlet: str) -> dict[str, Any]:
    """Marks a /story answer whose story only one outlet has covered so far."""
    return context(*texts.single_outlet_lines(outlet, NAME_CHARS))


def _unmute_actions(story_id: int | str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": f"unmute:{story_id}",
        "elements": [_button(texts.UNMUTE, "story_unmute", str(story_id))],
    }


RENDERERS.update(
    {Event.DIGEST: digest, Event.DIGEST_STORY: digest_story, Event.MUTED_NEWS: muted_news}
)
