"""Quotes several outlets carry in more than one wording, and quotes credited to different
speakers. Candidate pairs come from shared three-word runs, so a story of 200 outlets is not
compared quote by quote."""

from __future__ import annotations

from bot.pipeline.compare.model import (
    Difference,
    DisjointSets,
    OutletText,
    Variant,
    evidence,
    lead_weight,
    outlets_label,
    shorten,
)
from bot.pipeline.compare.wording import (
    backshifted,
    changed_segments,
    changed_words,
    contained,
    meaning_changing,
    same_quote,
    spelling_normalised,
)
from bot.pipeline.facts import QuoteFact
from bot.pipeline.text import STOPWORDS

# How many changed places of a quote its one-line summary shows.
MAX_SEGMENTS = 4
_PRONOUNS = frozenset("he she they it we i".split())
# Words whose change leaves what was said as it was ("upon" / "on", "those" left out).
_FUNCTION_WORDS = STOPWORDS | frozenset("upon onto unto whilst amongst amid amidst".split())


def quote_groups(texts: list[OutletText]) -> list[list[tuple[OutletText, QuoteFact]]]:
    """The quotes of all outlets in groups of one statement (union-find over candidate pairs
    sharing a run of three words, confirmed by `same_quote`)."""
    quotes = [(t, q) for t in texts for q in t.facts.quotes]
    sets = DisjointSets(len(quotes))
    runs: dict[tuple[str, ...], list[int]] = {}
    for index, (_, quote) in enumerate(quotes):
        tokens = spelling_normalised(quote.text)
        for k in range(max(1, len(tokens) - 2)):
            runs.setdefault(tuple(tokens[k : k + 3]), []).append(index)
    checked: set[tuple[int, int]] = set()
    for members in runs.values():
        if len(members) > 200:
            continue  # a run of common words ("it is a"), not a shared quote
        for a in members:
            for b in members:
                if a >= b or (a, b) in checked or sets.root(a) == sets.root(b):
                    continue
                checked.add((a, b))
                (ta, qa), (tb, qb) = quotes[a], quotes[b]
                if ta.outlet != tb.outlet and same_quote(qa.text, qb.text):
                    sets.join(a, b)
    groups: dict[int, list[tuple[OutletText, QuoteFact]]] = {}
    for index, pair in enumerate(quotes):
        groups.setdefault(sets.root(index), []).append(pair)
    return list(groups.values())


def quote_differences(groups: list[list[tuple[OutletText, QuoteFact]]]) -> list[Difference]:
    """Each quote carried by several outlets in more than one wording, once: its wordings
    (spelling folded; a shorter excerpt counts as the wording it is part of) with the
    outlets using each. The changed words are shown; a change that can flip the meaning
    (a negation, a modal verb, a number) ranks higher."""
    found = []
    for members in groups:
        difference = _quote_difference(members)
        if difference is not None:
            found.append(difference)
    return found


def _quote_difference(members: list[tuple[OutletText, QuoteFact]]) -> Difference | None:
    if len({t.outlet for t, _ in members}) < 2 or _both_wordings_in_one_outlet(members):
        return None
    variants = _wordings(members)
    if len(variants) < 2:
        return None  # everyone has the same words
    first, second = variants[0], variants[1]
    only_a, only_b = changed_words(first.value, second.value)
    if not only_a and not only_b:
        return None
    if _partial(first.value, second.value) and backshifted(
        changed_segments(first.value, second.value)
    ):
        return None  # reported speech: "will" told as "would" in a partial quote
    flips = meaning_changing(only_a + only_b)
    if not flips and all(w.lower() in _FUNCTION_WORDS for w in only_a + only_b):
        return None  # "upon" / "on", "those" left out: the words that carry it are the same
    if not flips and all(_referent(x, y) for x, y in changed_segments(first.value, second.value)):
        return None  # "We continue" / "Senate Republicans continue": a pronoun's referent
    lead = max(lead_weight(q.sentence) for _, q in members)
    importance = 0.85 * lead + 0.1 + (0.1 if flips else 0.0)
    if not only_a or not only_b:
        # Words left out, none replaced: worth a line only when what is left out can turn
        # the meaning (a negation, a condition, a number).
        if not flips:
            return None
        importance -= 0.1
    changes = "; ".join(
        f"\u201c{x or '…'}\u201d / \u201c{y or '…'}\u201d"
        for x, y in changed_segments(first.value, second.value)[:MAX_SEGMENTS]
    )
    summary = (
        f"{outlets_label(first.outlets)} / {outlets_label(second.outlets)} word a quote "
        f"differently: {changes}"
    )
    for other in variants[2:]:
        summary += f"; {outlets_label(other.outlets)} differ again"
    if flips:
        summary += f" (can change the meaning: {', '.join(dict.fromkeys(flips))})"
    return Difference(
        "quote",
        f"quote: \u201c{shorten(first.value)}\u201d",
        summary,
        variants,
        min(importance, 1.0),
    )


