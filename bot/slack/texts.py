"""Every sentence newsdesk says to editors in answer to a command or button, in one place (as
Bolt keeps its messages): the wording changes here, the code that decides when stays put.

Each function takes raw values and returns safe mrkdwn (outside text escaped, long text clipped).
The messages posted from the outbox are rendered in `blocks` (layout) and `notifications`
(their one-sentence notification text).
"""

from __future__ import annotations

from typing import Any

from bot.slack.mrkdwn import clip, escape, when

HELP = """*newsdesk* tells this channel when several outlets cover one story, and where they differ.
• `/story <words>`: find a story; `/story` alone lists the latest ones
• `/sources list | add <url> [outlet] | remove <id> | pause <id> | resume <id>` (admins)
• `/newsdesk status`: what newsdesk is watching and how it is doing
• `/newsdesk threshold <N>`: alert this channel when a story reaches N outlets
• `/newsdesk watch <words>` / `unwatch <words>`: this channel hears only stories with these words
• `/newsdesk mute <story> [24h | 3d | 1w]` / `unmute <story>`: silence one story here for a while (a story id from `/newsdesk status` or a muted message, or words of its headline)
• `/newsdesk quiet 22:00-07:00 Europe/London` / `quiet off`: hold alerts in those hours, then send them as one digest
• `/newsdesk digest daily 08:00 Europe/London` / `digest hourly` / `digest off`: one digest instead of one alert per story"""

# How refusals begin (usage errors, unknown ids, unreadable URLs): the terminal form of
# /sources exits 1 on them.
REFUSALS = ("Cannot ", "Unknown ", "Usage:", "There is no ", "Only newsdesk admins")

# --- answers to any command -----------------------------------------------------------------

COMMAND_FAILED = "Sorry, newsdesk could not do that just now; the error is in its log."


def could_not_post(error: str) -> str:
    return f"Could not post here ({escape(error)}): invite newsdesk to the channel first."


def shared_by(user: str) -> str:
    return f"Shared by <@{escape(user)}> with /story"


# --- /story -----------------------------------------------------------------------------------

LATEST_HEADING = "Latest stories covered by several outlets"


def no_story_yet(sources: int) -> str:
    return f"No story has two outlets yet. newsdesk is watching {sources} sources."


def no_story_matches(query: str) -> str:
    return (
        f"No story matches “{escape(clip(query, 100))}”. Try fewer or other words, "
        "or `/story` alone for the latest stories."
    )


def story_gone(story_id: int) -> str:
    return f"Story {story_id} is no longer stored."


def single_outlet(title: str, outlet: str) -> str:
    return f"“{escape(clip(title, 150))}” is covered by {escape(outlet)} alone so far."


def all_differences_heading(title: str) -> str:
    return f"All differences: {clip(title, 100)}"


def no_differences(title: str) -> str:
    return f"No differences found in “{escape(title)}”."


def not_muted(title: str) -> str:
    return f"“{escape(clip(title, 150))}” was not muted in this channel."


def unmuted(title: str) -> str:
    return (
        f"Unmuted “{escape(clip(title, 150))}”: this channel hears of it again from its next "
        "development."
    )


# --- /sources ---------------------------------------------------------------------------------

SOURCES_ADMINS_ONLY = (
    "Only newsdesk admins can change sources (NEWSDESK_ADMINS). "
    "`/sources list` shows them to everyone."
)
SOURCES_ADD_USAGE = "Usage: `/sources add <url> [outlet name]`"
_PAST = {"remove": "Removed", "pause": "Paused", "resume": "Resumed"}


def unknown_sources_verb(verb: str) -> str:
    return (
        f"Unknown `/sources {escape(verb)}`. Use `/sources list | add <url> [outlet] | "
        "remove <id> | pause <id> | resume <id>`."
    )


def sources_id_usage(verb: str) -> str:
    return f"Usage: `/sources {verb} <id>` (ids are in `/sources list`)"


def no_such_source(source_id: int) -> str:
    return f"There is no source {source_id}. `/sources list` shows them."


def source_changed(verb: str, source_id: int, outlet: str) -> str:
    """`verb`: remove, pause or resume."""
    return f"{_PAST[verb]} source {source_id}: *{escape(outlet)}*."


def found_page(title: str) -> str:
    return f"an article page, “{escape(clip(title, 120))}”"


def found_listing(kind: str, count: int) -> str:
    """`kind`: feed or sitemap."""
    return (
        f"a feed with {count} items" if kind == "feed" else f"a news sitemap with {count} articles"
    )


def found_through(final_url: str, via: str, others: list[str]) -> str:
    """Where a homepage led: the address read, how it was found, other feeds it links to."""
    text = f" at {escape(final_url)}, found through {escape(via)}"
    if others:
        text += f" (it also links to {', '.join(escape(f) for f in others[:3])})"
    return text


def cannot_add(url: str, error: str) -> str:
    return f"Cannot add {escape(url)}: {escape(error)}"


