"""One polling cycle for one source, from fetch to outbox. The Watcher keeps the story memory."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from bot import metrics
from bot.errors import ExtractionError, SourceError, Stopping
from bot.live.intake import Intake, IntakeKind, decide_intake, fingerprint, identity
from bot.live.memory import release_freed_memory
from bot.live.reading import read_entry, read_listing
from bot.live.story_events import queue_edit_events, queue_story_events
from bot.pipeline.alerts import counts_as_outlet, source_failing_event
from bot.pipeline.assemble import StoryAssembler
from bot.pipeline.dates import parse_datetime
from bot.pipeline.edits import (
    RECHECKS,
    comparable,
    correction_notes,
    recheck_interval,
    revision_changes,
)
from bot.pipeline.facts import article_text, extract_facts
from bot.pipeline.fetch import Fetcher
from bot.pipeline.identity import article_key
from bot.pipeline.models import FeedEntry, PageContent
from bot.pipeline.pages import extract_page
from bot.settings import Settings
from storage import ArticleRow, SourceRow, StorageError, Store, to_iso

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
MAX_ENTRIES_PER_POLL = 200
EMBED_BATCH = 8  # new articles sent to the model together while the next pages are read
WINDOW_PAGE = 500  # articles read from storage at a time when the window is reloaded
FAILING_REPORT_AFTER = timedelta(hours=24)
# A permanent redirect (301/308) seen on this many polls in a row moves the source for good;
# one poll is not enough: sites answer 301 by mistake during a deploy and take it back.
MOVE_AFTER_POLLS = 2


@dataclass(frozen=True)
class Placed:
    article_id: int
    story_id: int
    outlet: str
    title: str
    placement: str
    outlet_count: int
    alerted: bool


@dataclass
class PollReport:
    source_id: int
    outlet: str
    ok: bool = True
    skipped: str | None = None
    error: str | None = None
    not_modified: bool = False
    placed: list[Placed] = field(default_factory=list)
    revisions: int = 0
    entry_errors: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    """A feed entry whose page has been read, waiting to be placed."""

    entry: FeedEntry
    title: str
    page: PageContent
    fingerprint: str
    existing: ArticleRow | None
    key: str


class Watcher:
    """Polls sources and places their articles into stories; safe to call from several threads."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.settings = settings
        self.clock = clock
        self.channel = settings.channel or "console"
        self.window = timedelta(hours=settings.window_hours)
        self.assembler = StoryAssembler(settings.window_hours)
        self._placing = threading.Lock()
        # One poller at a time extracts or places (pure Python, one GIL): the others wait on
        # the network meanwhile instead of taking the GIL from each other and from the
        # embedding thread. Measured: ingest with 8 pollers went from about 47 to 55 a second.
        self._computing = threading.Lock()
        self._load_recent_stories()

    def _rebuild_memory(self) -> None:
        logger.warning("a write failed after placing an article: rebuilding the story index")
        self.assembler = StoryAssembler(self.settings.window_hours)
        self._load_recent_stories()

    def _load_recent_stories(self) -> None:
        """Rebuild the in-memory story index from stories active within the window."""
        self.assembler.reserve_story_ids(self.store.stories.max_id())
        since = self.clock() - self.window

        def page_after(last: int) -> tuple[list[ArticleRow], Future[np.ndarray] | None]:
            rows = self.store.articles.seen_since(since, after_id=last, limit=WINDOW_PAGE)
            pairs = [(row.title, row.text) for row in rows]
            return rows, self.assembler.embed_later(pairs) if rows else None

        # A page at a time; the next page is embedded while this one is remembered.
        rows, vectors = page_after(0)
        while rows and vectors is not None:
            following = page_after(rows[-1].id)
            for row, vector in zip(rows, vectors.result(), strict=True):
                if row.story_id is not None:
                    self.assembler.remember(
                        str(row.id),
                        row.outlet,
                        row.title,
                        row.text,
                        _seen(row),
                        row.story_id,
                        vector,
                    )
            rows, vectors = following
        release_freed_memory()  # the load's temporary pages, kept by the allocator otherwise

    def poll(self, source_id: int) -> PollReport:
        """Run one cycle for a source; never raises for anything the source does.

        1. fetch: conditional GET with caps; a failing source backs off.
        2. extract: feed entries, then each new or changed entry's page (the feed's text
           when the page fails), furniture removed.
        3. dedupe: a URL already known is a revision if its text changed; the same text
           under another URL is the same article or another outlet's copy.
        4. cluster: the article joins a story or opens one.
        5. alerts: what editors should hear, into the outbox in the same transaction.
        """
        source = self.store.sources.get(source_id)
        if source is None:
            return PollReport(source_id, "?", ok=False, skipped="unknown source")
        report = PollReport(source.id, source.outlet)
        if source.paused:
            report.skipped = "paused"
            return report
        now = self.clock()
        if source.next_attempt_at and datetime.fromisoformat(source.next_attempt_at) > now:
            report.skipped = "backing off after errors"
            return report
        started = time.monotonic()
        try:
            with metrics.timed("fetch"):
                result = self.fetcher.fetch(
                    source.url, etag=source.etag, last_modified=source.last_modified
                )
            if result.not_modified:
                report.not_modified = True
            elif source.kind in ("feed", "sitemap"):
                entries = read_listing(self.fetcher, source.kind, result).entries
                self._read_feed(source, entries, report)
            else:
                page = extract_page(result.content, result.final_url)
                self._take_article(source, result.final_url, page.title, page, None, report)
        except Stopping:
            # Cut short by a shutdown: nothing is recorded (not the ETag, not the backfill),
            # so the next start reads this feed again and takes what was not yet placed.
            report.skipped = "newsdesk stopped during the poll"
            return report
        except SourceError as exc:
            return self._fail(source, report, str(exc), started, exc.retry_after)
        except (ExtractionError, StorageError) as exc:
            return self._fail(source, report, str(exc), started)
        except Exception as exc:  # one source's surprise must not stop the others
            logger.exception("unexpected error polling %s", source.url)
            return self._fail(
                source, report, f"unexpected error: {exc.__class__.__name__}: {exc}", started
            )
        if self.fetcher.stopping:  # entries were skipped for the shutdown: as above
            report.skipped = "newsdesk stopped during the poll"
            return report
        moved_polls = self.store.sources.record_success(
            source.id,
            etag=result.etag,
            last_modified=result.last_modified,
            new_items=len(report.placed),
            elapsed_ms=_ms_since(started),
            backfilled=True,
            moved_to=result.moved_to,
            now=self.clock(),
        )
        if result.moved_to and moved_polls >= MOVE_AFTER_POLLS:
            self._move(source, result.moved_to)
        return report

    def _move(self, source: SourceRow, url: str) -> None:
        if self.store.sources.move(source.id, url):
            logger.warning("source %s moved for good: %s is now %s", source.id, source.url, url)
        else:
            logger.warning(
                "source %s (%s) moved for good to %s, which is already another source; "
                "keeping the old address",
                source.id,
                source.url,
                url,
            )

    def _fail(
        self,
        source: SourceRow,
        report: PollReport,
        error: str,
        started: float,
        retry_after: float | None = None,
    ) -> PollReport:
        """Record a failed poll; the next attempt waits interval x 2^failures, or as long as
        the server's Retry-After asked if that is longer, never more than MAX_BACKOFF."""
        interval = source.interval or self.settings.poll_seconds
        backoff = interval * 2 ** min(source.failures, 10)
        delay = min(timedelta(seconds=max(backoff, retry_after or 0)), MAX_BACKOFF)
        now = self.clock()
        logger.warning("source %s (%s) failed: %s", source.id, source.url, error)
        try:
            self.store.sources.record_failure(
                source.id,
                error,
                next_attempt_at=now + delay,
                elapsed_ms=_ms_since(started),
                now=now,
            )
            self._report_if_failing_long(source, error)
        except StorageError as exc:  # the database is refusing writes: nothing more to record
            logger.error("could not record the failure of source %s: %s", source.id, exc)
        report.ok, report.error = False, error
        return report

    def _report_if_failing_long(self, source: SourceRow, error: str) -> None:
        """A source failing for FAILING_REPORT_AFTER is told to the alert channel, once."""
        current = self.store.sources.get(source.id)
        if current is None or current.failing_since is None:
            return
        now = self.clock()
        if self.store.sources.claim_failure_report(source.id, now - FAILING_REPORT_AFTER, now=now):
            entry = source_failing_event(
                {"id": source.id, "outlet": source.outlet, "url": source.url, "error": error},
                self.channel,
                current.failing_since,
            )
            self.store.outbox.enqueue(
                entry.key, None, entry.channel, entry.event, entry.payload, now=now
            )

    def _read_feed(self, source: SourceRow, entries: list[FeedEntry], report: PollReport) -> None:
        """Read each new or changed entry's page and place it, in feed order.

        The new articles are embedded a few at a time on the embedding thread while the next
        pages are read and the embedded ones placed, so the model and the Python work overlap.
        """
        waiting: deque[tuple[list[_Entry], Future[np.ndarray] | None]] = deque()
        batch: list[_Entry] = []

        def send_batch() -> None:
            new = [(e.title, e.page.text) for e in batch if e.existing is None]
            waiting.append((list(batch), self.assembler.embed_later(new) if new else None))
            batch.clear()

        def place_ready(block: bool) -> None:
            while waiting and (block or waiting[0][1] is None or waiting[0][1].done()):
                read, future = waiting.popleft()
                vectors = iter(future.result() if future is not None else ())
                with self._computing:
                    for e in read:
                        self._take_article(
                            source,
                            e.entry.url,
                            e.title,
                            e.page,
                            e.entry.published or e.page.published,
                            report,
                            entry_fp=e.fingerprint,
                            guid=e.entry.guid or None,
                            key=e.key,
                            existing=e.existing,
                            embedding=next(vectors) if e.existing is None else None,
                        )

        # The cap counts entries whose page is read: known, unchanged entries cost a lookup
        # only, so new items at the end of a long feed are reached (the next poll goes on).
        read = 0
        for entry in entries:
            if read >= MAX_ENTRIES_PER_POLL:
                break
            try:
                taken = self._read_entry(source, entry)
            except (SourceError, ExtractionError) as exc:
                read += 1
                report.entry_errors.append(f"{entry.url or entry.title}: {exc}")
                logger.info("entry %s of source %s skipped: %s", entry.url, source.id, exc)
                continue
            if taken is not None:
                read += 1
                batch.append(taken)
            if len(batch) >= EMBED_BATCH:
                send_batch()
            place_ready(block=False)
        if batch:
            send_batch()
        place_ready(block=True)

    def _read_entry(self, source: SourceRow, entry: FeedEntry) -> _Entry | None:
        """The entry's page, read unless the entry is unchanged since it was last taken (the
        feed's own text stands in when the page cannot be read, or when the entry has no
        link: it is kept under its guid or its words, see `identity.article_key`)."""
        key = article_key(entry.url, entry.guid, entry.title, entry.summary)
        entry_fp = fingerprint(entry.title, entry.summary, to_iso(entry.published))
        existing = self.store.articles.for_key(source.id, key)
        if existing and existing.entry_fingerprint == entry_fp:
            return None
        with metrics.timed("page"):
            reading = read_entry(self.fetcher, entry, self._computing)
        return _Entry(entry, reading.title, reading.page, entry_fp, existing, key)

    def _take_article(
        self,
        source: SourceRow,
        url: str,
        title: str,
        page: PageContent,
        published: datetime | None,
        report: PollReport,
        *,
        entry_fp: str | None = None,
        guid: str | None = None,
        key: str | None = None,
        existing: ArticleRow | None = None,
        embedding: np.ndarray | None = None,
    ) -> None:
        """Decide what the entry is (`intake.decide_intake`), then write what that asks."""
        url_key = identity(url, key, page.canonical_url)
        existing = existing or self.store.articles.for_key(source.id, url_key)
        now = self.clock()
        intake = decide_intake(
            stored_fingerprint=existing.fingerprint if existing is not None else None,
            title=title,
            page_title=page.title,
            text=page.text,
            entry_fingerprint=entry_fp,
            published=published or page.published,
            now=now,
        )
        if intake.kind == IntakeKind.REVISION and existing is not None:
            self._revise(existing, intake.title, page.text, intake.text_fingerprint, entry_fp)
            report.revisions += 1
            return
        if intake.kind == IntakeKind.SAME_TEXT and existing is not None and entry_fp:
            self.store.articles.note_entry_fingerprint(existing.id, entry_fp)
            return
        if intake.kind != IntakeKind.NEW:
            return
        if intake.future_time is not None:
            logger.info("%s gives a time in the future (%s); left undated", url, intake.future_time)
        self._insert_and_place(
            source, url, url_key, page, intake, report, now, entry_fp, guid, embedding
        )

    def _insert_and_place(
        self,
        source: SourceRow,
        url: str,
        url_key: str,
        page: PageContent,
        intake: Intake,
        report: PollReport,
        now: datetime,
        entry_fp: str | None,
        guid: str | None,
        embedding: np.ndarray | None,
    ) -> None:
        """Store a NEW article, place it into a story and queue what that tells, in one
        transaction; memory is rebuilt when the database keeps none of it."""
        title, text_fp, published = intake.title, intake.text_fingerprint, intake.published
        seen = intake.seen or now
        with metrics.timed("facts"):
            facts = _facts_json(title, page.text)  # read before taking the locks
        with self._placing:
            try:
                with self.store.transaction():
                    article_id = self.store.articles.insert(
                        {
                            "source_id": source.id,
                            "outlet": source.outlet,
                            "url": url,
                            "canonical_url": url_key,
                            "guid": guid,
                            "title": title,
                            "author": page.author,
                            "site_name": page.site_name,
                            "published": to_iso(published),
                            "seen_at": to_iso(seen),
                            "text": page.text,
                            "fingerprint": text_fp,
                            "entry_fingerprint": entry_fp,
                            "backfill": int(not source.backfilled),
                        },
                        facts,
                        now=now,
                    )
                    with metrics.timed("place"):
                        placement = self.assembler.place(
                            str(article_id), source.outlet, title, page.text, seen, embedding
                        )
                    self.store.stories.touch(placement.story, title=title, seen=seen)
                    self.store.stories.place(
                        article_id,
                        story_id=placement.story,
                        placement=placement.kind,
                        counts_outlet=counts_as_outlet(placement.kind),
                        duplicate_of=int(placement.of) if placement.of else None,
                        why=placement.why,
                    )
                    state, _ = queue_story_events(
                        self.store,
                        self.settings,
                        self.channel,
                        placement.story,
                        article_id,
                        now=now,
                    )
            except StorageError:
                # The database kept nothing of it, so memory must not either: rebuild it.
                self._rebuild_memory()
                raise
        report.placed.append(
            Placed(
                article_id,
                placement.story,
                source.outlet,
                title,
                placement.kind,
                len(state.outlets),
                self.store.stories.alerted(placement.story),
            )
        )

    def _revise(
        self, existing: ArticleRow, title: str, text: str, text_fp: str, entry_fp: str | None
    ) -> None:
        """Store a changed text as a revision; a substantive change to a member of a story
        that has been told is a reply in its thread (a headline going back to an earlier
        wording is not told again)."""
        facts = _facts_json(title, text)
        changes = revision_changes(existing.title, existing.text, title, text)
        earlier = {comparable(t) for t in self.store.articles.revision_titles(existing.id)}
        changes = [
            c for c in changes if c["where"] != "headline" or comparable(c["new"]) not in earlier
        ]
        notes = correction_notes(existing.text, text)
        with self._placing, self.store.transaction():
            revision = self.store.articles.save_revision(
                existing.id,
                title=title,
                text=text,
                fingerprint=text_fp,
                entry_fingerprint=entry_fp,
                facts=facts,
                now=self.clock(),
            )
            if existing.story_id is not None and changes:
                queue_edit_events(
                    self.store,
                    self.settings,
                    self.channel,
                    existing.story_id,
                    existing.id,
                    revision,
                    changes,
                    notes,
                    now=self.clock(),
                )

    def recheck_due(self, limit: int = 50) -> int:
        """Fetch again the articles of told stories whose check is due (see
        `edits.RECHECKS`); a changed text becomes a revision. Returns how many were fetched."""
        now = self.clock()
        poll = timedelta(seconds=self.settings.poll_seconds)
        oldest = RECHECKS[-1][0]
        fetched = 0
        for row in self.store.articles.due_for_check(now, now - oldest, limit):
            age = now - (parse_datetime(row.first_seen) or now)
            interval = recheck_interval(age, poll) or oldest
            if row.next_check_at is None:  # just placed: its text is fresh
                self.store.articles.schedule_check(row.id, now + interval)
                continue
            fetched += 1
            try:
                result = self.fetcher.fetch(row.url)
                page = extract_page(result.content, result.final_url)
                text_fp = fingerprint(row.title, page.text)
                if text_fp != row.fingerprint and page.text:
                    self._revise(row, row.title, page.text, text_fp, None)
            except Stopping:
                return fetched  # this article stays due: the next start checks it
            except (SourceError, ExtractionError) as exc:
                logger.info("recheck of article %s (%s) failed: %s", row.id, row.url, exc)
            except Exception:  # one article's surprise must not stop the others
                logger.exception("recheck of article %s failed", row.id)
            self.store.articles.schedule_check(row.id, now + interval)
        return fetched

    def forget_old(self) -> None:
        """Let stories past the window leave memory (they stay in the database)."""
        self.assembler.forget_before(self.clock() - self.window)
        release_freed_memory()


def _seen(row: ArticleRow) -> datetime | None:
    return parse_datetime(row.seen_at)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _facts_json(title: str, text: str) -> str:
    """Facts are read once per stored revision, so comparing never re-reads old text."""
    return extract_facts(article_text(title, text)).to_json()
