"""Logging set-up: plain lines for people, or one JSON object a line for log shippers."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLineFormatter(logging.Formatter):
    """One JSON object a line: time (ISO 8601 UTC), level, logger, message, and the traceback
    as `exc_info` when there is one. Keys follow the common shape log shippers parse."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _Expected(logging.Filter):
    """Drops a library's line that describes newsdesk's normal operation, not a problem:

    - APScheduler's "skipped: maximum number of running instances reached": every job runs
      with max_instances=1 on purpose, so a run skipped while the last one works (the outbox
      drain while Slack is slow, a poll of a slow source) is normal;
    - Bolt's "As you gave `client` as well, `token` will be unused": the token goes to the
      client on purpose (LIBRARY_NOTES), and Bolt reads SLACK_BOT_TOKEN from the
      environment by itself.
    """

    LINES = (
        "maximum number of running instances reached",
        "`token` will be unused",
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(line in message for line in self.LINES)


def configure_logging(verbose: bool, log_format: str = "text") -> None:
    """Root logging at INFO with `verbose`, else WARNING, written to stderr in `log_format`
    ("text" or "json"). The scheduler's per-run lines stay at WARNING even with `verbose`:
    they say nothing an operator needs, twice a second."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonLineFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("bot.live.status").setLevel(logging.INFO)  # the periodic line, always shown
    # slack_sdk logs every failed request as an ERROR; newsdesk logs each one itself, with
    # what it will do about it (the poster's retry, the wait for Slack at start).
    logging.getLogger("slack_sdk.web.base_client").setLevel(logging.CRITICAL)
    for name in ("apscheduler.scheduler", "slack_bolt.App"):
        library = logging.getLogger(name)
        if not any(isinstance(f, _Expected) for f in library.filters):
            library.addFilter(_Expected())
