"""Slack listeners: thin, `ack()` first, the work done by `bot.slack.desk.Desk`.

`register(app, desk)` attaches every listener to a Bolt app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions, commands

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.slack.desk import Desk


def register(app: App, desk: Desk) -> None:
    commands.register(app, desk)
    actions.register(app, desk)
