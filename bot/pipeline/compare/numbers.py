"""Figures the outlets disagree on, and figures only some of them give, aligned by slot.

A figure fills a slot: its type and unit (a count, a sum in dollars, a percentage, a share)
and what it is about (the counted noun and its verb, from spaCy's parse: "people killed").
Two figures are compared only when they fill one slot: same type and unit, and slot words
the sentence-embedding model (`embed.py`, all-MiniLM-L6-v2) finds alike (cosine >= SAME_SLOT:
"people killed" / "civilians killed" are one slot; "workers employed" / "jobs cut" are not).
Values close enough are one value (16.6 million / about 17 million; $11.1B / $11.1 billion).
A figure that grows with publication time across outlets is told as an update.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import numpy as np

from bot.pipeline.compare.model import (
    SAME_CLAIM,
    SAME_LEDE,
    Difference,
    DisjointSets,
    OutletText,
    Story,
    Variant,
    evidence,
    in_words,
    lead_weight,
    lede_of,
    outlets_label,
    sentence_vectors,
    shorten_around,
)
from bot.pipeline.compare.only_in import background, outside_view
from bot.pipeline.facts import Sentence
from bot.pipeline.quantities import (
    APPROXIMATE_HEDGES,
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    Quantity,
    hedge_sense,
)
from bot.pipeline.text import sentence_terms

# Cosine of the slot words' embeddings above which two figures fill one slot (measured:
# people killed / people died 0.80, civilians killed 0.60, death toll / toll rose 0.61;
# workers employed / workers losing 0.55, jobs cut 0.49; deal / loss 0.32).
SAME_SLOT = 0.6
SAME_COUNTED = 0.4
# Two values agree within this share of the larger, or within the wider one when hedged
# (quantities.APPROXIMATE_HEDGES).
EXACT = 0.005
APPROXIMATE = 0.06
# A share in words ("two-thirds", "a quarter") agrees with a percentage within this share of
# the larger: "two-thirds" and 63 percent agree, "a third" and 40 percent do not.
FRACTION = 0.1
# Values more than this factor apart (and more than SMALL apart) are not one slot told two
# ways but two things sharing words ("nearly $50 billion" of shares and "$3.7 billion" of grants).
MAX_FACTOR = 5.0
SMALL = 12
# A slot given by more outlets than this is summarised: the majority value, then outliers.
MANY = 6


@dataclass
class _Mention:
    text: OutletText
    quantity: Quantity

    @property
    def sentence(self) -> Sentence:
        """The sentence of the outlet's text the figure is in."""
        return self.text.facts.sentences[self.quantity.sentence]


def _slot_key(q: Quantity) -> tuple[str, str]:
    """Figures of one kind and unit can fill one slot; a share in words ("three quarters",
    a CARDINAL to the model) is a percentage."""
    if q.kind == "TALLY":
        return ("TALLY", "tally")
    return ("PERCENT" if q.unit == "%" else q.kind, q.unit)


