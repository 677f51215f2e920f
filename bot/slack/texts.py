"""Every word newsdesk says to editors in Slack, in one place (as Bolt keeps its messages): the
wording changes here, the code that decides when (desk) and the layout (blocks) stay put.

Three sections, by surface: answers to commands and buttons; the notification sentence of each
posted message (the one line a phone or a desktop banner shows); Block Kit's labels, headings
and the lines of posted messages, which `blocks` lays out. Functions that return a `str` take
raw values and return safe mrkdwn (outside text escaped, long text clipped); those that return
parts leave outside strings as `Outside`/`Link`/`Listing`, for `mrkdwn.compose` to escape and fit.
The terminal report of `newsdesk analyze` keeps its own plain-text headings (offline/ imports no
Slack module).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.pipeline.kinds import Event, PlacementKind
from bot.slack.mrkdwn import Outside, Part, clip, escape, plain_when, shorten, when

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


def found_listing(kind: str, n: int) -> str:
    """`kind`: feed or sitemap."""
    return (
        f"a feed with {count(n, 'item')}"
        if kind == "feed"
        else f"a news sitemap with {count(n, 'article')}"
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


# --- notification sentences of posted messages ------------------------------------------------
# Each written as a sentence an editor reads at a glance ("The Telegraph joined the coverage of
# “…”, which now has 4 outlets.") rather than a label and a number ("Only in: 8"). Outside
# strings are escaped here: Slack reads this text as mrkdwn too.

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


# --- Block Kit labels, headings and lines -----------------------------------------------------
# `name_chars` is how much of an outlet's name a line shows (blocks.NAME_CHARS).

KIND_LABELS = {
    "number": "Figures",
    "quote": "Quote wording",
    "title": "Titles",
    "name": "Names",
    "attribution": "Sources",
    "conflict": "Contradiction",
    "only_in": "Only in",
}
PLACEMENT_LABELS = {
    PlacementKind.COPY: " (copy of another outlet's text)",
    PlacementKind.SAME_ARTICLE: " (same article)",
}
WHERE_THEY_DIFFER = "Where they differ"
ONLY_IN = KIND_LABELS["only_in"]
NEW_DIFFERENCES = "New differences"
NO_HEADLINE = "(no headline)"
NO_DIFFERENCES = "No differences found between its outlets."
OPEN_THREAD = "Open the thread"
OPEN_ALERT_THREAD = "Open its alert thread"
OTHER_MATCHES = "Other matches"
POST_TO_CHANNEL = "Post to channel"
SHOW_ALL_DIFFERENCES = "Show all differences"
MUTE = "Mute"
UNMUTE = "Unmute"
DIGEST = "Digest"
DIGEST_THREAD = "Each story is in the thread below."
NO_SOURCES = "No sources yet. Add one with `/sources add <url> [outlet name]`."


def kind_label(kind: str) -> str:
    """A difference kind's label; a kind without one is its name in words."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").title())


def more_not_shown(n: int) -> str:
    return f"…and {n} more not shown"


def outlet_count(n: int) -> str:
    """ "1 outlet", "4 outlets"."""
    return count(n, "outlet")


def outlets_label(n: int) -> str:
    """ "4 outlets" as a parent's fallback and bold count say it (never "1 outlet")."""
    return f"{n} outlets"


def parent_lines(
    count_: int, first_outlet: str | None, first_when: str | None, name_chars: int
) -> list[Part]:
    return [
        f"*{outlets_label(count_)}* are covering this story. First: *",
        Outside(first_outlet, name_chars),
        f"*, {first_when}.",
    ]


OUTLETS = "Outlets: "


def coverage_fallback(n: int) -> str:
    return f"Coverage: {n} articles"


def coverage_title(n: int) -> str:
    return f"*Coverage* ({n} articles)"


def joined_fallback(n: int) -> str:
    return f" joined ({n} outlets)"


def joined_now(n: int) -> str:
    return f"* joined: now {n} outlets.\n"


CHANGED_ITS_ARTICLE = "* changed its article "
EDITED = " edited: "


def outlet_notes(note: str, note_chars: int) -> list[Part]:
    return [":memo: The outlet notes: _", Outside(note, note_chars), "_"]


def changed_passage(where: str | None, old: str, new: str) -> str:
    """One changed passage of an edit; `old`, `new` are marked mrkdwn already."""
    label = "Headline" if where == "headline" else "Text"
    return f"_{label}_\n*Before:* {old or '(nothing)'}\n*After:* {new or '(removed)'}"


SOURCE = "Source "


def failing_fallback(outlet: str, name_chars: int) -> list[Part]:
    return [SOURCE, Outside(outlet, name_chars), " has been failing for a day"]


def failing_since(failing_since_when: str) -> str:
    return f") has been failing since {failing_since_when}: "


def first_seen(outlets: int, first_when: str) -> tuple[str, str]:
    """The outlet count's label before the listing, and the first-seen line after it."""
    return f"*\n{outlets} outlets: ", f"\nFirst seen {first_when}"


def top_differences_title(total: int, shown: int) -> str:
    more = f" (of {total})" if total > shown else ""
    return f"*{WHERE_THEY_DIFFER}*{more}"


def other_match(outlet_count: Any, first_when: str) -> str:
    return f" ({outlet_count} outlets, {first_when})"


def card_fallback(outlets: int) -> str:
    return f" ({outlets} outlets)"


def listed_story(outlet_count: Any, last_when: str) -> str:
    return f"*: {outlet_count} outlets, last seen {last_when}"


def source_state(paused: bool, failing: bool) -> str:
    return "paused" if paused else ("failing" if failing else "ok")


def last_success(success_when: str) -> str:
    return f"\n      last success {success_when}"


def last_error(error_when: str) -> str:
    return f"; last error {error_when}: "


MOVED_FROM = "; moved here from "


def items_seen(n: int) -> str:
    return f"; {n} items"


def sources_fallback(n: int) -> str:
    return f"{n} sources"


def sources_title(n: int) -> str:
    return f"*Sources* ({n})"


def digest_count(n: int) -> str:
    return f"*: {n} {'story' if n == 1 else 'stories'}"


def muted_until(until_when: str) -> str:
    return f"* is muted in this channel until {until_when}, and it has news:"


NEW_OUTLET_AFTER_QUIET = "• A new outlet after a quiet day: "


def muted_footer(outlets: int, story_id: Any) -> str:
    return (
        f"{count(outlets, 'outlet')} now. "
        f"`/newsdesk unmute {story_id}` lets its alerts through again."
    )


def mute_period(hours: float) -> str:
    return f"{hours:g} hours" if hours != 1 else "1 hour"


def muted_answer(headline: Outside, story_id: Any, period: str, until_when: str) -> list[Part]:
    """The answer to a mute: what, for how long, and how to undo it."""
    return [
        "Muted “",
        headline,
        f"” (story {story_id}) in this channel for {period}, until {until_when}. "
        "newsdesk tells this channel once if it has news meanwhile. Undo with "
        f"`/newsdesk unmute {story_id}` or the button.",
    ]


def muted_answer_fallback(headline: Outside, period: str) -> list[Part]:
    return ["Muted “", headline, f"” in this channel for {period}."]


def single_outlet_lines(outlet: str, name_chars: int) -> list[Part]:
    return [
        ":bust_in_silhouette: Single outlet: only *",
        Outside(outlet, name_chars),
        "* has this story so far.",
    ]
