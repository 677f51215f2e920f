"""What a new revision of an article changed, sentence by sentence, trivial changes left out."""

from __future__ import annotations

import difflib
import re
import unicodedata

from bot.pipeline.facts import sentences

# At most this many changed passages are reported for one revision.
MAX_CHANGES = 5
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
