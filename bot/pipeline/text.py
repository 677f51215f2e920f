"""Text features: the word tokenizers (clustering's `words`, extraction's `script_words`,
matching's `plain_words`), shingles for dedupe, named-entity candidates."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import lru_cache

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")
_CAPITALISED = re.compile(
    r"\b(?:[A-Z][a-zA-Z'’.-]+|[A-Z]{2,})(?:\s+(?:of|de|al|bin|van|von|the)?\s*(?:[A-Z][a-zA-Z'’.-]+|[A-Z]{2,}))*"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?]['\"”’)]*\s+|\n\s*|[\"“‘]\s*)$")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having he he'd
    he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is
    isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only or
    other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so
    some such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up very was wasn't we we'd we'll
    we're we've were weren't what what's when when's where where's which while who who's whom why why's
    with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves said says
    say told tell will just new one two three year years also like get got make made may might must
    mr mrs ms dr according week day time first last since still would could per via amid s t""".split()
)


def words(text: str) -> list[str]:
    """Lower-case word tokens, with possessives dropped and a light plural stem."""
    out = []
    for token in _TOKEN.findall(text.lower()):  # the pattern is ASCII: lowering first is the same
        if "’" in token:
            token = token.replace("’", "'")
        if token[-1] == ".":
            token = token.rstrip(".")
        if token.endswith("'s"):
            token = token[:-2]
        out.append(token)
    return out


# Chinese and Japanese put no spaces between words: each Han or kana character counts as one.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_OR_CJK = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def script_words(text: str) -> list[str]:
    """The text's words in any script (runs of \\w), each Chinese or Japanese character a word
    of its own: how extraction measures text length."""
    return _WORD_OR_CJK.findall(text)


def count_words(text: str) -> int:
    """How many `script_words` the text has."""
    return len(script_words(text))


def plain_words(text: str) -> list[str]:
    """Lower-case runs of ASCII letters and digits: how a channel's watched phrases and
    /story's words are matched against a story's headlines and leads."""
    return _PLAIN_WORD.findall(text.lower())


def stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@lru_cache(maxsize=8192)
def sentence_terms(sentence: str) -> frozenset[str]:
    """The content terms of one sentence, remembered: a story's sentences are compared
    again each time an outlet joins it."""
    return frozenset(content_terms(sentence))


def content_terms(text: str) -> list[str]:
    """Words that carry meaning: no stopwords, no one-letter tokens, plurals folded."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def entity_candidates(text: str) -> list[str]:
    """Capitalised phrases not at a sentence start: a cheap stand-in for named entities."""
    found = []
    for match in _CAPITALISED.finditer(text):
        phrase = match.group(0)
        if (
            _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()])
            and " " not in phrase
        ):
            continue
        key = " ".join(stem(w) for w in words(phrase) if w not in STOPWORDS)
        if key:
            found.append(key)
    return found


def shingle_hashes(text: str, size: int = 5, sample: int = 4) -> frozenset[int]:
    """Hashes of `size`-word shingles, keeping about 1 in `sample` (the same ones for every text)."""
    tokens = words(text)
    hashes = set()
    for i in range(max(0, len(tokens) - size + 1)):
        value = zlib.crc32(" ".join(tokens[i : i + size]).encode())
        if value % sample == 0:
            hashes.add(value)
    return frozenset(hashes)


def normalised(text: str) -> str:
    return " ".join(words(text))


def top_terms(weights: dict[str, float], count: int) -> list[str]:
    return [term for term, _ in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def overlap_coefficient(a: Iterable[int], b: Iterable[int]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))
