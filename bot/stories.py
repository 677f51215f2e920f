"""Stored stories as the alert policy and the slash commands see them.

This is where the database's rows meet the pipeline's pure stages: members, their stored
facts compared, channel policies read, and the resulting outbox entries written.
"""

from __future__ import annotations

from typing import Any

from bot.pipeline.alerts import (
    ChannelPolicy,
    Member,
    OutboxEntry,
    StoryState,
    difference_key,
    edit_events,
    story_events,
)
from bot.pipeline.compare import DEFAULT_LIMIT, StoryText, compare, one_text_per_outlet
from bot.pipeline.dates import parse_datetime
from bot.pipeline.facts import ArticleFacts
from bot.settings import Settings
from storage.db import ArticleRow, Store

# How much of an article's text counts toward a channel's watched words.
LEAD_CHARS = 400


def member(row: ArticleRow) -> Member:
    return Member(
        row.id,
        row.outlet,
        row.title,
        row.url,
        row.published,
        row.placement or "new",
        row.backfill,
        row.text[:LEAD_CHARS],
    )


def story_differences(
    store: Store, story_id: int, rows: list[ArticleRow] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Where the story's outlets differ, from the facts stored with each member's revision."""
    rows = rows if rows is not None else store.story_members(story_id)
    facts = store.story_facts(story_id)
    texts = one_text_per_outlet(
        [
            StoryText(
                r.outlet,
                str(r.id),
                r.placement or "new",
                r.title,
                r.text,
                ArticleFacts.from_json(raw) if (raw := facts.get(r.id)) else None,
                parse_datetime(r.published) if isinstance(r.published, str) else r.published,
            )
            for r in rows
        ]
    )
    return [d.to_json() for d in compare(texts, limit)]


def channel_policies(store: Store, settings: Settings, alert_channel: str) -> list[ChannelPolicy]:
    """The alert channel hears every story; other channels the stories they watch."""
    configured = store.channel_settings()
    policies = []
    own = configured.get(alert_channel, {})
    policies.append(
        ChannelPolicy(
            alert_channel,
            own.get("threshold") or settings.min_outlets,
            tuple(own.get("watch", ())),
            default=True,
        )
    )
    for channel, values in configured.items():
        if channel != alert_channel and values["watch"]:
            policies.append(
                ChannelPolicy(
                    channel, values["threshold"] or settings.min_outlets, tuple(values["watch"])
                )
            )
    return policies


def story_state(
    store: Store, story_id: int, policies: list[ChannelPolicy], rows: list[ArticleRow]
) -> StoryState:
    """The story's state; its differences are read only when some channel will hear them."""
    state = StoryState(
        story_id,
        [member(r) for r in rows],
        told=store.told_differences(story_id),
        alerted=store.alerted_channels(story_id),
        muted=store.is_muted(story_id),
    )
    lowest = min((p.threshold for p in policies), default=1)
    if not state.muted and (state.alerted or len(state.outlets) >= lowest):
        state.differences = story_differences(store, story_id, rows, DEFAULT_LIMIT)
    return state


def queue_story_events(
    store: Store, settings: Settings, alert_channel: str, story_id: int, newcomer_id: int | None
) -> tuple[StoryState, list[OutboxEntry]]:
    """Write what the story's change tells each channel into the outbox (call inside the
    transaction that changed the story)."""
    policies = channel_policies(store, settings, alert_channel)
    rows = store.story_members(story_id)
    state = story_state(store, story_id, policies, rows)
    newcomer = next((m for m in state.members if m.article_id == newcomer_id), None)
    entries = story_events(state, newcomer, policies)
    _write(store, state, entries)
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
) -> list[OutboxEntry]:
    """An edited member is one reply in each thread of the story; new differences follow."""
    policies = channel_policies(store, settings, alert_channel)
    rows = store.story_members(story_id)
    state = story_state(store, story_id, policies, rows)
    edited = next((m for m in state.members if m.article_id == article_id), None)
    if edited is None:
        return []
    entries = edit_events(state, edited, revision, changes, corrections or [])
    if entries:
        entries += story_events(state, None, policies)
    _write(store, state, entries)
    return entries


def _write(store: Store, state: StoryState, entries: list[OutboxEntry]) -> None:
    for entry in entries:
        store.enqueue(entry.key, state.story_id, entry.channel, entry.event, entry.payload)
    if entries and state.differences:
        store.remember_differences(
            state.story_id,
            [(difference_key(d), d["kind"], d["summary"]) for d in state.differences],
        )
    if any(e.event == "alert" for e in entries):
        store.mark_story_alerted(state.story_id)
