"""Editors in Slack, through the real Bolt app (signed requests over HTTP on 127.0.0.1, a
recording Slack stand-in): mutes per channel with an end, quiet hours and digests across
daylight-saving changes on a fake clock, /story for single-outlet stories, /sources add of
a watched URL, and notification texts that read as sentences.

Nothing here sleeps for a schedule: the clock is moved, and the digest job is run as
APScheduler would run it (`Jobs.deliver_digests`), then the outbox drained.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bot.app import Newsdesk, create_app
from tests.clock import FakeClock
from tests.conftest import LoopbackServer, seed_text
from tests.newsroom import SEEDS, publish_feed, publish_seed, serve_article, slug_of, watch_outlets
from tests.slack.conftest import CHANNEL, slack_settings
from tests.slack.test_app import Bot
from tests.slack_stub import SlackStub

UKRAINE = "C0UKRAINE"
OUTLETS = [o for _, o, _ in SEEDS]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))


def start_app(tmp_path: Path, slack: SlackStub, clock: FakeClock) -> Bot:
    settings = slack_settings(tmp_path, slack, post_interval=0.0)
    app = create_app(settings, host_delay=0.0, clock=clock)
    app.frontend.start()  # type: ignore[union-attr]
    return Bot(app, slack)


def stop_app(app: Newsdesk) -> None:
    app.frontend.stop()  # type: ignore[union-attr]
    app.close()


@pytest.fixture
def bot(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path, clock: FakeClock
) -> Iterator[Bot]:
    started = start_app(tmp_path, slack, clock)
    yield started
    stop_app(started.app)


def command(bot: Bot, name: str, text: str, channel: str = CHANNEL, user: str = "UEDITOR") -> dict:
    """A signed slash command from `channel`; returns its answer."""
    reply = f"c{time.monotonic_ns()}"
    body = urlencode(
        {
            "command": name,
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T1",
            "response_url": bot.slack.response_url(reply),
            "trigger_id": "1.2.3",
        }
    )
    started = time.monotonic()
    assert bot.post(body).status_code == 200
    return bot.answer(reply, started)


def click(bot: Bot, action_id: str, value: str, channel: str = CHANNEL) -> dict:
    """A signed button click in `channel`; returns its answer."""
    reply = f"b{time.monotonic_ns()}"
    payload = {
        "type": "block_actions",
        "user": {"id": "UEDITOR"},
        "channel": {"id": channel},
        "team": {"id": "T1"},
        "response_url": bot.slack.response_url(reply),
        "trigger_id": "1.2.3",
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
    }
    started = time.monotonic()
    assert bot.post(urlencode({"payload": json.dumps(payload)})).status_code == 200
    return bot.answer(reply, started)


def outlets_watched(bot: Bot, server: LoopbackServer) -> dict[str, int]:
    return watch_outlets(bot.app.watcher, server, OUTLETS)


def publish(bot: Bot, server: LoopbackServer, sources: dict[str, int], n: int) -> None:
    publish_seed(bot.app.watcher, server, sources, SEEDS[n][0])


def outbox_events(bot: Bot, channel: str) -> list[str]:
    return [r["event"] for r in bot.app.store.outbox.all() if r["channel"] == channel]


def blocks_text(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def key_of(message: dict) -> str:
    return message["metadata"]["event_payload"]["key"]


def digests(slack: SlackStub, channel: str = CHANNEL) -> list[dict]:
    return [m for m in slack.parents() if m["channel"] == channel and "digest" in key_of(m)]


def digest_job_fires(bot: Bot, channel: str, after: datetime) -> datetime:
    job = bot.app.jobs.scheduler.get_job(f"digest-{channel}")
    return job.trigger.get_next_fire_time(None, after).astimezone(UTC)


# --- quiet hours and digests ----------------------------------------------------------------


def test_quiet_hours_hold_alerts_and_send_one_digest_when_the_quiet_ends_across_the_autumn_change(
    bot: Bot, server: LoopbackServer, clock: FakeClock
) -> None:
    sources = outlets_watched(bot, server)
    clock.set("2026-10-24T20:00:00+00:00")  # 21:00 in London (BST)
    answer = command(bot, "/newsdesk", "quiet 22:00-07:00 europe/london")
    assert "Quiet hours 22:00–07:00 Europe/London" in answer["text"]
    # Clocks go back at 02:00 BST on 25 October: the quiet ends at 07:00 GMT, 07:00 UTC
    # (a fixed +1 offset would say 06:00 UTC).
    assert digest_job_fires(bot, CHANNEL, clock.now) == datetime(2026, 10, 25, 7, tzinfo=UTC)

    clock.set("2026-10-24T23:30:00+00:00")  # 00:30 BST: quiet
    for n in range(3):
        publish(bot, server, sources, n)
    assert "alert" not in outbox_events(bot, CHANNEL)
    status = command(bot, "/newsdesk", "status")["text"]
    assert "Quiet hours: 22:00–07:00 Europe/London" in status
    assert "Held for the next digest: 1 story" in status

    clock.set("2026-10-25T06:30:00+00:00")  # 06:30 GMT, still quiet (07:30 under BST)
    assert bot.app.jobs.deliver_digests(CHANNEL) == 0
    bot.app.poster.drain()
    assert bot.slack.posted() == []

    clock.set("2026-10-25T07:00:00+00:00")
    assert bot.app.jobs.deliver_digests(CHANNEL) == 1
    bot.app.poster.drain()
    [parent] = digests(bot.slack)
    assert "While this channel was quiet (22:00–07:00 Europe/London)" in blocks_text(parent)
    assert parent["text"].startswith("This digest brings one story, “UK considers")
    [story] = bot.slack.replies(parent["ts"])
    shown = blocks_text(story)
    assert "UK considers sending troops to Ukraine" in shown
    assert "3 outlets" in shown and "The Telegraph" in shown
    assert re.search(r"• _[A-Z][a-z ]+_: ", shown)  # its top difference
    assert "Open its alert thread" not in shown  # no channel has an alert thread for it

    # The job running again, or a fourth outlet after the quiet, posts nothing more here:
    # the story was told in the digest.
    assert bot.app.jobs.deliver_digests(CHANNEL) == 0
    clock.set("2026-10-25T08:00:00+00:00")
    publish(bot, server, sources, 3)
    bot.app.poster.drain()
    assert len(bot.slack.posted()) == 2
    assert outbox_events(bot, CHANNEL) == ["digest", "digest_story"]


@pytest.mark.slow  # the bot started three times over one database
def test_a_restart_during_quiet_hours_still_delivers_the_digest_once(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path, clock: FakeClock
) -> None:
    first = start_app(tmp_path, slack, clock)
    sources = outlets_watched(first, server)
    clock.set("2026-10-24T21:30:00+00:00")  # 22:30 BST
    command(first, "/newsdesk", "quiet 22:00-07:00 Europe/London")
    for n in range(3):
        publish(first, server, sources, n)
    stop_app(first.app)  # newsdesk goes down in the night

    # Up again after the quiet ended and the digest's time went by: the start catches up;
    # the process dies before posting it.
    clock.set("2026-10-25T07:20:00+00:00")
    second = start_app(tmp_path, slack, clock)
    second.app.jobs.sync_digests()  # what Jobs.start runs before the scheduler starts
    queued = [r["event"] for r in second.app.store.outbox.all()]
    assert queued == ["digest", "digest_story"]
    stop_app(second.app)
    assert slack.posted() == []

    clock.set("2026-10-25T07:25:00+00:00")
    third = start_app(tmp_path, slack, clock)
    try:
        third.app.jobs.sync_digests()
        third.app.jobs.deliver_digests(CHANNEL)  # the 07:00 job firing late changes nothing
        third.app.poster.drain()
        third.app.poster.drain()
    finally:
        stop_app(third.app)
    [parent] = digests(slack)
    assert len(slack.replies(parent["ts"])) == 1
    assert len(slack.posted()) == 2


def test_a_daily_digest_replaces_alerts_and_follows_the_spring_change(
    bot: Bot, server: LoopbackServer, clock: FakeClock
) -> None:
    sources = outlets_watched(bot, server)
    clock.set("2026-03-28T09:00:00+00:00")
    answer = command(bot, "/newsdesk", "digest daily 08:00 Europe/London")
    assert "digest daily at 08:00 Europe/London" in answer["text"]
    # 08:00 GMT on the 28th is 08:00 UTC; after the clocks go forward on the 29th, 08:00 BST
    # is 07:00 UTC.
    assert digest_job_fires(bot, CHANNEL, clock.now) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    for n in range(3):
        publish(bot, server, sources, n)
    assert outbox_events(bot, CHANNEL) == []  # no alert: this channel takes a digest

    clock.set("2026-03-29T06:59:00+00:00")
    assert bot.app.jobs.deliver_digests(CHANNEL) == 0
    clock.set("2026-03-29T07:00:00+00:00")
    assert bot.app.jobs.deliver_digests(CHANNEL) == 1
    bot.app.poster.drain()
    [parent] = digests(bot.slack)
    assert "Digest (daily at 08:00 Europe/London)" in blocks_text(parent)
    [story] = bot.slack.replies(parent["ts"])
    assert "3 outlets" in blocks_text(story)

    assert "one alert per story" in command(bot, "/newsdesk", "digest off")["text"]
    assert bot.app.jobs.scheduler.get_job(f"digest-{CHANNEL}") is None
    hourly = command(bot, "/newsdesk", "digest hourly")["text"]
    assert "hourly" in hourly
    after = clock.now + timedelta(minutes=1)
    assert digest_job_fires(bot, CHANNEL, after) == datetime(2026, 3, 29, 8, tzinfo=UTC)


def test_turning_quiet_hours_off_sends_what_they_held_at_once(
    bot: Bot, server: LoopbackServer, clock: FakeClock
) -> None:
    sources = outlets_watched(bot, server)
    clock.set("2026-10-20T23:00:00+00:00")
    command(bot, "/newsdesk", "quiet 22:00-07:00 UTC")
    for n in range(3):
        publish(bot, server, sources, n)
    answer = command(bot, "/newsdesk", "quiet off")["text"]
    assert "alerts come as they happen" in answer and "goes out now" in answer
    bot.app.poster.drain()
    assert len(digests(bot.slack)) == 1
    assert "Quiet hours: none; digest: off" in command(bot, "/newsdesk", "status")["text"]


def test_schedules_that_cannot_be_read_get_a_message_and_change_nothing(bot: Bot) -> None:
    cases = {
        "quiet 25:00-07:00 Europe/London": "not a time of day",
        "quiet 22:00-07:00 Mars/Olympus": "not a time zone",
        "quiet 22:00": "not a range of hours",
        "quiet 07:00-07:00": "end different from their start",
        "digest weekly": "Usage",
        "digest daily": "Usage",
    }
    for text, expected in cases.items():
        assert expected in command(bot, "/newsdesk", text)["text"], text
    assert bot.app.store.slack.channel_settings().get(CHANNEL, {}).get("quiet") is None
    assert bot.app.jobs.scheduler.get_jobs() and not any(
        j.id.startswith("digest-") for j in bot.app.jobs.scheduler.get_jobs()
    )


# --- mutes ----------------------------------------------------------------------------------


def story_id_of(bot: Bot) -> int:
    return bot.app.store.stories.widest()[0]  # type: ignore[index]


def test_a_mute_is_per_channel_listed_reversible_and_ends(
    bot: Bot, server: LoopbackServer, clock: FakeClock
) -> None:
    command(bot, "/newsdesk", "watch ukraine troops", channel=UKRAINE)
    sources = outlets_watched(bot, server)
    for n in range(3):
        publish(bot, server, sources, n)
    story = story_id_of(bot)
    answer = click(bot, "story_mute", str(story))
    assert "in this channel for 24 hours" in answer["text"]
    assert "story_unmute" in blocks_text(answer)
    status = command(bot, "/newsdesk", "status")["text"]
    assert "Muted here (1)" in status and f"`{story}` UK considers" in status
    assert "No story is muted here" in command(bot, "/newsdesk", "status", channel=UKRAINE)["text"]

    publish(bot, server, sources, 3)  # a fourth outlet: the other channel hears it
    assert "outlet_joined" in outbox_events(bot, UKRAINE)
    assert "outlet_joined" not in outbox_events(bot, CHANNEL)

    assert "Unmuted" in command(bot, "/newsdesk", f"unmute {story}")["text"]
    assert "was not muted" in command(bot, "/newsdesk", f"unmute {story}")["text"]
    # By headline words, for a period the editor chooses; the button undoes it too.
    assert "for 2 hours" in command(bot, "/newsdesk", "mute UK troops Ukraine for 2h")["text"]
    assert "Unmuted" in click(bot, "story_unmute", str(story))["text"]
    assert "for 2 hours" in command(bot, "/newsdesk", f"mute {story} 2h")["text"]
    assert "Unmuted" in command(bot, "/newsdesk", "unmute troops ukraine")["text"]
    assert "from a minute to 30 days" in command(bot, "/newsdesk", f"mute {story} 9w")["text"]

    command(bot, "/newsdesk", f"mute {story} 2h")
    clock.now += timedelta(hours=3)
    assert "No story is muted here" in command(bot, "/newsdesk", "status")["text"]
    assert not bot.app.store.slack.is_muted(story, CHANNEL, clock.now)


def test_a_muted_story_with_a_new_outlet_after_a_quiet_day_tells_the_channel_once(
    bot: Bot, server: LoopbackServer, clock: FakeClock
) -> None:
    sources = outlets_watched(bot, server)
    for n in range(3):
        publish(bot, server, sources, n)
    story = story_id_of(bot)
    assert "for 72 hours" in command(bot, "/newsdesk", f"mute {story} 3d")["text"]
    bot.app.poster.drain()
    before = len(bot.slack.posted())

    clock.now += timedelta(hours=30)  # a day and more without news, then a fourth outlet
    publish(bot, server, sources, 3)
    # An edit with a new figure afterwards is a development too, but the mute has told once.
    prefix, outlet, title = SEEDS[0]
    text = seed_text(prefix).replace("five-point plan", "six-point plan")
    url = serve_article(server, f"{slug_of(outlet)}-story", outlet, title, text)
    publish_feed(server, slug_of(outlet), [(title, url)], description="updated")
    bot.app.watcher.poll(sources[outlet])
    bot.app.poster.drain()

    new = bot.slack.posted()[before:]
    assert [key_of(m).split(":")[2] for m in new] == ["muted_news"]
    [news] = new
    assert not news.get("thread_ts")  # in the channel, where the editor sees it
    assert news["text"].startswith("“UK considers sending troops to Ukraine")
    assert "is muted in this channel until" in news["text"]
    assert "UK Profits joined it after a quiet day" in news["text"]
    assert "story_unmute" in blocks_text(news)


# --- /story and /sources --------------------------------------------------------------------


def test_story_finds_a_single_outlet_story_and_marks_it(bot: Bot, server: LoopbackServer) -> None:
    sources = outlets_watched(bot, server)
    publish(bot, server, sources, 0)
    answer = command(bot, "/story", "troops Ukraine train military")
    shown = blocks_text(answer)
    assert "UK considers sending troops to Ukraine" in shown
    assert "Single outlet: only *Financial Times* has this story so far" in shown
    assert "covered by Financial Times alone" in answer["text"]


def test_adding_a_watched_url_says_so_and_changes_nothing(bot: Bot, server: LoopbackServer) -> None:
    publish_feed(server, "gazette", [("Old news", f"{server.url}/old.html")])
    url = f"{server.url}/gazette/feed.xml"
    assert (
        "Added source" in command(bot, "/sources", f"add {url} The Gazette", user="UADMIN")["text"]
    )
    [source] = [s for s in bot.app.store.sources.all() if s.outlet == "The Gazette"]
    command(bot, "/sources", f"pause {source.id}", user="UADMIN")
    before = bot.app.store.sources.all()
    served = len(server.requests)

    for again in (f"<{url}>", f"{url}?utm_source=newsletter", f"<{url}|the gazette> Other Name"):
        answer = command(bot, "/sources", f"add {again}", user="UADMIN")["text"]
        assert f"Already watching {url}" in answer and f"source {source.id}" in answer
        assert "Nothing was changed" in answer and f"/sources resume {source.id}" in answer
    assert bot.app.store.sources.all() == before  # still paused, same name, no new source
    assert len(server.requests) == served  # not even fetched


# --- notification texts ---------------------------------------------------------------------

SENTENCE = re.compile(r"^[A-Z0-9“].*[.]$", re.S)


def test_every_notification_text_reads_as_a_sentence(
    bot: Bot, server: LoopbackServer, clock: FakeClock
) -> None:
    command(bot, "/newsdesk", "watch ukraine troops", channel=UKRAINE)
    command(bot, "/newsdesk", "quiet 22:00-07:00 UTC", channel=UKRAINE)
    sources = outlets_watched(bot, server)
    clock.set("2026-10-20T23:00:00+00:00")
    for n in range(4):
        publish(bot, server, sources, n)
    clock.set("2026-10-21T07:00:00+00:00")
    bot.app.jobs.deliver_digests()
    bot.app.poster.drain()
    posted = bot.slack.posted()
    kinds = {key_of(m).split(":")[2] for m in posted if key_of(m).startswith("story:")}
    assert {"alert", "coverage", "outlet"} <= kinds
    # The digest links to the story's alert thread in the other channel.
    [digest] = digests(bot.slack, UKRAINE)
    [story] = bot.slack.replies(digest["ts"])
    assert f"/archives/{CHANNEL}/p" in blocks_text(story) and "Open its alert thread" in (
        blocks_text(story)
    )
    for message in posted:
        text = message["text"]
        assert SENTENCE.match(text), text
        assert not re.search(r":\s*\d+\s*\.?$", text), text  # never "Only in: 8"
        assert " " in text.strip(" .") and len(text.split()) >= 4, text
    updated = [c for c in bot.slack.calls if c.method == "chat.update"]
    assert all(SENTENCE.match(c.params["text"]) for c in updated)
