"""Drains the outbox to Slack: each entry one message, in order per thread, exactly once.

- An entry is marked as attempted (committed) before its Slack call and sent (with the ts)
  after it. An entry found attempted but not sent was interrupted (a crash, a kill, a lost
  response): before sending it again the poster looks in the channel or thread for a message
  carrying the entry's key in its metadata, and records that one if it is there.
- Replies wait for their parent: one failed or waiting entry holds back the later entries
  of the same story and channel, so the thread keeps its order.
- About one message per second per channel; Retry-After of a 429 is honoured, other
  failures are retried with exponential backoff. Nothing is dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import metrics
from bot.pipeline.kinds import TOP_LEVEL, Event
from bot.slack.blocks import render_event
from bot.slack.permalinks import thread_permalink
from storage import OutboxRow, Store

logger = logging.getLogger(__name__)

METADATA_EVENT = "newsdesk_outbox"
CHANNEL_INTERVAL = 1.0
BACKOFF_SECONDS = 2.0
MAX_BACKOFF = timedelta(minutes=15)
# How far back the channel is searched for a message whose sending was interrupted.
RECONCILE_LOOKBACK = timedelta(minutes=10)


class WaitForParent(Exception):
    """A reply whose story has no thread in this channel yet."""


class SlackPoster:
    def __init__(
        self,
        store: Store,
        client: WebClient,
        *,
        channel_interval: float = CHANNEL_INTERVAL,
        backoff: float = BACKOFF_SECONDS,
        max_backoff: timedelta = MAX_BACKOFF,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.client = client
        self.channel_interval = channel_interval
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.clock = clock
        self._last_post: dict[str, float] = {}
        self._draining = threading.Lock()
        self._stopping = threading.Event()

    def stop(self) -> None:
        """A drain in progress ends after the message in hand (a message is never left half
        sent: it is posted and recorded, or not posted); later drains do nothing."""
        self._stopping.set()

    def drain(self) -> int:
        """Send what is due; returns how many entries were sent. One drain at a time."""
        if not self._draining.acquire(blocking=False):
            return 0
        try:
            return self._drain()
        finally:
            self._draining.release()

    def _drain(self) -> int:
        sent = 0
        held: set[tuple[int | str | None, str]] = set()
        now = self.clock()
        for entry in self.store.outbox.unsent():
            if self._stopping.is_set():
                break
            thread = _thread_of(entry)
            if thread[0] is not None and thread in held:
                continue
            if entry.next_attempt_at and datetime.fromisoformat(entry.next_attempt_at) > now:
                held.add(thread)
                continue
            try:
                self._send(entry)
                sent += 1
            except (SlackApiError, SlackClientError, OSError, WaitForParent) as exc:
                held.add(thread)
                self._retry_later(entry, exc)
        return sent

    def _send(self, entry: OutboxRow) -> None:
        thread_ts = None
        if entry.event == Event.DIGEST_STORY:
            thread_ts = self.store.outbox.sent_ts(entry.payload["digest"])
            if thread_ts is None:
                raise WaitForParent(f"digest {entry.payload['digest']} is not posted yet")
        elif entry.event not in TOP_LEVEL:
            thread_ts = self.store.slack.thread_ts(entry.story_id or 0, entry.channel)
            if thread_ts is None:
                raise WaitForParent(f"story {entry.story_id} has no thread in {entry.channel}")
        if entry.attempted_at and entry.event != Event.PARENT_UPDATE:
            found = self._already_posted(entry, thread_ts)
            if found:
                logger.info("outbox %s was posted before an interruption: %s", entry.key, found)
                self._record(entry, found)
                return
        self.store.outbox.mark_attempt(entry.id, now=self.clock())
        self._pace(entry.channel)
        payload = entry.payload
        if entry.event == Event.DIGEST_STORY:
            payload = {
                **payload,
                "thread": thread_permalink(self.store, self.client, int(payload["story_id"])),
            }
        rendered = render_event(entry.event, payload).as_kwargs()
        if entry.event == Event.PARENT_UPDATE:
            # Not TOP_LEVEL: its story's thread was found above, or WaitForParent was raised.
            assert thread_ts is not None
            response = self.client.chat_update(channel=entry.channel, ts=thread_ts, **rendered)
        else:
            response = self.client.chat_postMessage(
                channel=entry.channel,
                thread_ts=thread_ts,
                unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"key": entry.key}},
                **rendered,
            )
        self._record(entry, str(response["ts"]))

    def _record(self, entry: OutboxRow, ts: str) -> None:
        now = self.clock()
        with self.store.transaction():
            if entry.event == Event.ALERT and entry.story_id is not None:
                self.store.slack.save_thread(entry.story_id, entry.channel, ts, now=now)
            self.store.outbox.mark_sent(entry.id, ts, now=now)
        metrics.SLACK_MESSAGES.labels(entry.event).inc()

    def _already_posted(self, entry: OutboxRow, thread_ts: str | None) -> str | None:
        """The ts of a message carrying this entry's key, if Slack has one."""
        try:
            if thread_ts:
                response = self.client.conversations_replies(
                    channel=entry.channel, ts=thread_ts, include_all_metadata=True, limit=200
                )
            else:
                attempted = datetime.fromisoformat(entry.attempted_at or "")
                response = self.client.conversations_history(
                    channel=entry.channel,
                    oldest=str((attempted - RECONCILE_LOOKBACK).timestamp()),
                    include_all_metadata=True,
                    limit=200,
                )
        except SlackApiError as exc:
            # Without the history scopes the interrupted entry is sent again (at least once).
            logger.warning("cannot check whether %s was posted: %s", entry.key, exc)
            return None
        messages: list[dict[str, Any]] = response.get("messages", [])
        for message in messages:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT
                and (metadata.get("event_payload") or {}).get("key") == entry.key
            ):
                return str(message["ts"])
        return None

    def _pace(self, channel: str) -> None:
        """About one message per second per channel."""
        last = self._last_post.get(channel)
        if last is not None:
            wait = self.channel_interval - (time.monotonic() - last)
            if wait > 0:
                self._stopping.wait(wait)
        self._last_post[channel] = time.monotonic()

    def _retry_later(self, entry: OutboxRow, exc: Exception) -> None:
        delay = retry_delay(exc, entry.attempts, self.backoff, self.max_backoff)
        if not isinstance(exc, WaitForParent):
            metrics.SLACK_ERRORS.labels(error_label(exc)).inc()
        logger.warning("outbox %s not sent (%s); retrying in %s", entry.key, exc, delay)
        self.store.outbox.mark_failed(entry.id, describe(exc), self.clock() + delay)


