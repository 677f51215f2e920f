"""Fixtures for the Slack tests: the recording Slack stand-in and settings that use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.slack_stub import SlackStub

CHANNEL = "C0ALERTS"
SECRET = "test-signing-secret"


@pytest.fixture
def slack() -> Iterator[SlackStub]:
    stub = SlackStub()
    yield stub
    stub.close()


def slack_settings(tmp_path: Path, stub: SlackStub, **overrides: object) -> Settings:
    tmp_path.mkdir(parents=True, exist_ok=True)
    sources = tmp_path / "sources.toml"
    if not sources.exists():
        sources.write_text("")
    values: dict[str, object] = {
        "slack_bot_token": stub.token,
        "slack_signing_secret": SECRET,
        "slack_api_url": stub.api_url,
        "channel": CHANNEL,
        "db_path": str(tmp_path / "newsdesk.db"),
        "sources_path": str(sources),
        "http_port": 0,
        "allow_private_sources": True,
        "admins": frozenset({"UADMIN"}),
        # The poster's pace (a message a second per channel) is a real wait; no test here
        # checks it, so messages go out at once.
        "post_interval": 0.0,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]
