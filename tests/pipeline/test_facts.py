"""Reading facts from one article: numbers normalised with hedges and nouns, quotes with
speakers and venues, sentences with offsets. Real text from the seed documents and data."""

from __future__ import annotations

from bot.pipeline.facts import extract_facts, sentences
from bot.pipeline.furniture import clean_text
from tests.conftest import seed_text


def numbers_of(prefix: str):
    return extract_facts(clean_text(seed_text(prefix))).numbers


def test_the_same_amount_written_two_ways_is_equal() -> None:
    (telegraph,) = [n for n in numbers_of("002") if n.text == "£225 million"]
    (profits,) = [n for n in numbers_of("004") if n.text == "£225m"]
    assert telegraph.value == profits.value == 225_000_000 and telegraph.unit == "GBP"
    assert telegraph.same_amount(profits)
    (loan,) = [n for n in numbers_of("002") if n.unit == "GBP" and n.value > 1e9]
    assert loan.value == 2_260_000_000 and not loan.same_amount(telegraph)


def test_number_words_hedges_and_counted_nouns() -> None:
    (plan,) = [n for n in numbers_of("003") if n.text == "five"]
    assert plan.value == 5 and plan.noun.startswith("point")
    # The Washington Post's line on the Kabul mosque bombing (conflict_examples_dev.jsonl).
    text = (
        "A bombing outside Kabul’s main mosque killed at least two Afghan civilians and "
        "left others wounded, the Taliban says."
    )
    (count,) = extract_facts(text).numbers
    assert (count.value, count.hedge, count.noun) == (2, "at least", "afghan civilians")
    assert text[count.start : count.end] == "two"


def test_years_times_and_names_with_digits_are_not_quantities() -> None:
    facts = extract_facts("The G7 met in 2024 at 10:30am; 40 per cent of 1,200 voters agreed.")
    assert [(n.value, n.unit) for n in facts.numbers] == [(40, "%"), (1200, "")]
    assert facts.numbers[1].noun.startswith("voters")


def test_quotes_keep_speaker_and_venue() -> None:
    quotes = extract_facts(clean_text(seed_text("002"))).quotes
    (critical,) = [q for q in quotes if "critical period" in q.text]
    assert critical.venue == "LBC"
    times = [q for q in extract_facts(clean_text(seed_text("003"))).quotes if "mobilise" in q.text]
    assert times and times[0].venue == "The Times" and times[0].speaker == "he"
    said = extract_facts('Healey said: "Our support is unwavering and will continue."').quotes
    assert [(q.text, q.speaker) for q in said] == [
        ("Our support is unwavering and will continue.", "Healey")
    ]


def test_sentences_point_back_into_the_text() -> None:
    text = clean_text(seed_text("004"))
    parts = sentences(text)
    assert len(parts) > 10
    assert all(text[s.start : s.end] == s.text for s in parts)
    assert not any(s.text.endswith("Mr.") for s in sentences("Mr. Healey spoke. He left."))


def test_a_paragraph_ending_in_an_abbreviation_is_not_joined_to_the_next() -> None:
    text = (
        'The indictment alleged a plot to wage "information warfare" on the U.S.\n\n'
        "However, the Justice Department did not say whether votes were changed."
    )
    assert [s.text for s in sentences(text)] == [
        'The indictment alleged a plot to wage "information warfare" on the U.S.',
        "However, the Justice Department did not say whether votes were changed.",
    ]


def test_an_according_to_source_runs_past_the_periods_of_an_initialism() -> None:
    # AllSides (WSJ on the Wuhan researchers): "U.S." does not end the source.
    facts = extract_facts(
        "Three researchers sought hospital care, according to a previously undisclosed U.S. "
        "intelligence report that could add weight to calls for a probe. Prices rose, "
        "according to the U.N. refugee agency. It fell, according to British officials. "
        "The plant closed, according to Plan B."
    )
    assert [a.source for a in facts.attributions] == [
        "a previously undisclosed U.S. intelligence report",
        "U.N. refugee agency",
        "British officials",
        "Plan B",
    ]
