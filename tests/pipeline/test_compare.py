"""Where outlets differ: each kind of difference on real sentences, and each must-not case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.offline.analyze import InputArticle, analyze
from bot.pipeline.compare import OutletText, changed_words, compare
from bot.pipeline.furniture import clean_text
from tests.conftest import SHARED_DATA, SHARED_GOLD, seed_text
from tests.test_analysis import SEED_OUTLETS, newsdesk

FURNITURE = ("Yemeni Armed Forces", "F-35", "Netanyahu", "Hairstyle", "Liz Cheney", "Jelly Roll")


def seed_story():
    articles = [
        InputArticle(prefix, outlet, "", clean_text(seed_text(prefix)), None, None, n)
        for n, (prefix, (outlet, _)) in enumerate(SEED_OUTLETS.items())
    ]
    (story,) = analyze(articles).stories
    return story


def test_seed_story_differences_name_outlets_on_each_side_and_skip_furniture() -> None:
    differences = seed_story().differences(limit=None)
    kinds = {d.kind for d in differences}
    assert {"name", "title", "only_in"} <= kinds
    (kyiv,) = [d for d in differences if d.kind == "name" and "Kyiv" in d.subject]
    sides = {v.value: set(v.outlets) for v in kyiv.variants}
    assert sides["Kiev"] == {"Al Mayadeen English"}
    assert "Financial Times" in sides["Kyiv"] and "Al Mayadeen English" not in sides["Kyiv"]
    shown = json.dumps([d.to_json() for d in differences])
    assert not [term for term in FURNITURE if term in shown]


def test_a_count_in_words_with_a_place_of_its_own_is_read_by_what_it_says() -> None:
    # "Hundreds of infantry abandoned their positions in the eastern town of Vuhledar ..."
    only = [d for d in seed_story().differences(limit=None) if d.kind == "only_in"]
    assert [
        d for d in only if "Vuhledar" in d.summary and d.variants[0].outlets == ["Financial Times"]
    ]


def test_the_same_outlet_twice_is_never_compared() -> None:
    for difference in seed_story().differences(limit=None):
        for variant in difference.variants:
            articles = {e["article"] for e in variant.evidence}
            assert not {"000", "001"} <= articles
        if difference.kind != "only_in":
            outlets = [o for v in difference.variants for o in v.outlets]
            assert len(set(outlets)) >= 2


def test_the_same_amount_written_two_ways_is_not_a_difference() -> None:
    texts = [
        OutletText("The Telegraph", "t", clean_text(seed_text("002"))),
        OutletText("UK Profits", "u", clean_text(seed_text("004"))),
    ]
    differences = compare(texts, limit=None)
    assert not [d for d in differences if d.kind == "number" and "225" in d.summary]
    shared = [d for d in differences if d.kind == "only_in" and "225" in d.variants[0].value]
    assert not shared, "both outlets give £225m, so it is not only in one of them"


def test_different_counts_of_one_quantity_are_a_number_difference() -> None:
    # The Kabul mosque bombing as three outlets told it (conflict_examples_dev.jsonl).
    texts = [
        OutletText(
            "Washington Post",
            "a",
            "A bombing outside Kabul’s main mosque killed at least two Afghan civilians and left "
            "others wounded, the Taliban says.",
        ),
        OutletText(
            "Wall Street Journal",
            "b",
            "An explosion killed at least three people in Kabul’s main mosque Sunday afternoon.",
        ),
        OutletText(
            "Daily Mail",
            "c",
            "The Taliban say five people have been killed and 10 injured, but medical sources say "
            "the death toll stands at 10 with over 30 injured.",
        ),
    ]
    numbers = [d for d in compare(texts) if d.kind == "number"]
    values = {v.value: v.outlets for d in numbers for v in d.variants}
    assert values["at least three"] == ["Wall Street Journal"] and values["five"] == ["Daily Mail"]


def test_quote_wording_changes_are_reported_but_spelling_is_not() -> None:
    spelling = [
        OutletText(
            "Financial Times",
            "a",
            'Healey said: "We will help them mobilise and train more troops."',
        ),
        OutletText(
            "UK Profits", "b", 'Healey said: "We will help them mobilize and train more troops."'
        ),
    ]
    assert not [d for d in compare(spelling) if d.kind == "quote"]
    assert changed_words("they mobilise", "they mobilize") == ([], [])
    # Trump on Iran, as the New York Times and Fox News quoted him (NewsWCL50).
    wording = [
        OutletText(
            "New York Times",
            "a",
            '"If they restart their nuclear program, they will have bigger problems than they '
            'have ever had before," Trump said.',
        ),
        OutletText(
            "Fox News",
            "b",
            "\"If they restart their nuclear program, they're going to have big problems — bigger "
            "than they've ever had before,\" Trump said Tuesday.",
        ),
    ]
    (quote,) = [d for d in compare(wording) if d.kind == "quote"]
    assert "“are going to” / “will”" in quote.summary
    assert "they have" not in quote.summary  # "they've" is the same words
    assert {v.outlets[0] for v in quote.variants} == {"New York Times", "Fox News"}


def test_one_quote_is_one_difference_with_each_wording_and_its_outlets() -> None:
    """USA Today quoted Trump as the New York Times did (a shorter excerpt); Fox News did
    not. One difference, two sides; an outlet quoting twice (the quote, then a part of it)
    is on one side only."""
    said = "If they restart their nuclear program, they will have bigger problems than they have ever had before"
    fox = "If they restart their nuclear program, they're going to have big problems — bigger than they've ever had before"
    texts = [
        OutletText("New York Times", "a", f'"{said}," Trump said.'),
        OutletText("USA Today", "b", f'Trump warned: "{said[:70]}"'),
        OutletText("Fox News", "c", f'"{fox}," Trump said. Later: "{fox[:60]}," he added.'),
    ]
    (quote,) = [d for d in compare(texts) if d.kind == "quote"]
    sides = [sorted(v.outlets) for v in quote.variants]
    assert sorted(sides) == [["Fox News"], ["New York Times", "USA Today"]]
    assert "can change the meaning: will" in quote.summary


def test_an_outlet_giving_both_wordings_makes_them_two_statements_not_one_misquoted() -> None:
    said = "If they restart their nuclear program, they will have bigger problems than they have ever had before"
    fox = "If they restart their nuclear program, they're going to have big problems — bigger than they've ever had before"
    texts = [
        OutletText("New York Times", "a", f'"{said}," Trump said.'),
        OutletText("Fox News", "c", f'"{fox}," Trump said. Later: "{said}," he added.'),
    ]
    assert not [d for d in compare(texts) if d.kind == "quote"]


def test_a_changed_negation_ranks_a_quote_above_a_plain_rewording() -> None:
    flip = [
        OutletText("A", "a", 'The minister said: "We will send troops to the border next week."'),
        OutletText(
            "B", "b", 'The minister said: "We will not send troops to the border next week."'
        ),
    ]
    plain = [
        OutletText("A", "a", 'The minister said: "We will send soldiers to the border next week."'),
        OutletText("B", "b", 'The minister said: "We will send troops to the border next week."'),
    ]
    (flipped,) = [d for d in compare(flip) if d.kind == "quote"]
    (reworded,) = [d for d in compare(plain) if d.kind == "quote"]
    assert "not" in flipped.summary and flipped.importance > reworded.importance


@pytest.mark.slow  # a newsdesk subprocess
@pytest.mark.skipif(not SHARED_GOLD.exists(), reason="../shared/gold is not beside this checkout")
def test_eval_differences_scores_the_seed_gold_file() -> None:
    result = newsdesk("eval", "differences", str(SHARED_GOLD / "seed_story.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    found = int(result.stdout.split("found ")[1].split()[0])
    assert found >= 8 and "0 must-not violations" in result.stdout


@pytest.mark.slow  # a newsdesk subprocess
@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not beside this checkout")
def test_real_conflicts_surface_in_their_stories() -> None:
    result = newsdesk("eval", "conflicts", str(SHARED_DATA / "conflict_examples_dev.jsonl"))
    assert result.returncode == 0, result.stderr
    surfaced = int(result.stdout.strip().splitlines()[-1].split()[0])
    assert surfaced >= 6, result.stdout  # within each story's 15-item report


def test_alternative_names_are_a_difference_but_forms_of_one_name_are_not() -> None:
    texts = [
        OutletText("Al Mayadeen English", "a", "Putin has called in DPRK troops to the front."),
        OutletText("The Telegraph", "b", "Putin has called in North Korean troops to the front."),
        OutletText("Reuters", "c", "North Korea has sent troops to help Russia at the front."),
    ]
    (name,) = [d for d in compare(texts) if d.kind == "name"]
    sides = {v.value: v.outlets for v in name.variants}
    assert sides["DPRK"] == ["Al Mayadeen English"]
    assert sorted(next(o for k, o in sides.items() if k != "DPRK")) == ["Reuters", "The Telegraph"]
    same_choice = [texts[1], texts[2]]  # "North Korean" and "North Korea" are one choice
    assert not [d for d in compare(same_choice) if d.kind == "name"]


def test_equal_amounts_written_differently_are_one_side_of_a_difference() -> None:
    texts = [
        OutletText(
            "New York Times",
            "a",
            "The president announced 25 percent tariffs on imported steel.",
        ),
        OutletText(
            "USA Today", "b", "He imposed 25% tariffs on steel imports from most countries."
        ),
        OutletText(
            "HuffPost", "c", "The administration set 20% tariffs on imported steel this week."
        ),
    ]
    (number,) = [d for d in compare(texts) if d.kind == "number"]
    sides = sorted(sorted(v.outlets) for v in number.variants)
    assert sides == [["HuffPost"], ["New York Times", "USA Today"]]


def test_outlets_crediting_different_sources_is_an_attribution_difference() -> None:
    (credit,) = [d for d in seed_story().differences(limit=None) if d.kind == "attribution"]
    sides = {v.outlets[0]: v.value for v in credit.variants}
    assert "British officials" in sides["Financial Times"]
    assert "defence sources" in sides["UK Profits"]
    agreeing = [
        OutletText("A", "a", "The plan was drawn up in May, according to British officials."),
        OutletText("B", "b", "British officials said the plan had been ready since May."),
    ]
    assert not [d for d in compare(agreeing) if d.kind == "attribution"]


def test_a_claim_negated_by_another_outlet_is_a_conflict() -> None:
    # Al Mayadeen English's sentence on Lammy (seed 000), and the same claim negated.
    said = (
        "British Foreign Secretary David Lammy said in an interview with La Repubblica that the "
        "United Kingdom had no plans to send British soldiers to Ukraine."
    )
    negated = said.replace("had no plans", "had plans")
    texts = [OutletText("Al Mayadeen English", "a", said), OutletText("Other Outlet", "b", negated)]
    (conflict,) = [d for d in compare(texts) if d.kind == "conflict"]
    assert "contradict" in conflict.summary and "“no” / “…”" in conflict.summary
    assert [v.outlets for v in conflict.variants] == [["Al Mayadeen English"], ["Other Outlet"]]
    # Headlines from AllSides that share words but do not contradict each other.
    headlines = [
        OutletText(
            "Fox News",
            "a",
            "The No's have it - Gov. Gavin Newsom survives in California recall election",
        ),
        OutletText("Axios", "b", "California Gov. Newsom survives recall election"),
    ]
    assert not [d for d in compare(headlines) if d.kind == "conflict"]


def test_the_judged_set_reads_the_shared_data_beside_the_repository_by_default() -> None:
    from bot.offline.eval_differences import DATA

    repository = Path(__file__).resolve().parents[2]
    assert DATA == repository.parent / "shared" / "data"


def test_a_long_sentence_is_cut_around_the_figure_it_is_shown_for() -> None:
    # New York Post (AllSides, Senate infrastructure bill): the $66 billion for rail comes
    # near the end of a long sentence; a cut from the start would leave it out.
    from bot.pipeline.compare.model import shorten_around

    sentence = (
        "The measure, negotiated by a group of 22 bipartisan lawmakers led by Sens. Kyrsten "
        "Sinema and Rob Portman, includes $550 billion in new spending, with $110 billion set "
        "to be allocated toward roads, bridges and other projects; $65 billion toward "
        "broadband, $66 billion to be spent on passenger and freight rail."
    )
    late = shorten_around(sentence, "$66 billion", 120)
    assert "$66 billion" in late and late.startswith("…") and len(late) <= 120
    early = shorten_around(sentence, "$550 billion", 160)
    assert early.startswith("The measure") and "$550 billion" in early and len(early) <= 160