def _phrase_groups(phrases: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(counted, verb) -> slot id: slot words whose embeddings are alike share one
    (union-find), and so must the counted nouns when both name one ("civilians" / "people"
    0.43 join; "shootings" / "people" 0.30 do not)."""
    if not phrases:
        return {}
    from bot.pipeline.embed import shared_embedder

    embedder = shared_embedder()
    whole = _embed(tuple(" ".join(w for w in p if w) for p in phrases), embedder)
    counted = _embed(tuple(c or "thing" for c, _ in phrases), embedder)
    has_counted = np.array([bool(c) for c, _ in phrases])
    similar = (whole @ whole.T >= SAME_SLOT) & (
        (counted @ counted.T >= SAME_COUNTED) | ~has_counted[:, None] | ~has_counted[None, :]
    )
    sets = DisjointSets(len(phrases))
    for i, j in zip(*np.nonzero(np.triu(similar, 1)), strict=True):
        sets.join(int(i), int(j))
    return {p: sets.root(i) for i, p in enumerate(phrases)}


_VECTORS: dict[str, np.ndarray] = {}


def _embed(phrases: tuple[str, ...], embedder: object) -> np.ndarray:
    """Slot words' vectors, each computed once per process (slot words repeat a lot)."""
    missing = [p for p in phrases if p not in _VECTORS]
    if missing:
        for phrase, row in zip(missing, embedder.encode(missing), strict=True):  # type: ignore[attr-defined]
            if len(_VECTORS) > 50_000:
                _VECTORS.clear()
            _VECTORS[phrase] = row
    return np.stack([_VECTORS[p] for p in phrases])


def _measures_joined(
    ids: dict[tuple[str, str], int], bucket: list[_Mention]
) -> dict[tuple[str, str], int]:
    """Slot ids with a hyphenated measure's slot joined to a plain count of its unit: "the
    27-nation bloc" (counted "bloc") fills the slot of "the bloc's 28 nations" (counted
    "nation"). Two measures of one unit ("the 50-vote minority", "the 60-vote threshold")
    stay apart, and so does a plain count ("10 GOP votes") both could join."""
    measured: dict[int, set[int]] = {}
    for m in bucket:
        if not m.quantity.measure:
            continue
        mine = ids[(m.quantity.counted, m.quantity.verb)]
        for o in bucket:
            if not o.quantity.measure and o.quantity.counted == m.quantity.measure:
                measured.setdefault(ids[(o.quantity.counted, o.quantity.verb)], set()).add(mine)
    sets = DisjointSets(len(ids))
    for plain, measures in measured.items():
        if len(measures) == 1:
            sets.join(next(iter(measures)), plain)
    return {p: sets.root(i) for p, i in ids.items()}


def slots(texts: list[OutletText]) -> list[list[_Mention]]:
    """Every figure of every outlet, grouped by the slot it fills (figures with no slot
    words stay alone: nothing says what they are about)."""
    mentions = [_Mention(t, q) for t in texts for q in t.quantities]
    buckets: dict[tuple[str, str], list[_Mention]] = {}
    for m in mentions:
        buckets.setdefault(_slot_key(m.quantity), []).append(m)
    grouped: list[list[_Mention]] = []
    for bucket in buckets.values():
        phrases = sorted(
            {(m.quantity.counted, m.quantity.verb) for m in bucket if m.quantity.slot_words()}
        )
        ids = _measures_joined(_phrase_groups(phrases), bucket)
        by_slot: dict[int, list[_Mention]] = {}
        for m in bucket:
            if m.quantity.slot_words():
                by_slot.setdefault(ids[(m.quantity.counted, m.quantity.verb)], []).append(m)
            else:
                grouped.append([m])
        for members in _same_claim_slots(list(by_slot.values())):
            grouped.extend(_bands(members))
    return grouped


# Kinds whose figure is the one sum or share a lede reports ("a $1.2 trillion package" /
# "a nearly $1 trillion plan"): joined by what the ledes say when their slot words differ.
# Counts are left to their slot words: "15 killed and 40 injured" are told in one sentence.
_JOINED_BY_CLAIM = frozenset({"MONEY", "PERCENT"})


def _same_claim_slots(groups: list[list[_Mention]]) -> list[list[_Mention]]:
    """Slots (of one type and unit) joined where two outlets' ledes tell the same event
    (cosine >= SAME_LEDE) and each gives just that one sum or percentage: the deal "worth
    $8.9 billion" and the deal "valued at $11.1 billion" are one figure told two ways,
    whatever the noun and verb around it. Only ledes: further down, sentences on one topic
    carry different figures ("$3.5 billion" of goods on a retaliation list, "$7.7 billion"
    of exports at stake)."""
    alone = [
        (g, m)
        for g, members in enumerate(groups)
        for m in members
        if m.quantity.kind in _JOINED_BY_CLAIM
        and m.quantity.sentence in lede_of(m.text)
        and sum(
            1
            for q in m.text.quantities
            if q.sentence == m.quantity.sentence and _slot_key(q) == _slot_key(m.quantity)
        )
        == 1
    ]
    if len({g for g, _ in alone}) < 2:
        return groups
    vectors = sentence_vectors([m.sentence.text for _, m in alone])
    sets = DisjointSets(len(groups))
    similar = vectors @ vectors.T
    for i, (gi, mi) in enumerate(alone):
        for j in range(i + 1, len(alone)):
            gj, mj = alone[j]
            if gi == gj or mi.text.outlet == mj.text.outlet:
                continue
            if similar[i, j] >= SAME_LEDE:
                sets.join(gi, gj)
    joined: dict[int, list[_Mention]] = {}
    for g, members in enumerate(groups):
        joined.setdefault(sets.root(g), []).extend(members)
    return list(joined.values())


def _bands(members: list[_Mention]) -> list[list[_Mention]]:
    """A slot split where sorted values jump by more than MAX_FACTOR: far-apart figures with
    alike words are different things, not one figure told differently."""
    ordered = sorted(members, key=lambda m: m.quantity.value)
    bands: list[list[_Mention]] = [[ordered[0]]]
    for m in ordered[1:]:
        last = max(q.upper or q.value for q in (x.quantity for x in bands[-1]))
        value = m.quantity.value
        if value - last > SMALL and value > MAX_FACTOR * max(last, 1e-9):
            bands.append([m])
        else:
            bands[-1].append(m)
    return bands


def agree(a: Quantity, b: Quantity) -> bool:
    """Equal, or close enough for the way they are written ("about 17 million" and 16.6
    million; "$11.1B" and "$11.1 billion")."""
    if a.unit != b.unit:
        return False
    if a.upper or b.upper:
        return _ranges_meet(a, b)
    tolerance = EXACT
    if a.hedge in APPROXIMATE_HEDGES or b.hedge in APPROXIMATE_HEDGES:
        tolerance = APPROXIMATE
    if a.unit == "%" and "CARDINAL" in (a.kind, b.kind):
        tolerance = FRACTION  # a share in words ("two-thirds") is a rounded percentage
    if a.kind == "TALLY":
        tolerance = 0.0
    if abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value)) + 1e-9:
        return True
    # A bound reaches APPROXIMATE (or the tolerance, if wider) past its value: "more than
    # 180" and 189 agree, "at least 150" and 189 do not (a bound far below); "below 50
    # percent" and 47 percent agree; so do "more than three quarters" and "nearly 80 percent".
    low, high = (a, b) if a.value < b.value else (b, a)
    if low.hedge not in LOWER_BOUNDS and high.hedge not in UPPER_BOUNDS:
        return False
    reach = max(tolerance, APPROXIMATE)
    top = low.value * (1 + (reach if low.hedge in LOWER_BOUNDS else tolerance))
    bottom = high.value * (1 - (reach if high.hedge in UPPER_BOUNDS else tolerance))
    return top >= bottom


