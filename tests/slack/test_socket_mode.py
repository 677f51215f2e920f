"""Socket Mode: newsdesk dials out to a Socket Mode server on loopback, acknowledges a
slash command over the socket and answers through its response_url."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bot.app import create_app
from bot.slack.server import SocketModeFrontend
from tests.slack.conftest import CHANNEL, slack_settings
from tests.slack_stub import SlackStub
from tests.socket_stub import SocketModeStub


def test_a_slash_command_over_socket_mode_is_acked_and_answered(
    slack: SlackStub, tmp_path: Path
) -> None:
    socket_server = SocketModeStub()
    slack.socket_url = socket_server.url
    app = create_app(slack_settings(tmp_path, slack, slack_app_token=slack.app_token))
    assert isinstance(app.frontend, SocketModeFrontend)
    try:
        app.frontend.start()
        assert socket_server.connected.wait(10)
        socket_server.send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/newsdesk",
                    "text": "help",
                    "user_id": "UEDITOR",
                    "channel_id": CHANNEL,
                    "team_id": "T1",
                    "response_url": slack.response_url("socket"),
                    "trigger_id": "1.2.3",
                },
            }
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (socket_server.received and slack.responses):
            time.sleep(0.05)
        assert [m.get("envelope_id") for m in socket_server.received] == ["env-1"]
        [answer] = slack.responses
        assert answer["response_type"] == "ephemeral" and "/story" in json.dumps(answer["blocks"])
        assert "apps.connections.open" in slack.methods()
    finally:
        # Slack's end first: the client's receive loop then ends at once instead of waiting
        # out its 3 s read timeout before the socket can be closed.
        socket_server.close()
        app.frontend.stop()
        app.close()
