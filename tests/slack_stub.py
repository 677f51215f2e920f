"""A recording stand-in for Slack's Web API on 127.0.0.1 (SLACK_API_URL points here).

It keeps the messages posted (with their metadata, so conversations.history and .replies
work), answers response_url posts, and can be told to answer 429 with Retry-After, 500, or
to hold a response (a request Slack received whose answer never arrived).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.conftest import SHUTDOWN_POLL


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclass
class Failure:
    status: int
    retry_after: int | None = None
    until: float | None = None  # fail every call until this time of the stub's clock
    count: int = 0  # or fail this many calls


@dataclass
class SlackStub:
    token: str = "xoxb-test"
    calls: list[Call] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, Failure] = field(default_factory=dict)
    hold_seconds: float = 0.0  # delay before answering chat.postMessage (after recording it)
    app_token: str = "xapp-test"
    socket_url: str | None = None  # what apps.connections.open hands out (Socket Mode)
    # The token's scopes, as the app manifest asks for them (x-oauth-scopes of each answer).
    scopes: tuple[str, ...] = (
        "chat:write",
        "chat:write.public",
        "commands",
        "channels:history",
        "groups:history",
    )
    # Seconds, like time.monotonic; a test on a fake clock passes its own so that a window
    # of failures (`fail(seconds=...)`) passes without waiting for it.
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = int(time.time())
        self._count = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw).items()}
                if self.path.startswith("/response/"):
                    with stub._lock:
                        stub.responses.append({"path": self.path, "at": time.monotonic(), **params})
                    self._send(200, {"ok": True})
                    return
                method = self.path.rsplit("/", 1)[-1]
                status, headers, body = stub._answer(method, params, self.headers)
                self._send(status, body, headers)

            def _send(
                self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.api_url = f"{self.base}/api/"
        threading.Thread(
            target=self.httpd.serve_forever, args=(SHUTDOWN_POLL,), daemon=True
        ).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.base}/response/{name}"

    # --- scripting ------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        count: int = 0,
        seconds: float | None = None,
    ) -> None:
        until = self.clock() + seconds if seconds is not None else None
        self.failures[method] = Failure(status, retry_after, until, count)

    @contextmanager
    def held(self, seconds: float) -> Iterator[None]:
        self.hold_seconds = seconds
        try:
            yield
        finally:
            self.hold_seconds = 0.0

    # --- what was posted ------------------------------------------------------------------

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.messages if channel is None or m["channel"] == channel]

    def parents(self) -> list[dict[str, Any]]:
        return [m for m in self.posted() if not m.get("thread_ts")]

    def replies(self, ts: str) -> list[dict[str, Any]]:
        return [m for m in self.posted() if m.get("thread_ts") == ts]

    def keys(self) -> list[str]:
        return [m["metadata"]["event_payload"]["key"] for m in self.posted() if m.get("metadata")]

    def methods(self) -> list[str]:
        with self._lock:
            return [c.method for c in self.calls]

    # --- answering ------------------------------------------------------------------------

    def _answer(
        self, method: str, params: dict[str, Any], headers: Any
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        auth = headers.get("Authorization") or ""
        with self._lock:
            call = Call(method, params, time.monotonic())
            self.calls.append(call)
            failure = self.failures.get(method)
            if failure and (failure.count > 0 or (failure.until and self.clock() < failure.until)):
                failure.count = max(0, failure.count - 1)
                call.status = failure.status
                extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
                error = "ratelimited" if failure.status == 429 else "internal_error"
                return failure.status, extra, {"ok": False, "error": error}
            wanted = self.app_token if method == "apps.connections.open" else self.token
            if auth != f"Bearer {wanted}":
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            body = self._method(method, params)
        if method == "chat.postMessage" and self.hold_seconds:
            time.sleep(self.hold_seconds)
        # Slack names the token's scopes in a header of every Web API answer.
        return 200, {"x-oauth-scopes": ",".join(self.scopes)}, body

    def _method(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "newsdesk",
            }
        if method == "chat.postMessage":
            self._count += 1
            message = {**params, "ts": f"{self._epoch}.{self._count:06d}"}
            for name in ("blocks", "metadata"):
                if isinstance(message.get(name), str):
                    message[name] = json.loads(message[name])
            self.messages.append(message)
            return {
                "ok": True,
                "channel": params["channel"],
                "ts": message["ts"],
                "message": message,
            }
        if method == "chat.update":
            for message in self.messages:
                if message["ts"] == params["ts"] and message["channel"] == params["channel"]:
                    message.update({k: v for k, v in params.items() if k not in ("ts", "channel")})
                    message["edited"] = message.get("edited", 0) + 1
                    return {"ok": True, "channel": params["channel"], "ts": params["ts"]}
            return {"ok": False, "error": "message_not_found"}
        if method == "conversations.history":
            oldest = float(params.get("oldest") or 0)
            found = [
                m
                for m in self.messages
                if m["channel"] == params["channel"]
                and not m.get("thread_ts")
                and float(m["ts"]) >= oldest
            ]
            return {"ok": True, "messages": list(reversed(found))}
        if method == "conversations.replies":
            found = [
                m
                for m in self.messages
                if m["channel"] == params["channel"]
                and (m["ts"] == params["ts"] or m.get("thread_ts") == params["ts"])
            ]
            return {"ok": True, "messages": found}
        if method == "chat.getPermalink":
            ts = str(params["message_ts"]).replace(".", "")
            return {
                "ok": True,
                "permalink": f"https://newsroom.slack.com/archives/{params['channel']}/p{ts}",
            }
        return {"ok": True}