def cannot_add_unreadable(url: str, error: str) -> str:
    return (
        f"Cannot add {escape(url)}: it is not a feed, a sitemap or a readable article "
        f"page ({escape(error)})."
    )


def source_added(source_id: int, outlet: str, found: str) -> str:
    """`found`: what the address is, from `found_page`/`found_listing` (+ `found_through`)."""
    return (
        f"Added source {source_id}: *{escape(outlet)}*, {found}. What it holds now is "
        "stored without alerts; new items count from its next poll."
    )


def already_watching(
    url: str, asked: str | None, source_id: int, outlet: str, kind: str, paused: bool
) -> str:
    via = f" ({escape(asked)} leads there)" if asked and asked != url else ""
    resume = f" It is paused: `/sources resume {source_id}` starts it again." if paused else ""
    return (
        f"Already watching {escape(url)}{via}: source {source_id}, "
        f"*{escape(outlet)}* ({kind}). Nothing was changed.{resume}"
    )


# --- /newsdesk --------------------------------------------------------------------------------

THRESHOLD_USAGE = "Usage: `/newsdesk threshold <N>`, N from 1 to 50."
MUTE_LENGTH = "A mute lasts from a minute to 30 days (`24h`, `3d`, `1w`)."


def threshold_set(outlets: str) -> str:
    return f"This channel now hears of a story when {outlets} outlets have it."


def watch_usage(verb: str) -> str:
    return f"Usage: `/newsdesk {verb} <words>`"


def not_watching(phrase: str) -> str:
    return f"This channel was not watching “{escape(phrase)}”."


def now_watches(watched: list[str]) -> str:
    shown = ", ".join(f"“{escape(w)}”" for w in watched) or "nothing (all stories)"
    return f"This channel now watches: {shown}."


def unknown_newsdesk_verb(verb: str) -> str:
    return f"Unknown `/newsdesk {escape(verb)}`.\n{HELP}"


def mute_usage(verb: str) -> str:
    return f"Usage: `/newsdesk {verb} <story id or headline words>`" + (
        " [for 24h | 3d | 1w]` (default 24 hours)." if verb == "mute" else "`."
    )


def no_story_to_mute(query: str, among_muted: bool) -> str:
    where = " among this channel's muted stories" if among_muted else ""
    return f"No story matches “{escape(clip(query, 100))}”{where}."


def schedule_set(verb: str, described: str | None, sent_held: bool) -> str:
    """The answer to `quiet`/`digest` (`verb`); `described` is the new schedule in words, None
    when it was turned off; `sent_held` when turning it off sent what it was holding."""
    held = " What it was holding goes out now." if sent_held else ""
    if verb == "quiet":
        if described is None:
            return f"Quiet hours are off: alerts come as they happen.{held}"
        return (
            f"Quiet hours {escape(described)}: alerts in those hours are held and "
            "sent as one digest when the quiet ends. `/newsdesk quiet off` undoes it."
        )
    if described is None:
        return f"Digest off: this channel gets one alert per story.{held}"
    return (
        f"This channel now gets a digest {escape(described)} of the stories that "
        "reach its threshold, instead of one alert per story. `/newsdesk digest off` "
        "undoes it."
    )


def status(
    counts: dict[str, int],
    outbox: dict[str, int],
    alerts_at: int,
    watch: list[str],
    quiet: str | None,
    digest: str | None,
    held: int,
    mutes: list[dict[str, Any]],
    shown_mutes: int,
) -> str:
    """`/newsdesk status`: sources, stories, the outbox and this channel's settings, its held
    stories and its mutes (the first `shown_mutes` listed)."""
    watching = ", ".join(f"“{escape(w)}”" for w in watch) or "everything"
    lines = [
        f"Watching {counts['sources']} sources ({counts['failing']} failing); "
        f"{counts['articles']} articles in {counts['stories']} stories.",
        f"Messages waiting to be posted: {outbox['pending']}; posted: {outbox['sent']}.",
        f"This channel: alerts at {alerts_at} outlets, watching {watching}.",
        "Quiet hours: "
        + (escape(quiet) if quiet else "none")
        + "; digest: "
        + (escape(digest) if digest else "off")
        + ".",
    ]
    if held:
        stories = "1 story" if held == 1 else f"{held} stories"
        lines.append(f"Held for the next digest: {stories}.")
    if mutes:
        lines.append(f"Muted here ({len(mutes)}):")
        lines += [
            f"• `{m['story_id']}` {escape(clip(m['title'], 120))}, until {when(m['until'])}"
            + (f" (by <@{escape(m['muted_by'])}>)" if m.get("muted_by") else "")
            for m in mutes[:shown_mutes]
        ]
        if len(mutes) > shown_mutes:
            lines.append(f"…and {len(mutes) - shown_mutes} more, ending later.")
    else:
        lines.append("No story is muted here.")
    return "\n".join(lines)
