"""A server on 127.0.0.1 that answers each path with a whole HTTP response kept in a file:
status line, headers and body exactly as a real server sent them, nothing added."""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any

from tests.conftest import SHUTDOWN_POLL

DATA = Path(__file__).resolve().parent / "data" / "fetch"
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def expectation(raw: bytes) -> dict[str, Any]:
    """What a response file must produce: the JSON of its `X-Test-Expect` header line."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "x-test-expect":
            return dict(json.loads(value))
    raise AssertionError("the response file has no X-Test-Expect line")


class RawServer:
    """Routes are path -> response bytes; every request's path is recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, bytes] = {}
        self.requested: list[str] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request_line = self.rfile.readline().decode("latin-1")
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # the request's headers: not needed to answer
                parts = request_line.split()
                path = parts[1] if len(parts) > 1 else "/"
                server.requested.append(path)
                self.wfile.write(server.routes.get(path, NOT_FOUND))
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_WR)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.tcp.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.tcp.server_address[1]}"
        threading.Thread(target=self.tcp.serve_forever, args=(SHUTDOWN_POLL,), daemon=True).start()

    def serve_file(self, path: str, name: str) -> bytes:
        raw = (DATA / name).read_bytes()
        self.routes[path] = raw
        return raw

    def close(self) -> None:
        self.tcp.shutdown()
        self.tcp.server_close()
