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

from tests.conftest import ROOT, LoopbackServer
from tests.newsroom import SEEDS, make_watcher, publish_seed, watch_outlets
from tests.slack.conftest import CHANNEL, SECRET
from tests.slack_stub import SlackStub


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_bot(tmp_path: Path, slack: SlackStub) -> subprocess.Popen[bytes]:
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
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--env-file", str(tmp_path / "none.env")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "bot.log", "ab"),  # noqa: SIM115
    )


def wait_for(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_killed_mid_drain_and_restarted_posts_every_message_exactly_once(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=CHANNEL)
    sources = watch_outlets(watcher, server, [o for _, o, _ in SEEDS])
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    expected = [row["key"] for row in watcher.store.outbox()]
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

    second = run_bot(tmp_path, slack)
    try:
        wait_for(lambda: len(slack.posted()) >= len(expected), 60, "every message")
        time.sleep(2.5)  # a few more drain cycles: nothing else may arrive
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(10)
    keys = slack.keys()
    assert sorted(keys) == sorted(expected), (tmp_path / "bot.log").read_text()[-3000:]
    assert max(Counter(keys).values()) == 1
    [parent] = slack.parents()
    assert len(slack.replies(parent["ts"])) == len(expected) - 1
