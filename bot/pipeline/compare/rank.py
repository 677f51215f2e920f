"""The one place where the items of a report are ranked: page furniture dropped, each
sentence told once (by its most important item), then most important first."""

from __future__ import annotations

from collections import Counter

from bot.pipeline.compare.model import Difference
from bot.pipeline.compare.only_in import is_furniture
from bot.pipeline.quantities import parse_amount

# Kinds an editor checks first when importance ties: disagreements before absences.
_KIND_ORDER = {
    "conflict": 0, "number": 1, "quote": 2, "attribution": 3, "title": 4, "name": 5,
    "only_in": 6,
}  # fmt: skip


# "Only in" items one outlet alone gives, at most this many per outlet: the rest of an
# outlet's own material (its background, its colour) is left to the article itself.
OWN_ITEMS_PER_OUTLET = 2


def rank(found: list[Difference], limit: int | None) -> list[Difference]:
    """Items most important first (at most `limit`, None for all). An "only in" item whose
    evidence sentence another, higher item already shows is the same news told again and is
    dropped; so is an attribution item all of whose sentences a higher item shows (a number
    item names the sources each value's sentences cite), and a number item all of whose
    sentences a higher figure item shows (a figure some outlets lack is not told again as
    hedged differently), or whose every outlet and value another number item shows too
    (one toll read from the headlines and again from the text: the item with more outlets
    stays, or the higher). A title, name, quote or conflict item stays: it tells something
    else of the same sentences. So is any item whose every evidence sentence is page
    furniture dropped, and an outlet's own "only in" items beyond OWN_ITEMS_PER_OUTLET.
    Ties keep their order of finding, and that order follows the input's, so one input
    gives one report."""
    ordered = sorted(found, key=lambda d: (-d.importance, _KIND_ORDER.get(d.kind, 9)))
    shown: set[tuple[str, str]] = set()
    shown_with_figures: set[tuple[str, str]] = set()
    repeats = _number_repeats(ordered)
    kept: list[Difference] = []
    own: Counter[str] = Counter()
    for difference in ordered:
        sentences = {(e["article"], e["text"]) for v in difference.variants for e in v.evidence}
        if sentences and all(is_furniture(text) for _, text in sentences):
            continue
        if difference.kind == "only_in" and sentences & shown:
            continue
        if difference.kind == "attribution" and sentences and sentences <= shown:
            continue  # a number item above shows these sentences with the sources they cite
        if difference.kind == "number" and sentences and sentences <= shown_with_figures:
            continue  # a figure item above shows these sentences: the same figure again
        if id(difference) in repeats:
            continue  # another number item gives each of these outlets the same value
        alone = [v.outlets[0] for v in difference.variants if len(v.outlets) == 1]
        if difference.kind == "only_in" and len(difference.variants) == 1 and alone:
            if own[alone[0]] >= OWN_ITEMS_PER_OUTLET:
                continue
            own[alone[0]] += 1
        shown |= sentences
        if difference.kind in ("number", "only_in"):
            shown_with_figures |= sentences
        kept.append(difference)
    return kept if limit is None else kept[:limit]


def _number_repeats(ordered: list[Difference]) -> set[int]:
    """ids of the number items whose (outlet, value) pairs another number item holds too
    (all of them and more, or the same and ranked higher)."""
    told = [(d, _values_told(d)) for d in ordered if d.kind == "number"]
    return {
        id(d)
        for i, (d, values) in enumerate(told)
        for j, (_, others) in enumerate(told)
        if i != j and values and (values < others or (values == others and j < i))
    }


def _values_told(difference: Difference) -> set[tuple[str, object]]:
    """(outlet, value) for each outlet on each side, the value read as an amount where it is
    one ("At least 8" and "at least eight" are one value), else as its words."""
    told: set[tuple[str, object]] = set()
    for variant in difference.variants:
        amount = parse_amount(variant.value)
        told |= {(outlet, amount or variant.value.lower()) for outlet in variant.outlets}
    return told
