"""How two wordings of one statement differ: spelling folded, changed passages, and which
changed words can turn the meaning. Shared by quotes and conflicts."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from rapidfuzz import fuzz

from bot.pipeline.text import stem, words

# Two quotes are one quote when this similar (rapidfuzz ratio, 0-100) ...
SAME_QUOTE = 72
# A quote "reworded" in more than this share of its words is another quote.
MAX_CHANGED = 0.5
# Spelling that differs between British and American English is never a wording difference.
_SPELLING = (
    (re.compile(r"is(e|ed|es|ing|ation)\b"), r"iz\1"),
    (re.compile(r"our\b"), "or"),
    (re.compile(r"ence\b"), "ense"),
)
_CONTRACTIONS = [
    (re.compile(r"\b(won)['’]t\b", re.I), "will not"),
    (re.compile(r"\b(can)['’]t\b", re.I), "can not"),
    (re.compile(r"\b(shan)['’]t\b", re.I), "shall not"),
    (re.compile(r"n['’]t\b", re.I), " not"),
    (re.compile(r"['’]re\b", re.I), " are"),
    (re.compile(r"['’]ve\b", re.I), " have"),
    (re.compile(r"['’]ll\b", re.I), " will"),
    (re.compile(r"\b(i)['’]m\b", re.I), "i am"),
    # House styles, not wordings: "per cent" / "percent".
    (re.compile(r"\bper\s+cent\b", re.I), "percent"),
]


def spelling_normalised(text: str) -> list[str]:
    """Word tokens with British/American spelling and plural endings folded."""
    return list(_spelling_normalised(text))


@lru_cache(maxsize=16384)
def _spelling_normalised(text: str) -> tuple[str, ...]:
    tokens = []
    for token in words(expand_contractions(text)):
        token = token.replace(".", "")  # E.U. = EU
        for pattern, replacement in _SPELLING:
            token = pattern.sub(replacement, token)
        tokens.append(stem(token))
    return tuple(tokens)


def expand_contractions(text: str) -> str:
    """ "they've" -> "they have", "won't" -> "will not": the same words, written out."""
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def changed_segments(a: str, b: str) -> list[tuple[str, str]]:
    """The places where `a` and `b` differ, as (words of a, words of b), each side as written
    (lower-cased, contractions written out); spelling variants and plurals are not changes."""
    wa, wb = words(expand_contractions(a)), words(expand_contractions(b))
    ta, tb = spelling_normalised(a), spelling_normalised(b)
    matcher = difflib.SequenceMatcher(a=ta, b=tb, autojunk=False)
    return [
        (" ".join(wa[i1:i2]), " ".join(wb[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def changed_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """Words of `a` and of `b` that the other does not have (see `changed_segments`)."""
    segments = changed_segments(a, b)
    return (
        [w for x, _ in segments for w in x.split()],
        [w for _, y in segments for w in y.split()],
    )


# Changed words that can turn a quote's meaning: negations, modal verbs, quantities.
_MEANING_WORDS = frozenset(
    """not no never nothing none nobody neither nor n't cannot can't won't wouldn't don't
    doesn't didn't isn't aren't wasn't weren't shouldn't couldn't will would may might must
    could should can shall all some any every only always few many most more less""".split()
)


# Reported speech moves a quote's tense back a step ("will" told as "would", "is" as
# "was"): the sequence of tenses, not another wording of what was said.
BACKSHIFT = frozenset(
    {
        frozenset(pair)
        for pair in (
            ("will", "would"), ("can", "could"), ("may", "might"), ("shall", "should"),
            ("is", "was"), ("are", "were"), ("has", "had"), ("have", "had"), ("am", "was"),
        )
    }
)  # fmt: skip


def backshifted(segments: list[tuple[str, str]]) -> bool:
    """Whether every changed place is one word moved back a tense ("will" / "would")."""
    return bool(segments) and all(frozenset((x, y)) in BACKSHIFT for x, y in segments)


def meaning_changing(changed: list[str]) -> list[str]:
    """The changed words that can flip or weaken what was said ("not", "would", "15")."""
    return [w for w in changed if w in _MEANING_WORDS or any(c.isdigit() for c in w)]


def contained(short: str, long: str) -> bool:
    return " ".join(spelling_normalised(short)) in " ".join(spelling_normalised(long))


def same_quote(a: str, b: str) -> bool:
    """One quote, worded alike or differently: similar enough, and reworded in at most
    MAX_CHANGED of its words (two different quotes built alike are not one)."""
    if contained(a, b) or contained(b, a):
        return True
    if fuzz.ratio(" ".join(spelling_normalised(a)), " ".join(spelling_normalised(b))) < SAME_QUOTE:
        return False
    only_a, only_b = changed_words(a, b)
    shorter = min(len(words(a)), len(words(b)))
    return max(len(only_a), len(only_b)) <= MAX_CHANGED * shorter
