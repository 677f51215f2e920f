"""Stored stories as the alert policy and the slash commands see them.

This is where the database's rows meet the pipeline's pure stages: members, their stored
facts compared, channel policies read, and the resulting outbox entries written.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.live.channel_schedule import ChannelSchedule
from bot.pipeline.alerts import (
    ChannelPolicy,
    Member,
    OutboxEntry,
    StoryState,
    counted_outlets,
    difference_key,
    digest_entries,
    edit_events,
    headline,
    reaches,
    story_events,
    threshold,
)
from bot.pipeline.compare import DEFAULT_LIMIT, StoryText, compare, one_text_per_outlet
from bot.pipeline.dates import parse_datetime
from bot.pipeline.facts import ArticleFacts
from bot.pipeline.kinds import Event, PlacementKind
from bot.settings import Settings
from storage import ArticleRow, Store, to_iso
from storage.stories import SEARCH_LEAD_CHARS

logger = logging.getLogger(__name__)


def member(row: ArticleRow) -> Member:
    return Member(
        row.id,
        row.outlet,
        row.title,
        row.url,
        row.published,
        row.placement or PlacementKind.NEW,
        row.backfill,
        row.text[:SEARCH_LEAD_CHARS],  # the lead /story searches is the lead watch words see
        row.seen_at,
    )


def story_differences(
    store: Store, story_id: int, rows: list[ArticleRow] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Where the story's outlets differ, from the facts stored with each member's revision."""
    rows = rows if rows is not None else store.stories.members(story_id)
    facts = store.stories.facts(story_id)
    texts = one_text_per_outlet(
        [
            StoryText(
                r.outlet,
                str(r.id),
                r.placement or PlacementKind.NEW,
                r.title,
                r.text,
                ArticleFacts.from_json(raw) if (raw := facts.get(r.id)) else None,
                parse_datetime(r.published) if isinstance(r.published, str) else r.published,
            )
            for r in rows
        ]
    )
    return [d.to_json() for d in compare(texts, limit)]


def channel_policies(
    store: Store, settings: Settings, alert_channel: str, now: datetime
) -> list[ChannelPolicy]:
    """The alert channel hears every story; other channels the stories they watch. A channel
    in its quiet hours at `now`, or taking digests, holds what it would hear."""
    configured = store.slack.channel_settings()
    policies = []
    own = configured.get(alert_channel, {})
    policies.append(
        ChannelPolicy(
            alert_channel,
            threshold(own.get("threshold"), settings.min_outlets),
            tuple(own.get("watch", ())),
            default=True,
            holds=ChannelSchedule.from_settings(own).holds(now),
        )
    )
    for channel, values in configured.items():
        if channel != alert_channel and values["watch"]:
            policies.append(
                ChannelPolicy(
                    channel,
                    threshold(values["threshold"], settings.min_outlets),
                    tuple(values["watch"]),
                    holds=ChannelSchedule.from_settings(values).holds(now),
                )
            )
    return policies


def story_state(
    store: Store,
    story_id: int,
    policies: list[ChannelPolicy],
    rows: list[ArticleRow],
    now: datetime,
) -> StoryState:
    """The story's state at `now` (mutes that have ended are gone); its differences are
    read only when some channel will hear them."""
    state = StoryState(
        story_id,
        [member(r) for r in rows],
        told=store.slack.told_differences(story_id),
        alerted=store.outbox.alerted_channels(story_id),
        muted=store.slack.story_mutes(story_id, now),
        digested=store.slack.digest_channels(story_id),
    )
    lowest = min((p.threshold for p in policies), default=1)
    if state.alerted or reaches(len(state.outlets), lowest):
        state.differences = story_differences(store, story_id, rows, DEFAULT_LIMIT)
    return state


