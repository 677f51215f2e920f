"""What the slash commands and buttons do, as plain methods returning Slack messages.

The handlers in `handlers/` only acknowledge, call one method here and send its answer.
"""

from __future__ import annotations

import logging
import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process
from slack_sdk import WebClient

from bot.errors import ExtractionError, SourceError
from bot.live.channel_schedule import (
    ChannelSchedule,
    ScheduleError,
    parse_digest,
    parse_quiet,
)
from bot.live.reading import open_source, read_listing
from bot.live.story_events import member, queue_digest, story_differences
from bot.pipeline.alerts import counted_outlets, headline, threshold
from bot.pipeline.fetch import Fetcher, check_url_allowed
from bot.pipeline.pages import extract_page
from bot.pipeline.text import plain_words
from bot.pipeline.urls import canonical_url
from bot.settings import Settings
from bot.slack import blocks, texts
from bot.slack.blocks import Message
from bot.slack.mrkdwn import escape
from bot.slack.permalinks import thread_permalink
from storage import ArticleRow, Store, to_iso
from storage.stories import SEARCH_LEAD_CHARS

logger = logging.getLogger(__name__)

# /story: how many stories full-text search proposes, how many the answer lists after the
# best, and how many recent stories lend their words to respelling a query that matched none.
SEARCH_CANDIDATES = 50
OTHER_MATCHES = 4
FUZZY_POOL = 1000
FUZZY_CUTOFF = 75
VOCABULARY_SECONDS = 60
LATEST = 8
# Mutes: how long when the editor does not say, and the longest allowed.
MUTE_DEFAULT = timedelta(hours=24)
MUTE_LONGEST = timedelta(days=30)
STATUS_MUTES = 15  # mutes listed by /newsdesk status, soonest to end first
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass
class Desk:
    store: Store
    settings: Settings
    fetcher: Fetcher
    client: WebClient | None = None
    on_sources_changed: Callable[[], object] = lambda: None
    # Called after a channel's quiet hours or digest change (the scheduler's digest jobs).
    on_channels_changed: Callable[[], object] = lambda: None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _vocabulary: tuple[float, set[str]] = field(default=(0.0, set()), repr=False)

    # --- /story ---------------------------------------------------------------------------

    def story(self, query: str) -> Message:
        query = " ".join(query.split())
        if not query:
            latest = self.store.stories.latest(2, LATEST)
            if not latest:
                return blocks.notice(texts.no_story_yet(self.store.activity.counts()["sources"]))
            return blocks.story_list(texts.LATEST_HEADING, latest)
        found = self.search(query)
        if not found:
            return blocks.notice(texts.no_story_matches(query))
        best, others = found[0], found[1 : 1 + OTHER_MATCHES]
        return self.card(best["id"], others)

    def search(self, query: str) -> list[dict[str, Any]]:
        """Stories for the query, best first: full-text candidates ranked by how closely the
        headline matches, then by outlets; close spellings when no word matches at all."""
        candidates = self.store.stories.matching(query, SEARCH_CANDIDATES)
        if not candidates:
            corrected = self.respell(query)
            if corrected != query:
                candidates = self.store.stories.matching(corrected, SEARCH_CANDIDATES)
                query = corrected
        if not candidates:
            return []
        count = len(candidates)

        def score(item: tuple[int, dict[str, Any]]) -> float:
            position, story = item
            closeness = fuzz.token_set_ratio(query.lower(), story["title"].lower()) / 100
            outlets = min(int(story.get("outlet_count") or 0), 5) / 5
            return 0.45 * closeness + 0.35 * (1 - position / count) + 0.2 * outlets

        return [s for _, s in sorted(enumerate(candidates), key=score, reverse=True)]

    def respell(self, query: str) -> str:
        """Each query word unknown to recent stories replaced by the closest word they use
        ("Ukriane troopps" -> "ukraine troops"); words with no close match are kept."""
        vocabulary = self.vocabulary()
        fixed = []
        for word in plain_words(query):
            if word in vocabulary or not vocabulary:
                fixed.append(word)
                continue
            best = process.extractOne(
                word, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            fixed.append(best[0] if best else word)
        return " ".join(fixed)

    def vocabulary(self) -> set[str]:
        """Words of the recent stories' headlines and leads, rebuilt at most once a minute."""
        built, known = self._vocabulary
        if time.monotonic() - built > VOCABULARY_SECONDS or not known:
            pool = self.store.stories.latest(1, FUZZY_POOL)
            known = {
                w
                for s in pool
                for w in plain_words(f"{s['title']} {s['search_text'][:SEARCH_LEAD_CHARS]}")
                if len(w) > 2
            }
            self._vocabulary = (time.monotonic(), known)
        return known

    def card(self, story_id: int, others: list[dict[str, Any]] | None = None) -> Message:
        rows = self.store.stories.members(story_id)
        story = self.story_summary(story_id, rows)
        if story is None:
            return blocks.notice(texts.story_gone(story_id))
        diffs = story_differences(self.store, story_id, rows, limit=None)
        card = blocks.story_card(story, diffs, self.permalink(story_id), others or [])
        if len(story["outlets"]) == 1:
            card.blocks.insert(1, blocks.single_outlet_note(story["outlets"][0]))
            card.text = texts.single_outlet(story["title"], story["outlets"][0])
        return card

    def story_summary(
        self, story_id: int, rows: list[ArticleRow] | None = None
    ) -> dict[str, Any] | None:
        """Headline (the earliest article's), counted outlets and first seen; `rows` are the
        story's members when already read."""
        stored = self.store.stories.get(story_id)
        if stored is None:
            return None
        rows = rows if rows is not None else self.store.stories.members(story_id)
        members = [member(r) for r in rows]
        return {
            "id": story_id,
            "title": headline(members) if members else stored["title"],
            "outlets": counted_outlets((m.outlet, m.placement) for m in members),
            "first_seen": stored["first_seen"],
        }

    def permalink(self, story_id: int) -> str | None:
        return thread_permalink(self.store, self.client, story_id)

    def all_differences(self, story_id: int) -> Message:
        rows = self.store.stories.members(story_id)
        summary = self.story_summary(story_id, rows)
        if summary is None:
            return blocks.notice(texts.story_gone(story_id))
        diffs = story_differences(self.store, story_id, rows, limit=None)
        title = texts.all_differences_heading(summary["title"])
        if not diffs:
            return blocks.notice(texts.no_differences(summary["title"]))
        return blocks.differences({"differences": diffs}, title)

    def mute(
        self, channel: str, story_id: int, user: str | None, period: timedelta = MUTE_DEFAULT
    ) -> Message:
        """Mute the story in `channel` for `period`; it tells the channel once if the story
        has news meanwhile."""
        summary = self.story_summary(story_id)
        if summary is None:
            return blocks.notice(texts.story_gone(story_id))
        now = self.clock()
        until = now + period
        self.store.slack.mute_story(story_id, channel, user, at=now, until=until)
        return blocks.muted_notice(summary, to_iso(until) or "", period.total_seconds() / 3600)

    def unmute(self, channel: str, story_id: int) -> Message:
        summary = self.story_summary(story_id)
        if summary is None:
            return blocks.notice(texts.story_gone(story_id))
        if not self.store.slack.unmute_story(story_id, channel, self.clock()):
            return blocks.notice(texts.not_muted(summary["title"]))
        return blocks.notice(texts.unmuted(summary["title"]))

    # --- /sources -------------------------------------------------------------------------

    def sources(self, user: str | None, text: str, *, operator: bool = False) -> Message:
        """`/sources list | add <url> [outlet] | remove <id> | pause <id> | resume <id>`:
        everyone may list; changing needs a Slack user in NEWSDESK_ADMINS, or `operator`
        (the `newsdesk sources` command, run by whoever runs the bot)."""
        words = _split(text)
        verb = words[0].lower() if words else "list"
        if verb == "list":
            return blocks.sources_list([vars(s) for s in self.store.sources.all()])
        if verb not in ("add", "remove", "pause", "resume"):
            return blocks.notice(texts.unknown_sources_verb(verb))
        if not operator and user not in self.settings.admins:
            return blocks.notice(texts.SOURCES_ADMINS_ONLY)
        if verb == "add":
            if len(words) < 2:
                return blocks.notice(texts.SOURCES_ADD_USAGE)
            return self.add_source(words[1], " ".join(words[2:]))
        if len(words) < 2 or not words[1].isdigit():
            return blocks.notice(texts.sources_id_usage(verb))
        source_id = int(words[1])
        source = self.store.sources.get(source_id)
        done = {
            "remove": lambda: self.store.sources.remove(source_id),
            "pause": lambda: self.store.sources.set_paused(source_id, True),
            "resume": lambda: self.store.sources.set_paused(source_id, False),
        }[verb]()
        if source is None or not done:
            return blocks.notice(texts.no_such_source(source_id))
        self.on_sources_changed()
        return blocks.notice(texts.source_changed(verb, source_id, source.outlet))

    def add_source(self, url: str, outlet: str) -> Message:
        """Check the URL, read it once to tell a feed, a sitemap and an article page apart (a
        homepage is followed to the feed it links to), and add it; its present items are
        stored silently at its first poll (backfill)."""
        url = url.strip("<>").split("|", 1)[0]  # Slack sends links as <url> or <url|label>
        if (watched := self.watched_source(url)) is not None:
            return watched
        try:
            check_url_allowed(url, self.settings.allow_private_sources)
            opened = open_source(self.fetcher, url)
            document = opened.document
            if opened.kind == "page":
                page = extract_page(document.content, document.final_url)
                found, name = texts.found_page(page.title), page.site_name
            else:
                listing = read_listing(self.fetcher, opened.kind, document, with_title=True)
                count, name = len(listing.entries), listing.title
                found = texts.found_listing(opened.kind, count)
        except SourceError as exc:
            return blocks.notice(texts.cannot_add(url, str(exc)))
        except ExtractionError as exc:
            return blocks.notice(texts.cannot_add_unreadable(url, str(exc)))
        for address in (document.url, document.final_url):  # a homepage's feed, a redirect
            if (watched := self.watched_source(address, url)) is not None:
                return watched
        if opened.via:
            others = [f for f in opened.feeds if f != document.url]
            found += texts.found_through(document.final_url, opened.via, others)
        outlet = outlet.strip() or (name or "").strip() or _host(document.final_url)
        # A permanent move is followed now; a temporary redirect keeps the address asked for.
        stored = document.moved_to or document.url
        source_id = self.store.sources.add(
            outlet, stored, opened.kind, origin="slack", now=self.clock()
        )
        self.on_sources_changed()
        return blocks.notice(texts.source_added(source_id, outlet, found))

    def watched_source(self, url: str, asked: str | None = None) -> Message | None:
        """The answer when `url` (as typed, or its canonical form) is already watched: which
        source it is; nothing is changed. None when it is not watched."""
        candidates = [url]
        try:
            candidates.append(canonical_url(url))
        except ValueError:
            pass
        source = next(
            (s for c in candidates if (s := self.store.sources.by_url(c)) is not None), None
        )
        if source is None:
            return None
        return blocks.notice(
            texts.already_watching(
                source.url, asked, source.id, source.outlet, source.kind, bool(source.paused)
            )
        )

    # --- /newsdesk ------------------------------------------------------------------------

    def newsdesk(self, channel: str, user: str | None, text: str) -> Message:
        words = _split(text)
        verb = words[0].lower() if words else "help"
        rest = " ".join(words[1:]).strip().lower()
        if verb == "help":
            return blocks.notice(texts.HELP)
        if verb == "status":
            return self.status(channel)
        if verb in ("mute", "unmute"):
            return self.mute_command(channel, user, verb, words[1:])
        if verb in ("quiet", "digest"):
            return self.schedule_command(channel, user, verb, words[1:])
        if verb == "threshold":
            if not rest.isdigit() or not 1 <= int(rest) <= 50:
                return blocks.notice(texts.THRESHOLD_USAGE)
            self.store.slack.update_channel(
                channel, user=user, threshold=int(rest), now=self.clock()
            )
            return blocks.notice(texts.threshold_set(rest))
        if verb in ("watch", "unwatch"):
            if not rest:
                return blocks.notice(texts.watch_usage(verb))
            watched = list(self.store.slack.channel_settings().get(channel, {}).get("watch", []))
            if verb == "watch" and rest not in watched:
                watched.append(rest)
            elif verb == "unwatch":
                if rest not in watched:
                    return blocks.notice(texts.not_watching(rest))
                watched.remove(rest)
            self.store.slack.update_channel(channel, user=user, watch=watched, now=self.clock())
            return blocks.notice(texts.now_watches(watched))
        return blocks.notice(texts.unknown_newsdesk_verb(verb))

    def mute_command(self, channel: str, user: str | None, verb: str, words: list[str]) -> Message:
        """`mute <story> [period]` / `unmute <story>`: a story id or words of its headline."""
        period = MUTE_DEFAULT
        if verb == "mute" and len(words) > 1 and (typed := _duration(words[-1])) is not None:
            period, words = typed, words[:-1]
            if words and words[-1].lower() == "for":
                words = words[:-1]
        if period > MUTE_LONGEST or period <= timedelta(0):
            return blocks.notice(texts.MUTE_LENGTH)
        query = " ".join(words).strip()
        if not query:
            return blocks.notice(texts.mute_usage(verb))
        story_id = self.find_story(query, channel if verb == "unmute" else None)
        if story_id is None:
            return blocks.notice(texts.no_story_to_mute(query, among_muted=verb == "unmute"))
        if verb == "unmute":
            return self.unmute(channel, story_id)
        return self.mute(channel, story_id, user, period)

    def find_story(self, query: str, muted_in: str | None = None) -> int | None:
        """A story id typed as is, or the story whose headline best matches the words; with
        `muted_in`, only among the stories muted in that channel."""
        if query.isdigit():
            return int(query)
        if muted_in is not None:
            mutes = self.store.slack.channel_mutes(muted_in, self.clock())
            scored = [
                (fuzz.token_set_ratio(query.lower(), m["title"].lower()), m["story_id"])
                for m in mutes
            ]
            best = max(scored, default=(0, None))
            return int(best[1]) if best[1] is not None and best[0] >= 60 else None
        found = self.search(query)
        return int(found[0]["id"]) if found else None

    def schedule_command(
        self, channel: str, user: str | None, verb: str, words: list[str]
    ) -> Message:
        """`quiet <start-end> [zone] | off` and `digest daily <time> [zone] | hourly [zone] |
        off`; a schedule turned off sends what it held at once."""
        off = bool(words) and words[0].lower() == "off"
        try:
            value = (
                None if off else (parse_quiet(words) if verb == "quiet" else parse_digest(words))
            )
        except ScheduleError as exc:
            return blocks.notice(escape(str(exc)))
        self.store.slack.set_channel_schedule(
            channel,
            user=user,
            field=verb,
            value=value.to_json() if value else None,
            now=self.clock(),
        )
        sent = queue_digest(self.store, channel, self.clock()) if off else []
        self.on_channels_changed()
        described = value.describe() if value is not None else None
        return blocks.notice(texts.schedule_set(verb, described, bool(sent)))

    def status(self, channel: str) -> Message:
        counts = self.store.activity.counts()
        outbox = self.store.outbox.counts()
        own = self.store.slack.channel_settings().get(channel, {})
        alerts_at = threshold(own.get("threshold"), self.settings.min_outlets)
        schedule = ChannelSchedule.from_settings(own)
        return blocks.notice(
            texts.status(
                counts,
                outbox,
                alerts_at,
                list(own.get("watch", [])),
                schedule.quiet.describe() if schedule.quiet else None,
                schedule.digest.describe() if schedule.digest else None,
                len(self.store.slack.pending_digest(channel)),
                self.store.slack.channel_mutes(channel, self.clock()),
                STATUS_MUTES,
            )
        )


def is_refusal(answer: Message) -> bool:
    """Whether an answer of `Desk.sources` refused to do what was asked."""
    return answer.text.startswith(texts.REFUSALS)


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text or "")
    except ValueError:
        return (text or "").split()


def _duration(text: str) -> timedelta | None:
    """ "24h", "3 d", "1w", "90m" as a period; None when it is not one."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        return None
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)[0]])


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
