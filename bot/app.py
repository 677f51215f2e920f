"""create_app(settings): storage, fetcher, watcher, poster, scheduler and Slack wired together.

Nothing starts at import or construction; `Newsdesk.run_forever` starts the jobs and, when a
bot token is set, the Slack frontend (Socket Mode with SLACK_APP_TOKEN, else HTTP).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.console import ConsolePoster
from bot.cycle import Watcher
from bot.desk import Desk
from bot.errors import ConfigError
from bot.pipeline.fetch import Fetcher, default_client
from bot.scheduler import Jobs
from bot.settings import Settings
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

    def start(self) -> None:
        """Start polling, draining and (with Slack) listening; returns at once."""
        self.jobs.start()
        if self.frontend is not None:
            self.frontend.start()

    def stop(self) -> None:
        if self.frontend is not None:
            self.frontend.stop()
        self.jobs.shutdown()
        self.poster.drain()

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
        self.store.close()


def slack_client(settings: Settings) -> WebClient:
    """The Web API client: base URL from SLACK_API_URL; a 429 is retried after Retry-After.
    No other automatic retry: a repeated chat.postMessage could post twice."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=20,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )


def bolt_app(settings: Settings, client: WebClient, desk: Desk) -> App:
    """The Bolt app with every listener; the token goes to the client only (see
    LIBRARY_NOTES), and a wrong token is a clear error at start."""
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
    store = Store(settings.db_path)
    store.sync_file_sources(
        load_sources_file(settings.sources_path, required=settings.sources_named)
    )
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
    jobs = Jobs(store, watcher, poster.drain, settings.poll_seconds, clock=clock)
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
