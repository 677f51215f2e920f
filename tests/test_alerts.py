"""Who hears what: edits in the thread, watched words, mutes, thresholds per channel, and a
source failing for a day, on real feeds and a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.pipeline.edits import revision_changes
from tests.conftest import LoopbackServer, Reply, seed_text
from tests.newsroom import (
    SEEDS,
    make_watcher,
    publish_feed,
    publish_seed,
    serve_article,
    slug_of,
    watch_outlets,
)

ALERTS = "C0ALERTS"
OUTLETS = [o for _, o, _ in SEEDS]


def events(watcher) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(row["event"], row["channel"]) for row in watcher.store.outbox.all()]


def test_a_substantive_edit_is_one_reply_and_a_trivial_one_none(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=ALERTS)
    sources = watch_outlets(watcher, server, OUTLETS)
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    before = len(watcher.store.outbox.all())
    prefix, outlet, title = SEEDS[0]
    text = seed_text(prefix)
    # Typography and spacing only: a revision is stored, nobody is told.
    republish(server, outlet, title, text.replace("’", "'").replace(". ", ".  "), "v2")
    assert watcher.poll(sources[outlet]).revisions == 1
    assert len(watcher.store.outbox.all()) == before
    # A figure changes: one reply, with the old and new sentence.
    republish(server, outlet, title, text.replace("five-point plan", "six-point plan"), "v3")
    assert watcher.poll(sources[outlet]).revisions == 1
    new = watcher.store.outbox.all()[before:]
    assert [row["event"] for row in new if row["event"] == "edit"] == ["edit"]
    change = json.loads(next(r for r in new if r["event"] == "edit")["payload"])["changes"][0]
    assert "five-point plan" in change["old"] and "six-point plan" in change["new"]


def republish(server: LoopbackServer, outlet: str, title: str, text: str, version: str) -> None:
    """The article's page changes and its feed entry says it was updated."""
    url = serve_article(server, f"{slug_of(outlet)}-story", outlet, title, text)
    publish_feed(server, slug_of(outlet), [(title, url)], description=f"updated {version}")


def test_trivial_changes_are_not_edits() -> None:
    text = 'He said: "We will train 2,000 soldiers." The plan was agreed on Monday.'
    assert (
        revision_changes("Title", text, "Title ", text.replace('"', "“", 1).replace('."', ".”"))
        == []
    )
    changed = revision_changes("Title", text, "New title", text.replace("2,000", "3,000"))
    assert [c["where"] for c in changed] == ["headline", "text"]


def test_a_watching_channel_hears_only_matching_stories_and_a_muted_story_only_its_news_once(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=ALERTS)
    watcher.store.slack.update_channel(
        "C0UKRAINE", user="U1", watch=["ukraine troops"], now=datetime.now(UTC)
    )
    watcher.store.slack.update_channel(
        "C0SPORT", user="U1", watch=["football transfer"], now=datetime.now(UTC)
    )
    watcher.store.slack.update_channel(
        "C0STRICT", user="U1", watch=["healey"], threshold=4, now=datetime.now(UTC)
    )
    sources = watch_outlets(watcher, server, OUTLETS)
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    alerted = {channel for event, channel in events(watcher) if event == "alert"}
    assert alerted == {ALERTS, "C0UKRAINE"}
    story_id = watcher.store.outbox.all()[0]["story_id"]
    now = datetime.now(UTC)
    for channel in (ALERTS, "C0UKRAINE", "C0STRICT"):
        watcher.store.slack.mute_story(
            story_id, channel, "U1", at=now, until=now + timedelta(hours=24)
        )
    count = len(watcher.store.outbox.all())
    publish_seed(watcher, server, sources, SEEDS[3][0])  # a fourth outlet, but muted
    # No alert, reply or update; at most the one "muted, but it has news" per channel.
    new = [(row["event"], row["channel"]) for row in watcher.store.outbox.all()[count:]]
    assert {event for event, _ in new} <= {"muted_news"}
    assert len(new) == len(set(new))


def test_a_channel_threshold_changes_when_it_hears(server: LoopbackServer, tmp_path: Path) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=ALERTS)
    watcher.store.slack.update_channel(ALERTS, user="U1", threshold=2, now=datetime.now(UTC))
    sources = watch_outlets(watcher, server, OUTLETS)
    publish_seed(watcher, server, sources, SEEDS[0][0])
    assert events(watcher) == []
    publish_seed(watcher, server, sources, SEEDS[1][0])
    assert events(watcher)[0] == ("alert", ALERTS)


