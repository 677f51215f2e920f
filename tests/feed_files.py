"""Feed files of tests/data/feeds: each states, in a comment at its top, the headers it is
served with (`Header: Name: value`) and what it must produce (`Expect: <expression>`, over
`entries` and `server`, feedparser's way). The bytes are served unchanged."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import LoopbackServer, Reply

FEEDS = Path(__file__).parent / "data" / "feeds"
_HEADER = re.compile(rb"^Header:\s+([^:]+):\s*(.+?)\s*$", re.MULTILINE)
_EXPECT = re.compile(rb"^Expect:\s+(.+?)\s*$", re.MULTILINE)


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def feed_headers(name: str) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in _HEADER.findall(feed_bytes(name)[:2000])}


def feed_expectations(name: str) -> list[str]:
    return [e.decode("ascii") for e in _EXPECT.findall(feed_bytes(name)[:4000])]


def serve_feed_file(server: LoopbackServer, name: str, path: str | None = None) -> str:
    """Serve tests/data/feeds/`name` byte for byte at `path` (default /feeds/`name`);
    returns its URL."""
    path = path or f"/feeds/{name}"
    server.routes[path] = Reply(body=feed_bytes(name), headers=feed_headers(name))
    return server.url + path
