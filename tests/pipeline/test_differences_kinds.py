"""Each failure kind of issue 14 pinned with a small real-shaped example and its right value:
figures typed by spaCy, amounts equal however written, figures compared only within one slot,
one item per quote and per name, and page furniture never reported."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.pipeline.compare import OutletText, compare
from bot.pipeline.compare.numbers import agree
from bot.pipeline.facts import article_text, sentences
from bot.pipeline.quantities import (
    APPROXIMATE_HEDGES,
    HEDGES,
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    Quantity,
    read_quantities,
)

CASES = json.loads(
    (Path(__file__).parents[1] / "data" / "differences" / "failure_kinds.json").read_text("utf-8")
)


def figures(text: str):
    return read_quantities(text, tuple(sentences(text)))


@pytest.mark.parametrize("case", CASES["not_counts"], ids=lambda c: c["text"][:30])
def test_dates_ordinals_times_and_names_are_not_quantities(case: dict) -> None:
    assert [q.text for q in figures(case["text"])] == case["figures"]


@pytest.mark.parametrize("case", CASES["values"], ids=lambda c: c["text"][:30])
def test_figures_have_their_value_in_base_units(case: dict) -> None:
    (figure,) = figures(case["text"])
    assert figure.value == pytest.approx(case["value"], rel=1e-3)
    assert figure.unit == case["unit"]


def test_a_figure_knows_what_it_counts_and_by_which_verb() -> None:
    (figure,) = figures("At least 15 people were killed in the strike, the ministry said.")
    assert (figure.value, figure.hedge, figure.counted, figure.verb) == (
        15,
        "at least",
        "people",
        "kill",
    )


def story(*lines: tuple[str, str], published: list[datetime] | None = None):
    return [
        OutletText(outlet, str(n), text, published=published[n] if published else None)
        for n, (outlet, text) in enumerate(lines)
    ]


def test_a_death_toll_told_four_ways_is_one_number_item_with_outlets_on_each_side() -> None:
    texts = story(
        ("ABC", "At least 14 people were killed in the earthquake in western Nepal, police said."),
        ("CBS", "The earthquake in western Nepal killed 15 people, police said on Saturday."),
        (
            "NPR",
            "Nineteen people were killed in the earthquake in western Nepal, the health ministry said.",
        ),
        ("France 24", "The earthquake in western Nepal killed 20 people, officials said."),
    )
    numbers = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert len(numbers) == 1
    sides = {v.value: v.outlets for v in numbers[0].variants}
    assert sides == {
        "At least 14": ["ABC"],
        "15": ["CBS"],
        "Nineteen": ["NPR"],
        "20": ["France 24"],
    }
    assert "Nineteen (NPR, citing health ministry)" in numbers[0].summary


def test_a_toll_growing_with_publication_time_is_told_as_an_update() -> None:
    texts = story(
        ("ABC", "At least 14 people were killed in the earthquake in western Nepal, police said."),
        ("France 24", "The earthquake in western Nepal killed 20 people, police said."),
        published=[
            datetime(2024, 11, 4, 9, 10, tzinfo=UTC),
            datetime(2024, 11, 4, 14, 30, tzinfo=UTC),
        ],
    )
    (number,) = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert (
        "rose from At least 14 (ABC, 09:10, citing police) to 20 (France 24, 14:30, citing police)"
        in number.summary
    )


def test_an_update_tells_each_value_in_the_order_it_was_first_reported() -> None:
    texts = story(
        ("ABC", "At least 14 people were killed in the earthquake in western Nepal, police said."),
        ("Reuters", "The earthquake in western Nepal killed 19 people, the health ministry said."),
        ("France 24", "The earthquake in western Nepal killed 20 people, police said."),
        published=[
            datetime(2024, 11, 4, 9, 10, tzinfo=UTC),
            datetime(2024, 11, 4, 12, 0, tzinfo=UTC),
            datetime(2024, 11, 4, 14, 30, tzinfo=UTC),
        ],
    )
    (number,) = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert "to 19 (Reuters, 12:00, citing health ministry) to 20" in number.summary


def test_equal_amounts_written_differently_are_no_difference() -> None:
    texts = story(
        (
            "Reuters",
            "Microsoft agreed to buy the games maker in a deal worth $11.1B, the company said.",
        ),
        (
            "AP",
            "Microsoft agreed to buy the games maker in a deal worth $11.1 billion, the company said.",
        ),
        (
            "BBC",
            "Microsoft agreed to buy the games maker in a deal worth about $11 billion, the company said.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_two_vote_tallies_are_one_number_item_even_where_the_model_reads_a_date() -> None:
    # spaCy's small model tags "88-55" here as a DATE and "88-52" as a CARDINAL.
    texts = story(
        ("AP", "The House passed the bill 88-52 on Wednesday, sending it to the governor."),
        ("Reuters", "The House passed the bill 88-55 on Wednesday, sending it to the governor."),
    )
    (item,) = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert sorted(v.value for v in item.variants) == ["88-52", "88-55"]


def test_one_deal_told_with_other_nouns_and_verbs_is_one_number_item() -> None:
    texts = story(
        ("AP", "Microsoft agreed to buy Nuance in a deal worth $8.9 billion, the companies said."),
        ("Reuters", "Microsoft agreed to buy Nuance in a deal worth $11.1B, the companies said."),
        (
            "BBC",
            "Microsoft agreed to buy Nuance in a transaction valued at $11.1 billion, "
            "the companies said.",
        ),
    )
    (item,) = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert sorted(sorted(v.outlets) for v in item.variants) == [["AP"], ["BBC", "Reuters"]]


def test_two_sums_in_sentences_about_different_things_stay_apart() -> None:
    texts = story(
        ("AP", "The company lost $2 billion last year, its annual report showed."),
        ("Reuters", "The government gave the company $5 billion in grants to build two plants."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_usd_100_and_100_dollars_put_both_outlets_on_one_side() -> None:
    texts = story(
        (
            "Al Jazeera",
            "The agency promised each displaced family in Gaza USD 100 in cash aid on Monday.",
        ),
        ("AP", "The agency promised each displaced family in Gaza $100 in cash aid on Monday."),
        (
            "BBC",
            "The agency in Gaza promised displaced families cash aid on Monday, officials said.",
        ),
    )
    for d in compare(texts, limit=None):
        for v in d.variants:
            if "100" in v.value:
                assert {"Al Jazeera", "AP"} <= set(v.outlets)


def test_headcount_and_jobs_cut_are_not_one_slot() -> None:
    texts = story(
        (
            "Reuters",
            "The carmaker, which employs about 75,000 workers, announced the cuts on Tuesday.",
        ),
        ("AP", "The carmaker will cut more than 20,000 jobs, it announced on Tuesday."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_one_word_changed_inside_a_quote_is_one_quote_item() -> None:
    texts = story(
        (
            "Al Jazeera",
            'The ministry said in a statement: "We reject his visit and its aims entirely."',
        ),
        (
            "Reuters",
            'The ministry said in a statement: "We reject his message and its aims entirely."',
        ),
        (
            "AFP",
            'The foreign ministry said in a statement: "We reject his visit and its aims entirely."',
        ),
    )
    quotes = [d for d in compare(texts, limit=None) if d.kind == "quote"]
    assert len(quotes) == 1
    assert "visit" in quotes[0].summary and "message" in quotes[0].summary


def test_a_name_spelled_two_ways_is_one_name_item() -> None:
    texts = story(
        ("CNN", "Trump named Reince Priebus as his chief of staff on Sunday, aides said."),
        ("Breitbart", "Trump named Reince Preibus as his chief of staff on Sunday, aides said."),
    )
    names = [d for d in compare(texts, limit=None) if d.kind == "name"]
    assert [sorted(v.value for v in d.variants) for d in names] == [["Preibus", "Priebus"]]


def test_senator_and_sen_are_one_title() -> None:
    texts = story(
        ("CNN", "Senator Lindsey Graham said the vote would go ahead on Thursday."),
        ("Fox News", "Sen. Lindsey Graham said the vote would go ahead on Thursday."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "title"]


def test_page_furniture_is_never_an_item() -> None:
    texts = story(
        (
            "NBC 5",
            "The storm closed 40 schools across the county on Monday, officials said. "
            "Watch NBC 5 free wherever you are. Join our VIP club with promo code NEWS for 60% off.",
        ),
        (
            "WGN",
            "The storm closed 40 schools across the county on Monday, officials said. "
            "Download the WGN app and watch 4 newscasts live.",
        ),
    )
    shown = json.dumps([d.to_json() for d in compare(texts, limit=None)])
    assert "Watch NBC" not in shown and "promo code" not in shown and "app" not in shown


def _count(value: float, hedge: str = "") -> Quantity:
    return Quantity(0, 1, "x", value, "", "CARDINAL", hedge, "people", "kill", 0)


def test_hedge_groups_hold_only_hedges_the_figure_reader_finds() -> None:
    assert APPROXIMATE_HEDGES | LOWER_BOUNDS | UPPER_BOUNDS <= set(HEDGES)


def test_an_approximate_hedge_widens_agreement_and_a_lower_bound_admits_a_value_just_above() -> (
    None
):
    assert agree(_count(17e6, "about"), _count(16.6e6))
    assert not agree(_count(17e6), _count(16.6e6))
    assert agree(_count(180, "more than"), _count(189))
    assert not agree(_count(150, "at least"), _count(189))


def test_two_rates_every_outlet_gives_together_are_no_number_item() -> None:
    # Steel at 25 percent and aluminum at 10: one slot's words ("tariffs set"), two things.
    texts = story(
        (
            "NYT",
            "The tariffs, set at 25 percent on steel and 10 percent on aluminum, take effect "
            "on Tuesday, the White House said.",
        ),
        (
            "Fox News",
            "Tariffs of 25 percent on steel take effect on Tuesday, the White House said. "
            "Tariffs of 10 percent on aluminum were set at the same time.",
        ),
        ("USA Today", "The tariffs were set at 25 percent for steel, the White House said."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_a_quote_moved_back_a_tense_in_reported_speech_is_no_quote_item() -> None:
    texts = story(
        (
            "USA Today",
            'Downing Street said "further details would be set out in due course" about the visit.',
        ),
        (
            "Fox News",
            'Downing Street said "further details will be set out in due course" about the visit.',
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "quote"]


def test_two_statements_alike_in_words_that_one_outlet_quotes_both_are_no_quote_item() -> None:
    statement = (
        '"This constituted an act of unprecedented treachery: the campaign of a nominee for '
        "President of the United States in league with a hostile foreign power to bolster its "
        'own chance to win the presidency," the party chairman said in a statement Friday.'
    )
    complaint = (
        '"The conspiracy constituted an act of previously unimaginable treachery: the campaign '
        "of the presidential nominee of a major party in league with a hostile foreign power "
        'to bolster its own chance to win the Presidency," the suit states.'
    )
    texts = story(
        ("USA Today", f"The party filed the lawsuit on Friday. {statement}"),
        ("Fox News", f"The party filed the lawsuit on Friday. {complaint} {statement}"),
        ("NYT", f"The party filed the lawsuit on Friday. {complaint}"),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "quote"]


def test_press_secretary_and_spokesperson_are_one_title() -> None:
    texts = story(
        ("NPR", "Pentagon press secretary John Kirby said the strikes were defensive."),
        ("CBS News", "Pentagon spokesperson John Kirby said the strikes were defensive."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "title"]


def test_premier_and_prime_minister_are_one_title_and_defence_minister_another() -> None:
    # AllSides (Haiti, July 2021): "Interim Prime Minister Claude Joseph" / "Claude Joseph,
    # the interim premier".
    texts = story(
        (
            "Reuters",
            "Haitian President Jovenel Moise was shot dead overnight, Interim Prime Minister "
            "Claude Joseph said on Wednesday.",
        ),
        (
            "Washington Examiner",
            "Haitian President Jovenel Moise was killed overnight. Claude Joseph, the interim "
            "premier, said in a statement that the police were in control.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "title"]
    texts = story(
        (
            "Reuters",
            "Haitian President Jovenel Moise was shot dead overnight, Interim Prime Minister "
            "Claude Joseph said on Wednesday.",
        ),
        (
            "Washington Examiner",
            "Haitian President Jovenel Moise was killed overnight. Claude Joseph, the defence "
            "minister, said in a statement that the police were in control.",
        ),
    )
    assert [d.subject for d in compare(texts, limit=None) if d.kind == "title"] == ["Joseph"]


def test_a_hyphenated_measure_counts_the_noun_it_describes() -> None:
    # AllSides (Jan. 6 commission vote): "the chamber's 50-vote minority" and "the 60-vote
    # threshold" are two things measured in votes, not one count told two ways.
    texts = story(
        (
            "Politico",
            "Senate Republicans on Friday blocked a bill that would form an independent "
            "commission, the first filibuster of the year by the chamber's 50-vote minority.",
        ),
        (
            "Washington Examiner",
            "Senate Republicans on Friday blocked a bill that would form an independent "
            "commission, depriving the Democrats of the 60-vote threshold needed to begin debate.",
        ),
        (
            "The Hill",
            "Senate Republicans on Friday blocked a bill that would form an independent "
            "commission, falling short of the 10 GOP votes needed to clear a first hurdle.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]
    (threshold,) = figures("Democrats lacked the 60-vote threshold needed to begin debate.")
    assert (threshold.value, threshold.counted) == (60, "threshold")
    building = story(
        ("NBC News", "The 12-story building in Surfside partially collapsed early Thursday."),
        ("Fox News", "The 13-story building in Surfside partially collapsed early Thursday."),
    )
    assert [d.kind for d in compare(building, limit=None)] == ["number"]


def test_a_count_told_as_an_order_of_magnitude_is_a_range() -> None:
    (figure,) = figures("Online petitions received hundreds of thousands of signatures.")
    assert (figure.value, figure.upper) == (200_000, 1_000_000)
    (figure,) = figures("Dozens of people were injured in the blast, police said.")
    assert (figure.value, figure.upper, figure.counted) == (24, 100, "people")


def test_hundreds_against_two_thousand_is_a_number_item_and_thousands_against_five_is_not() -> None:
    def numbers(a: str, b: str) -> list:
        texts = story(
            ("AP", f"{a} protesters gathered outside the embassy on Sunday, police said."),
            ("Reuters", f"{b} protesters gathered outside the embassy on Sunday, police said."),
        )
        return [d for d in compare(texts, limit=None) if d.kind == "number"]

    (item,) = numbers("Hundreds of", "About 2,000")
    assert sorted(v.value for v in item.variants) == ["About 2,000", "Hundreds"]
    assert not numbers("Thousands of", "About 5,000")
    assert not numbers("Hundreds of", "About 300")


def test_an_order_of_magnitude_beside_an_exact_figure_of_the_same_outlet_adds_no_side() -> None:
    texts = story(
        (
            "NYT",
            "About 150 migrants arrived at the border crossing on Sunday, officials said. "
            "Hundreds of migrants arrived at the border crossing over the weekend, officials said.",
        ),
        (
            "Breitbart",
            "About 130 migrants arrived at the border crossing on Sunday, officials said.",
        ),
    )
    (item,) = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert len(item.variants) == 2


def test_a_quote_credited_to_an_agency_and_to_a_named_official_is_an_attribution_item() -> None:
    said = '"We firmly reject his visit to the region,"'
    texts = story(
        ("Al Jazeera", f"{said} the foreign ministry said in a statement on Sunday."),
        (
            "Reuters",
            f"{said} foreign ministry spokesman Wang Wenbin said in a statement on Sunday.",
        ),
    )
    (item,) = [d for d in compare(texts, limit=None) if d.kind == "attribution"]
    assert sorted(v.value for v in item.variants) == [
        "foreign ministry spokesman Wang Wenbin",
        "the foreign ministry",
    ]


def test_a_claim_credited_to_another_newsroom_or_a_report_is_no_attribution_item() -> None:
    # AllSides: one outlet relays the Wall Street Journal, another cites the intelligence
    # report that others credit to "people briefed" on it; neither is a source of its own.
    texts = story(
        (
            "CNN",
            "Several researchers at China's Wuhan Institute of Virology fell ill in November "
            "2019 and had to be hospitalized, according to two people briefed on the intelligence.",
        ),
        (
            "Wall Street Journal",
            "Three researchers from China's Wuhan Institute of Virology became sick enough in "
            "November 2019 that they sought hospital care, according to a previously "
            "undisclosed U.S. intelligence report.",
        ),
        (
            "The Daily Caller",
            "Three researchers at China's Wuhan Institute of Virology were hospitalized in "
            "November 2019, according to The Wall Street Journal.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "attribution"]
    relayed = [
        OutletText(t.outlet, t.article, t.text.replace("The Wall Street Journal", "The Hill"))
        for t in texts
    ]
    assert not [d for d in compare(relayed, limit=None) if d.kind == "attribution"]


def test_a_document_is_no_source_set_against_officials() -> None:
    # AllSides (Covid origins review): CNN credits "an unclassified summary of the probe",
    # Reuters "officials"; the summary is what the officials released, not a second voice.
    texts = story(
        (
            "CNN",
            "The US intelligence community reached an inconclusive assessment about the origin "
            "of the virus after a 90-day review, according to an unclassified summary of the "
            "probe released publicly.",
        ),
        (
            "Reuters",
            "The US intelligence community reached no firm conclusion about the origin of the "
            "virus after a 90-day review, officials said.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "attribution"]


def test_appointed_and_nominated_are_a_conflict_item() -> None:
    texts = story(
        ("AP", "President Biden appointed Jane Smith as ambassador to Japan on Tuesday."),
        ("Reuters", "President Biden nominated Jane Smith as ambassador to Japan on Tuesday."),
    )
    (item,) = [d for d in compare(texts, limit=None) if d.kind == "conflict"]
    assert "appointed" in item.summary and "nominated" in item.summary


def test_a_percentage_the_outlet_also_gives_elsewhere_is_no_contradiction() -> None:
    # 90% against hospitalization and 47% against infection, against "below 50 percent".
    texts = story(
        (
            "ABC News",
            "The vaccine's effectiveness remains at 90% against hospitalization after six months, "
            "a new study found. After five months, it is just 47% effective at preventing "
            "infection, the study found.",
        ),
        (
            "The Epoch Times",
            "The vaccine's effectiveness falls below 50 percent after five months, according to "
            "a new study.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_a_count_the_outlet_also_gives_elsewhere_is_no_contradiction() -> None:
    # AllSides (vaccine mandate): Fox gives roughly 17 million health-care workers and,
    # elsewhere, the 80 million private-sector workers Axios gives; nobody contradicts.
    texts = story(
        (
            "Fox News",
            "President Biden announced a sweeping vaccine mandate on Thursday. The rule for "
            "health-care facilities will cover roughly 17 million workers. The employer rule "
            "would affect about 80 million private-sector workers.",
        ),
        (
            "Axios",
            "President Biden announced a sweeping vaccine mandate on Thursday that will cover "
            "80 million workers.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_below_is_an_upper_bound_that_agrees_with_a_value_just_under_it() -> None:
    assert agree(_count(50, "below"), _count(47))
    assert not agree(_count(50, "below"), _count(30))


def test_a_share_in_words_agrees_with_the_percentage_it_rounds() -> None:
    three_quarters = Quantity(0, 0, "three quarters", 75.0, "%", "CARDINAL", "more than", "", "", 0)
    nearly_80 = Quantity(0, 0, "nearly 80 percent", 80.0, "%", "PERCENT", "nearly", "", "", 0)
    assert agree(three_quarters, nearly_80)
    a_third = Quantity(0, 0, "a third", 100 / 3, "%", "CARDINAL", "", "", "", 0)
    assert not agree(a_third, Quantity(0, 0, "40 percent", 40.0, "%", "PERCENT", "", "", "", 0))


def test_a_figure_another_outlet_gives_as_a_share_in_words_is_not_only_in() -> None:
    # newswcl50 (caravan at the border): Fox News gives the AP's percentage, the New York
    # Times the same figure as a fraction, in sentences an embedding does not find alike.
    texts = story(
        (
            "Fox News",
            "Hundreds of Central American migrants reached the border crossing at San Ysidro "
            "on Sunday. Nearly 80 percent of asylum-seekers passed the initial screening from "
            "October through December, the latest numbers available, the AP said.",
        ),
        (
            "New York Times",
            "Hundreds of Central American migrants reached the border crossing at San Ysidro "
            "on Sunday to ask for asylum. People who request protection must be referred to an "
            "asylum officer for a screening. More than three quarters of applicants pass that "
            "initial review.",
        ),
    )
    found = compare(texts, limit=None)
    assert not [d for d in found if "80 percent" in d.summary]
    assert not [d for d in found if d.kind == "number"]


def test_a_percentage_another_outlet_rounds_in_a_sentence_of_the_same_words_is_not_only_in() -> (
    None
):
    # AllSides (CDC on the Provincetown cluster): the parse gives the two figures different
    # slot words ("cases" / "those ... vaccinated"), but the sentences share their words.
    texts = story(
        (
            "Axios",
            "A CDC study found vaccinated people can spread the Delta variant. About 74% of 469 "
            "COVID-19 cases associated with large gatherings held in Barnstable County, Mass., "
            "from July 3 to 17 were among fully vaccinated people, according to data released "
            "Friday.",
        ),
        (
            "The Daily Caller",
            "A CDC study found vaccinated people can spread the Delta variant. Over the July 4 "
            "weekend, gatherings in Provincetown contributed to at least 900 cases, and roughly "
            "75% of those who tested positive in the cluster were vaccinated.",
        ),
    )
    assert [d.subject for d in compare(texts, limit=None) if "74%" in d.subject] == []


def test_a_count_two_outlets_hedge_alike_and_one_lacks_is_no_item() -> None:
    # AllSides (FBI tips on a nominee): two outlets give the count, "about" and "more than"
    # it (the same value: a reader judged "4,500 / more than 4,500" wrong), and the third
    # does not give it, a choice of detail. Nothing is reported on the count.
    texts = story(
        (
            "NBC News",
            "The FBI received about 4,500 tips about the nominee, according to a letter two "
            "senators made public Thursday.",
        ),
        (
            "The Hill",
            "The FBI received more than 4,500 tips about the nominee, the senators said in a "
            "letter to the FBI director on Thursday.",
        ),
        (
            "Washington Examiner",
            "Two Democratic senators said the FBI's background check of the nominee was "
            "incomplete, in a letter to the FBI director on Thursday.",
        ),
    )
    assert [d for d in compare(texts, limit=None) if "4,500" in d.summary] == []


def test_a_count_several_outlets_give_and_one_leaves_out_is_no_item() -> None:
    # newswcl50 (Korean summit): two of three outlets give the troops stationed in South
    # Korea; the third leaves the figure out. That is a choice of detail, not a difference.
    texts = story(
        (
            "USA Today",
            "Kim Jong Un crossed into South Korea on Friday for a summit with Moon Jae-in. "
            "The United States keeps 28,500 troops in South Korea under the summit's shadow.",
        ),
        (
            "HuffPost",
            "Kim Jong Un crossed into South Korea on Friday for a summit with Moon Jae-in. "
            "About 28,500 U.S. troops stay in South Korea as the summit goes on.",
        ),
        (
            "Fox News",
            "Kim Jong Un crossed into South Korea on Friday for a summit with Moon Jae-in, "
            "the first such meeting in more than a decade.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if "28,500" in d.summary]


def test_a_sum_an_excerpt_does_not_reach_is_not_left_out_by_its_outlet() -> None:
    # AllSides (Senate infrastructure vote), the excerpts as published: CNBC and the New
    # York Post give the $550 billion of new spending; CBS's excerpt is cut off before any
    # breakdown. Whether CBS gives it is unknown, so no "not by CBS News" item. Had CBS's
    # whole article been read without it, the item stands (the seed's £225m package).
    cnbc = (
        "CNBC",
        "The Senate passed a $1 trillion bipartisan infrastructure plan Tuesday, a huge step "
        "for Democrats. The legislation, which includes $550 billion in new funding for "
        "transportation, broadband and utilities, got through in a 69-30 vote, as 19 "
        "Republicans joined all 50 Democrats.",
    )
    post = (
        "New York Post",
        "A sweeping bipartisan infrastructure package easily coasted to passage Tuesday "
        "morning after days of debate. The measure, negotiated by a group of 22 bipartisan "
        "lawmakers led by Sens. Kyrsten Sinema and Rob Portman, includes $550 billion in new "
        "spending on roads, bridges and broadband.",
    )
    cbs = (
        "The Senate voted to approve a roughly $1 trillion bill to revamp the nation's "
        "infrastructure on Tuesday, delivering a bipartisan breakthrough. The final vote was "
        "69 to 30, with 19 Republicans joining all 50 Democrats in voting for passage. The "
        "legislation, known as the Infrastructure Investment and"
    )

    def left_out(cbs_text: str) -> list[str]:
        report = compare(story(cnbc, post, ("CBS News", cbs_text)), limit=None)
        return [d.summary for d in report if "not by CBS News" in d.summary]

    assert left_out(cbs + "...") == []
    assert left_out(cbs + " Jobs Act, now goes to the House.")


def test_a_figure_whose_sentence_trails_off_just_after_it_is_marked_so() -> None:
    # AllSides (American Families Plan), Fox's excerpt as published: it ends "argued that
    # only nine percent of...", so what the nine percent is of is lost. Its value is still
    # read (another outlet giving it would match it), but it is no item of its own (the
    # whole story: only_in_kinds.json); "a payment of up to $300 per month for
    # each child under 6..." tells what it is before the cut.
    cut = "Republicans opposed the earlier plan because they argued that only nine percent of..."
    whole = "Qualified families will receive a payment of up to $300 per month for each child under 6..."
    assert [(q.text, q.trails_off) for q in figures(cut)] == [("only nine percent", True)]
    assert [(q.text, q.trails_off) for q in figures(whole)] == [("up to $300", False)]


def test_one_toll_in_the_headlines_and_again_in_the_text_is_one_number_item() -> None:
    # AllSides (Ida floods), excerpts as published: the New York Times and the Washington
    # Times give the toll in their headlines and again in their text, Reuters in its text.
    # The headline toll and the text toll are one difference, shown once.
    def outlet(name: str, n: int, title: str, text: str) -> OutletText:
        return OutletText(name, str(n), article_text(title, text), headline=True)

    texts = [
        outlet(
            "New York Times",
            0,
            "At Least 9 Dead as Ida Swamps New York City Area",
            "The New York area awoke to a flood-ravaged landscape on Thursday, after "
            "record-shattering rains brought by the remnants of Hurricane Ida left a trail of "
            "death and damage across several states. At least nine people died as waters rose "
            "in basements.",
        ),
        outlet(
            "Washington Times",
            1,
            "At least 8 deaths as Hurricane Ida’s remnants hit Northeast",
            "The New York City region awoke Thursday to debris-strewn downtowns and crippled "
            "transit after a historic overnight downpour from the remnants of Hurricane Ida "
            "killed at least eight people.",
        ),
        outlet(
            "Reuters",
            2,
            "At least 9 reported dead in 'historic' flooding in New York, New Jersey",
            "Flooding killed at least nine people, swept away cars and submerged subway lines "
            "in New York and New Jersey as the remnants of Hurricane Ida brought torrential "
            "rains to the area.",
        ),
    ]
    numbers = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert len(numbers) == 1, [d.summary for d in numbers]
    assert {o for v in numbers[0].variants for o in v.outlets} == {
        "New York Times",
        "Washington Times",
        "Reuters",
    }


def test_one_body_written_with_and_without_dots_is_no_attribution_item() -> None:
    # AllSides (FBI murder figures), as published: the New York Times writes "the F.B.I.",
    # the Washington Examiner "the FBI". One source in two house styles.
    texts = story(
        (
            "New York Times",
            "The United States experienced its biggest one-year increase on record in murders "
            "in 2020, according to new figures released Monday by the F.B.I., with some "
            "cities hitting record highs.",
        ),
        (
            "Washington Examiner",
            "The U.S. murder rate increased nearly 30% in 2020, according to the FBI, making "
            "that the largest percentage increase in modern U.S. history.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "attribution"]


def test_over_and_more_than_are_one_hedge_even_outside_the_entity() -> None:
    # AllSides (FBI tips): "had received over 4,500 tips" (the model's entity is "4,500")
    # and "gathered more than 4,500 tips" hedge the count alike.
    (tips,) = figures("The FBI acknowledged that it had received over 4,500 tips.")
    assert (tips.value, tips.hedge) == (4500, "over")
    (pages,) = figures("The lawyers turned over 300 pages to the committee on Friday.")
    assert (pages.value, pages.hedge) == (300, "")  # a verb's particle, not a hedge
    texts = story(
        ("NBC News", "The FBI said it had received over 4,500 tips about the nominee."),
        ("The Hill", "The FBI said it gathered more than 4,500 tips about the nominee."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_a_headline_that_drops_up_to_is_no_hedge_difference() -> None:
    # AllSides (Noem's troops): "Noem to send 50 ... troops" in a headline, "up to 50" in the
    # bodies, the governor's own words included.
    body = "Gov. Kristi Noem said she will send up to 50 National Guard troops to Texas."
    texts = story(("The Hill", body), ("The Daily Wire", body))
    texts[0] = OutletText(
        "The Hill",
        "0",
        "Noem to send 50 South Dakota National Guard troops to Texas border. "
        "Gov. Kristi Noem is sending National Guard troops to Texas, she said on Tuesday.",
        headline=True,
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_a_share_two_outlets_bound_from_either_side_is_in_neither_only() -> None:
    # AllSides (Southwest cancellations): "more than 25%" and "nearly 28 percent" of the
    # airline's flights are one share; neither sentence is one outlet's alone.
    texts = story(
        (
            "Axios",
            "Southwest Airlines canceled hundreds of flights over the weekend, blaming weather "
            "and air traffic control. More than 25% of the airline's flights were canceled on "
            "Sunday per the FlightAware tracker.",
        ),
        (
            "The Federalist",
            "Southwest Airlines canceled hundreds of flights over the weekend, blaming weather "
            "and air traffic control. The widespread operational staffing shortage, which "
            "resulted in the termination of nearly 28 percent of the airline's scheduled "
            "flights for the day, come less than a week after the company forced the COVID-19 "
            "vaccine on employees.",
        ),
    )
    assert [d.summary for d in compare(texts, limit=None) if d.kind == "only_in"] == []


def test_an_exact_figure_another_outlet_gives_for_the_same_thing_is_not_only_in() -> None:
    # AllSides (jobs report): "the consensus number ... was 700,000" / "the consensus among
    # economists being that 700,000 jobs would be added".
    texts = story(
        (
            "CNN Business",
            "The US economy added 943,000 jobs in July, the Labor Department said Friday. "
            "The consensus number from analysts polled by Refinitiv was 700,000.",
        ),
        (
            "Washington Examiner",
            "The US economy added 943,000 jobs in July, the Labor Department said Friday, "
            "with the consensus among economists being that 700,000 jobs would be added.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if "700,000" in d.summary]


def test_two_titles_in_the_sentences_of_a_number_item_are_still_a_title_item() -> None:
    texts = story(
        (
            "Reuters",
            "Gunmen attacked the prison on Sunday, and 12 guards were wounded, Police Chief "
            "Leon Charles said.",
        ),
        (
            "AP",
            "Gunmen attacked the prison on Sunday, and 15 guards were wounded, Justice "
            "Minister Leon Charles said.",
        ),
    )
    assert sorted(d.kind for d in compare(texts, limit=None)) == ["number", "title"]


def test_a_measure_and_a_plain_count_of_its_unit_fill_one_slot() -> None:
    texts = story(
        ("Reuters", "Leaders of the 27-nation bloc agreed on Thursday to extend sanctions."),
        ("AP", "Leaders of the bloc's 28 nations agreed on Thursday to extend sanctions."),
    )
    assert [d.kind for d in compare(texts, limit=None)] == ["number"]


def test_a_fraction_that_measures_points_is_still_a_figure() -> None:
    texts = story(
        ("Reuters", "The Federal Reserve cut interest rates by a half-point on Wednesday."),
        ("AP", "The Federal Reserve cut interest rates by a quarter-point on Wednesday."),
    )
    assert [d.kind for d in compare(texts, limit=None)] == ["number"]


def test_per_cent_spelled_apart_is_a_percentage_not_money() -> None:
    (rate,) = figures("Inflation rose to 61 per cent in March, the statistics office said.")
    assert (rate.kind, rate.unit, rate.value) == ("PERCENT", "%", 61)


def test_just_over_and_more_than_are_one_hedge() -> None:
    texts = story(
        ("NBC News", "The FBI said it had received just over 4,500 tips about the nominee."),
        ("The Hill", "The FBI said it gathered more than 4,500 tips about the nominee."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


def test_an_order_of_magnitude_from_an_outlet_that_also_gives_the_exact_toll_is_no_side() -> None:
    # AllSides (Haiti earthquake): the Examiner's lede says "hundreds", its body "more than
    # 1,400 residents"; CNN says "at least 1,419 people". The outlets agree.
    texts = story(
        (
            "Washington Examiner",
            "Haiti was struck by a tropical storm on Monday as the country recovers from a "
            "massive earthquake that killed hundreds of people. The 7.2 earthquake killed more "
            "than 1,400 residents and injured at least 6,000 more, the agency said.",
        ),
        (
            "CNN",
            "A tropical storm dumped heavy rain on Haiti on Monday, where a 7.2-magnitude "
            "earthquake on Saturday killed at least 1,419 people.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if "hundreds" in d.summary]


def test_a_pronoun_told_as_whom_it_means_is_no_quote_item_but_a_name_swapped_is() -> None:
    # AllSides (infrastructure talks): Capito's "We continue to negotiate in good faith" is
    # quoted by one outlet with "Senate Republicans" for "We".
    said = ' continue to negotiate in good faith with the president on a bill," Capito said.'
    texts = story(
        ("Reuters", '"Senate Republicans' + said),
        ("Washington Times", '"We' + said),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "quote"]
    swapped = story(("Reuters", '"Senate Republicans' + said), ("AP", '"Senate Democrats' + said))
    assert [d.kind for d in compare(swapped, limit=None)] == ["quote"]


def test_a_tally_told_with_to_or_as_a_court_split_is_a_tally() -> None:
    house = figures("The bill passed 65-35 in the Senate, and 254 to 175 later in the House.")
    assert [(q.kind, round(q.value, 3)) for q in house] == [("TALLY", 65.035), ("TALLY", 254.175)]
    for text in (
        "The Supreme Court ruled 6-3 this morning in a closely watched case.",
        "The court, in a 6-3 opinion by Justice Samuel Alito, ruled Arizona was right.",
    ):
        (split,) = figures(text)
        assert (split.kind, round(split.value, 3)) == ("TALLY", 6.003)
    (prices,) = figures("Prices went from 254 to 300 in March.")
    assert prices.kind != "TALLY"  # no vote: not a tally


def test_a_vote_every_outlet_gives_in_its_own_words_is_in_no_only_item() -> None:
    # AllSides (Arizona voting ruling): "The vote in the case is 6-3" / "the Supreme Court
    # ruled 6-3" / "in a 6-3 opinion".
    texts = story(
        (
            "CNN",
            "The Supreme Court upheld Arizona's voting restrictions on Thursday. The vote in the "
            "case is 6-3 breaking along conservative-liberal ideological lines.",
        ),
        (
            "The Epoch Times",
            "Arizona's ban on ballot-harvesting does not violate the Voting Rights Act, the "
            "Supreme Court ruled 6-3 on Thursday in a closely watched case.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "only_in"]


def test_a_measure_one_outlet_gives_is_no_only_item() -> None:
    # AllSides (Senate China bill): "68 of the 100-member Senate" describes the Senate.
    texts = story(
        (
            "BBC News",
            "The US Senate passed a bill to counter China's growing power on Tuesday. In a "
            "vote in the upper chamber, 68 of the 100-member Senate supported the measure.",
        ),
        (
            "National Review",
            "The US Senate passed a bill to counter China's growing power on Tuesday, in a "
            "68-32 vote.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.subject.startswith("100")]


def test_a_body_and_its_own_spokesperson_are_not_two_credits() -> None:
    said = '"China firmly opposes the new sanctions on its companies,"'
    texts = story(
        ("AP", f"{said} the foreign ministry said on Monday."),
        ("Reuters", f"{said} the ministry's spokesman said on Monday."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "attribution"]


def test_a_lawyer_for_someone_is_not_that_someone() -> None:
    from bot.pipeline.facts import extract_facts

    (quote,) = extract_facts(
        '"We will fight this ruling all the way," a lawyer for Trump said.'
    ).quotes
    assert quote.speaker != "Trump"
    (quote,) = extract_facts(
        '"We will fight this ruling," White House press secretary Karine Jean-Pierre said.'
    ).quotes
    assert quote.speaker.endswith("Karine Jean-Pierre")


def test_will_and_would_in_a_full_quote_are_a_quote_item() -> None:
    texts = story(
        ("AP", '"We will not raise taxes on working people this year," Starmer said.'),
        ("Reuters", '"We would not raise taxes on working people this year," Starmer said.'),
    )
    assert [d for d in compare(texts, limit=None) if d.kind == "quote"]


def test_a_tally_the_model_tags_as_one_cardinal_is_a_tally() -> None:
    (figure,) = figures("The Senate voted 50-49 to confirm the judge on Tuesday.")
    assert (figure.kind, figure.value) == ("TALLY", pytest.approx(50.049))


def test_sources_a_number_item_names_are_not_told_again_as_an_attribution_item() -> None:
    texts = story(
        ("ABC", "At least 14 people were killed in the earthquake in western Nepal, police said."),
        (
            "NPR",
            "Nineteen people were killed in the earthquake in western Nepal, the health ministry said.",
        ),
    )
    kinds = [d.kind for d in compare(texts, limit=None)]
    assert kinds.count("number") == 1 and "attribution" not in kinds


def test_one_value_bounded_from_opposite_sides_is_a_hedge_difference() -> None:
    # Issue 14's missed hedge: "as many as 83 percent" says no more than 83, "at least 83
    # percent" no less; an editor checks which the source said.
    texts = story(
        ("Reuters", "As many as 83 percent of the county's voters backed the measure on Tuesday."),
        ("The Hill", "At least 83 percent of the county's voters backed the measure on Tuesday."),
    )
    (item,) = [d for d in compare(texts, limit=None) if d.kind == "number"]
    assert "hedged differently" in item.summary
    assert {v.value.lower() for v in item.variants} == {
        "as many as 83 percent",
        "at least 83 percent",
    }


@pytest.mark.parametrize(
    ("first", "second"),
    [("about 2,500", "at least 2,500"), ("50", "up to 50"), ("4,500", "more than 4,500")],
)
def test_a_value_and_one_bound_on_it_agree(first: str, second: str) -> None:
    # AllSides (Afghanistan hearing; Noem's troops; FBI tips): readers found "about 2,500" /
    # "at least 2,500" and "4,500" / "more than 4,500" reported as differences; the bound
    # says no more than the value.
    texts = story(
        ("Wall Street Journal", f"Generals advised keeping {first} troops in the country."),
        ("FactCheck.org", f"Generals advised keeping {second} troops in the country."),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "number"]


@pytest.mark.parametrize(
    "forecast",
    [
        "Economists surveyed by Refinitiv were expecting the unemployment rate to slip to 5.1%.",
        "Analysts surveyed by Refinitiv expected a decline to 350,000 filings last week.",
        "The median estimate in a Bloomberg survey of economists called for 360,000 "
        "applications last week.",
    ],
)
def test_a_forecast_by_economists_is_not_the_event(forecast: str) -> None:
    # AllSides jobless claims and jobs reports: the survey's expectation only one outlet
    # gives was read as a figure of the report (six items, none good, in three held-out
    # readings). What forecasters expected is commentary, not the figures released.
    lede = "Initial jobless claims rose to 373,000 last week, the Labor Department said Thursday."
    texts = story(
        ("Fox Business", f"{lede} {forecast}"),
        ("ABC News", lede),
        ("Wall Street Journal", lede),
    )
    figures_told = {"5.1%", "350,000", "360,000"}
    assert not [d for d in compare(texts, limit=None) if any(f in d.summary for f in figures_told)]


def test_unnamed_people_on_both_sides_are_no_attribution_item() -> None:
    # AllSides (a Biden-Putin meeting): "U.S. officials familiar with the matter" in one
    # outlet, "an official" in the other; a reader judged it true but not worth checking.
    # A named body on one side is still set against unnamed officials (the seed's Ministry
    # of Defence / British officials, `test_compare`).
    texts = story(
        (
            "Washington Post",
            "The two presidents will meet in Geneva next month, according to U.S. officials "
            "familiar with the matter.",
        ),
        (
            "Associated Press",
            "The two presidents will meet in Geneva next month, an official said on Tuesday.",
        ),
    )
    assert not [d for d in compare(texts, limit=None) if d.kind == "attribution"]
