"""The link to a story's alert thread, asked of Slack (chat.getPermalink)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage import Store

logger = logging.getLogger(__name__)


def thread_permalink(store: Store, client: WebClient | None, story_id: int) -> str | None:
    """The permalink of the story's first alert thread; None when it has none, without a
    Slack client (console mode), or when Slack will not say (logged)."""
    threads = store.slack.story_threads(story_id)
    if not threads or client is None:
        return None
    try:
        response = client.chat_getPermalink(
            channel=threads[0]["channel"], message_ts=threads[0]["ts"]
        )
        return str(response["permalink"])
    except SlackApiError as exc:
        logger.info("no link to the thread of story %s: %s", story_id, exc)
        return None
