"""The outbox: entries queued once by key, due by the caller's clock, dated when sent."""

from __future__ import annotations

from storage import Store
from tests.storage.conftest import T0, hours


def test_an_entry_is_queued_once_and_waits_for_its_retry_time(store: Store) -> None:
    assert store.outbox.enqueue("k", None, "C1", "source_failing", {"n": 1}, now=T0)
    assert not store.outbox.enqueue("k", None, "C1", "source_failing", {"n": 2}, now=T0)
    [entry] = store.outbox.pending(T0)
    assert entry.payload == {"n": 1}
    assert store.outbox.oldest_unsent() == T0
    store.outbox.mark_attempt(entry.id, now=T0)
    store.outbox.mark_failed(entry.id, "rate limited", T0 + hours(1))
    assert store.outbox.pending(T0 + hours(0.5)) == []
    assert [e.attempts for e in store.outbox.unsent()] == [1]
    assert [e.id for e in store.outbox.pending(T0 + hours(1))] == [entry.id]


def test_a_sent_entry_keeps_its_ts_and_leaves_the_queue(store: Store) -> None:
    store.outbox.enqueue("k", None, "C1", "digest", {}, now=T0)
    [entry] = store.outbox.pending(T0)
    store.outbox.mark_sent(entry.id, "1715.01", now=T0 + hours(1))
    assert store.outbox.pending(T0 + hours(2)) == [] and store.outbox.oldest_unsent() is None
    assert store.outbox.sent_ts("k") == "1715.01"
    assert store.outbox.all()[0]["sent_at"] == (T0 + hours(1)).isoformat()
    assert store.outbox.counts() == {"pending": 0, "sent": 1}
