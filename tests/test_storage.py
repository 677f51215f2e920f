"""The Store's connections: a reader never waits for a writer, and sees only what is committed."""

from __future__ import annotations

import threading
from pathlib import Path

from storage import Store


def test_a_read_does_not_wait_for_a_transaction_and_sees_only_committed_rows(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "n.db")
    store.add_source("Before", "https://before.example/feed", "feed")
    inside, release = threading.Event(), threading.Event()
    seen_inside: list[list[str]] = []

    def writer() -> None:
        with store.transaction():
            store.add_source("During", "https://during.example/feed", "feed")
            seen_inside.append([s.outlet for s in store.all_sources()])  # its own write
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(10)
        read: list[list[str]] = []
        reader = threading.Thread(
            target=lambda: read.append([s.outlet for s in store.all_sources()])
        )
        reader.start()
        reader.join(2)
        assert read == [["Before"]], "the read waited for the transaction, or saw its rows"
    finally:
        release.set()
        thread.join(10)
    assert seen_inside == [["Before", "During"]]
    assert [s.outlet for s in store.all_sources()] == ["Before", "During"]
    store.close()
