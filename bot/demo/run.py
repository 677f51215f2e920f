"""`newsdesk demo`: newsdesk watching a local news site while a story spreads across outlets."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.app import Newsdesk, create_app
from bot.demo.server import DemoSite
from bot.live.watcher import PollReport
from bot.pipeline.alerts import reaches
from bot.pipeline.kinds import PlacementKind
from bot.settings import Settings

DEMO_POLL_SECONDS = 2
DEMO_STEP_SECONDS = 4.0


def run_demo(
    out: TextIO,
    *,
    once: bool,
    min_outlets: int = 3,
    step_seconds: float = DEMO_STEP_SECONDS,
    slack: Settings | None = None,
) -> int:
    """Run the demo; returns the exit status (0 when the story alerted with all its outlets).

    With `slack` settings holding a bot token, alerts go to that Slack workspace (or any
    Slack-compatible API at SLACK_API_URL) and slash commands are answered; otherwise they
    are printed.
    """
    with DemoSite() as site, tempfile.TemporaryDirectory(prefix="newsdesk-demo-") as workdir:
        sources = site.write_sources_file(Path(workdir) / "sources.toml", DEMO_POLL_SECONDS)
        settings = replace(
            slack or Settings(),
            db_path=str(Path(workdir) / "demo.db"),
            sources_path=str(sources),
            poll_seconds=DEMO_POLL_SECONDS,
            min_outlets=min_outlets,
            allow_private_sources=True,
        )
        app = create_app(settings, out=out, host_delay=0.0)
        if not settings.console_mode:
            print(
                f"newsdesk demo: posting to Slack channel {settings.channel} through "
                f"{settings.slack_api_url}",
                file=out,
                flush=True,
            )
        try:
            return _play(app, site, out, once=once, step_seconds=step_seconds)
        finally:
            app.close()


def _play(app: Newsdesk, site: DemoSite, out: TextIO, *, once: bool, step_seconds: float) -> int:
    say = _printer(out)
    _backfill(app, site, say)
    lock = threading.Lock()

    def poll_and_tell(source_id: int) -> PollReport:
        with lock:
            return _poll(app, source_id, say)

    if not once:
        app.jobs.poll = poll_and_tell
        app.start()
    try:
        for item in [i for i in site.items if not i.at_start]:
            if not once:
                time.sleep(step_seconds)
            site.publish(item)
            say(f'\n[{datetime.now(UTC):%H:%M:%S}] {item.outlet} publishes "{item.title}"')
            if once:
                for source in app.store.sources.active():
                    poll_and_tell(source.id)
                app.poster.drain()
        if once:
            return _summary(app, say)
        _settle(app, poll_and_tell)
        say("\nall items published; still watching (Ctrl-C to stop)")
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        say("\nstopping")
        return _summary(app, say)
    finally:
        if not once:
            app.stop()


# How long the demo waits, at most, for the messages of its last item to be sent.
SETTLE_SECONDS = 10.0


def _settle(app: Newsdesk, poll: Callable[[int], PollReport]) -> None:
    """Poll every source once more and send what that queued, so the closing line comes
    after the last item's messages, not before the scheduler's next poll."""
    for source in app.store.sources.active():
        poll(source.id)
    deadline = time.monotonic() + SETTLE_SECONDS
    while app.store.outbox.unsent(limit=1):
        if time.monotonic() > deadline:
            return
        app.poster.drain()
        time.sleep(0.1)


# How the summary names each member's placement.
_PLACED: dict[str, str] = {
    PlacementKind.NEW: "opened the story",
    PlacementKind.JOINED: "joined",
    PlacementKind.SAME_ARTICLE: "the same article again",
    PlacementKind.COPY: "a copy of another outlet's text",
}


def _backfill(app: Newsdesk, site: DemoSite, say: _Say) -> None:
    """The demo's opening: what is watched, and a first poll of what is already published."""
    say(f"newsdesk demo: {len(site.outlets)} outlets serving feeds at {site.base_url}")
    for source in app.store.sources.active():
        say(f"  watching {source.outlet}: {source.url}")
    start_items = [i for i in site.items if i.at_start]
    for item in start_items:
        site.publish(item, datetime.now(UTC) - timedelta(hours=2))
    backfilled = sum(
        len(_poll(app, source.id, say=None).placed) for source in app.store.sources.active()
    )
    say(
        f"first poll: {backfilled} items already in the feeds, stored silently (backfill, no alerts)"
    )


def _poll(app: Newsdesk, source_id: int, say: _Say | None) -> PollReport:
    report = app.watcher.poll(source_id)
    if say is None:
        return report
    if report.error:
        say(f"  ! {report.outlet}: {report.error}")
    for placed in report.placed:
        hows: dict[str, str] = {
            PlacementKind.NEW: "opens story",
            PlacementKind.JOINED: "joins story",
            PlacementKind.SAME_ARTICLE: "is the same article again, in story",
            PlacementKind.COPY: "is a copy of another outlet's text, in story",
        }
        how = hows[placed.placement]
        say(
            f'  {placed.outlet}: "{placed.title}" {how} #{placed.story_id} '
            f"({placed.outlet_count} outlet{'s' if placed.outlet_count != 1 else ''})"
        )
    return report


def _summary(app: Newsdesk, say: _Say) -> int:
    largest = app.store.stories.widest()
    if largest is None:
        say("no story formed")
        return 1
    story_id, outlets = largest
    members = app.store.stories.members(story_id)
    say(f"\nstory #{story_id}: {len(members)} articles from {outlets} outlets")
    for member in members:
        placed = _PLACED.get(member.placement or "", member.placement or "placed")
        say(f"  - {member.outlet}: {member.title} ({placed})")
    alerted = bool((app.store.stories.get(story_id) or {}).get("alerted_at"))
    return 0 if alerted and reaches(outlets, app.settings.min_outlets) else 1


class _Say:
    def __call__(self, line: str) -> None: ...


def _printer(out: TextIO) -> _Say:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    return say  # type: ignore[return-value]
