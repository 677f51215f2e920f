"""Slack state: channel settings, mutes that end, threads, digests, differences told once."""

from __future__ import annotations

from storage import Store
from tests.storage.conftest import T0, hours, placed


def test_a_channel_setting_changed_alone_keeps_the_others(store: Store) -> None:
    store.slack.update_channel("C1", user="U1", threshold=3, now=T0)
    store.slack.update_channel("C1", user="U2", watch=["bridge"], now=T0 + hours(1))
    store.slack.set_channel_schedule(
        "C1", user="U1", field="quiet", value={"start": "22:00"}, now=T0 + hours(2)
    )
    assert store.slack.channel_settings() == {
        "C1": {"threshold": 3, "watch": ["bridge"], "quiet": {"start": "22:00"}, "digest": None}
    }


def test_a_mute_ends_at_its_until_time(store: Store) -> None:
    placed(store, "a", "Bridge closes", story=1)
    store.slack.mute_story(1, "C1", "U1", at=T0, until=T0 + hours(2))
    assert store.slack.is_muted(1, "C1", T0 + hours(1))
    assert not store.slack.is_muted(1, "C2", T0 + hours(1))
    assert [m["title"] for m in store.slack.channel_mutes("C1", T0 + hours(1))] == ["Bridge closes"]
    assert not store.slack.is_muted(1, "C1", T0 + hours(2))
    assert not store.slack.unmute_story(1, "C1", T0 + hours(3))


def test_threads_differences_and_digests_are_each_recorded_once(store: Store) -> None:
    placed(store, "a", "Bridge closes", story=1)
    store.slack.save_thread(1, "C1", "1.0", now=T0)
    store.slack.save_thread(1, "C1", "2.0", now=T0 + hours(1))
    assert store.slack.thread_ts(1, "C1") == "1.0"
    store.slack.remember_differences(1, [("d1", "numbers", "12 or 13")], now=T0)
    store.slack.remember_differences(1, [("d1", "numbers", "12 or 14")], now=T0)
    assert store.slack.told_differences(1) == {"d1"}
    assert store.slack.hold_for_digest("C1", 1, T0)
    assert not store.slack.hold_for_digest("C1", 1, T0 + hours(1))
    assert store.slack.channels_with_pending_digests() == ["C1"]
    with store.transaction():
        store.slack.mark_digested("C1", [1], "digest:C1")
    assert store.slack.pending_digest("C1") == [] and store.slack.digest_channels(1) == {"C1"}
