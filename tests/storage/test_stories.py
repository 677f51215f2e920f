"""Stories: the headline, the counted outlets and whether a story alerted, each decided once."""

from __future__ import annotations

from storage import Store
from tests.storage.conftest import T0, hours, placed


def test_a_story_is_headed_by_its_earliest_published_member_whoever_was_placed_first(
    store: Store,
) -> None:
    placed(store, "late", "Late headline", story=1, published=T0 + hours(2))
    placed(store, "early", "Early headline", story=1, published=T0)
    assert store.stories.get(1)["title"] == "Early headline"  # type: ignore[index]
    assert [m.title for m in store.stories.members(1)][0] == "Early headline"
    assert [s["title"] for s in store.stories.matching("headline")] == ["Early headline"]
    assert [s["title"] for s in store.stories.latest(1)] == ["Early headline"]


def test_members_published_at_the_same_time_are_headed_by_the_first_placed(store: Store) -> None:
    placed(store, "first", "First placed", story=1, published=T0)
    placed(store, "second", "Second placed", story=1, published=T0)
    assert store.stories.get(1)["title"] == "First placed"  # type: ignore[index]


def test_a_revised_headline_of_the_leading_member_heads_the_story(store: Store) -> None:
    article = placed(store, "a", "Old wording", story=1, published=T0)
    placed(store, "b", "Another", story=1, published=T0 + hours(1))
    store.articles.save_revision(
        article,
        title="New wording",
        text="New wording. The text of it.",
        fingerprint="new",
        entry_fingerprint=None,
        now=T0 + hours(3),
    )
    assert store.stories.get(1)["title"] == "New wording"  # type: ignore[index]


def test_a_copy_of_another_outlets_text_is_not_a_counted_outlet_in_any_query(
    store: Store,
) -> None:
    placed(store, "a", "Bridge closes", story=1, placement="new")
    placed(store, "b", "Bridge closes", story=1, placement="copy")
    placed(store, "c", "Bridge closes again", story=1)
    placed(store, "d", "Bridge closes", story=2, placement="new")
    placed(store, "e", "Bridge closes", story=2, placement="copy")
    assert {s["id"]: s["outlet_count"] for s in store.stories.matching("bridge")} == {1: 2, 2: 1}
    assert [s["id"] for s in store.stories.latest(2)] == [1]
    assert store.stories.widest() == (1, 2)
    assert {s["id"]: s["outlet_count"] for s in store.stories.active_since(T0)} == {1: 2, 2: 1}


def test_a_story_has_alerted_once_an_alert_entry_is_queued_for_it(store: Store) -> None:
    placed(store, "a", "Bridge closes", story=1)
    assert not store.stories.alerted(1)
    assert store.stories.get(1)["alerted_at"] is None  # type: ignore[index]
    store.outbox.enqueue("k1", 1, "C1", "update", {}, now=T0)
    assert not store.stories.alerted(1)
    store.outbox.enqueue("k2", 1, "C1", "alert", {}, now=T0 + hours(1))
    store.outbox.enqueue("k3", 1, "C2", "alert", {}, now=T0 + hours(2))
    assert store.stories.alerted(1)
    assert store.stories.get(1)["alerted_at"] == (T0 + hours(1)).isoformat()  # type: ignore[index]
    assert store.outbox.alerted_channels(1) == {"C1", "C2"}
    assert [s["alerted_at"] for s in store.stories.active_since(T0)] == [
        (T0 + hours(1)).isoformat()
    ]
