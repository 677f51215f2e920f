"""What a new revision of an article changed, sentence by sentence, trivial changes left out."""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import timedelta

from bot.pipeline.facts import sentences

# At most this many changed passages are reported for one revision.
MAX_CHANGES = 5
# How often an article of a told story is fetched again, by its age: every poll at first,
# then hourly for a day, then every few hours for a week; then no more.
RECHECKS = [
    (timedelta(hours=3), None),  # None: the source's poll interval
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=4)),
]
_CORRECTION = re.compile(
    r"(?:^|\n|\. )\s*((?:correction|clarification|editor['’]s note|update[d]?)\s*:[^\n]{0,300}"
    r"|(?:this (?:article|story) (?:has been|was) (?:updated|corrected|amended)[^\n]{0,300})"
    r"|(?:an earlier version of this (?:article|story)[^\n]{0,300}))",
    re.IGNORECASE,
)


def recheck_interval(age: timedelta, poll: timedelta) -> timedelta | None:
    """When to fetch an article of this age again (None: it is old enough to leave alone)."""
    for limit, every in RECHECKS:
        if age < limit:
            return every or poll
    return None


def correction_notes(old_text: str, new_text: str) -> list[str]:
    """Corrections or update notes the new text carries and the old did not."""
    before = {comparable(m.group(1)) for m in _CORRECTION.finditer(old_text)}
    return [
        m.group(1).strip()
        for m in _CORRECTION.finditer(new_text)
        if comparable(m.group(1)) not in before
    ]


_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def comparable(text: str) -> str:
    """Text with what no reader would call an edit folded away: case, whitespace,
    punctuation and typographic quotes or dashes."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def revision_changes(
    old_title: str, old_text: str, new_title: str, new_text: str
) -> list[dict[str, str]]:
    """Changed passages as {"where", "old", "new"} (an empty side is an addition or removal);
    an empty list when only trivial things changed."""
    changes: list[dict[str, str]] = []
    if comparable(old_title) != comparable(new_title):
        changes.append({"where": "headline", "old": old_title, "new": new_title})
    old = [s.text for s in sentences(old_text)]
    new = [s.text for s in sentences(new_text)]
    matcher = difflib.SequenceMatcher(
        a=[comparable(s) for s in old], b=[comparable(s) for s in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = " ".join(old[i1:i2]), " ".join(new[j1:j2])
        if comparable(before) == comparable(after):
            continue
        changes.append({"where": "text", "old": before, "new": after})
    return changes[:MAX_CHANGES]
