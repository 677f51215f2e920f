"""What a story change should tell each channel, as outbox entries.

Every entry is one Slack message (a post, a thread reply or an update of the parent), and its
key is unique per story, channel and event, so writing the same change twice posts once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.pipeline.kinds import Event, PlacementKind
from bot.pipeline.text import plain_words

# An outlet joining a story that had nothing new for this long is news even to a channel that
# muted the story.
QUIET_DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Member:
    article_id: int
    outlet: str
    title: str
    url: str
    published: str | None
    placement: str
    backfill: bool
    lead: str = ""
    seen: str | None = None  # when newsdesk took it (ISO 8601 UTC)

    def as_payload(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "title": self.title,
            "url": self.url,
            "published": self.published,
            "placement": self.placement,
        }


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    event: Event
    channel: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class ChannelPolicy:
    """Who hears about stories: the alert channel hears every story; another channel only
    stories matching one of its watched phrases. `threshold` overrides the outlet count;
    `holds` is true while the channel's new stories wait for a digest (quiet hours, or a
    channel that takes digests)."""

    channel: str
    threshold: int
    watch: tuple[str, ...] = ()
    default: bool = False
    holds: bool = False

    def wants(self, story_words: set[str]) -> bool:
        if self.default and not self.watch:
            return True
        return any(set(plain_words(phrase)) <= story_words for phrase in self.watch)


@dataclass
class StoryState:
    """A story as the alert policy sees it after a change."""

    story_id: int
    members: list[Member]
    differences: list[dict[str, Any]] = field(default_factory=list)
    told: set[str] = field(default_factory=set)
    alerted: set[str] = field(default_factory=set)
    # {channel: its running mute (muted_by, muted_at, until)}
    muted: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Channels that hold the story for a digest or have told it in one.
    digested: set[str] = field(default_factory=set)

    @property
    def title(self) -> str:
        return headline(self.members)

    @property
    def outlets(self) -> list[str]:
        return counted_outlets((m.outlet, m.placement) for m in self.members)

    def words(self) -> set[str]:
        return set(plain_words(" ".join(f"{m.title} {m.lead}" for m in self.members)))

    def base(self) -> dict[str, Any]:
        first = self.members[0] if self.members else None
        return {
            "story_id": self.story_id,
            "title": self.title,
            "outlet_count": len(self.outlets),
            "outlets": self.outlets,
            "first": first.as_payload() if first else None,
            "coverage": [m.as_payload() for m in self.members],
        }


def counts_as_outlet(placement: str) -> bool:
    """Whether an article placed this way brings its outlet into a story: a copy of another
    outlet's text (wire copy, republication) does not. The one home of this rule: storage
    keeps the answer with each placement (`articles.counts_outlet`), so its queries count
    outlets by this same rule."""
    return placement != PlacementKind.COPY


def counted_outlets(placed: Iterable[tuple[str, str]]) -> list[str]:
    """Distinct outlets toward the threshold from (outlet, placement) pairs in story order,
    first come first: copies do not count (`counts_as_outlet`), and an outlet's second
    article adds nothing."""
    return list(
        dict.fromkeys(outlet for outlet, placement in placed if counts_as_outlet(placement))
    )


def headline(members: Sequence[Member]) -> str:
    """A story's headline: its first member's title, members being in story order (earliest
    published, ties by first placed, as storage reads them); "" for a story with none. Alert,
    card, digest and /story all name a story by this."""
    return members[0].title if members else ""


def threshold(configured: int | None, default: int) -> int:
    """A channel's outlet threshold: its own when set, else the default (NEWSDESK_MIN_OUTLETS)."""
    return configured or default


def reaches(outlets: int, threshold: int) -> bool:
    """Whether a story with `outlets` counted outlets (`counted_outlets`) reaches a threshold of
    `threshold`: the one comparison behind the live alert, `newsdesk analyze`'s ALERT flag and
    the demo's exit code."""
    return outlets >= threshold