def _precise_first(members: list[_Mention]) -> list[_Mention]:
    """A slot's mentions without the orders of magnitude ("hundreds") that an exact figure
    there agrees with, or that come from an outlet giving an exact figure there, or giving
    elsewhere in its text a figure that agrees with an exact one there ("an earthquake that
    killed hundreds of people" beside its own "killed more than 1,400 residents", against
    "at least 1,419 people"): "hundreds" beside "150" says nothing more. One left is a
    difference ("hundreds" / "about 2,000")."""
    exact = [m for m in members if not m.quantity.upper]
    precise = {m.text.outlet for m in exact}

    def said_exactly(m: _Mention) -> bool:
        return any(
            not q.upper and _slot_key(q) == _slot_key(e.quantity) and agree(q, e.quantity)
            for q in m.text.quantities
            for e in exact
        )

    return [
        m
        for m in members
        if not m.quantity.upper
        or (
            m.text.outlet not in precise
            and not any(agree(m.quantity, e.quantity) for e in exact)
            and not said_exactly(m)
        )
    ]


def _ranges_meet(a: Quantity, b: Quantity) -> bool:
    """Agreement when one figure is an order of magnitude ("hundreds": 200 up to 1,000):
    the ranges meet, a lower bound ("more than 1.8 million") open above and an upper bound
    ("nearly", "fewer than") open below, each widened by APPROXIMATE."""

    def span(q: Quantity) -> tuple[float, float]:
        if q.upper:
            return q.value, q.upper
        if q.hedge in LOWER_BOUNDS:
            return q.value, float("inf")
        if q.hedge in UPPER_BOUNDS:
            return 0.0, q.value
        return q.value, q.value

    (low_a, high_a), (low_b, high_b) = span(a), span(b)
    return low_a <= high_b * (1 + APPROXIMATE) and low_b <= high_a * (1 + APPROXIMATE)


