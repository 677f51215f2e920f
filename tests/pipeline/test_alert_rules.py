"""The alert policy's small rules, each decided in one place (pipeline/alerts.py) and used by
the live bot, /story, digests and `newsdesk analyze` alike."""

from __future__ import annotations

import json

from bot.pipeline.alerts import (
    Member,
    counted_outlets,
    counts_as_outlet,
    headline,
    reaches,
    threshold,
)
from bot.pipeline.kinds import TOP_LEVEL, Event, PlacementKind


def member(article_id: int, outlet: str, placement: str, title: str = "t") -> Member:
    return Member(
        article_id, outlet, title, f"https://{outlet}.example/{article_id}", None, placement, False
    )


def test_a_copy_of_another_outlets_text_brings_no_outlet_and_repeats_count_once() -> None:
    placed = [
        ("Wire", PlacementKind.NEW),
        ("Herald", PlacementKind.COPY),  # the Herald ran the wire's text
        ("Wire", PlacementKind.SAME_ARTICLE),
        ("Times", PlacementKind.JOINED),
        ("Herald", PlacementKind.JOINED),  # later with its own text: now it counts
    ]
    assert counted_outlets(placed) == ["Wire", "Times", "Herald"]
    assert [counts_as_outlet(p) for p in PlacementKind] == [True, True, True, False]


def test_placements_read_back_from_storage_as_plain_strings_follow_the_same_rule() -> None:
    assert counted_outlets([("Wire", "new"), ("Herald", "copy"), ("Times", "joined")]) == [
        "Wire",
        "Times",
    ]


def test_a_channel_threshold_falls_back_to_the_default_when_unset() -> None:
    assert threshold(None, 3) == 3
    assert threshold(0, 3) == 3  # stored 0 means "not set" (the command accepts 1 to 50)
    assert threshold(5, 3) == 5


def test_a_story_reaches_its_threshold_at_exactly_that_many_counted_outlets() -> None:
    assert reaches(3, 3)
    assert reaches(4, 3)
    assert not reaches(2, 3)


def test_a_story_is_named_by_its_first_member_in_story_order() -> None:
    members = [member(2, "Times", "new", "Bridge closes"), member(1, "Wire", "joined", "Later")]
    assert headline(members) == "Bridge closes"
    assert headline([]) == ""


def test_event_and_placement_names_are_the_strings_stored_and_sent() -> None:
    assert json.dumps({"event": Event.ALERT, "kind": PlacementKind.COPY}) == (
        '{"event": "alert", "kind": "copy"}'
    )
    assert f"story:1:{Event.HELD}:C1" == "story:1:held:C1"
    assert len({e.value for e in Event}) == len(Event)
    assert "alert" in TOP_LEVEL and "coverage" not in TOP_LEVEL