def difference_key(difference: dict[str, Any]) -> str:
    """The identity of a difference, stable as outlets join: its kind and subject with the
    values on each side; for "only in", the first sentence it quotes (its subject, the words
    no one else uses, and its list of outlets change whenever another outlet joins)."""
    variants = difference.get("variants", [])
    if difference["kind"] == "only_in":
        evidence = [e.get("text", "") for v in variants for e in v.get("evidence", [])]
        parts = evidence[:1]
    else:
        parts = [difference.get("subject", ""), *sorted(str(v["value"]) for v in variants)]
    raw = "|".join([difference["kind"], *parts])
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def story_events(  # noqa: C901  # the alert policy in one reading, channel by channel; split, it would have two homes
    state: StoryState, newcomer: Member | None, channels: Iterable[ChannelPolicy]
) -> list[OutboxEntry]:
    """Outbox entries for a story after `newcomer` joined it (None: its differences changed).

    A channel hears a story once it reaches the channel's threshold of counted outlets: one
    parent message and its replies (coverage, where they differ, only in), or, while the
    channel holds its alerts (quiet hours, digests), an Event.HELD entry for its next digest; a
    story told in a digest gets no thread there afterwards. After the alert each new
    counted outlet is one reply plus an update of the parent, and each difference not told
    before is told once. Backfilled articles tell nothing. A channel that muted the story
    hears nothing of it, except once per mute, when the story has a new development (a
    difference not told before, or a new outlet after QUIET_DAY without news), that it is
    muted and what it is missing.
    """
    if newcomer is not None and newcomer.backfill:
        return []
    entries: list[OutboxEntry] = []
    story_words: set[str] | None = None
    fresh = [d for d in state.differences if difference_key(d) not in state.told]
    new_outlet = newcomer is not None and _is_new_outlet(state.members, newcomer)
    woke = new_outlet and newcomer is not None and _after_quiet_day(state.members, newcomer)
    key = f"story:{state.story_id}"
    for policy in channels:
        ch = policy.channel
        if ch not in state.alerted:
            if not reaches(len(state.outlets), policy.threshold):
                continue
            story_words = story_words if story_words is not None else state.words()
            if not policy.wants(story_words):
                continue
        mute = state.muted.get(ch)
        if mute is not None:
            if fresh or woke:
                entries.append(muted_news_entry(state, ch, mute, newcomer if woke else None, fresh))
            continue
        if ch in state.digested:
            continue
        if ch not in state.alerted:
            if policy.holds:
                entries.append(
                    OutboxEntry(f"{key}:{Event.HELD}:{ch}", Event.HELD, ch, state.base())
                )
            else:
                entries += alert_entries(state, ch)
            continue
        if new_outlet and newcomer is not None:
            base = state.base()
            entries.append(
                OutboxEntry(
                    f"{key}:outlet:{newcomer.outlet}:{ch}",
                    Event.OUTLET_JOINED,
                    ch,
                    {**base, "article": newcomer.as_payload()},
                )
            )
            entries.append(
                OutboxEntry(
                    f"{key}:parent:{len(state.outlets)}:{ch}", Event.PARENT_UPDATE, ch, base
                )
            )
        if fresh:
            digest = hashlib.sha1("".join(difference_key(d) for d in fresh).encode()).hexdigest()
            entries.append(
                _differences_entry(
                    state, f"new_differences:{digest[:12]}", Event.NEW_DIFFERENCES, ch, fresh
                )
            )
    return entries


def alert_entries(state: StoryState, channel: str) -> list[OutboxEntry]:
    """The parent message and its replies for a story's first alert in `channel`."""
    key = f"story:{state.story_id}"
    base = state.base()
    differ = [d for d in state.differences if d["kind"] != "only_in"]
    only_in = [d for d in state.differences if d["kind"] == "only_in"]
    entries = [
        OutboxEntry(f"{key}:alert:{channel}", Event.ALERT, channel, base),
        OutboxEntry(f"{key}:coverage:{channel}", Event.COVERAGE, channel, base),
    ]
    if differ:
        entries.append(_differences_entry(state, "differences", Event.DIFFERENCES, channel, differ))
    if only_in:
        entries.append(_differences_entry(state, "only_in", Event.ONLY_IN, channel, only_in))
    return entries


