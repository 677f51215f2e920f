"""Buttons: under a /story answer post it to the channel, show all differences, mute it;
under a mute, unmute it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import Message, notice
from bot.slack.desk import Desk
from bot.slack.mrkdwn import escape
from handlers.commands import answer


def register(app: App, desk: Desk) -> None:
    @app.action("story_post")
    def post(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id", "")
        card = desk.card(int(action["value"]))
        shared = Message(
            card.text,
            [b for b in card.blocks if b.get("type") != "actions"]
            + [
                {
                    "type": "context",
                    "elements": [
                        {"type": "mrkdwn", "text": f"Shared by <@{escape(user)}> with /story"}
                    ],
                }
            ],
        )
        if not channel:
            return
        try:
            client.chat_postMessage(channel=channel, unfurl_links=False, **shared.as_kwargs())
        except SlackApiError as exc:
            error = exc.response.get("error", "an error")
            answer(
                respond,
                lambda: notice(
                    f"Could not post here ({escape(str(error))}): invite newsdesk to the channel first."
                ),
            )

    @app.action("story_differences")
    def differences(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        answer(respond, lambda: desk.all_differences(int(action["value"])))

    @app.action("story_mute")
    def mute(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        user = (body.get("user") or {}).get("id")
        channel = (body.get("channel") or {}).get("id", "")
        answer(respond, lambda: desk.mute(channel, int(action["value"]), user))

    @app.action("story_unmute")
    def unmute(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id", "")
        answer(respond, lambda: desk.unmute(channel, int(action["value"])))