# Pronouns a writer may replace by whom they mean, inside a quote ("[Senate Republicans]").
_REFERRING = frozenset("we they he she it i us them our their his her its".split())


def _referent(a: str, b: str) -> bool:
    """One wording has a pronoun where the other names whom it means: "we" / "Senate
    Republicans", "he" / "the president"."""
    for pronoun, named in ((a, b), (b, a)):
        if pronoun.lower() in _REFERRING and named and not set(named.lower().split()) & _REFERRING:
            return True
    return False


def _partial(*wordings: str) -> bool:
    """A quote taken into the writer's sentence ("said \"further details would be set
    out\""), where reported speech moves the tense back: one wording starts in lower case."""
    return any(w[:1].islower() for w in wordings)


def _names_a_person(speaker: str) -> bool:
    """A speaker given by name ("Wang Wenbin", "Defence Secretary John Healey"), not only a
    body or a role ("the foreign ministry", "the ministry's spokesman")."""
    return not speaker.lower().startswith("the ") and any(w[:1].isupper() for w in speaker.split())


def _wordings(members: list[tuple[OutletText, QuoteFact]]) -> list[Variant]:
    """A quote's wordings, most outlets first; a shorter excerpt counts as the wording it is
    part of, and an outlet is on one side only (never compared with itself)."""
    variants: list[Variant] = []
    placed: set[str] = set()
    for text, quote in sorted(members, key=lambda m: -len(m[1].text)):
        if text.outlet in placed:
            continue
        placed.add(text.outlet)
        proof = evidence(text, text.facts.sentences[quote.sentence])
        home = next((v for v in variants if contained(quote.text, v.value)), None)
        if home is None:
            home = Variant(quote.text, [], [])
            variants.append(home)
        home.add(text.outlet, proof)
    return sorted(variants, key=lambda v: -len(v.outlets))


def _both_wordings_in_one_outlet(members: list[tuple[OutletText, QuoteFact]]) -> bool:
    """An outlet quoting two of the group's wordings, neither part of the other: two
    statements alike in words (a chairman's statement and the lawsuit's text, both
    speaking of "treachery"), not one statement worded two ways."""
    by_outlet: dict[str, list[str]] = {}
    for text, quote in members:
        by_outlet.setdefault(text.outlet, []).append(quote.text)
    return any(
        not (contained(a, b) or contained(b, a))
        for quotes in by_outlet.values()
        for i, a in enumerate(quotes)
        for b in quotes[i + 1 :]
    )


def quote_credits(groups: list[list[tuple[OutletText, QuoteFact]]]) -> list[Difference]:
    """One quote credited to different named speakers ("the ministry" / "Healey"): an
    attribution difference. Pronouns and unnamed speakers say nothing either way."""
    found = []
    for members in groups:
        by_speaker: dict[str, Variant] = {}
        for text, quote in members:
            speaker = quote.speaker.strip()
            if not speaker or speaker.lower() in _PRONOUNS:
                continue
            key = speaker.split()[-1].lower()
            by_speaker.setdefault(key, Variant(speaker, [], [])).add(
                text.outlet, evidence(text, text.facts.sentences[quote.sentence])
            )
        sides = list(by_speaker.values())
        if len(sides) < 2 or not any(_names_a_person(v.value) for v in sides):
            continue  # "the foreign ministry" / "the ministry's spokesman": one body twice
        outlets = [set(v.outlets) for v in sides]
        if any(not a.isdisjoint(b) for i, a in enumerate(outlets) for b in outlets[i + 1 :]):
            continue  # an outlet naming both: two people said it, not two credits
        quote = max((q for _, q in members), key=lambda q: len(q.text))
        found.append(
            Difference(
                "attribution",
                f"quote: \u201c{shorten(quote.text)}\u201d",
                f"\u201c{shorten(quote.text)}\u201d is credited to "
                + " / ".join(f"{v.value} ({outlets_label(v.outlets)})" for v in sides),
                sides,
                0.75 * lead_weight(quote.sentence) + 0.15,
            )
        )
    return found
