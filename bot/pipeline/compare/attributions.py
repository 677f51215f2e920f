"""Who the outlets credit: the same story told on different sources' word ("UK Profits cites
the Ministry of Defence; the Financial Times cites British officials"). Quotes credited to
different speakers are found with the quotes (`quotes.quote_credits`)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.pipeline.compare.model import (
    NEWSROOM,
    SAME_LEDE,
    Difference,
    OutletText,
    Variant,
    evidence,
    in_words,
    sentence_vectors,
)

LEAD_SENTENCES = 8
# Beyond this many outlets "who cites whom" is not one line an editor can check.
MAX_OUTLETS = 8


def attribution_differences(texts: list[OutletText]) -> list[Difference]:
    """One claim in the outlets' leads credited to different sources: the two sentences say
    the same thing (`model.SAME_LEDE`: lead sentences tell one event as ledes do), their
    sources differ (`_two_sources`: not one body, and neither the other outlet itself: an
    outlet relaying another's report is not a disagreement).
    Sources of different claims are never put side by side. At most one item."""
    if len(texts) > MAX_OUTLETS:
        return []
    outlets = {t.outlet for t in texts}
    credited = []
    for text in texts:
        for a in text.facts.attributions:
            if a.sentence < LEAD_SENTENCES:
                credited.append((text, a.source, text.facts.sentences[a.sentence]))
    if len({t.outlet for t, _, _ in credited}) < 2:
        return []
    vectors = sentence_vectors([s.text for _, _, s in credited])
    for i, (ta, sa, _) in enumerate(credited):
        for j in range(i + 1, len(credited)):
            tb, sb, _ = credited[j]
            if ta.outlet == tb.outlet or float(vectors[i] @ vectors[j]) < SAME_LEDE:
                continue
            if not _two_sources(sa, sb, outlets):
                continue
            # Each side with every named source it gives for that claim.
            sides = []
            for mine, theirs in ((ta, j), (tb, i)):
                rows = [
                    k
                    for k, (t, source, _) in enumerate(credited)
                    if t is mine
                    and _named(source)
                    and float(vectors[k] @ vectors[theirs]) >= SAME_LEDE
                ]
                # One outlet's sources as one phrase ("Ministry of Defence and defence
                # sources"), so the semicolon stays the mark between outlets.
                sides.append(
                    Variant(
                        in_words(list(dict.fromkeys(credited[k][1] for k in rows))),
                        [mine.outlet],
                        [evidence(mine, s) for s in dict.fromkeys(credited[k][2] for k in rows)][
                            :2
                        ],
                    )
                )
            variants = sides
            listed = f"{ta.outlet} cites {sides[0].value}; {tb.outlet} cites {sides[1].value}"
            return [Difference("attribution", "who says so", listed, variants, 0.45)]
    return []


# News agencies relay what others said; crediting one is not a different source.
_AGENCIES = re.compile(
    r"\b(?:Associated Press|AP|Reuters|AFP|Agence France|Press Association|PA Media|UPI|"
    r"Bloomberg|dpa|Kyodo|Yonhap|Xinhua|Tass|Interfax)\b"
)


def _two_sources(a: str, b: str, outlets: set[str]) -> bool:
    """Sources that differ: each named (`_named`), not one written alike or one body
    (`_one_body`), and neither one of the story's outlets (`_names`): an outlet relaying
    another's report is not a source of its own."""
    if (
        fuzz.token_set_ratio(_undotted(a), _undotted(b)) >= 80
        or not (_named(a) and _named(b))
        or _one_body(a, b)
    ):
        return False
    if _anonymous(a) and _anonymous(b):
        return False  # "U.S. officials familiar with the matter" / "an official": one kind
    return not any(_names(source, outlet) for source in (a, b) for outlet in outlets)


def _undotted(source: str) -> str:
    """Initials written without their dots ("the F.B.I." -> "the FBI"): one body, two house
    styles."""
    return _DOTTED_INITIALS.sub(lambda m: m.group(0).replace(".", ""), source)


_DOTTED_INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")


def _named(source: str) -> bool:
    """A source of its own: people or a body ("British officials", "defence sources", "the
    Ministry of Defence"), not a document or a relay ("media reports", "a list obtained by
    ...", "a letter", "an unclassified summary of the probe") and not a news agency or
    another newsroom relaying someone else ("according to The Wall Street Journal")."""
    return not (_RELAYED.search(source) or _AGENCIES.search(source) or NEWSROOM.search(source))


# A people's or a country's adjective or initials: they say whose officials, not which
# ("FBI officials" name a body: initials other than a country's are names).
_NATIONALITY = re.compile(r"^(?:U\.S\.|U\.K\.|US|UK|EU)$|^[A-Z][a-z]+(?:an|ian|ese|ish|i|ch)$")


def _anonymous(source: str) -> bool:
    """Unnamed people ("officials", "U.S. officials familiar with the matter", "Russian
    authorities"): no capitalised word but a nationality (`_NATIONALITY`). Two outlets each
    citing unnamed people give an editor no source to set against the other (of the nine
    "A cites ...; B cites ..." items readers judged in eval/, none was good)."""
    words = re.findall(r"[A-Za-z][\w.'’-]*", source)
    if words and words[0].lower() in _ROLE_WORDS:
        words = words[1:]  # "Officials said" at the start of a sentence
    return not any(w[0].isupper() and not _NATIONALITY.match(w) for w in words)


_RELAYED = re.compile(
    r"\b(?:reports?|reported|reporting|media|list|letter|documents?|memo|outlets?|"
    r"published|obtained|summary|assessment|findings|study|survey|analysis|data|records|"
    r"transcript|filing)\b",
    re.IGNORECASE,
)


# Words that say who speaks, not for which body: "British officials" and "US officials"
# are two sources; "the foreign ministry" and "the ministry's spokesman" are one.
_ROLE_WORDS = frozenset(
    "official officials source sources aide aides diplomat diplomats analyst analysts expert "
    "experts investigator investigators witness witnesses resident residents officer officers "
    "spokesman spokeswoman spokesperson the a an of".split()
)


def _one_body(a: str, b: str) -> bool:
    """Two sources naming one body: a word of its name in both, possessives aside."""

    def body(source: str) -> set[str]:
        words = re.findall(r"[a-z]+", re.sub(r"['’]s\b", "", source.lower()))
        return set(words) - _ROLE_WORDS

    return bool(body(a) & body(b))


def _names(source: str, outlet: str) -> bool:
    """The source is the outlet itself ("a report published by The New York Times")."""
    return fuzz.partial_ratio(outlet.lower(), source.lower()) >= 90
