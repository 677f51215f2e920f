"""The judged development set's fault kinds, pinned with real-shaped stories: "only in" never
for what another outlet says in other words (the lede above all), never for colour (a
private person's quote, a commentator's view) or a sentence cut at a name's initial; names
are proper nouns, never word forms or common words; quotes changed only in small words are
not items; one input always gives one report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.pipeline.compare import OutletText, compare
from bot.pipeline.compare.model import Story
from bot.pipeline.compare.only_in import background, dated_before, is_fragment
from bot.pipeline.facts import article_text

STORIES = json.loads(
    (Path(__file__).parents[1] / "data" / "differences" / "only_in_kinds.json").read_text("utf-8")
)["stories"]


def texts_of(case: dict) -> list[OutletText]:
    """Each outlet's text, after its headline when the case gives one (as stored articles
    are compared: `model.one_text_per_outlet`)."""
    titles = case.get("titles", {})
    return [
        OutletText(
            outlet,
            str(n),
            article_text(titles.get(outlet, ""), text),
            headline=outlet in titles,
        )
        for n, (outlet, text) in enumerate(case["outlets"].items())
    ]


def shown(difference) -> str:
    evidence = " ".join(e["text"] for v in difference.variants for e in v.evidence)
    return f"{difference.summary} {evidence}"


@pytest.mark.parametrize("case", STORIES, ids=lambda c: c["name"])
def test_only_in_items_are_what_one_outlet_alone_says(case: dict) -> None:
    report = compare(texts_of(case), limit=None)
    only = [shown(d) for d in report if d.kind == "only_in"]
    for word in case.get("only_in_absent", []):
        assert not [item for item in only if word in item], word
    for word in case.get("only_in_present", []):
        assert [item for item in only if word in item], word
    for kind in case.get("kinds_absent", []):
        assert not [d.summary for d in report if d.kind == kind]


def test_a_sentence_cut_at_a_name_initial_is_a_fragment() -> None:
    assert is_fragment(
        "Mueller is trying to determine whether he had intent when he fired James B."
    )
    assert is_fragment("Comey, the former director, was fired in May.", "He fired James B.")
    assert not is_fragment("Mueller wants to know why the president fired James B. Comey in May.")


def test_one_input_gives_one_report() -> None:
    case = STORIES[0]
    first = [d.to_json() for d in compare(texts_of(case), limit=None)]
    again = [d.to_json() for d in compare(texts_of(case), limit=None)]
    assert first == again


def test_a_sentence_dated_a_season_or_more_before_the_story_is_background() -> None:
    published = datetime(2018, 4, 30, 12, tzinfo=UTC)
    paragraphs = [
        "Mueller has a list of questions for Trump.",
        "Manafort and Gates were indicted on Oct. 27 on multiple counts.",
        "In August, North Korea vowed to retaliate against the U.S.",
        "The $1.7 billion was paid to Iran in 2016. It was the first of three payments.",
        "Trump's lawyers met Mueller's team on April 27.",
        "The midterm elections in November will test the party.",
    ]
    fox = OutletText("Fox", "1", "\n\n".join(paragraphs), published=published)
    nyt = OutletText(
        "NYT", "2", "Mueller listed four dozen questions for Trump.", published=published
    )
    story = Story([fox, nyt])
    dated = [background(story, 0, i) for i in range(len(fox.facts.sentences))]
    # The sentence after "... in 2016." is in that paragraph: it keeps its time.
    assert dated == [False, True, True, True, True, False, False]


def test_a_sentence_cut_short_with_an_ellipsis_is_a_fragment() -> None:
    assert is_fragment("Todd Young (Ind.) and Senate Minority Leader Mitch McConnell (Ky.)...")


def test_the_parse_reads_when_a_sentence_happened_and_who_speaks() -> None:
    from bot.pipeline.voices import read_voices

    past, today, expert, official, aide = read_voices(
        [
            'Last year, Trump continually referred to Kim as "Rocket Man."',
            "Trump said on Tuesday that the summit would go ahead in June.",
            '"It can\'t happen," said Tyler, a Republican consultant.',
            "Pentagon spokesperson John Kirby said Wednesday that 68% are vaccinated.",
            "That loyalty could save the deal, said Tyler, the former communications director "
            "for Ted Cruz's presidential campaign.",
        ]
    )
    assert dated_before(past, 2018) and not dated_before(today, 2018)
    assert [s.name for s in expert.speakers] == ["Tyler"]
    assert "consultant" in expert.speakers[0].words
    assert official.speakers[0].name == "John Kirby"
    assert official.speakers[0].words.startswith("Pentagon spokesperson")
    assert [s.name for s in aide.speakers] == ["Tyler"]  # the speaker, not a name in his title


def test_a_claim_verb_in_passing_is_narration_and_a_claim_with_its_clause_is_not() -> None:
    from bot.pipeline.voices import read_voices

    narration, said, reported, stance = read_voices(
        [
            "Overlaying it all was the ill will between Mr. Trump and Mexico that began the "
            "day he announced his candidacy.",
            "He said the deal would be signed on Friday in Geneva.",
            "The news network had reported that the action came after Lisa Monaco asked.",
            "Grant Shapps expressed his support for such a move.",
        ]
    )
    assert not narration.claims
    assert said.claims and reported.claims and stance.claims


def test_the_end_of_a_quote_begun_in_an_earlier_sentence_is_a_fragment() -> None:
    assert is_fragment("I've been saying it for a long time,\" Trump said at the time.")
    assert is_fragment("It is over,” he said.")
    assert is_fragment('[I have] always said we should not tear it apart," Macron said.')
    assert not is_fragment('"They were playing with fire," said McCaul.')
    assert not is_fragment('Trump said: "We will win this.')
    assert not is_fragment("He said “it is over.”")


def test_a_former_office_makes_a_commentator_and_a_present_one_an_official() -> None:
    from bot.pipeline.compare.only_in import outside_voice
    from bot.pipeline.voices import Speaker

    story = Story(
        [
            OutletText("USA Today", "1", "Austin ordered the Pentagon to vaccinate all troops."),
            OutletText("Fox News", "2", "The Pentagon will vaccinate all troops, Austin said."),
        ]
    )
    assert outside_voice(story, 0, Speaker("Reed", "Reed, a former Pentagon aide"))
    assert not outside_voice(story, 0, Speaker("John Kirby", "Pentagon spokesperson John Kirby"))
    assert not outside_voice(story, 0, Speaker("Austin", "Austin"))  # another outlet names him
    assert not outside_voice(story, 0, Speaker("", "officials"))


def test_the_writer_speaking_in_the_first_person_outside_quotes_is_opinion() -> None:
    from bot.pipeline.compare.only_in import _writers_voice

    assert _writers_voice("Before we start celebrating a victory for the White House, let's pause.")
    assert not _writers_voice('"We will win," Trump said of the US troops in World War I.')


def test_a_quotation_standing_alone_has_no_speaker_to_check() -> None:
    from bot.pipeline.compare.only_in import quotation_alone

    assert quotation_alone('"France and the United Kingdom took decisive action in Syria."')
    assert not quotation_alone('"We took decisive action in Syria," Trump said.')
    assert not quotation_alone("Trump said the allies took decisive action in Syria.")


def test_ordinary_news_text_is_not_mistaken_for_opinion_background_or_a_newsroom() -> None:
    """Shapes a reviewer found misread: a road, an outlet's own "told us", a UK single quote;
    the event's own window; an agency that is no newsroom; an adjective that is no stance."""
    from bot.pipeline.compare.model import NEWSROOM
    from bot.pipeline.compare.only_in import _CLAIM, _writers_voice
    from bot.pipeline.voices import read_voices

    assert not _writers_voice("A tanker truck overturned on I-95 near Philadelphia.")
    assert not _writers_voice("A Pentagon spokesman told us the strike killed 12 fighters.")
    assert not _writers_voice("‘We will not be intimidated,’ the prime minister said.")
    window, back = read_voices(
        [
            "Fighting over the last two days has killed 40 people.",
            "Kim has changed course since January with a sequence of meetings.",
        ]
    )
    assert not dated_before(window, 2024) and dated_before(back, 2024)
    assert not NEWSROOM.search("International Atomic Energy Agency")
    assert not NEWSROOM.search("the Post Office")
    assert NEWSROOM.search("The Washington Post") and NEWSROOM.search("CNN")
    assert NEWSROOM.search("Honolulu's Star Advertiser") and NEWSROOM.search("The Hill")
    assert not NEWSROOM.search("Capitol Hill aides")
    assert not _CLAIM.search("Last year, Iran-backed Houthi rebels attacked ships.")