def _thread_of(entry: OutboxRow) -> tuple[int | str | None, str]:
    """What an entry must wait behind: its story's thread in the channel, or its digest."""
    return entry.payload.get("digest") or entry.story_id, entry.channel


def retry_delay(
    exc: Exception,
    attempts: int,
    base: float = BACKOFF_SECONDS,
    longest: timedelta = MAX_BACKOFF,
) -> timedelta:
    """Retry-After when Slack gives one; otherwise base x 1, 2, 4 ... up to `longest`."""
    if isinstance(exc, WaitForParent):
        return timedelta(seconds=base)
    if isinstance(exc, SlackApiError) and exc.response is not None:
        retry_after = (exc.response.headers or {}).get("Retry-After") or (
            exc.response.headers or {}
        ).get("retry-after")
        if exc.response.status_code == 429 and retry_after:
            try:
                return timedelta(seconds=max(1.0, float(retry_after)))
            except ValueError:
                pass
    return min(timedelta(seconds=base * 2 ** min(max(attempts - 1, 0), 12)), longest)


def error_label(exc: Exception) -> str:
    """A bounded label for a failed Slack call: Slack's error code, else the exception class."""
    if isinstance(exc, SlackApiError) and exc.response is not None:
        data: Any = exc.response.data
        error = data.get("error") if isinstance(data, dict) else None
        return str(error or f"http_{exc.response.status_code}")[:40]
    return exc.__class__.__name__


def describe(exc: Exception) -> str:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        data: Any = exc.response.data
        error = data.get("error") if isinstance(data, dict) else None
        return f"Slack {exc.response.status_code}: {error or str(data)[:200]}"
    return f"{exc.__class__.__name__}: {exc}"[:300]