def _value_sides(members: list[_Mention]) -> list[list[_Mention]]:
    """Mentions grouped into values: each joins the first side it agrees with."""
    sides: list[list[_Mention]] = []
    for m in sorted(members, key=lambda m: (m.quantity.hedge != "", m.quantity.value)):
        home = next((s for s in sides if agree(s[0].quantity, m.quantity)), None)
        if home is None:
            sides.append([m])
        else:
            home.append(m)
    return sides


def _disagreeing_pair(sides: list[list[_Mention]]) -> bool:
    """Whether two outlets give values with none in common. When every outlet that gives
    10 percent also gives 25 percent (steel 25, aluminum 10), the slot's words hold two
    things, and no outlet contradicts another. A sum, a percentage or a large count counts as
    given by an outlet wherever in its text it is: "90% (against hospitalization)" from an
    outlet that also gives 47% (against infection) does not contradict "below 50 percent";
    "roughly 17 million" health workers from an outlet that also gives the 80 million
    private-sector workers does not contradict "80 million"."""
    values: dict[str, set[int]] = {}
    texts: dict[str, OutletText] = {}
    for s, side in enumerate(sides):
        for m in side:
            values.setdefault(m.text.outlet, set()).add(s)
            texts[m.text.outlet] = m.text
    mine = {o: [m.quantity for side in sides for m in side if m.text.outlet == o] for o in values}
    key = _slot_key(sides[0][0].quantity)
    elsewhere = {
        o: [q for q in texts[o].quantities if _distinctive(q) and _slot_key(q) == key]
        for o in values
    }

    def shares(a: str, b: str) -> bool:
        if values[a] & values[b]:
            return True
        return any(agree(q, other) for q in mine[a] for other in elsewhere[b])

    outlets = list(values)
    return any(
        not shares(a, b) and not shares(b, a)
        for i, a in enumerate(outlets)
        for b in outlets[i + 1 :]
    )


def label(q: Quantity) -> str:
    text = q.text
    if q.hedge and not text.lower().startswith(q.hedge):
        text = f"{q.hedge} {text}"
    return text


def subject(members: list[_Mention]) -> str:
    words = next((m.quantity for m in members if m.quantity.counted), members[0].quantity)
    counted, verb = words.counted, words.verb
    if counted and verb:
        return f"{counted} ({verb})"
    return counted or verb or "amount"


def number_differences(grouped: list[list[_Mention]], story: Story) -> list[Difference]:
    """One difference per slot (`slots`) the outlets fill with different values: each value
    with the outlets giving it; a growing figure as an update; a large story as majority and
    outliers."""
    found = []
    for members in grouped:
        members = _precise_first(members)
        outlets = {m.text.outlet for m in members}
        if len(outlets) < 2:
            continue
        sides = _value_sides(members)
        if len(sides) < 2:
            hedges = _hedge_difference(members)
            if hedges is not None:
                found.append(hedges)
            continue
        sides = _aligned(sides)
        if len(sides) < 2:
            continue  # the values sit in sentences about different things
        if not _disagreeing_pair(sides):
            continue  # every two outlets share a value: the slot holds several things
        outlets = {m.text.outlet for side in sides for m in side}
        variants = _variants(sides)
        if not any(story.central(m.sentence.text) for m in members):
            continue  # background figures that happen to share words
        first = min(m.quantity.sentence for m in members)
        name = subject(members)
        cited = [_cited(side) for side in sides]
        summary = _update_summary(name, sides) or _summary(name, variants, len(outlets), cited)
        importance = 0.9 * lead_weight(first) + 0.1
        found.append(Difference("number", name, summary, variants, importance))
    return found


