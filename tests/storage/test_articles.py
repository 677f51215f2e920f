"""Articles: revisions dated by the caller's clock, and rechecks of the stories that alerted."""

from __future__ import annotations

from storage import Store
from tests.storage.conftest import T0, hours, placed


def test_an_article_is_first_seen_and_revised_at_the_times_given(store: Store) -> None:
    article = placed(store, "a", "Bridge closes", story=1, now=T0)
    assert store.articles.get(article).first_seen == T0.isoformat()  # type: ignore[union-attr]
    revision = store.articles.save_revision(
        article,
        title="Bridge closes for a week",
        text="Longer text.",
        fingerprint="f2",
        entry_fingerprint="e2",
        facts='{"numbers": []}',
        now=T0 + hours(5),
    )
    assert revision == 2
    row = store.articles.get(article)
    assert row.seen_at == (T0 + hours(5)).isoformat() and row.revision == 2  # type: ignore[union-attr]
    assert [r["fetched_at"] for r in store.articles.revisions(article)] == [
        T0.isoformat(),
        (T0 + hours(5)).isoformat(),
    ]
    assert store.articles.current_facts(article) == '{"numbers": []}'
    assert store.articles.revision_titles(article) == {"Bridge closes", "Bridge closes for a week"}


def test_only_members_of_stories_that_alerted_are_due_for_a_check(store: Store) -> None:
    told = placed(store, "a", "Told story", story=1, now=T0)
    placed(store, "b", "Untold story", story=2, now=T0)
    assert store.articles.due_for_check(T0 + hours(1), since=T0 - hours(1)) == []
    store.outbox.enqueue("alert:1", 1, "C1", "alert", {}, now=T0)
    due = store.articles.due_for_check(T0 + hours(1), since=T0 - hours(1))
    assert [a.id for a in due] == [told]
    store.articles.schedule_check(told, T0 + hours(2))
    assert store.articles.due_for_check(T0 + hours(1), since=T0 - hours(1)) == []
    assert [a.id for a in store.articles.due_for_check(T0 + hours(2), since=T0)] == [told]