def queue_story_events(
    store: Store,
    settings: Settings,
    alert_channel: str,
    story_id: int,
    newcomer_id: int | None,
    *,
    now: datetime,
) -> tuple[StoryState, list[OutboxEntry]]:
    """Write what the story's change at `now` tells each channel into the outbox (call
    inside the transaction that changed the story)."""
    policies = channel_policies(store, settings, alert_channel, now)
    rows = store.stories.members(story_id)
    state = story_state(store, story_id, policies, rows, now)
    newcomer = next((m for m in state.members if m.article_id == newcomer_id), None)
    entries = story_events(state, newcomer, policies)
    _write(store, state, entries, now)
    return state, entries


def queue_edit_events(
    store: Store,
    settings: Settings,
    alert_channel: str,
    story_id: int,
    article_id: int,
    revision: int,
    changes: list[dict[str, str]],
    corrections: list[str] | None = None,
    *,
    now: datetime,
) -> list[OutboxEntry]:
    """An edited member is one reply in each thread of the story; new differences follow."""
    policies = channel_policies(store, settings, alert_channel, now)
    rows = store.stories.members(story_id)
    state = story_state(store, story_id, policies, rows, now)
    edited = next((m for m in state.members if m.article_id == article_id), None)
    if edited is None:
        return []
    entries = edit_events(state, edited, revision, changes, corrections or [])
    if entries:
        entries += story_events(state, None, policies)
    _write(store, state, entries, now)
    return entries


def _write(store: Store, state: StoryState, entries: list[OutboxEntry], now: datetime) -> None:
    for entry in entries:
        if entry.event == Event.HELD:
            store.slack.hold_for_digest(entry.channel, state.story_id, now)
            continue
        store.outbox.enqueue(
            entry.key, state.story_id, entry.channel, entry.event, entry.payload, now=now
        )
    if entries and state.differences:
        store.slack.remember_differences(
            state.story_id,
            [(difference_key(d), d["kind"], d["summary"]) for d in state.differences],
            now=now,
        )


def queue_digest(store: Store, channel: str, now: datetime) -> list[OutboxEntry]:
    """Write the channel's digest into the outbox when one is due at `now`: some story was
    held before the schedule's last delivery time (at once when the channel no longer has a
    schedule). The stories are marked as told in the same transaction, so a digest goes out
    once however often this runs."""
    with store.transaction():
        held = store.slack.pending_digest(channel)
        if not held:
            return []
        schedule = ChannelSchedule.from_settings(store.slack.channel_settings().get(channel, {}))
        due = schedule.last_delivery(now)
        if due is None or not any(datetime.fromisoformat(h["held_at"]) <= due for h in held):
            return []
        story_ids = [int(h["story_id"]) for h in held]
        stories = [s for s in (digest_story(store, sid) for sid in story_ids) if s is not None]
        key = f"digest:{channel}:{to_iso(due)}:{story_ids[0]}"
        reason = (
            schedule.describe_reason()
            if schedule.scheduled
            else "Held while this channel was quiet"
        )
        entries = digest_entries(channel, key, reason, stories) if stories else []
        for entry in entries:
            store.outbox.enqueue(
                entry.key,
                entry.payload.get("story_id"),
                channel,
                entry.event,
                entry.payload,
                now=now,
            )
        store.slack.mark_digested(channel, story_ids, key)
    if entries:
        logger.info("digest for %s: %s stories", channel, len(stories))
    return entries


def digest_story(store: Store, story_id: int) -> dict[str, Any] | None:
    """A story as a digest tells it: headline (the earliest article's), counted outlets, the
    first outlet and its top difference (the first disagreement, else the first "only in")."""
    rows = store.stories.members(story_id)
    if not rows:
        return None
    members = [member(r) for r in rows]
    ranked = story_differences(store, story_id, rows, DEFAULT_LIMIT)
    # Where the outlets disagree tells more than what only one of them carries.
    top = [d for d in ranked if d["kind"] != "only_in"] or ranked
    outlets = counted_outlets((m.outlet, m.placement) for m in members)
    return {
        "story_id": story_id,
        "title": headline(members),
        "outlets": outlets,
        "outlet_count": len(outlets),
        "first": members[0].as_payload(),
        "difference": top[0] if top else None,
    }
