"""One frozen Settings object, built from the environment (and a `.env` file).

Every field here is listed, with a comment, in `.env.example`; a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

# Environment variable -> Settings field. The one list of what can be configured.
ENV_VARS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_API_URL": "slack_api_url",
    "NEWSDESK_CHANNEL": "channel",
    "NEWSDESK_HTTP_HOST": "http_host",
    "NEWSDESK_HTTP_PORT": "http_port",
    "NEWSDESK_DB": "db_path",
    "NEWSDESK_SOURCES": "sources_path",
    "NEWSDESK_POLL_SECONDS": "poll_seconds",
    "NEWSDESK_MIN_OUTLETS": "min_outlets",
    "NEWSDESK_WINDOW_HOURS": "window_hours",
    "NEWSDESK_POST_INTERVAL": "post_interval",
    "NEWSDESK_ADMINS": "admins",
    "NEWSDESK_ALLOW_PRIVATE_SOURCES": "allow_private_sources",
    "NEWSDESK_LOG_FORMAT": "log_format",
}

LOG_FORMATS = ("text", "json")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    channel: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    db_path: str = "./newsdesk.db"
    sources_path: str = "./sources.toml"
    poll_seconds: int = 300
    min_outlets: int = 3
    window_hours: float = 72.0
    post_interval: float = 1.0
    admins: frozenset[str] = field(default_factory=frozenset)
    allow_private_sources: bool = False
    log_format: str = "text"
    # True when NEWSDESK_SOURCES was set: then the file must exist. The default path is
    # read only when present, for a bot whose sources are all added from Slack.
    sources_named: bool = False

    @property
    def console_mode(self) -> bool:
        """No bot token: alerts are printed to the terminal instead of posted to Slack."""
        return not self.slack_bot_token

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_bot_token and self.slack_app_token)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping of environment variables; unknown keys are ignored."""
        values: dict[str, object] = {}
        for var, name in ENV_VARS.items():
            raw = env.get(var)
            if raw is None or (raw.strip() == "" and name not in ("allow_private_sources",)):
                continue
            values[name] = _convert(var, name, raw.strip())
        values["sources_named"] = "sources_path" in values
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    @classmethod
    def from_env(
        cls, dotenv_path: str | Path | None = ".env", *, required: bool = False
    ) -> Settings:
        """Read `.env` (if present) under the process environment, which wins.

        Raises:
            ConfigError: `required` is set (a file named with `--env-file`) and the file is
                missing, or a value is malformed.
        """
        merged: dict[str, str] = {}
        if required and dotenv_path and not Path(dotenv_path).exists():
            raise ConfigError(
                f"the settings file {dotenv_path} does not exist; "
                "copy .env.example there, or leave out --env-file to use ./.env"
            )
        if dotenv_path and Path(dotenv_path).exists() and not Path(dotenv_path).is_dir():
            merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        merged.update(os.environ)
        return cls.from_mapping(merged)

    def validate(self) -> None:
        if self.log_format not in LOG_FORMATS:
            raise ConfigError(f"NEWSDESK_LOG_FORMAT must be text or json, not {self.log_format!r}")
        if self.min_outlets < 1:
            raise ConfigError("NEWSDESK_MIN_OUTLETS must be 1 or more")
        if self.poll_seconds < 1:
            raise ConfigError("NEWSDESK_POLL_SECONDS must be 1 or more")
        if self.window_hours <= 0:
            raise ConfigError("NEWSDESK_WINDOW_HOURS must be more than 0")
        if not 0 <= self.post_interval <= 60:
            raise ConfigError("NEWSDESK_POST_INTERVAL must be between 0 and 60 seconds")
        if not 0 < self.http_port < 65536:
            raise ConfigError("NEWSDESK_HTTP_PORT must be a TCP port (1-65535)")
        if self.slack_bot_token and not self.slack_app_token and not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN (Socket Mode) or "
                "SLACK_SIGNING_SECRET (HTTP mode): set one of them, or unset the token for console mode"
            )
        if self.slack_bot_token and not self.channel:
            raise ConfigError(
                "NEWSDESK_CHANNEL must name the alert channel (its id, C...) when SLACK_BOT_TOKEN is set"
            )
        if not self.slack_api_url.startswith(("http://", "https://")):
            raise ConfigError("SLACK_API_URL must be an http(s) URL, e.g. https://slack.com/api/")


def _convert(var: str, name: str, raw: str) -> object:
    if name in ("http_port", "poll_seconds", "min_outlets"):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a whole number, got {raw!r}") from None
    if name in ("window_hours", "post_interval"):
        unit = "hours" if name == "window_hours" else "seconds"
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{var} must be a number of {unit}, got {raw!r}") from None
    if name == "allow_private_sources":
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{var} must be true or false, got {raw!r}")
    if name == "log_format":
        return raw.lower()
    if name == "admins":
        return frozenset(part.strip() for part in raw.split(",") if part.strip())
    if name == "slack_api_url" and not raw.endswith("/"):
        return raw + "/"
    return raw
