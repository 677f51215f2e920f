"""`newsdesk run` killed with SIGKILL in the middle of posting a story, then restarted:
every message reaches Slack exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, LoopbackServer
from tests.newsroom import (
    SEEDS,
    make_watcher,
    publish_feed,
    publish_seed,
    serve_article,
    watch_outlets,
)
from tests.slack.conftest import CHANNEL, SECRET
from tests.slack_stub import SlackStub


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_bot(tmp_path: Path, slack: SlackStub, **extra: str) -> subprocess.Popen[bytes]:
    (tmp_path / "sources.toml").write_text("")
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "NEWSDESK_CHANNEL": CHANNEL,
        "NEWSDESK_DB": str(tmp_path / "n.db"),
        "NEWSDESK_SOURCES": str(tmp_path / "sources.toml"),
        "NEWSDESK_HTTP_PORT": str(free_port()),
        **extra,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--env-file",
            os.devnull,
        ],  # no settings file: the environment alone
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "bot.log", "ab"),
    )


def wait_for(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def restart_and_check_each_message_posted_once(
    tmp_path: Path, slack: SlackStub, expected: list[str], **extra: str
) -> None:
    second = run_bot(tmp_path, slack, **extra)
    try:
        wait_for(lambda: len(slack.posted()) >= len(expected), 60, "every message")
        time.sleep(2.5)  # a few more drain cycles: nothing else may arrive
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    keys = slack.keys()
    assert sorted(keys) == sorted(expected), (tmp_path / "bot.log").read_text()[-3000:]
    assert max(Counter(keys).values()) == 1


pytestmark = pytest.mark.slow  # `newsdesk run` subprocesses killed and restarted


def test_killed_mid_drain_and_restarted_posts_every_message_exactly_once(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=CHANNEL)
    sources = watch_outlets(watcher, server, [o for _, o, _ in SEEDS])
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    expected = [row["key"] for row in watcher.store.outbox.all()]
    assert len(expected) >= 3
    watcher.store.close()

    first = run_bot(tmp_path, slack)
    try:
        wait_for(lambda: len(slack.posted()) >= 1, 60, "the parent")
        slack.hold_seconds = 30.0  # the next post reaches Slack; its answer never comes back
        wait_for(lambda: len(slack.posted()) >= 2, 10, "a reply")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    slack.hold_seconds = 0.0
    assert len(slack.posted()) == 2

    restart_and_check_each_message_posted_once(tmp_path, slack, expected)
    [parent] = slack.parents()
    assert len(slack.replies(parent["ts"])) == len(expected) - 1


# Twenty unrelated stories, each of which alerts on its own (NEWSDESK_MIN_OUTLETS=1).
BURST = [
    ("Dockworkers strike halts container traffic at Rotterdam", "port union wages cranes ships"),
    ("Wildfire forces evacuation of villages near Marseille", "firefighters blaze hills wind"),
    ("Central bank of Chile raises interest rate to 6 percent", "inflation peso lending policy"),
    ("Volcano on Iceland's Reykjanes peninsula erupts again", "lava magma Grindavik fissure"),
    ("Kenyan runner breaks marathon world record in Berlin", "athlete race finish seconds"),
    ("Measles outbreak closes schools across Manila", "vaccination clinics children cases"),
    ("Tesla recalls electric trucks over faulty brake software", "vehicles owners update defect"),
    ("Archaeologists uncover Roman villa under Leicester car park", "mosaic excavation coins"),
    ("Drought lowers Panama Canal water levels, limiting ships", "locks reservoir transit fees"),
    ("Typhoon makes landfall in Okinawa with record winds", "storm rainfall power outages"),
    ("Swiss voters reject motorway expansion in referendum", "ballot cantons roads turnout"),
    ("Brazilian court orders halt to Amazon logging project", "rainforest judge timber ruling"),
    ("Chess prodigy, 12, becomes youngest grandmaster from India", "tournament rating title"),
    ("Norway opens world's longest road tunnel under fjord", "engineering traffic ferry"),
    ("Locust swarms destroy crops across southern Ethiopia", "farmers harvest pesticide"),
    ("Tokyo subway introduces driverless trains on Ginza line", "commuters automation rail"),
    ("Canadian province bans single-use plastic cutlery", "retailers recycling waste law"),
    ("Avalanche buries ski lodge in Austrian Alps, all rescued", "snow mountain rescuers"),
    ("Mexican scientists clone endangered axolotl species", "salamander lake laboratory"),
    ("Ireland's parliament passes bill to regulate short-term rentals", "housing landlords"),
]


def burst_text(title: str, words: str) -> str:
    return (
        f"{title}, officials said on Tuesday. Reporters on the scene described {words}. "
        f"The first accounts spoke of {words.split()[0]} and {words.split()[-1]}, and more "
        "details were expected later in the day."
    )


def test_killed_during_a_burst_of_twenty_alerts_and_restarted_loses_and_repeats_nothing(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=CHANNEL, min_outlets=1)
    sources = watch_outlets(watcher, server, ["Wire Desk"])
    items = [
        (title, serve_article(server, f"burst-{n}", "Wire Desk", title, burst_text(title, words)))
        for n, (title, words) in enumerate(BURST)
    ]
    publish_feed(server, "wire-desk", items)
    assert len(watcher.poll(sources["Wire Desk"]).placed) == 20
    expected = [row["key"] for row in watcher.store.outbox.all()]
    assert sum(key.endswith(":alert") or ":alert:" in key for key in expected) == 20, expected
    watcher.store.close()

    fast = {"NEWSDESK_POST_INTERVAL": "0.02", "NEWSDESK_MIN_OUTLETS": "1"}
    first = run_bot(tmp_path, slack, **fast)
    try:
        wait_for(lambda: len(slack.posted()) >= len(expected) // 2, 60, "half the burst")
        slack.hold_seconds = 30.0  # the next post reaches Slack; its answer never comes back
        sent = len(slack.posted())
        wait_for(lambda: len(slack.posted()) > sent, 10, "one more message")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    slack.hold_seconds = 0.0
    assert len(slack.posted()) < len(expected), "killed before the burst was over"

    restart_and_check_each_message_posted_once(tmp_path, slack, expected, **fast)
    parents = slack.parents()
    assert len(parents) == 20
    assert sum(len(slack.replies(p["ts"])) for p in parents) == len(expected) - 20
