"""The status line an operator reads in the log every few minutes: what newsdesk did since
the last one, and how its sources and outbox stand."""

from __future__ import annotations

import logging

from storage import Store

logger = logging.getLogger("bot.live.status")

STATUS_SECONDS = 600


class StatusLine:
    """Logs one line (logger `bot.live.status`, INFO, shown without -v) per call: polls and failed
    polls, new articles, stories, Slack messages queued and sent since the previous call,
    sources failing now and messages still waiting."""

    def __init__(self, store: Store) -> None:
        self.store = store
        _, self.marks = store.activity.after({})

    def text(self) -> str:
        """The line, and the marks moved on; the first call counts from construction."""
        done, self.marks = self.store.activity.after(self.marks)
        now = self.store.activity.counts()
        return (
            f"status: {done['polls']} polls ({done['failed_polls']} failed), "
            f"{now['failing']} of {now['sources']} sources failing; "
            f"{done['new_articles']} new articles, {now['stories']} "
            f"{'story' if now['stories'] == 1 else 'stories'}; "
            f"{done['queued']} messages queued, {done['sent']} sent, "
            f"{now['outbox_pending']} waiting"
        )

    def log(self) -> None:
        logger.info("%s", self.text())
