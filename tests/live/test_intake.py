"""The watcher's decision about a read entry, taken before any write: new, revision, same text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.live.intake import FUTURE_TOLERANCE, IntakeKind, decide_intake, fingerprint, identity

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TEXT = "The council voted 7 to 2 on Tuesday to close the bridge for repairs."


def decide(**given):
    values = dict(
        stored_fingerprint=None,
        title="Bridge to close",
        page_title="",
        text=TEXT,
        entry_fingerprint="entry-1",
        published=NOW - timedelta(hours=1),
        now=NOW,
    )
    values.update(given)
    return decide_intake(**values)


def test_an_article_not_stored_is_new_and_counts_as_seen_when_published() -> None:
    intake = decide()
    assert intake.kind == IntakeKind.NEW
    assert intake.published == NOW - timedelta(hours=1)
    assert intake.seen == NOW - timedelta(hours=1)
    assert intake.text_fingerprint == fingerprint("Bridge to close", TEXT)


def test_a_stored_article_whose_text_changed_is_a_revision() -> None:
    intake = decide(stored_fingerprint=fingerprint("Bridge to close", "Earlier text."))
    assert intake.kind == IntakeKind.REVISION
    assert intake.seen is None


def test_the_same_text_again_only_notes_a_changed_entry() -> None:
    stored = fingerprint("Bridge to close", TEXT)
    assert decide(stored_fingerprint=stored).kind == IntakeKind.SAME_TEXT
    assert decide(stored_fingerprint=stored, entry_fingerprint=None).kind == IntakeKind.NOTHING


def test_whitespace_alone_is_not_a_revision() -> None:
    stored = fingerprint("Bridge  to close", TEXT.replace(" ", "\n  "))
    assert decide(stored_fingerprint=stored).kind == IntakeKind.SAME_TEXT


def test_a_time_beyond_the_tolerance_ahead_of_the_clock_leaves_the_article_undated() -> None:
    ahead = NOW + FUTURE_TOLERANCE + timedelta(minutes=1)
    intake = decide(published=ahead)
    assert (intake.published, intake.seen, intake.future_time) == (None, NOW, ahead)
    drift = NOW + FUTURE_TOLERANCE - timedelta(minutes=1)
    assert decide(published=drift).published == drift
    assert decide(published=drift).seen == NOW  # seen is never later than the clock


def test_an_entry_without_a_title_takes_the_page_title_else_the_start_of_its_text() -> None:
    assert decide(title="", page_title="Page headline").title == "Page headline"
    assert decide(title="", page_title="", text="x" * 200).title == "x" * 120


def test_a_canonical_link_on_the_same_site_is_the_identity_another_site_is_not() -> None:
    url = "https://news.example/a/1?utm_source=feed"
    own = identity(url, None, "https://news.example/a/1")
    assert own == identity("https://news.example/a/1", None, None)
    credited = identity(url, "entry-key", "https://wire.example/story/9")
    assert credited == "entry-key"