# Two values fill one slot only when some sentence of each says much the same around them
# (cosine, all-MiniLM-L6-v2): "more than 150 migrants arrived" / "about 130 migrants arrived"
# do; "about 100 supporters marched on the beach" / "more than 150 caravan members marched
# to the border" are two groups, and "people" in three unrelated sentences are three.
SAME_CONTEXT = 0.5
_SIDE_SENTENCES = 3


def _aligned(sides: list[list[_Mention]]) -> list[list[_Mention]]:
    """The sides whose sentences say the same as another side's (SAME_CONTEXT), largest
    side first; sides about something else are left out."""
    ordered = sorted(sides, key=lambda s: (-len({m.text.outlet for m in s}), s[0].quantity.value))
    texts = [
        list(dict.fromkeys(m.sentence.text for m in side))[:_SIDE_SENTENCES] for side in ordered
    ]
    vectors = [sentence_vectors(t) for t in texts]
    kept = []
    for i, side in enumerate(ordered):
        if any(
            float((vectors[i] @ vectors[j].T).max()) >= SAME_CONTEXT
            for j in range(len(ordered))
            if j != i
        ):
            kept.append(side)
    return kept


def _cited(side: list[_Mention]) -> list[str]:
    """The sources a side's sentences credit ("according to the health ministry")."""
    return list(
        dict.fromkeys(
            a.source
            for m in side
            for a in m.text.facts.attributions
            if a.sentence == m.quantity.sentence
        )
    )


def _citing(sources: list[str]) -> str:
    """ ", citing health ministry" (at most two sources), or "" for none."""
    return f", citing {', '.join(sources[:2])}" if sources else ""


def _variants(sides: list[list[_Mention]]) -> list[Variant]:
    """One variant a side, in the sides' order (`_aligned`: most outlets first)."""
    variants = []
    for side in sides:
        variant = Variant(label(side[0].quantity), [], [])
        for m in side:
            sentence = m.sentence
            proof = evidence(m.text, sentence)
            if m.text.outlet not in variant.outlets:
                variant.outlets.append(m.text.outlet)
            if proof not in variant.evidence and len(variant.evidence) < 2 * len(variant.outlets):
                variant.evidence.append(proof)  # up to two sentences an outlet says it in
        variants.append(variant)
    return variants


def _summary(name: str, variants: list[Variant], outlets: int, cited: list[list[str]]) -> str:
    """Each value with its outlets and the sources they cite for it ("19 (Reuters, citing
    health ministry)"; `cited` in the order of `variants`); in a story of more than MANY
    outlets, the majority value first."""
    if outlets > MANY:
        top, rest = variants[0], variants[1:]
        listed = "; ".join(
            f"{v.value} ({outlets_label(v.outlets)}{_citing(c)})"
            for v, c in zip(rest, cited[1:], strict=True)
        )
        return (
            f"{name}: {top.value} in {len(top.outlets)} of {outlets} outlets"
            f"{_citing(cited[0])}; otherwise {listed}"
        )
    return f"{name}: " + " / ".join(
        f"{v.value} ({', '.join(v.outlets)}{_citing(c)})"
        for v, c in zip(variants, cited, strict=True)
    )


