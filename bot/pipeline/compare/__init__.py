"""Where the outlets of one story differ: facts aligned across outlets, then compared.

Input is one text per outlet (same-outlet duplicates and wire copies are left out by the
caller's choice of `OutletText`s). Output is a ranked list of `Difference`s in the JSON form
of DESIGN.md section 6. One module per kind of difference: `numbers` (figures aligned by
slot, typed by spaCy), `quotes` (wordings and credits), `names` (titles and spellings),
`attributions`, `only_in`, `conflicts`; `rank` is the one place items are ordered.
"""

from __future__ import annotations

import threading

from bot.pipeline.compare.attributions import attribution_differences
from bot.pipeline.compare.conflicts import conflicts
from bot.pipeline.compare.model import (
    Difference,
    OutletText,
    Story,
    StoryText,
    Variant,
    one_text_per_outlet,
)
from bot.pipeline.compare.names import name_differences, title_differences
from bot.pipeline.compare.numbers import figures_only_in, number_differences, slots
from bot.pipeline.compare.only_in import sentences_only_in, sources_only_in
from bot.pipeline.compare.quotes import quote_credits, quote_differences, quote_groups
from bot.pipeline.compare.rank import rank
from bot.pipeline.compare.wording import (
    changed_segments,
    changed_words,
    expand_contractions,
    meaning_changing,
    spelling_normalised,
)

DEFAULT_LIMIT = 15

__all__ = [
    "DEFAULT_LIMIT",
    "Difference",
    "OutletText",
    "StoryText",
    "Variant",
    "changed_segments",
    "changed_words",
    "compare",
    "expand_contractions",
    "meaning_changing",
    "one_text_per_outlet",
    "spelling_normalised",
]


def compare(texts: list[OutletText], limit: int | None = DEFAULT_LIMIT) -> list[Difference]:
    """The differences among outlets, most important first (at most `limit`, None for all)."""
    if len({t.outlet for t in texts}) < 2:
        return []
    # The figures are parsed in the spaCy worker process while this one embeds the
    # story's opening sentences and reads its quotes: the two cores overlap.
    parsing = threading.Thread(target=lambda: [t.quantities for t in texts], daemon=True)
    parsing.start()
    story = Story(texts)
    story.centroid  # noqa: B018 (computed now, while the figures are parsed)
    quotes = quote_groups(texts)
    told = quote_differences(quotes) + quote_credits(quotes) + title_differences(texts)
    parsing.join()
    figures = slots(texts)
    found = (
        number_differences(figures, story)
        + told
        + name_differences(texts)
        + attribution_differences(texts)
        + figures_only_in(figures, story)
        + sources_only_in(story)
        + sentences_only_in(story)
        + conflicts(story)
    )
    return rank(found, limit)
