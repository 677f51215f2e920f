"""The periodic status line counts what happened since the previous line, from the database."""

from __future__ import annotations

import re
from pathlib import Path

from bot.live.status import StatusLine
from tests.conftest import LoopbackServer, Reply
from tests.newsroom import SEEDS, add_feed, make_watcher, publish_seed, watch_outlets


def test_the_status_line_counts_since_the_last_one(server: LoopbackServer, tmp_path: Path) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    sources = watch_outlets(watcher, server, [o for _, o, _ in SEEDS])
    status = StatusLine(watcher.store)  # the four first polls are before it
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    server.routes["/gone/feed.xml"] = Reply(404, b"not found")
    watcher.poll(add_feed(watcher, server, "gone", "Gone"))
    line = status.text()
    assert "4 polls (1 failed), 1 of 5 sources failing; 3 new articles, 1 story" in line
    queued = int(re.search(r"(\d+) messages queued", line).group(1))  # type: ignore[union-attr]
    assert queued > 0 and f"{queued} waiting" in line
    assert status.text().startswith("status: 0 polls (0 failed)")
    assert "0 new articles" in status.text()