def _update_summary(name: str, sides: list[list[_Mention]]) -> str | None:
    """ "people (kill) rose from 14 (ABC, 09:10) to 19 (Reuters, 12:00) to 20 (France 24,
    14:30)", each value as first told, when every outlet's figure is at least as high as
    every earlier outlet's (by publication time)."""
    timed = [(m.text.published, m) for side in sides for m in side]
    if any(t is None for t, _ in timed) or len({m.text.outlet for _, m in timed}) < 2:
        return None
    if len({t for t, _ in timed}) < 2 or all(t.hour == t.minute == 0 for t, _ in timed):  # type: ignore[union-attr]
        return None  # day-only dates cannot order reports within a day
    timed.sort(key=lambda x: x[0])  # type: ignore[arg-type, return-value]
    values = [m.quantity.value for _, m in timed]
    if values != sorted(values) or values[0] == values[-1]:
        return None
    steps: list[tuple[datetime, _Mention]] = []  # each new value, as first told
    for t, m in timed:
        if not steps or m.quantity.value != steps[-1][1].quantity.value:
            steps.append((t, m))  # type: ignore[arg-type]

    def told(t: datetime, m: _Mention) -> str:
        return f"{label(m.quantity)} ({m.text.outlet}, {t:%H:%M}{_citing(_cited([m]))})"

    return f"{name} rose from " + " to ".join(told(t, m) for t, m in steps)


def _hedge_difference(members: list[_Mention]) -> Difference | None:
    """One value bounded from opposite sides: "at least 83 percent" / "as many as 83
    percent" ("over 4,500" and "more than 4,500" are one certainty: `hedge_sense`). A bare
    or approximate value and one bound agree ("50" / "up to 50", "about 2,500" / "at least
    2,500"): the bound says no more than the value. A headline is not read here: headline
    style drops "up to" ("Noem to send 50 troops")."""
    members = [m for m in members if not m.text.is_headline(m.quantity.sentence)]
    hedges = {m.quantity.hedge for m in members}
    if hedges.isdisjoint(LOWER_BOUNDS) or hedges.isdisjoint(UPPER_BOUNDS):
        return None
    by_hedge: dict[str, Variant] = {}
    for m in members:
        sense = hedge_sense(m.quantity.hedge)
        variant = by_hedge.setdefault(sense, Variant(label(m.quantity), [], []))
        variant.add(m.text.outlet, evidence(m.text, m.sentence))
    if len({round(m.quantity.value, 6) for m in members}) > 1:
        return None  # told approximately, not hedged differently
    sides = list(by_hedge.values())
    if any(not set(v.outlets).isdisjoint(w.outlets) for v in sides for w in sides if v is not w):
        return None
    name = subject(members)
    first = min(m.quantity.sentence for m in members)
    return Difference(
        "number",
        name,
        f"{name}, hedged differently: "
        + " / ".join(f"{v.value} ({outlets_label(v.outlets)})" for v in sides),
        sides,
        0.5 * lead_weight(first) + 0.1,
    )


def _distinctive(q: Quantity) -> bool:
    """A figure that means one thing wherever it appears: a sum, a percentage, a large count
    (not one told as an order of magnitude, "hundreds")."""
    return q.kind in ("MONEY", "PERCENT") or (q.unit == "" and q.value >= 100 and not q.upper)


def _family(q: Quantity) -> str:
    """Figures that can state one fact: sums in one currency; percentages (shares in words
    too); counts."""
    if q.unit == "%":
        return "%"
    return q.unit if q.kind == "MONEY" else f"{q.kind}:{q.unit}"


def _told_elsewhere(story: Story, mention: _Mention, givers: set[str]) -> bool:
    """Another outlet gives the same figure (`same_figure_given`), or a sentence saying the
    same thing (`Story.said_elsewhere`'s cosine) with a figure of the same family, the
    other side of a disagreement; never an absence."""
    q = mention.quantity
    sentence = mention.sentence.text
    if same_figure_given(story, q, sentence, givers):
        return True
    family = _family(q)
    closest = _closest_with_figure(story, sentence, givers, lambda o: _family(o) == family)
    return closest >= SAME_CLAIM


