"""How Slack reaches the Bolt app: HTTP on a configured address, or Socket Mode."""

from __future__ import annotations

import errno
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.errors import ConfigError

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack's requests are small; anything bigger is refused unread.
MAX_REQUEST_BYTES = 1_000_000


class Frontend(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


class HttpFrontend:
    """POST /slack/events into the Bolt app (which verifies the signature: a bad or stale
    one gets 401 and no listener runs); GET /health answers 200 for load balancers; GET
    /metrics serves Prometheus's text format (bot.metrics)."""

    def __init__(self, app: App, host: str, port: int) -> None:
        bolt = app
        from bot.metrics import exposition

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                if self.path.split("?", 1)[0] != EVENTS_PATH:
                    self._reply(404, b"not found")
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_REQUEST_BYTES:
                    self._reply(413, b"request too large")
                    self.close_connection = True
                    return
                body = self.rfile.read(length).decode("utf-8", errors="replace")
                request = BoltRequest(
                    body=body,
                    query=self.path.split("?", 1)[1] if "?" in self.path else None,
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                response = bolt.dispatch(request)
                headers = {k: v[0] for k, v in response.headers.items() if v}
                self._reply(response.status, response.body.encode("utf-8"), headers)

            def do_GET(self) -> None:
                if self.path == "/health":
                    self._reply(200, b"ok")
                elif self.path.split("?", 1)[0] == "/metrics":
                    body, content_type = exposition()
                    self._reply(200, body, {"content-type": content_type})
                else:
                    self._reply(404, b"not found")

            def _reply(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for name, value in (headers or {"content-type": "text/plain"}).items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                logger.debug("slack http: " + format, *args)

        self.handler = Handler
        self.address = (host, port)
        self.server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        """The bound port (port 0 in the settings picks a free one at start)."""
        return int(self.server.server_address[1]) if self.server else self.address[1]

    def start(self) -> None:
        """Bind and serve in a thread. Raises ConfigError when the address cannot be bound
        (the port in use, or an address this machine does not have)."""
        try:
            self.server = ThreadingHTTPServer(self.address, self.handler)
        except OSError as exc:
            host, port = self.address
            reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"({exc.strerror})"
            raise ConfigError(
                f"cannot listen on {host}:{port}: the port {reason}; set NEWSDESK_HTTP_PORT "
                "(or NEWSDESK_HTTP_HOST) to a free one"
            ) from None
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        logger.info(
            "listening for Slack on http://%s:%s%s", *self.server.server_address[:2], EVENTS_PATH
        )

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class SocketModeFrontend:
    """Socket Mode: newsdesk dials out to Slack, no public URL needed."""

    def __init__(self, app: App, app_token: str) -> None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        self.handler = SocketModeHandler(app, app_token)

    def start(self) -> None:
        self.handler.connect()
        logger.info("connected to Slack with Socket Mode")

    def stop(self) -> None:
        self.handler.close()
