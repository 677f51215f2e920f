"""Buttons: under a /story answer post it to the channel, show all differences, mute it;
under a mute, unmute it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import texts
from bot.slack.blocks import Message, notice
from bot.slack.desk import Desk
from handlers.commands import answer


class Actions:
    """The button listeners, named methods over one Desk (Bolt passes the arguments a listener
    names: `ack`, `body`, `action`, `client`, `respond`)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def post(
        self,
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
    ) -> None:
        """Post a /story answer's card to the channel, for everyone, credited to who shared it."""
        ack()
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id", "")
        card = self.desk.card(int(action["value"]))
        shared = Message(
            card.text,
            [b for b in card.blocks if b.get("type") != "actions"]
            + [
                {"type": "context", "elements": [{"type": "mrkdwn", "text": texts.shared_by(user)}]}
            ],
        )
        if not channel:
            return
        try:
            client.chat_postMessage(channel=channel, unfurl_links=False, **shared.as_kwargs())
        except SlackApiError as exc:
            error = exc.response.get("error", "an error")
            answer(respond, lambda: notice(texts.could_not_post(str(error))))

    def differences(self, ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(respond, lambda: self.desk.all_differences(int(action["value"])))

    def mute(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id", "")
        answer(respond, lambda: self.desk.mute(channel, int(action["value"]), user))

    def unmute(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id", "")
        answer(respond, lambda: self.desk.unmute(channel, int(action["value"])))


def register(app: App, desk: Desk) -> None:
    listeners = Actions(desk)
    app.action("story_post")(listeners.post)
    app.action("story_differences")(listeners.differences)
    app.action("story_mute")(listeners.mute)
    app.action("story_unmute")(listeners.unmute)
