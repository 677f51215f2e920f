"""Shared fixtures: a scriptable HTTP server on 127.0.0.1 and paths to real text."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The seed story's article texts: the tests' own copy of what the demo serves (the demo
# keeps its own in bot/demo/site). Each file's first line says what it must produce.
SEED_DIR = ROOT / "tests" / "data" / "seed"
SHARED_DATA = ROOT.parent / "shared" / "data"
SHARED_GOLD = ROOT.parent / "shared" / "gold"
# How often a test server's loop looks for shutdown: at the default 0.5 s, closing the
# servers of a test took about a second of every test's teardown.
SHUTDOWN_POLL = 0.01


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow or hung server)
    drip: float = 0.0  # seconds between bytes of the body (a slow-loris server)
    endless: bool = False  # the body never ends (the client must stop reading)


Route = Reply | Callable[[dict[str, str]], Reply]


class LoopbackServer:
    """Answers GETs from a dict of routes; records every request (path and headers)."""

    def __init__(self) -> None:  # noqa: C901  # counts the nested handler, a closure over routes
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body as written, no 40 ms stalls

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append((self.path, headers))
                route = server.routes.get(self.path)
                if route is None:
                    reply = Reply(404, b"not found")
                elif callable(route):
                    reply = route(headers)
                else:
                    reply = route
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.endless:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    elif "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if reply.endless:
                        deadline = time.monotonic() + 60
                        while time.monotonic() < deadline:
                            self.wfile.write(reply.body or b"<item>" * 1000)
                    elif reply.drip:
                        for byte in reply.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.drip)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(SHUTDOWN_POLL,), daemon=True
        )
        self.thread.start()

    def paths_requested(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


def seed_text(prefix: str) -> str:
    """The article text of seed `prefix` ("000".."004"), without its `# expect:` line."""
    text = next(SEED_DIR.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    expect, body = text.split("\n", 1)
    assert expect.startswith("# expect: "), f"seed {prefix} does not say what it must produce"
    return body


def rss(items: list[dict[str, str]], title: str = "Test feed") -> bytes:
    """A small RSS 2.0 document (title, link, description, pubDate per item)."""
    body = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link><guid>{i['link']}</guid>"
        f"<pubDate>{i.get('pubDate', 'Thu, 19 Dec 2024 10:00:00 GMT')}</pubDate>"
        f"<description>{i.get('description', '')}</description></item>"
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.com/</link>{body}</channel></rss>"
    ).encode()
