"""APScheduler jobs: one interval job per source, the outbox drain, and housekeeping."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bot.live.channel_schedule import ChannelSchedule
from bot.live.status import STATUS_SECONDS, StatusLine
from bot.live.story_events import queue_digest
from bot.live.watcher import Watcher
from bot.pipeline.kinds import Event
from storage import StorageError, Store

logger = logging.getLogger(__name__)

SYNC_SECONDS = 30
FIRST_POLL_SPREAD = 60
DRAIN_SECONDS = 1
# How often the articles of told stories are looked at for a due re-fetch (edits).
RECHECK_SECONDS = 60
# How long a stop waits for running jobs: one fetch is cut off after 20 s at most, and a
# stopping fetcher refuses the next, so a poll in progress ends well within this.
STOP_SECONDS = 15.0
# Digests go out at their channel's times; this catches any a restart or a late run missed.
DIGEST_CATCH_UP_SECONDS = 300
DIGEST_JOB_PREFIX = "digest-"


def first_poll_delay(source_id: int, interval: int) -> timedelta:
    """Sources start spread over the first minute (or interval), not all at once: thousands
    of feeds must not be fetched in one burst at start."""
    return timedelta(seconds=(source_id * 7919) % max(1, min(interval, FIRST_POLL_SPREAD)))


def source_job_id(source_id: int) -> str:
    return f"source-{source_id}"


class Jobs:
    """Keeps the scheduler's jobs in step with the sources table."""

    def __init__(
        self,
        store: Store,
        watcher: Watcher,
        drain: Callable[[], object],
        default_interval: int,
        workers: int = 8,
        poll: Callable[[int], object] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.clock = clock
        self.watcher = watcher
        self.poll = poll or watcher.poll
        self.default_interval = default_interval
        self._stopping = False
        self._running = 0
        self._idle = threading.Condition()
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 60},
            executors={"default": {"type": "threadpool", "max_workers": workers}},
        )
        self._poll_job = self._guarded(self._poll_source)
        self.scheduler.add_job(
            self._guarded(drain), "interval", seconds=DRAIN_SECONDS, id="outbox-drain"
        )
        self.status = StatusLine(store)
        self.scheduler.add_job(
            self._guarded(self.status.log), "interval", seconds=STATUS_SECONDS, id="status-line"
        )
        self.scheduler.add_job(
            self._guarded(self.sync_sources), "interval", seconds=SYNC_SECONDS, id="sources-sync"
        )
        self.scheduler.add_job(
            self._guarded(watcher.forget_old), "interval", hours=1, id="forget-old"
        )
        self.scheduler.add_job(
            self._guarded(watcher.recheck_due),
            "interval",
            seconds=RECHECK_SECONDS,
            id="recheck-articles",
        )
        self.scheduler.add_job(
            self._guarded(self.deliver_digests),
            "interval",
            seconds=DIGEST_CATCH_UP_SECONDS,
            id="digests-catch-up",
        )

    def start(self) -> None:
        self.sync_sources()
        self.sync_digests()
        self.scheduler.start()

    def shutdown(self, timeout: float = STOP_SECONDS) -> bool:
        """Take no new job, and wait up to `timeout` seconds for the running ones to end.

        Returns True when none is left running (the database can then be closed). Jobs
        queued for a worker are dropped, the next start runs them; the caller tells the
        fetcher and poster to stop first, so running polls and drains end soon, and a poll
        cut short leaves nothing half-written (each article is one transaction).
        """
        with self._idle:
            self._stopping = True
        self.scheduler.shutdown(wait=False)
        with self._idle:
            if not self._idle.wait_for(lambda: self._running == 0, timeout):
                logger.warning(
                    "%s jobs still running %g s after the stop; they finish on their own",
                    self._running,
                    timeout,
                )
                return False
        return True

    def _poll_source(self, source_id: int) -> object:
        return self.poll(source_id)  # looked up at each run: the demo swaps `poll` after start

    def _guarded(self, job: Callable[..., object]) -> Callable[..., Any]:
        """`job` as the scheduler runs it: not started once stopping, and counted while it
        runs so `shutdown` knows when the last one has ended."""

        @functools.wraps(job)
        def run(*args: Any) -> object:
            with self._idle:
                if self._stopping:
                    return None
                self._running += 1
            try:
                return job(*args)
            finally:
                with self._idle:
                    self._running -= 1
                    self._idle.notify_all()

        return run

    def sync_sources(self) -> None:
        """One interval job per active source (jitter spreads polls); removed or paused ones go."""
        wanted = {source_job_id(s.id): s for s in self.store.sources.active()}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("source-") and job.id not in wanted:
                job.remove()
        existing = {job.id: job for job in self.scheduler.get_jobs()}
        for job_id, source in wanted.items():
            interval = source.interval or self.default_interval
            job = existing.get(job_id)
            if job is not None and getattr(job.trigger, "interval_length", None) == interval:
                continue
            self.scheduler.add_job(
                self._poll_job,
                "interval",
                args=[source.id],
                id=job_id,
                seconds=interval,
                jitter=max(1, min(30, interval // 10)),
                next_run_time=datetime.now(UTC) + first_poll_delay(source.id, interval),
                replace_existing=True,
                max_instances=1,
                coalesce=True,
            )
            logger.info("watching %s (%s) every %s s", source.outlet, source.url, interval)

    def sync_digests(self) -> None:
        """One job per channel with quiet hours or a digest, firing at its delivery times in
        the channel's time zone (cron triggers follow daylight-saving changes); then what is
        already due goes out (after a restart, or a schedule turned off)."""
        wanted = {}
        for channel, values in self.store.slack.channel_settings().items():
            trigger = ChannelSchedule.from_settings(values).trigger()
            if trigger is not None:
                wanted[DIGEST_JOB_PREFIX + channel] = (channel, trigger)
        for job in self.scheduler.get_jobs():
            if job.id.startswith(DIGEST_JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, (channel, trigger) in wanted.items():
            self.scheduler.add_job(
                self._guarded(self.deliver_digests),
                trigger,
                args=[channel],
                id=job_id,
                replace_existing=True,
                misfire_grace_time=None,  # late is better than a day late: the outbox keeps it once
            )
        self.deliver_digests()

    def deliver_digests(self, channel: str | None = None) -> int:
        """Queue the digests due now (for `channel`, or every channel holding stories);
        returns how many stories they tell. The outbox posts them."""
        now = self.clock()
        told = 0
        channels = [channel] if channel else self.store.slack.channels_with_pending_digests()
        for name in channels:
            try:
                told += sum(
                    e.event == Event.DIGEST_STORY for e in queue_digest(self.store, name, now)
                )
            except StorageError as exc:
                logger.error("digest for %s not queued (the next run retries): %s", name, exc)
        return told
