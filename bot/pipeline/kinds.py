"""The names newsdesk stores and queues: how an article was placed, and each outbox event.

Both are StrEnums, so a member is its string: rows, payloads and JSON keep the same text.
"""

from __future__ import annotations

from enum import StrEnum


class PlacementKind(StrEnum):
    """How an article entered a story (stored as articles.placement)."""

    NEW = "new"  # it opened the story
    JOINED = "joined"  # it joined a story other outlets' articles opened
    SAME_ARTICLE = "same_article"  # the same outlet's article again, under another address
    COPY = "copy"  # another outlet's text (wire copy, republication): never counts as an outlet


class Event(StrEnum):
    """What an outbox entry is; each is one Slack message, or HELD for a digest."""

    ALERT = "alert"  # a story's parent message in a channel
    COVERAGE = "coverage"
    DIFFERENCES = "differences"
    ONLY_IN = "only_in"
    NEW_DIFFERENCES = "new_differences"
    OUTLET_JOINED = "outlet_joined"
    PARENT_UPDATE = "parent_update"  # the parent message edited in place
    EDIT = "edit"
    MUTED_NEWS = "muted_news"
    DIGEST = "digest"
    DIGEST_STORY = "digest_story"
    SOURCE_FAILING = "source_failing"
    HELD = "held"  # not posted: kept for the channel's next digest


# Events posted as a channel message of their own; every other event is a reply in a thread.
TOP_LEVEL = frozenset({Event.ALERT, Event.SOURCE_FAILING, Event.DIGEST, Event.MUTED_NEWS})
