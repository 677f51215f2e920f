"""The outbox drained to a recording Slack: one thread per story, in order, exactly once,
whatever Slack answers."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from slack_sdk import WebClient

from bot.live.watcher import Watcher
from bot.slack.poster import SlackPoster
from tests.clock import FakeClock
from tests.conftest import LoopbackServer
from tests.newsroom import SEEDS, make_watcher, publish_seed, watch_outlets
from tests.slack.conftest import CHANNEL
from tests.slack_stub import SlackStub

OUTLETS = [outlet for _, outlet, _ in SEEDS]


def poster_for(
    watcher: Watcher, slack: SlackStub, timeout: int = 5, clock: FakeClock | None = None
) -> SlackPoster:
    client = WebClient(
        token=slack.token, base_url=slack.api_url, timeout=timeout, retry_handlers=[]
    )
    return SlackPoster(
        watcher.store,
        client,
        channel_interval=0.01,
        backoff=0.2,
        max_backoff=timedelta(seconds=3),
        **({"clock": clock} if clock else {}),
    )


def drain_until_empty(
    poster: SlackPoster, seconds: float = 20, clock: FakeClock | None = None
) -> None:
    """Drains every 50 ms until the outbox is empty; on a fake clock the 50 ms are moved,
    not waited."""
    deadline = time.monotonic() + seconds
    while poster.store.outbox.unsent():
        assert time.monotonic() < deadline, poster.store.outbox.all()
        poster.drain()
        if clock:
            clock.advance(0.05)
        else:
            time.sleep(0.05)


def on_fake_clock(slack: SlackStub) -> FakeClock:
    """A fake clock that the poster and Slack's failure windows both keep time by."""
    clock = FakeClock()
    slack.clock = clock.monotonic
    return clock


def three_outlets(server: LoopbackServer, tmp_path: Path) -> tuple[Watcher, dict[str, int]]:
    watcher = make_watcher(tmp_path / "n.db", channel=CHANNEL)
    sources = watch_outlets(watcher, server, OUTLETS)
    for prefix, _, _ in SEEDS[:3]:
        assert publish_seed(watcher, server, sources, prefix).placed
    return watcher, sources


def test_the_seed_story_is_one_parent_with_its_thread_and_a_fourth_outlet_is_one_reply(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    watcher, sources = three_outlets(server, tmp_path)
    poster = poster_for(watcher, slack)
    drain_until_empty(poster)
    [parent] = slack.parents()
    assert parent["channel"] == CHANNEL and parent["unfurl_links"] is False
    assert "3 outlets" in parent["text"]
    thread = slack.replies(parent["ts"])
    kinds = [kind_of(m) for m in thread]
    assert kinds[0] == "coverage" and "differences" in kinds
    assert all(m["unfurl_links"] is False for m in thread)

    report = publish_seed(watcher, server, sources, SEEDS[3][0])
    assert report.placed[0].placement == "joined"
    drain_until_empty(poster)
    assert len(slack.parents()) == 1
    later = slack.replies(parent["ts"])[len(thread) :]
    assert later and "UK Profits joined" in later[0]["text"]
    assert all(kind_of(m) == "new_differences" for m in later[1:])
    updates = [c for c in slack.calls if c.method == "chat.update"]
    assert len(updates) == 1 and updates[0].params["ts"] == parent["ts"]
    assert "4 outlets" in slack.parents()[0]["text"]
    # Draining again sends nothing.
    assert poster.drain() == 0 and len(slack.posted()) == len(thread) + 1 + len(later)


def kind_of(message: dict) -> str:
    """The outbox event a posted message came from, read from its key (story:ID:EVENT:…)."""
    return message["metadata"]["event_payload"]["key"].split(":")[2]


def test_rate_limits_and_server_errors_delay_but_never_lose_or_repeat_a_message(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    watcher, _ = three_outlets(server, tmp_path)
    expected = [row["key"] for row in watcher.store.outbox.all()]
    clock = on_fake_clock(slack)
    slack.fail("chat.postMessage", 429, retry_after=1, seconds=1.5)
    poster = poster_for(watcher, slack, clock=clock)
    started = clock.monotonic()
    poster.drain()
    assert slack.posted() == []  # rate limited: nothing posted, nothing lost
    slack.fail("chat.postMessage", 500, count=3)
    drain_until_empty(poster, clock=clock)
    assert clock.monotonic() - started >= 1.0  # Retry-After was honoured
    assert sorted(slack.keys()) == sorted(expected)
    assert Counter(slack.keys()).most_common(1)[0][1] == 1
    assert slack.posted()[0]["metadata"]["event_payload"]["key"].endswith(f":alert:{CHANNEL}")
    statuses = Counter(c.status for c in slack.calls if c.method == "chat.postMessage")
    assert statuses[429] >= 1 and statuses[500] == 3


def test_a_post_whose_answer_was_lost_is_found_in_slack_not_posted_again(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    watcher, _ = three_outlets(server, tmp_path)
    expected = [row["key"] for row in watcher.store.outbox.all()]
    poster = poster_for(watcher, slack, timeout=1)
    with slack.held(2.0):  # Slack posts the parent but its answer comes too late
        poster.drain()
    assert len(slack.posted()) == 1
    assert watcher.store.outbox.unsent()[0].attempted_at is not None
    time.sleep(0.3)
    drain_until_empty(poster)
    assert sorted(slack.keys()) == sorted(expected)
    assert "conversations.history" in slack.methods()
    assert (
        watcher.store.slack.thread_ts(watcher.store.outbox.all()[0]["story_id"], CHANNEL)
        == slack.parents()[0]["ts"]
    )


def test_slack_down_for_a_minute_delays_every_message_and_loses_none(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    """Thirty seconds of 429 (Retry-After 5), then thirty of 500, while the drainer keeps
    running every second, as in `newsdesk run`. The minute passes on a fake clock."""
    watcher, _ = three_outlets(server, tmp_path)
    expected = [row["key"] for row in watcher.store.outbox.all()]
    clock = on_fake_clock(slack)
    slack.fail("chat.postMessage", 429, retry_after=5, seconds=30)
    poster = poster_for(watcher, slack, clock=clock)
    for _ in range(30):
        poster.drain()
        clock.advance(1)
    slack.fail("chat.postMessage", 500, seconds=30)
    for _ in range(30):
        poster.drain()
        clock.advance(1)
    assert slack.posted() == [] and len(watcher.store.outbox.unsent()) == len(expected)
    drain_until_empty(poster, seconds=30, clock=clock)
    assert sorted(slack.keys()) == sorted(expected)
    assert max(Counter(slack.keys()).values()) == 1
    refused = Counter(c.status for c in slack.calls if c.method == "chat.postMessage")
    assert refused[429] <= 7  # Retry-After was honoured: about one try per 5 s
