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
