"""Story grouping: the fitted model, anti-chaining, wire copies and explanations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.offline.analyze import InputArticle, analyze
from bot.pipeline.assemble import StoryAssembler
from bot.pipeline.cluster import FEATURES, MODEL_PATH, ClusterDoc, GroupingModel, _EmbeddingIndex

T0 = datetime(2025, 3, 4, 7, tzinfo=UTC)

FIRE = (
    "Warehouse fire in Leeds forces evacuation of 200 homes",
    "A fire at a chemical warehouse in the Kirkstall area of Leeds forced the evacuation of "
    "about 200 homes overnight. West Yorkshire Fire and Rescue Service said 15 engines "
    "attended the blaze, which sent a plume of black smoke across the city. Residents were "
    "told to keep windows closed. No injuries were reported, and the cause of the fire at the "
    "warehouse is under investigation.",
)
BRIDGE = (
    "Morning briefing: Leeds warehouse fire, and Glasgow by-election result",
    "Firefighters worked through the night at a chemical warehouse in Kirkstall, Leeds, "
    "where homes were evacuated as smoke spread. In Scotland, Labour won the Glasgow "
    "Southside by-election with a majority of 4,100, taking the seat from the SNP on a "
    "turnout of 38 per cent. The new MP, Aisha Rahman, thanked voters in her victory speech.",
)
ELECTION = (
    "Labour takes Glasgow Southside from SNP in by-election",
    "Labour's Aisha Rahman won the Glasgow Southside by-election with a majority of 4,100 "
    "votes, overturning an SNP majority. Turnout was 38 per cent. In her victory speech "
    "Rahman said voters had sent a message to the Scottish government, while the SNP said "
    "the result reflected local issues. The count at the Emirates Arena finished at 3am.",
)


OWN_REPORT = (
    "Aisha Rahman is the new Labour MP for Glasgow Southside after a count that ran into the "
    "early hours at the Emirates Arena. She beat the SNP candidate by 4,100 votes on a 38 per "
    "cent turnout and told supporters the result was a verdict on the Scottish government."
)


def place(assembler: StoryAssembler, key: str, outlet: str, article: tuple[str, str], hours: float):
    return assembler.place(key, outlet, article[0], article[1], T0 + timedelta(hours=hours))


def test_the_packaged_model_matches_the_features_and_records_its_fit() -> None:
    model = GroupingModel.load()
    for regime in model.regimes.values():
        assert len(regime.weights) == len(FEATURES)
        assert 0 < regime.threshold < 1 and 0 <= regime.core_threshold <= regime.threshold
    assert "fitted_on" in MODEL_PATH.read_text()


def test_a_chain_through_a_bridging_article_does_not_merge_two_events() -> None:
    assembler = StoryAssembler()
    fire = place(assembler, "a", "Yorkshire Post", FIRE, 0)
    place(assembler, "b", "Daily Briefing", BRIDGE, 1)
    election = place(assembler, "c", "The Herald", ELECTION, 2)
    assert election.story != fire.story


def test_without_the_core_check_the_same_chain_would_merge() -> None:
    """Guards the test above: the chain is a real one, which only the core check breaks."""
    model = GroupingModel.load()
    loose = GroupingModel(
        {
            name: replace(regime, threshold=0.01, core_threshold=0.0)
            for name, regime in model.regimes.items()
        }
    )
    strict_core = GroupingModel(
        {
            name: replace(regime, threshold=0.01, core_threshold=regime.threshold)
            for name, regime in model.regimes.items()
        }
    )
    outcomes = {}
    for label, variant in (("loose", loose), ("core", strict_core)):
        assembler = StoryAssembler(model=variant)
        fire = place(assembler, "a", "Yorkshire Post", FIRE, 0)
        place(assembler, "b", "Daily Briefing", BRIDGE, 1)
        outcomes[label] = place(assembler, "c", "The Herald", ELECTION, 2).story == fire.story
    assert outcomes == {"loose": True, "core": False}


def article(key: str, outlet: str, title: str, text: str, hours: float) -> InputArticle:
    return InputArticle(key, outlet, title, text, None, T0 + timedelta(hours=hours), 0)


def test_a_wire_copy_is_labelled_and_counted_once() -> None:
    wire = ELECTION[1] + " " + BRIDGE[1]
    result = analyze(
        [
            article("ap", "Associated Press", ELECTION[0], wire, 0),
            article("copy", "Evening Chronicle", "Labour wins Glasgow by-election", wire, 1),
            article("herald", "The Herald", "Rahman wins for Labour in Glasgow", OWN_REPORT, 2),
        ]
    )
    (story,) = result.stories
    kinds = {a.id: p.kind for a, p in zip(story.articles, story.placements, strict=True)}
    assert kinds == {"ap": "new", "copy": "copy", "herald": "joined"}
    assert story.counted_outlets == ["Associated Press", "The Herald"]
    assert result.to_json(min_outlets=3)["stories"][0]["alert"] is False


def test_every_member_says_why_it_joined() -> None:
    result = analyze(
        [
            article("a", "The Herald", *ELECTION, 0),
            article("b", "The Scotsman", "SNP loses Glasgow Southside to Labour", OWN_REPORT, 3),
        ]
    )
    members = result.to_json()["stories"][0]["members"]
    joined = members[1]["why"]
    assert members[1]["placed"] == "joined"
    assert joined["score"] > 0.5 and joined["hours_apart"] == 3.0
    assert "glasgow" in " ".join(joined["shared_terms"]).lower()
    assert set(joined["signals"]) == set(FEATURES[1:])


def test_a_story_told_in_other_words_is_found_by_meaning() -> None:
    clusterer = StoryAssembler().clusterer
    recall = ClusterDoc(
        "a", "Reuters", "Carmaker recalls two million vehicles over faulty brakes", "", T0
    )
    clusterer.add(recall, clusterer.signals(recall))
    for n, title in enumerate(
        ["Council approves new budget for city parks", "Storm closes ferry routes"]
    ):
        other = ClusterDoc(f"o{n}", "BBC", title, "", T0)
        clusterer.add(other, clusterer.signals(other))
    paraphrase = ClusterDoc(
        "b", "CNN", "Auto firm calls back 2m cars due to braking defect", "", T0
    )
    signals = clusterer.signals(paraphrase)
    # No word in common: the term index alone would not offer the story at all.
    assert not set(signals.full) & set(clusterer.signals(recall, learn=False).full)
    assert clusterer.story(1) in clusterer.candidates(paraphrase, signals)
    assert clusterer.candidates(paraphrase, replace(signals, embedding=None)) == []
    # Stories opened after the first such question are found too.
    rates = ClusterDoc("c", "FT", "Central bank raises interest rates by half a point", "", T0)
    rates_story = clusterer.story(clusterer.add(rates, clusterer.signals(rates)))
    reworded = ClusterDoc("d", "AP", "Monetary authority lifts borrowing costs", "", T0)
    assert rates_story in clusterer.candidates(reworded, clusterer.signals(reworded))


def test_the_embedding_index_returns_the_closest_live_stories_and_reuses_rows() -> None:
    index = _EmbeddingIndex()
    rng = np.random.default_rng(7)
    vectors = {story: rng.normal(size=16).astype(np.float32) for story in range(1, 101)}
    for story, vector in vectors.items():
        index.update(story, vector)
    probe = vectors[42] + 0.01 * vectors[7]
    assert index.closest(probe, 1) == [42]
    index.remove(42)
    assert 42 not in index.closest(probe, 100)
    assert len(index.closest(probe, 500)) == 99
    index.update(101, vectors[42])  # takes the freed row
    assert index.closest(probe, 1) == [101]
    assert len(index._rows) == 128