def test_a_speaker_titled_earlier_in_the_article_is_the_story_s_own() -> None:
    from bot.pipeline.compare.only_in import outside_voice
    from bot.pipeline.voices import Speaker

    story = Story(
        [
            OutletText("A", "1", "Acme Motors will cut 500 jobs at its Ohio plant, it said."),
            OutletText(
                "B",
                "2",
                "Acme chief executive John Smith told reporters the cuts were needed. "
                "Smith said Acme Motors would also sell its Ohio battery venture.",
            ),
        ]
    )
    assert not outside_voice(story, 1, Speaker("Smith", "Smith"))
    senator = Speaker("Maria Lopez", "Sen. Maria Lopez, the author of the bill")
    assert not outside_voice(story, 1, senator)


def test_a_denial_is_a_verb_of_denying_not_the_word_false() -> None:
    from bot.pipeline.compare.only_in import _REBUTTAL

    assert _REBUTTAL.search("The Kremlin denied the report on Monday.")
    assert _REBUTTAL.search("Iran rejected the claims as baseless.")
    assert not _REBUTTAL.search("Gates pleaded guilty to making a false statement.")
    assert not _REBUTTAL.search("Trump dismissed concerns of strained ties.")


def test_a_text_without_line_breaks_is_not_one_paragraph_in_time() -> None:
    published = datetime(2025, 1, 19, 12, tzinfo=UTC)
    sentences = [
        "Israel and Hamas agreed a ceasefire on Sunday, officials said.",
        "The two sides last agreed a ceasefire in Gaza in 2021.",
        "Hostages will be released in stages over six weeks, officials said.",
        "Aid trucks will enter Gaza every day, the United Nations said.",
        "Under the deal, the United States will give $500 million in aid, officials said.",
    ]
    text = OutletText("A", "1", " ".join(sentences), published=published)
    story = Story([text, OutletText("B", "2", sentences[0], published=published)])
    assert [background(story, 0, i) for i in range(5)] == [False, True, True, True, False]


def test_the_claim_of_a_sentence_is_what_was_said_without_the_details_hung_on_it() -> None:
    from bot.pipeline.voices import read_voices

    said, aside, lower, unclaimed = read_voices(
        [
            "Press secretary Jen Psaki said Facebook, which owns Instagram and WhatsApp, needs "
            "to work harder to remove false vaccine claims from its platform.",
            "Trump officials initially said there would be no exemptions, sparking an outcry "
            "from Europe.",
            "Secretary Denis McDonough said in a statement made public July 26 that nurses "
            "must get fully vaccinated.",
            "Secretary Denis McDonough said so in a statement on Monday.",
        ]
    )
    # the relative clause goes, the purpose ("to remove ...") is the claim's own
    assert (
        said.claim
        == "Facebook needs to work harder to remove false vaccine claims from its platform"
    )
    assert aside.claim == "there would be no exemptions"  # the participle clause is a detail
    assert lower.claim == "that nurses must get fully vaccinated"  # said, hung on "made"
    # no clause said: the sentence is all the claim there is, not "McDonough said"
    assert unclaimed.claim == "Secretary Denis McDonough said so in a statement on Monday."
