"""`newsdesk demo --once`: the bundled site, watched like any source, forms the seed story."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # each test runs `newsdesk demo` in a subprocess


def test_demo_once_alerts_the_seed_story_with_four_outlets() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--once"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "stored silently (backfill, no alerts)" in out
    assert out.count("=== STORY ALERT") == 1
    assert "now 4 outlets: Financial Times, The Telegraph, Al Mayadeen English, UK Profits" in out
    assert "is the same article again" in out
    assert "5 articles from 4 outlets" in out
    # Nothing from the backfilled, unrelated items joins the story.
    summary = out.split("5 articles from 4 outlets")[1]
    assert "Rail fares" not in summary and "Coastal towns" not in summary


def test_demo_posts_to_any_slack_compatible_api_when_a_token_is_set(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.slack_stub import SlackStub

    slack = SlackStub()
    try:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.api_url,
            "NEWSDESK_CHANNEL": "C0DEMO",
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "demo",
                "--once",
                "--env-file",
                os.devnull,
            ],  # no settings file: the environment alone
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "posting to Slack channel C0DEMO" in result.stdout
        [parent] = slack.parents()
        assert parent["channel"] == "C0DEMO" and "outlets" in parent["text"]
        thread = slack.replies(parent["ts"])
        replies = [m["text"] for m in thread]
        assert thread[0]["metadata"]["event_payload"]["key"].split(":")[2] == "coverage"
        assert any("joined" in text for text in replies)
        assert "chat.update" in slack.methods()
    finally:
        slack.close()