def test_a_source_failing_for_a_day_is_reported_once(
    server: LoopbackServer, tmp_path: Path
) -> None:
    now = [datetime.now(UTC)]
    watcher = make_watcher(tmp_path / "n.db", channel=ALERTS)
    watcher.clock = lambda: now[0]
    server.routes["/broken/feed.xml"] = Reply(500, b"down")
    source = watcher.store.sources.add(
        "Broken", f"{server.url}/broken/feed.xml", "feed", now=datetime.now(UTC)
    )
    for hours in (0, 1, 25, 26, 50):
        now[0] = datetime.now(UTC) + timedelta(hours=hours)
        assert not watcher.poll(source).ok
    failing = [row for row in watcher.store.outbox.all() if row["event"] == "source_failing"]
    assert len(failing) == 1 and failing[0]["channel"] == ALERTS
    assert "Broken" in failing[0]["payload"]


def test_articles_of_a_told_story_are_rechecked_and_a_correction_is_noted(
    server: LoopbackServer, tmp_path: Path
) -> None:
    now = [datetime.now(UTC)]
    watcher = make_watcher(tmp_path / "n.db", channel=ALERTS, poll_seconds=300)
    watcher.clock = lambda: now[0]
    sources = watch_outlets(watcher, server, OUTLETS)
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    assert watcher.recheck_due() == 0  # just placed: scheduled, not fetched
    before = len(watcher.store.outbox.all())
    prefix, outlet, title = SEEDS[0]
    edited = seed_text(prefix).replace("five-point plan", "six-point plan")
    edited += "\n\nCorrection: an earlier version of this article gave the wrong number of points."
    serve_article(
        server, f"{slug_of(outlet)}-story", outlet, title, edited
    )  # the feed is unchanged
    assert watcher.recheck_due() == 0  # not due yet
    now[0] += timedelta(minutes=6)  # young articles are checked every poll interval
    assert watcher.recheck_due() == 3
    [edit] = [r for r in watcher.store.outbox.all()[before:] if r["event"] == "edit"]
    payload = json.loads(edit["payload"])
    assert payload["corrections"][0].startswith("Correction: an earlier version")
    assert any("six-point plan" in c["new"] for c in payload["changes"])
    now[0] += timedelta(minutes=6)
    assert watcher.recheck_due() == 3
    assert [r for r in watcher.store.outbox.all()[before:] if r["event"] == "edit"] == [edit]


def test_a_headline_flipping_back_is_reported_once(server: LoopbackServer, tmp_path: Path) -> None:
    watcher = make_watcher(tmp_path / "n.db", channel=ALERTS)
    sources = watch_outlets(watcher, server, OUTLETS)
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    prefix, outlet, title = SEEDS[0]
    url = serve_article(server, f"{slug_of(outlet)}-story", outlet, title, seed_text(prefix))
    for headline in (
        "UK weighs sending troops to train Ukraine's army",
        title,
        "UK weighs sending troops to train Ukraine's army",
    ):
        publish_feed(server, slug_of(outlet), [(headline, url)])
        watcher.poll(sources[outlet])
    edits = [json.loads(r["payload"]) for r in watcher.store.outbox.all() if r["event"] == "edit"]
    headlines = [c["new"] for e in edits for c in e["changes"] if c["where"] == "headline"]
    assert headlines == ["UK weighs sending troops to train Ukraine's army"]


def test_a_difference_keeps_its_identity_as_outlets_join() -> None:
    from bot.pipeline.alerts import difference_key

    said = {"article": "1", "text": "Russia strongly denied such allegations."}
    before = {
        "kind": "only_in",
        "subject": "strongly, denied",
        "variants": [{"value": "strongly, denied", "outlets": ["A"], "evidence": [said]}],
    }
    after = {
        "kind": "only_in",
        "subject": "denied",
        "variants": [
            {
                "value": "denied",
                "outlets": ["A", "B"],
                "evidence": [said, {"article": "2", "text": "Moscow denied it."}],
            }
        ],
    }
    assert difference_key(before) == difference_key(after)
    toll = {
        "kind": "number",
        "subject": "people killed",
        "variants": [{"value": "14", "outlets": ["A"]}, {"value": "15", "outlets": ["B"]}],
    }
    more = {**toll, "variants": [*toll["variants"], {"value": "19", "outlets": ["C"]}]}
    assert difference_key(toll) != difference_key(more)  # a new figure is news
