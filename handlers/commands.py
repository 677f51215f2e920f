"""Slash commands: /story, /sources, /newsdesk. Each acknowledges at once, then answers
(only to the person who asked) through the command's response_url."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack.blocks import Message, notice
from bot.slack.desk import Desk

logger = logging.getLogger(__name__)


def register(app: App, desk: Desk) -> None:
    @app.command("/story")
    def story(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(respond, lambda: desk.story(command.get("text", "")))

    @app.command("/sources")
    def sources(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(respond, lambda: desk.sources(command.get("user_id"), command.get("text", "")))

    @app.command("/newsdesk")
    def newsdesk(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(
            respond,
            lambda: desk.newsdesk(
                command.get("channel_id", ""), command.get("user_id"), command.get("text", "")
            ),
        )


def answer(respond: Respond, work: Any) -> None:
    """Send `work()`'s message ephemerally; a failure becomes a short apology, never a trace."""
    try:
        message: Message = work()
    except Exception:
        logger.exception("command failed")
        message = notice("Sorry, newsdesk could not do that just now; the error is in its log.")
    respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
