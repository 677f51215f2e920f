"""create_app(settings): storage, fetcher, watcher, poster, scheduler and Slack wired together.

Nothing starts at import or construction; `Newsdesk.run_forever` starts the jobs and, when a
bot token is set, the Slack frontend (Socket Mode with SLACK_APP_TOKEN, else HTTP).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot import metrics
from bot.errors import ConfigError
from bot.live.scheduler import Jobs
from bot.live.watcher import PollReport, Watcher
from bot.pipeline.fetch import Fetcher, default_client
from bot.settings import Settings
from bot.slack.console import ConsolePoster
from bot.slack.desk import Desk
from bot.slack.poster import SlackPoster
from bot.slack.server import Frontend, HttpFrontend, SocketModeFrontend
from bot.sources_file import load_sources_file
from storage import Store

logger = logging.getLogger(__name__)


@dataclass
class Newsdesk:
    settings: Settings
    store: Store
    watcher: Watcher
    poster: ConsolePoster | SlackPoster
    jobs: Jobs
    desk: Desk
    bolt: App | None = None
    frontend: Frontend | None = None
    jobs_ended: bool = field(default=True, init=False)  # False when a job outlived `stop`

    def start(self) -> None:
        """Start listening (with Slack), then polling and draining; returns at once. The
        frontend goes first: when it cannot start (a port in use), no job is running yet."""
        if self.frontend is not None:
            self.frontend.start()
        self.jobs.start()

    def stop(self) -> None:
        """Stop cleanly: no new request from Slack or to a source, running polls and the
        drain end at their next step (bounded by `scheduler.STOP_SECONDS`). What is left
        (entries not yet read, messages not yet sent) is taken at the next start."""
        logger.info("stopping: no new polls or posts; waiting for the running ones to end")
        if self.frontend is not None:
            self.frontend.stop()
        self.watcher.fetcher.stop()
        self.poster.stop()
        self.jobs_ended = False  # until shutdown says so: a second Ctrl-C may cut it short
        self.jobs_ended = self.jobs.shutdown()

    def run_forever(self, stop: threading.Event | None = None) -> None:
        """Run until `stop` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        self.start()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def close(self) -> None:
        """Close the database, unless a job outlived the stop: it still writes, and SQLite
        closes the file when the process ends after it."""
        if self.jobs_ended:
            self.store.close()


def counted(poll: Callable[[int], PollReport]) -> Callable[[int], PollReport]:
    """`poll` with each run counted in the metrics (outcome, error kind, seconds)."""

    def run(source_id: int) -> PollReport:
        started = time.monotonic()
        report = poll(source_id)
        outcome = (
            "error"
            if not report.ok
            else "skipped"
            if report.skipped
            else "not_modified"
            if report.not_modified
            else "ok"
        )
        metrics.observe_poll(outcome, report.error, time.monotonic() - started)
        for placed in report.placed:
            metrics.ARTICLES.labels(placed.placement).inc()
        return report

    return run


def slack_client(settings: Settings) -> WebClient:
    """The Web API client: base URL from SLACK_API_URL; a 429 is retried after Retry-After.
    No other automatic retry: a repeated chat.postMessage could post twice."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=20,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )


SLACK_RETRY_FIRST = 2.0
SLACK_RETRY_LONGEST = 60.0


def wait_for_slack(
    client: WebClient,
    *,
    sleep: Callable[[float], None] = time.sleep,
    first: float = SLACK_RETRY_FIRST,
    longest: float = SLACK_RETRY_LONGEST,
) -> dict[str, object]:
    """Call auth.test until Slack answers; returns its answer (team, user, bot ids).

    Slack out of reach (no connection, a timeout, a 5xx or 429) is retried after first,
    2 x first ... up to `longest` seconds, each wait logged as one line with no traceback.

    Raises:
        ConfigError: Slack answered and refused the token (invalid_auth, token_revoked...).
    """
    delay = first
    while True:
        try:
            return dict(client.auth_test().data)  # type: ignore[arg-type]
        except SlackApiError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status < 500 and status != 429:
                error = exc.response.get("error") if exc.response is not None else exc
                raise ConfigError(
                    f"Slack refused the bot token (auth.test): {error}; check SLACK_BOT_TOKEN"
                ) from None
            reason = f"HTTP {status}"
        except (SlackClientError, OSError) as exc:  # URLError, refused, timed out
            reason = str(getattr(exc, "reason", None) or exc) or exc.__class__.__name__
        logger.warning(
            "Slack is unreachable at %s (%s); trying again in %.0f s",
            client.base_url,
            reason,
            delay,
        )
        sleep(delay)
        delay = min(delay * 2, longest)


def slack_auth(client: WebClient) -> tuple[dict[str, object], str]:
    """auth.test once: Slack's answer (team, user) and the scopes granted to the token (the
    `x-oauth-scopes` header, comma-separated). Raises ConfigError when Slack refuses the
    token; a network failure propagates (the caller says Slack could not be reached)."""
    try:
        response = client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else exc
        raise ConfigError(f"Slack refused the bot token (auth.test): {error}") from None
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    scopes = headers.get("x-oauth-scopes", "")
    return dict(response.data), scopes if isinstance(scopes, str) else ",".join(scopes)  # type: ignore[arg-type]


def bolt_app(settings: Settings, client: WebClient, desk: Desk) -> App:
    """The Bolt app with every listener; the token goes to the client only (see
    LIBRARY_NOTES), and a wrong token is a clear error at start. Waits for Slack when it
    cannot be reached (`wait_for_slack`)."""
    wait_for_slack(client)
    try:
        app = App(
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            process_before_response=False,
        )
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack refused the bot token (auth.test): {exc.response['error']}"
        ) from None
    from handlers import register  # the composition root: bot/ imports handlers only here

    register(app, desk)
    return app


def create_app(
    settings: Settings,
    *,
    out: TextIO | None = None,
    host_delay: float = 1.0,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Newsdesk:
    """Everything newsdesk needs to run, from settings. Nothing starts until `start`;
    `clock` (UTC now) is what placing, mutes, quiet hours and digests read the time from."""
    # The sources file is read first: a bad one stops the start before a database is made.
    specs = load_sources_file(settings.sources_path, required=settings.sources_named)
    store = Store(settings.db_path)
    store.sources.sync_file(specs, now=clock())
    fetcher = Fetcher(
        default_client(), allow_private=settings.allow_private_sources, host_delay=host_delay
    )
    watcher = Watcher(store, fetcher, settings, clock)
    client = None if settings.console_mode else slack_client(settings)
    poster: ConsolePoster | SlackPoster = (
        ConsolePoster(store, out)
        if client is None
        else SlackPoster(store, client, channel_interval=settings.post_interval)
    )
    metrics.STORE.bind(store.activity.counts, store.outbox.oldest_unsent)
    jobs = Jobs(
        store, watcher, poster.drain, settings.poll_seconds, poll=counted(watcher.poll), clock=clock
    )
    desk = Desk(
        store,
        settings,
        fetcher,
        client,
        on_sources_changed=jobs.sync_sources,
        on_channels_changed=jobs.sync_digests,
        clock=clock,
    )
    newsdesk = Newsdesk(settings, store, watcher, poster, jobs, desk)
    if client is not None:
        newsdesk.bolt = bolt_app(settings, client, desk)
        if settings.socket_mode:
            newsdesk.frontend = SocketModeFrontend(newsdesk.bolt, settings.slack_app_token or "")
        else:
            newsdesk.frontend = HttpFrontend(newsdesk.bolt, settings.http_host, settings.http_port)
    return newsdesk