def _differences_entry(
    state: StoryState, name: str, event: Event, channel: str, differences: list[dict[str, Any]]
) -> OutboxEntry:
    """A reply listing differences; `name` makes its key unique within the story's thread."""
    return OutboxEntry(
        f"story:{state.story_id}:{name}:{channel}",
        event,
        channel,
        {"story_id": state.story_id, "title": state.title, "differences": differences},
    )


def edit_events(
    state: StoryState,
    member: Member,
    revision: int,
    changes: list[dict[str, str]],
    corrections: list[str] | None = None,
) -> list[OutboxEntry]:
    """One reply per channel that has the story, saying what an article's revision changed
    (and the correction or update note the outlet added, if any); channels that muted the
    story hear nothing."""
    if not changes:
        return []
    payload = {
        "story_id": state.story_id,
        "title": state.title,
        "article": member.as_payload(),
        "revision": revision,
        "changes": changes,
        "corrections": corrections or [],
    }
    return [
        OutboxEntry(
            f"story:{state.story_id}:edit:{member.article_id}:{revision}:{ch}",
            Event.EDIT,
            ch,
            payload,
        )
        for ch in sorted(state.alerted - set(state.muted))
    ]


def muted_news_entry(
    state: StoryState,
    channel: str,
    mute: dict[str, Any],
    newcomer: Member | None,
    fresh: list[dict[str, Any]],
) -> OutboxEntry:
    """The one message a mute lets through: the story is muted in `channel` and has news (a
    new outlet after a quiet day, new differences). Its key names the mute, so each mute
    tells it once; muting again after it ends may tell again."""
    return OutboxEntry(
        f"story:{state.story_id}:muted_news:{channel}:{mute['muted_at']}",
        Event.MUTED_NEWS,
        channel,
        {
            **state.base(),
            "until": mute["until"],
            "muted_by": mute.get("muted_by"),
            "article": newcomer.as_payload() if newcomer is not None else None,
            "differences": fresh,
        },
    )


def digest_entries(
    channel: str, key: str, reason: str, stories: list[dict[str, Any]]
) -> list[OutboxEntry]:
    """A digest: one message listing the stories, then one reply per story (headline,
    outlets, top difference). `key` is unique per digest; each reply carries it as
    "digest", the thread it belongs to."""
    parent = OutboxEntry(
        key, Event.DIGEST, channel, {"digest": key, "reason": reason, "stories": stories}
    )
    return [parent] + [
        OutboxEntry(
            f"{key}:story:{s['story_id']}", Event.DIGEST_STORY, channel, {**s, "digest": key}
        )
        for s in stories
    ]


def source_failing_event(source: dict[str, Any], channel: str, failing_since: str) -> OutboxEntry:
    return OutboxEntry(
        f"source:{source['id']}:failing:{failing_since}:{channel}",
        Event.SOURCE_FAILING,
        channel,
        {**source, "failing_since": failing_since},
    )


def _after_quiet_day(members: Sequence[Member], newcomer: Member) -> bool:
    """Whether the story had nothing new for QUIET_DAY before `newcomer` came."""
    came = _moment(newcomer.seen)
    earlier = [_moment(m.seen) for m in members if m.article_id != newcomer.article_id]
    known = [t for t in earlier if t is not None]
    return came is not None and bool(known) and came - max(known) >= QUIET_DAY


def _moment(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def _is_new_outlet(members: Sequence[Member], newcomer: Member) -> bool:
    if not counts_as_outlet(newcomer.placement):
        return False
    earlier = [(m.outlet, m.placement) for m in members if m.article_id != newcomer.article_id]
    return newcomer.outlet not in counted_outlets(earlier)