def same_figure_given(story: Story, q: Quantity, sentence: str, leaving_out: set[str]) -> bool:
    """Whether an outlet not in `leaving_out` gives figure `q` (of `sentence`) in other words:
    an agreeing value of the same thing or verb ("nearly 80 percent of asylum-seekers
    passed" / "more than three quarters of applicants pass"; "more than 25% of the airline's
    flights" / "nearly 28 percent of the airline's scheduled flights"), or the very value (a
    distinctive figure or a vote), unhedged, in a sentence sharing a word with this one
    ("the consensus number ... was 700,000" / "the consensus among economists being that
    700,000 jobs would be added")."""
    terms = {w for w in sentence_terms(sentence) if w.isalpha()}
    for text in story.texts:
        if text.outlet in leaving_out:
            continue
        for other in text.quantities:
            if not agree(q, other):
                continue
            if {q.counted, q.verb} & {other.counted, other.verb} - {""}:
                return True
            if (
                (_distinctive(q) or q.kind == "TALLY")
                and other.value == q.value
                and not (q.hedge or other.hedge)
                and terms & sentence_terms(text.facts.sentences[other.sentence].text)
            ):
                return True
    return False


def _closest_with_figure(
    story: Story, sentence: str, leaving_out: set[str], holds: Callable[[Quantity], bool]
) -> float:
    """The highest cosine between `sentence` and a sentence of an outlet not in `leaving_out`
    that holds a figure `holds` accepts; -1.0 when there is none."""
    others = list(
        dict.fromkeys(
            text.facts.sentences[q.sentence].text
            for text in story.texts
            if text.outlet not in leaving_out
            for q in text.quantities
            if holds(q)
        )
    )
    if not others:
        return -1.0
    return float((sentence_vectors(others) @ sentence_vectors([sentence])[0]).max())


# A sentence whose figures another outlet gives too is that outlet's news as well when the two
# sentences are at least this close (cosine): "In a 67-32 vote, the chamber advanced the
# bill" / "Senators voted 67-32 to greenlight the debate" score 0.5; "the £225m includes
# drones ..." / "a further £225m package" 0.33 (the contents are one outlet's own news).
SAME_FIGURES_CLAIM = 0.45


def figures_told_elsewhere(story: Story, t: int, index: int) -> bool:
    """Whether every distinctive figure of sentence `index` of text `t` (a sum, a percentage,
    a large count or a vote) is given by another outlet (`same_figure_given`), or in an
    agreeing value in a sentence close to it (`SAME_FIGURES_CLAIM`): the sentence is not one
    outlet's alone."""
    text = story.texts[t]
    mine = [
        q for q in text.quantities if q.sentence == index and (_distinctive(q) or q.kind == "TALLY")
    ]
    if not mine:
        return False
    own = text.facts.sentences[index].text
    return all(
        same_figure_given(story, q, own, {text.outlet})
        or _closest_with_figure(story, own, {text.outlet}, partial(agree, q)) >= SAME_FIGURES_CLAIM
        for q in mine
    )


def _counts_core(story: Story, members: list[_Mention]) -> bool:
    """Whether a count counts something the story is about (what it counts, or the verb it
    belongs to, is one of the story's core terms): "15 people killed" in a story of deaths,
    not "roughly 200 counterparts gathered" or "a 100-mile walk" in a story of a caravan."""
    words = {w for m in members for w in (m.quantity.counted, m.quantity.verb) if w}
    return bool(words & story.core)


