"""Fuzzing the stages that read outside text: no input makes extraction, facts, comparison
or Slack rendering raise anything but the errors they promise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import ExtractionError
from bot.pipeline.compare import OutletText, compare
from bot.pipeline.edits import correction_notes, revision_changes
from bot.pipeline.facts import extract_facts
from bot.pipeline.feeds import parse_feed
from bot.pipeline.furniture import clean_text
from bot.pipeline.pages import extract_page
from bot.slack import blocks

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like news often enough to reach deep code: numbers, quotes, names, units.
news_words = st.sampled_from(
    [
        "£225m",
        "15",
        "at least",
        "five",
        "killed",
        "\u201c",
        "\u201d",
        '"',
        "said",
        "Mr.",
        "Healey",
        "Kyiv",
        "per cent",
        "$1.2bn",
        "told",
        "LBC",
        "according to",
        "\n\n",
        ".",
        ",",
        "’",
        "million",
        "20%",
        "Correction:",
        "not",
        "denied",
        "confirmed",
        "ADVERTISEMENT",
        "Related",
        "—",
        "…",
    ]
)
newsy = st.lists(st.one_of(news_words, st.text(max_size=12)), max_size=60).map(" ".join)
texts = st.one_of(st.text(max_size=400), newsy)


@FAST
@given(texts)
def test_facts_never_raise_and_offsets_point_into_the_text(text: str) -> None:
    facts = extract_facts(text)
    for sentence in facts.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(text)
    for number in facts.numbers:
        assert 0 <= number.sentence < max(1, len(facts.sentences))


@FAST
@given(texts, texts)
def test_comparing_any_two_texts_never_raises(a: str, b: str) -> None:
    for difference in compare([OutletText("A", "a", a), OutletText("B", "b", b)], None):
        assert difference.kind in {
            "number",
            "quote",
            "name",
            "title",
            "attribution",
            "only_in",
            "conflict",
        }
        assert difference.summary


@FAST
@given(
    st.one_of(
        st.binary(max_size=2000),
        texts.map(lambda t: f"<html><body><p>{t}</p></body></html>".encode()),
    )
)
def test_extraction_raises_only_its_own_error(content: bytes) -> None:
    try:
        extract_page(content, "https://news.example/a")
    except ExtractionError:
        pass
    try:
        parse_feed(content, "application/rss+xml")
    except ExtractionError:
        pass
    clean_text(content.decode("utf-8", "replace"))


@FAST
@given(texts, texts)
def test_edits_and_slack_rendering_never_raise(old: str, new: str) -> None:
    changes = revision_changes(old[:50], old, new[:50], new)
    correction_notes(old, new)
    article = {
        "outlet": old[:20],
        "title": new[:80],
        "url": new[:40],
        "published": None,
        "placement": "new",
        "article_id": 1,
    }
    message = blocks.edit({"article": article, "changes": changes, "corrections": [new[:100]]})
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    blocks.coverage({"coverage": [article]})
