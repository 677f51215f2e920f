"""`newsdesk run` at start, as a service manager sees it: a refused token and a port in use
stop it with one line and a non-zero exit; Slack out of reach is waited for, said on one
line per wait, and a SIGTERM meanwhile ends it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.slack.conftest import CHANNEL, SECRET
from tests.slack_stub import SlackStub


def start(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    (tmp_path / "sources.toml").write_text("")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "SLACK_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--env-file", os.devnull],
        cwd=ROOT,
        env={
            **base,
            "SLACK_SIGNING_SECRET": SECRET,
            "NEWSDESK_CHANNEL": CHANNEL,
            "NEWSDESK_DB": str(tmp_path / "n.db"),
            "NEWSDESK_SOURCES": str(tmp_path / "sources.toml"),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def one_line_failure(bot: subprocess.Popen[str], fragment: str) -> None:
    out, err = bot.communicate(timeout=60)
    assert bot.returncode != 0, out
    assert "Traceback" not in err and fragment in err, err
    assert len(err.strip().splitlines()) == 1, err


pytestmark = pytest.mark.slow  # each test starts `newsdesk run` in a subprocess


def test_a_token_slack_refuses_stops_run_with_one_line(slack: SlackStub, tmp_path: Path) -> None:
    bot = start(tmp_path, SLACK_BOT_TOKEN="xoxb-revoked", SLACK_API_URL=slack.api_url)
    one_line_failure(bot, "refused the bot token")


def test_a_port_in_use_stops_run_with_one_line(slack: SlackStub, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        bot = start(
            tmp_path,
            SLACK_BOT_TOKEN=slack.token,
            SLACK_API_URL=slack.api_url,
            NEWSDESK_HTTP_PORT=port,
        )
        one_line_failure(bot, "already in use")


def test_slack_out_of_reach_is_waited_for_and_sigterm_ends_the_wait(tmp_path: Path) -> None:
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))  # bound, never listening: every connection is refused
        bot = start(
            tmp_path,
            SLACK_BOT_TOKEN="xoxb-any",
            SLACK_API_URL=f"http://127.0.0.1:{dead.getsockname()[1]}/api/",
        )
        time.sleep(4)  # the first wait is 2 s: at least one retry is said
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and all("Slack is unreachable" in line for line in lines), err
    assert len(lines) >= 2 and "trying again in 2 s" in lines[0] and "in 4 s" in lines[1]
    assert "Traceback" not in err