def figures_only_in(grouped: list[list[_Mention]], story: Story) -> list[Difference]:  # noqa: C901  # the docstring's rules as skips, in its order
    """Figures of the story's own event (in a central sentence) that some outlets give and
    others do not give in any value. A sum, a percentage or a large count is one figure by its
    value whatever words surround it; a small count by its slot (`slots`). A figure several
    outlets give is listed only when it is a sum of money (the size of a package or a loan
    some outlets leave out); a count or a share several give is their choice of detail. In a
    large story only a figure a few outlets give is listed; never from a sentence trailing
    off just after it (`Quantity.trails_off`). An outlet whose text is cut off
    (`OutletText.cut_off`: a teaser, an excerpt) is never said to leave a figure out. A
    forecast or a commentator's figure (`only_in.outside_view`) is not the event's."""
    outlets = {t.outlet for t in story.texts}
    cut_off = {t.outlet: t.cut_off for t in story.texts}
    slot_of: dict[int, set[str]] = {}
    for members in grouped:
        slot_givers = {m.text.outlet for m in members}
        for m in members:
            slot_of[id(m)] = slot_givers
    figures: list[list[_Mention]] = []
    by_value: dict[tuple[str, str], list[list[_Mention]]] = {}
    for members in grouped:
        for m in members:
            q = m.quantity
            if not _distinctive(q):
                continue
            sides = by_value.setdefault(_slot_key(q), [])
            home = next((side for side in sides if agree(side[0].quantity, q)), None)
            if home is None:
                sides.append([m])
            else:
                home.append(m)
        # A small count ("four couples", "three outlets") is not an item of its own: what
        # it counts is only clear in its sentence, which `sentences_only_in` may show.
    figures.extend(side for sides in by_value.values() for side in sides)
    found = []
    for members in figures:
        givers = list(dict.fromkeys(m.text.outlet for m in members))
        if len(givers) == len(outlets) or (len(outlets) > MANY and len(givers) > len(outlets) // 3):
            continue
        if any(slot_of[id(m)] - set(givers) for m in members):
            continue  # others fill the same slot with another value: a number difference
        if len(givers) > 1 and members[0].quantity.kind != "MONEY":
            continue  # a count or share several outlets give and others leave out: detail
        central = [
            m
            for m in members
            if not m.text.is_headline(m.quantity.sentence)
            and not m.quantity.trails_off
            and story.central(m.sentence.text)
            and not background(story, story.index_of(m.text), m.quantity.sentence)
            and story.on_story(m.sentence.text)
            and not outside_view(m.sentence.text)
        ]
        if not central:
            continue
        first = central[0]
        q0 = first.quantity
        if q0.measure:
            continue  # "the 100-member Senate", "a 12-story building": it describes a thing
        if q0.kind not in ("MONEY", "PERCENT") and not _counts_core(story, members):
            continue  # a count or a distance of something else: colour ("a 100-mile walk")
        if any(_told_elsewhere(story, m, set(givers)) for m in members):
            continue  # another outlet says it with a figure of its own: not "only"
        sentence = first.sentence
        hedges = {m.quantity.hedge for m in members}
        variant = Variant(label(q0) if len(hedges) == 1 else q0.text, [], [])
        for m in members:
            variant.add(m.text.outlet, evidence(m.text, m.sentence))
        missing = sorted(outlets - set(givers))
        if len(givers) > 1 and all(cut_off[o] for o in missing):
            continue  # the others' texts are cut off: not giving it is not leaving it out
        # The sentence tells what the figure is; a slot's words ("package (pass)") do not.
        if len(givers) > 1 and len(missing) <= 4:
            summary = (
                f"{variant.value} is given by {outlets_label(variant.outlets)}, not by "
                f"{in_words(missing)}: {shorten_around(sentence.text, q0.text, 120)}"
            )
        else:
            verb = "gives" if len(variant.outlets) == 1 else "give"
            summary = (
                f"Only {outlets_label(variant.outlets)} {verb} {variant.value}: "
                f"{shorten_around(sentence.text, q0.text, 160)}"
            )
        weight = 0.45 if q0.kind in ("MONEY", "PERCENT") else 0.35
        found.append(
            Difference(
                "only_in",
                variant.value,
                summary,
                [variant],
                weight + 0.3 * lead_weight(min(m.quantity.sentence for m in members)),
            )
        )
    return found
