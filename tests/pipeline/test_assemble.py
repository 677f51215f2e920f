"""Placing articles: joining a story, the time window, and forgetting what left it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.pipeline.assemble import StoryAssembler
from bot.pipeline.furniture import clean_text
from tests.conftest import seed_text

T0 = datetime(2024, 12, 19, 8, tzinfo=UTC)


def test_coverage_within_the_window_joins_and_outside_it_starts_a_new_story() -> None:
    assembler = StoryAssembler(window_hours=72)
    first = assembler.place(
        "ft",
        "Financial Times",
        "UK considers sending troops to Ukraine",
        clean_text(seed_text("003")),
        T0,
    )
    near = assembler.place(
        "tg",
        "The Telegraph",
        "British troops could be sent to Ukraine",
        clean_text(seed_text("002")),
        T0 + timedelta(hours=2),
    )
    assert first.kind == "new" and near.kind == "joined" and near.story == first.story
    assert near.why["hours_apart"] == 2.0 and near.why["shared_terms"]
    late = assembler.place(
        "ukp",
        "UK Profits",
        "UK considers sending troops to train Ukrainian forces",
        clean_text(seed_text("004")),
        T0 + timedelta(days=10),
    )
    assert late.kind == "new" and late.story != first.story


def test_forgetting_old_articles_empties_memory() -> None:
    assembler = StoryAssembler(window_hours=72)
    assembler.place("ft", "Financial Times", "UK troops", clean_text(seed_text("003")), T0)
    assembler.forget_before(T0 + timedelta(hours=1))
    assert assembler.story_of == {} and len(assembler.duplicates) == 0
