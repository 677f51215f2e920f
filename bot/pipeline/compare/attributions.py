"""Who the outlets credit: the same story told on different sources' word ("UK Profits cites
the Ministry of Defence; the Financial Times cites British officials"). Quotes credited to
different speakers are found with the quotes (`quotes.quote_credits`)."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.pipeline.compare.model import Difference, OutletText, Variant, evidence

LEAD_SENTENCES = 8
# Beyond this many outlets "who cites whom" is not one line an editor can check.
MAX_OUTLETS = 8


def attribution_differences(texts: list[OutletText]) -> list[Difference]:
    """Who the outlets credit in their leads, when no source is shared by any two."""
    if len(texts) > MAX_OUTLETS:
        return []
    variants = []
    for text in texts:
        lead = [a for a in text.facts.attributions if a.sentence < LEAD_SENTENCES]
        if not lead:
            continue
        sources = list(dict.fromkeys(a.source for a in lead))
        sentences = list(dict.fromkeys(a.sentence for a in lead))
        variants.append(
            Variant(
                "; ".join(sources),
                [text.outlet],
                [evidence(text, text.facts.sentences[i]) for i in sentences[:2]],
            )
        )
    if len(variants) < 2:
        return []
    for i, v in enumerate(variants):
        for w in variants[i + 1 :]:
            if any(
                fuzz.token_set_ratio(a, b) >= 80
                for a in v.value.split("; ")
                for b in w.value.split("; ")
            ):
                return []  # a source in common: the outlets agree on who says so
    listed = "; ".join(f"{v.outlets[0]} cites {v.value}" for v in variants)
    return [Difference("attribution", "who says so", listed, variants, 0.45)]
