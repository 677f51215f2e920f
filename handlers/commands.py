"""Slash commands: /story, /sources, /newsdesk. Each acknowledges at once, then answers
(only to the person who asked) through the command's response_url."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack import texts
from bot.slack.blocks import Message, notice
from bot.slack.desk import Desk

logger = logging.getLogger(__name__)


class Commands:
    """The slash-command listeners, named methods over one Desk (Bolt passes the arguments a
    listener names: `ack`, `command`, `respond`)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def story(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(respond, lambda: self.desk.story(command.get("text", "")))

    def sources(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(respond, lambda: self.desk.sources(command.get("user_id"), command.get("text", "")))

    def newsdesk(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(
            respond,
            lambda: self.desk.newsdesk(
                command.get("channel_id", ""), command.get("user_id"), command.get("text", "")
            ),
        )


def register(app: App, desk: Desk) -> None:
    listeners = Commands(desk)
    app.command("/story")(listeners.story)
    app.command("/sources")(listeners.sources)
    app.command("/newsdesk")(listeners.newsdesk)


def answer(respond: Respond, work: Any) -> None:
    """Send `work()`'s message ephemerally; a failure becomes a short apology, never a trace."""
    try:
        message: Message = work()
    except Exception:
        logger.exception("command failed")
        message = notice(texts.COMMAND_FAILED)
    respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
