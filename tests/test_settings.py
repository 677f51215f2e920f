"""Settings: read as DESIGN.md section 5 says, and documented in .env.example."""

from __future__ import annotations

import re

import pytest

from bot.errors import ConfigError
from bot.settings import ENV_VARS, Settings
from tests.conftest import ROOT


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = re.findall(r"^([A-Z_]+)=", text, flags=re.MULTILINE)
    assert sorted(documented) == sorted(ENV_VARS)
    for var in ENV_VARS:
        line_before = text.split(f"\n{var}=")[0].rstrip().splitlines()[-1]
        assert line_before.startswith("#"), f"{var} needs a comment above it"


def test_defaults_match_the_design() -> None:
    settings = Settings.from_mapping({})
    assert settings.console_mode
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.http_port, settings.poll_seconds, settings.min_outlets) == (3000, 300, 3)
    assert settings.window_hours == 72
    assert settings.db_path == "./newsdesk.db" and settings.sources_path == "./sources.toml"
    assert settings.allow_private_sources is False


def test_values_are_converted() -> None:
    settings = Settings.from_mapping(
        {
            "NEWSDESK_MIN_OUTLETS": "4",
            "NEWSDESK_ADMINS": "U1, U2,,",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "NEWSDESK_ALLOW_PRIVATE_SOURCES": "true",
            "NEWSDESK_WINDOW_HOURS": "48.5",
            "NEWSDESK_POST_INTERVAL": "0.5",
        }
    )
    assert settings.post_interval == 0.5
    assert settings.min_outlets == 4
    assert settings.admins == frozenset({"U1", "U2"})
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.allow_private_sources and settings.window_hours == 48.5


@pytest.mark.parametrize(
    "env, message",
    [
        ({"NEWSDESK_MIN_OUTLETS": "three"}, "whole number"),
        ({"NEWSDESK_MIN_OUTLETS": "0"}, "1 or more"),
        ({"NEWSDESK_ALLOW_PRIVATE_SOURCES": "maybe"}, "true or false"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        ({"NEWSDESK_HTTP_PORT": "70000"}, "TCP port"),
        ({"NEWSDESK_POST_INTERVAL": "soon"}, "number of seconds"),
        ({"NEWSDESK_POST_INTERVAL": "-1"}, "between 0 and 60"),
    ],
)
def test_bad_values_fail_fast_with_a_clear_message(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_mapping(env)


def test_dotenv_file_is_read_and_environment_wins(tmp_path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("NEWSDESK_MIN_OUTLETS=5\nNEWSDESK_POLL_SECONDS=60\n")
    monkeypatch.setenv("NEWSDESK_POLL_SECONDS", "30")
    settings = Settings.from_env(env_file)
    assert settings.min_outlets == 5 and settings.poll_seconds == 30


def test_a_bot_token_needs_an_alert_channel_and_a_way_in() -> None:
    with pytest.raises(ConfigError, match="NEWSDESK_CHANNEL"):
        Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        Settings.from_mapping({"SLACK_BOT_TOKEN": "xoxb-1", "NEWSDESK_CHANNEL": "C1"})
    http = Settings.from_mapping(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "NEWSDESK_CHANNEL": "C1"}
    )
    assert not http.socket_mode and http.http_host == "127.0.0.1"
    socket = Settings.from_mapping(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "NEWSDESK_CHANNEL": "C1"}
    )
    assert socket.socket_mode
