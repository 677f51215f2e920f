"""create_app(settings): storage, fetcher, watcher, poster and scheduler wired together."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TextIO

from bot.console import ConsolePoster
from bot.cycle import Watcher
from bot.errors import ConfigError
from bot.pipeline.fetch import Fetcher, default_client
from bot.scheduler import Jobs
from bot.settings import Settings
from bot.sources_file import load_sources_file
from storage import Store

logger = logging.getLogger(__name__)


@dataclass
class Newsdesk:
    settings: Settings
    store: Store
    watcher: Watcher
    poster: ConsolePoster
    jobs: Jobs

    def run_forever(self, stop: threading.Event | None = None) -> None:
        """Poll on schedule and post alerts until `stop` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        self.jobs.start()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.jobs.shutdown()
            self.poster.drain()

    def close(self) -> None:
        self.store.close()


def create_app(
    settings: Settings, *, out: TextIO | None = None, host_delay: float = 1.0
) -> Newsdesk:
    """Everything newsdesk needs to run, from settings. Nothing starts until `run_forever`."""
    if not settings.console_mode:
        raise ConfigError(
            "Posting to Slack is not available in this version: unset SLACK_BOT_TOKEN to run in "
            "console mode, where alerts are printed to the terminal."
        )
    store = Store(settings.db_path)
    store.sync_file_sources(load_sources_file(settings.sources_path))
    fetcher = Fetcher(
        default_client(), allow_private=settings.allow_private_sources, host_delay=host_delay
    )
    watcher = Watcher(store, fetcher, settings)
    poster = ConsolePoster(store, out)
    jobs = Jobs(store, watcher, poster.drain, settings.poll_seconds)
    return Newsdesk(settings, store, watcher, poster, jobs)
