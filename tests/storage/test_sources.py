"""Sources: polls and failing spells are dated by the times the caller passes in."""

from __future__ import annotations

from storage import Store
from tests.storage.conftest import T0, hours


def test_a_failing_spell_starts_at_its_first_failure_and_is_claimed_once(store: Store) -> None:
    source = store.sources.add("Broken", "https://broken.example/feed", "feed", now=T0)
    for n in (0, 1, 25):
        store.sources.record_failure(
            source, "HTTP 500", next_attempt_at=T0 + hours(n + 1), elapsed_ms=5, now=T0 + hours(n)
        )
    row = store.sources.get(source)
    assert row.failing_since == T0.isoformat() and row.failures == 3  # type: ignore[union-attr]
    assert row.next_attempt_at == (T0 + hours(26)).isoformat()  # type: ignore[union-attr]
    assert not store.sources.claim_failure_report(source, T0 - hours(1), now=T0 + hours(1))
    assert store.sources.claim_failure_report(source, T0 + hours(1), now=T0 + hours(25))
    assert not store.sources.claim_failure_report(source, T0 + hours(2), now=T0 + hours(26))


def test_a_good_poll_ends_the_failing_spell_and_counts_a_repeated_move(store: Store) -> None:
    source = store.sources.add("A", "https://a.example/feed", "feed", now=T0)
    store.sources.record_failure(
        source, "timeout", next_attempt_at=T0 + hours(1), elapsed_ms=5, now=T0
    )
    polls = [
        store.sources.record_success(
            source,
            etag='"1"',
            last_modified=None,
            new_items=1,
            elapsed_ms=5,
            backfilled=True,
            moved_to="https://a.example/new-feed",
            now=T0 + hours(n),
        )
        for n in (1, 2)
    ]
    assert polls == [1, 2]
    row = store.sources.get(source)
    assert row.failing_since is None and row.failures == 0  # type: ignore[union-attr]
    assert row.last_success_at == (T0 + hours(2)).isoformat()  # type: ignore[union-attr]
    assert [entry["ok"] for entry in store.sources.fetch_log(source)] == [1, 1, 0]


def test_a_removed_source_added_again_is_watched_again_under_its_id(store: Store) -> None:
    source = store.sources.add("A", "https://a.example/feed", "feed", now=T0)
    assert store.sources.remove(source)
    assert store.sources.all() == []
    assert store.sources.add("A", "https://a.example/feed", "feed", now=T0 + hours(1)) == source
    assert [s.id for s in store.sources.active()] == [source]


def test_check_reads_a_stored_database_without_changing_it(tmp_path) -> None:
    import pytest

    from storage import StorageError
    from storage.sources import inspect_read_only

    path = tmp_path / "newsdesk.db"
    store = Store(path)
    store.sources.add("Watched", "https://a.example/feed", "feed", now=T0)
    paused = store.sources.add("Paused", "https://b.example/feed", "feed", now=T0)
    store.sources.set_paused(paused, True)
    store.close()
    before = path.read_bytes()
    assert inspect_read_only(path) == (
        "ok",
        [{"outlet": "Watched", "url": "https://a.example/feed", "kind": "feed"}],
    )
    assert path.read_bytes() == before
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    with pytest.raises(StorageError):
        inspect_read_only(tmp_path / "notes.txt")
