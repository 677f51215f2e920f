"""Dedupe on the seeds: the same Al Mayadeen article twice, and another outlet's copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.pipeline.dedupe import DuplicateIndex
from bot.pipeline.furniture import clean_text
from tests.conftest import seed_text

T0 = datetime(2024, 12, 19, 13, tzinfo=UTC)


def test_page_and_bare_article_of_one_outlet_are_the_same_article() -> None:
    index = DuplicateIndex()
    index.add("000", "Al Mayadeen English", "UK mulls", clean_text(seed_text("000")), T0)
    match = index.find("Al Mayadeen English", "UK mulls", clean_text(seed_text("001")), T0)
    assert match is not None and match.kind == "same_article" and match.of == "000"


def test_same_text_under_another_outlet_is_a_copy() -> None:
    index = DuplicateIndex()
    index.add("000", "Al Mayadeen English", "UK mulls", clean_text(seed_text("001")), T0)
    match = index.find("Wire Reprints", "UK mulls", clean_text(seed_text("001")), T0)
    assert match is not None and match.kind == "copy"


def test_different_outlets_writing_about_one_event_are_not_duplicates() -> None:
    index = DuplicateIndex()
    index.add("002", "The Telegraph", "t", clean_text(seed_text("002")), T0)
    assert index.find("Financial Times", "f", clean_text(seed_text("003")), T0) is None
    assert index.find("UK Profits", "u", clean_text(seed_text("004")), T0) is None


def test_duplicates_are_forgotten_after_the_window() -> None:
    index = DuplicateIndex(window_hours=72)
    index.add("001", "Al Mayadeen English", "t", clean_text(seed_text("001")), T0)
    later = T0 + timedelta(hours=100)
    assert index.find("Al Mayadeen English", "t", clean_text(seed_text("001")), later) is None
    index.forget_before(later - timedelta(hours=72))
    assert len(index) == 0


def test_index_finds_each_remembered_text_and_none_forgotten_across_merges() -> None:
    """More articles than wait unmerged (`_Postings.MERGE_AT`), some forgotten on the way:
    each kept text is still found as itself, and no forgotten one is found."""
    import random

    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(5000)]
    texts = {f"k{i}": " ".join(rng.choices(vocabulary, k=200)) for i in range(250)}
    index = DuplicateIndex()
    for i, (key, text) in enumerate(list(texts.items())[:150]):
        index.add(key, f"Outlet {i % 5}", key, text, T0 + timedelta(minutes=i))
    forgotten = index.forget_before(T0 + timedelta(minutes=100))
    assert len(forgotten) == 100 and len(index) == 50  # more dead than live: compacted
    later = T0 + timedelta(hours=3)
    for i, (key, text) in enumerate(list(texts.items())[150:]):  # merged with the survivors
        index.add(key, f"Outlet {i % 5}", key, text, later)
    for key, text in texts.items():
        match = index.find("Elsewhere", "other title", text, later)
        if key in forgotten:
            assert match is None
        else:
            assert match is not None and match.of == key and match.kind == "copy", key
