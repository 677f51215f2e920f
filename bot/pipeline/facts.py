"""Facts an article states, with character offsets: sentences, numbers, direct quotes.

Numbers are normalised so that equal amounts written differently compare equal (`£225m`,
`£225 million`, `225 million pounds`; `five` = 5; `50%` = `50 per cent`), and keep their
hedge ("at least", "about", "up to") and the noun they count ("15 people killed").
Quotes keep who said them when the sentence says so ("..., he told LBC", "said Healey").
Comparison across outlets is not done here; this module only reads one text.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from bot.pipeline.text import STOPWORDS

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
    "bn": 1e9, "b": 1e9, "billion": 1e9, "billions": 1e9, "tn": 1e12, "trillion": 1e12,
}  # fmt: skip
_CURRENCY_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "dollars": "USD", "dollar": "USD",
    "euros": "EUR", "euro": "EUR", "yen": "JPY", "rupees": "INR", "roubles": "RUB",
    "rubles": "RUB", "hryvnias": "UAH",
}  # fmt: skip
_HEDGES = (
    "at least", "more than", "over", "nearly", "almost", "about", "around", "roughly",
    "approximately", "up to", "as many as", "fewer than", "less than", "some", "an estimated",
)  # fmt: skip

_NUMBER = re.compile(
    r"(?<![\w.,])(?P<currency>[£$€¥₹])?\s?"
    r"(?<![\w.,])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>k|m|mn|bn|b|tn|thousand|million|billion|trillion)\b)?"
    r"(?:\s?(?P<percent>%|per\s?cent|percent))?"
    r"|(?P<word>\b(?:" + "|".join(_WORD_NUMBERS) + r")\b)"
    r"(?:\s(?P<wscale>thousand|million|billion)\b)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?P<close>[\"”’')\]]*)\s+(?=[\"“‘'(\[]?[A-Z0-9£$€])|\n+")
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Rep|Sen|Gov|Prof|No|U\.S|U\.K|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.$"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_QUOTE = re.compile(r"[\"“](?P<body>[^\"“”]{12,}?)[\"”]")
# A body that speaks as one: "the foreign ministry said", "the Pentagon's press office said".
_BODY = (
    r"(?:the\s)(?:[\w'’-]+\s){0,3}?(?:ministry|department|agency|office|government|police|"
    r"army|military|embassy|council|committee|commission|company|spokes(?:man|woman|person))"
)
# Title words before a name ("foreign ministry spokesman Wang Wenbin", "Chinese foreign
# ministry spokesman ..."); never a function word, so "a lawyer for Trump" is not Trump.
_TITLE_WORDS = r"(?:[A-Z][\w'’-]+\s){0,2}(?:(?!(?:a|an|the|for|of|and|to|with|by|from|in|on|at)\s)[a-z]+\s){1,3}?"
_SPEAKER_AFTER = re.compile(
    r"^[,\s]*(?:(?P<pronoun>he|she|they|it)|(?P<name>(?:" + _TITLE_WORDS + r")?"
    r"(?:[A-Z][\w'’.-]+\s?){1,4}|" + _BODY + r"))\s+"
    r"(?P<verb>said|says|told|added|wrote|warned|explained|insisted|claimed|stated)"
    r"|^[,\s]*(?P<verb2>said|says|added|told|wrote|warned)\s+(?P<name2>(?:the\s)?(?:[A-Z][\w'’.-]+\s?){1,4})"
)
_SPEAKER_BEFORE = re.compile(
    r"(?P<name>(?:[A-Z][\w'’.-]+\s?){1,4}|he|she|they)\s+"
    r"(?:said|says|told\s[\w\s]{1,30}?|added|wrote|warned|explained)\s*[:,]?\s*$"
)
_VENUE = re.compile(r"\btold\s+(?P<venue>(?:the\s)?[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3})")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class NumberFact:
    """`value` is the amount in base units (`£225m` -> 225000000.0, "five" -> 5.0)."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # "GBP", "USD", "%", ... or "" for a plain count
    noun: str  # the words after the number that say what it counts ("people killed")
    hedge: str  # "at least", "about", ... or ""
    sentence: int

    def same_amount(self, other: NumberFact) -> bool:
        return self.unit == other.unit and abs(self.value - other.value) <= 1e-9 * max(
            1.0, abs(self.value)
        )


@dataclass(frozen=True)
class QuoteFact:
    start: int
    end: int
    text: str
    speaker: str  # as written ("Healey", "he"), or "" when the sentence does not say
    venue: str  # where it was said ("LBC", "The Times"), or ""
    sentence: int


@dataclass(frozen=True)
class AttributionFact:
    """Who a sentence credits: "according to British officials", "defence sources confirmed"."""

    source: str
    sentence: int


@dataclass(frozen=True)
class ArticleFacts:
    sentences: tuple[Sentence, ...]
    numbers: tuple[NumberFact, ...]
    quotes: tuple[QuoteFact, ...]
    attributions: tuple[AttributionFact, ...] = ()

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> ArticleFacts:
        data = json.loads(raw)
        return cls(
            tuple(Sentence(**s) for s in data["sentences"]),
            tuple(NumberFact(**n) for n in data["numbers"]),
            tuple(QuoteFact(**q) for q in data["quotes"]),
            tuple(AttributionFact(**a) for a in data.get("attributions", [])),
        )


def article_text(title: str, text: str) -> str:
    """What facts are read from: the headline as the first sentence, then the text."""
    return f"{title}\n\n{text}" if title else text


def sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`; abbreviations such as "Mr." do not end one, a line
    break always does (a paragraph that ends "... on the U.S." is not joined to the next)."""
    found: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() + len(match.group("close") or "")
        if "\n" not in match.group() and _ABBREVIATIONS.search(text[start:end].rstrip("\"”’')]")):
            continue  # "Mr." goes on; a line break ends a sentence whatever comes before it
        _append(found, text, start, end)
        start = match.end()
    _append(found, text, start, len(text))
    return found


def _append(found: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        found.append(Sentence(start, end, text[start:end]))


def extract_facts(text: str) -> ArticleFacts:
    """Everything this module reads from one article's text."""
    parts = sentences(text)
    numbers: list[NumberFact] = []
    quotes: list[QuoteFact] = []
    attributions: list[AttributionFact] = []
    for index, sentence in enumerate(parts):
        numbers.extend(_numbers(sentence, index))
        quotes.extend(_quotes(sentence, index))
        attributions.extend(
            AttributionFact(source, index) for source in _attributions(sentence.text)
        )
    return ArticleFacts(tuple(parts), tuple(numbers), tuple(quotes), tuple(attributions))


_SOURCE_NOUNS = (
    r"officials?|sources?|spokes(?:man|woman|person)|ministry|government|police|authorities|"
    r"aides?|diplomats?|analysts?|experts?|investigators?|witnesses|residents|officers?"
)
_ATTRIBUTION = re.compile(
    # the source runs to the next punctuation, a period of an initialism ("U.S.") aside
    r"\baccording to (?:the )?(?P<according>(?:[^,.;:“”\"]|(?<=\b[A-Z])\.){3,60}?)"
    r"(?=[,;:]|(?<!\b[A-Z])\.|\s(?:who|that|on|in)\b|$)"
    r"|(?P<group>(?<![\w'’])(?:[A-Z][\w'’-]+\s){0,2}(?:[a-z][a-z'’-]*\s)?(?:"
    + _SOURCE_NOUNS
    + r"))\s+"
    r"(?:have\s|had\s)?(?:said|say|says|confirmed|told|believe|claimed|reported|denied)\b"
    r"|(?P<ministry>\b(?:the\s)?Ministry of [A-Z]\w+)(?:\s\([A-Za-z]+\))?\s+"
    r"(?:has\s|have\s)?(?:said|says|confirmed|stated|announced|revealed|indicated|outlined)",
)


_INITIALISM_END = re.compile(r"(?:\b[A-Z]\.){2,}$")


def _attributions(sentence: str) -> list[str]:
    found = []
    for match in _ATTRIBUTION.finditer(sentence):
        source = match.group("according") or match.group("group") or match.group("ministry")
        source = source.strip()
        if source.endswith(".") and not _INITIALISM_END.search(source):
            source = source[:-1]  # "according to Plan B.": the sentence's own full stop
        if source and source.lower() not in ("he", "she", "they", "it"):
            found.append(source)
    return found


def _numbers(sentence: Sentence, index: int) -> list[NumberFact]:
    found = []
    for match in _NUMBER.finditer(sentence.text):
        parsed = _parse_number(match, sentence.text)
        if parsed is None:
            continue
        value, unit, end = parsed
        before = sentence.text[: match.start()].lower().rstrip()
        hedge = next((h for h in _HEDGES if before.endswith(h)), "")
        found.append(
            NumberFact(
                start=sentence.start + match.start(),
                end=sentence.start + end,
                text=sentence.text[match.start() : end].strip(),
                value=value,
                unit=unit,
                noun=_counted_noun(sentence.text[end:]),
                hedge=hedge,
                sentence=index,
            )
        )
    return found


def _parse_number(match: re.Match[str], sentence: str) -> tuple[float, str, int] | None:
    end = match.end()
    if match.group("word"):
        word = match.group("word").lower()
        if word == "one" and not match.group("wscale"):
            return None  # "one of the", "one day": rarely a quantity worth comparing
        value = float(_WORD_NUMBERS[word])
        scale = match.group("wscale")
        unit = ""
    else:
        digits = match.group("digits")
        if _is_year_or_time(match, sentence):
            return None
        value = float(digits.replace(",", ""))
        scale = match.group("scale")
        unit = _CURRENCY_SYMBOLS.get(match.group("currency") or "", "")
        if match.group("percent"):
            unit = "%"
    if scale:
        value *= _SCALES[scale.lower()]
    if not unit:
        following = _WORD.match(sentence[end:].lstrip())
        if following and following.group(0).lower() in _CURRENCY_WORDS:
            unit = _CURRENCY_WORDS[following.group(0).lower()]
    return value, unit, end


def _is_year_or_time(match: re.Match[str], sentence: str) -> bool:
    digits = match.group("digits")
    if match.group("currency") or match.group("scale") or match.group("percent"):
        return False
    if re.fullmatch(r"(?:19|20)\d\d", digits):
        return True
    after = sentence[match.end() : match.end() + 4].lower()
    return after.startswith((":", "am", " am", "pm", " pm", "th", "st ", "nd ", "rd "))


_AUXILIARIES = frozenset("were was are is have has had been being".split())
TIME_NOUNS = frozenset("year years week weeks day days month months hour hours".split())


def _counted_noun(after: str) -> str:
    """Up to two content words right after a number: what it counts."""
    words: list[str] = []
    clause = re.split(r"[,.;:()\"“”]", after[:60], maxsplit=1)[0]
    for word in _WORD.findall(clause):
        lowered = word.lower()
        if words and lowered in _AUXILIARIES:
            continue  # "15 people were killed" counts "people killed"
        if lowered in TIME_NOUNS:
            words.append(lowered)
            break
        if lowered in _SCALES or lowered in ("per", "cent", "percent"):
            continue
        if lowered in STOPWORDS and not words:
            if lowered in ("of", "were", "was", "have", "had", "are"):
                continue
            break
        if lowered in STOPWORDS or len(lowered) < 2:
            break
        words.append(lowered)
        if len(words) == 2:
            break
    return " ".join(words)


def _quotes(sentence: Sentence, index: int) -> list[QuoteFact]:
    found = []
    for match in _QUOTE.finditer(sentence.text):
        body = match.group("body").strip().rstrip(",")
        if len(body.split()) < 3:
            continue  # a scare-quoted phrase, not a quote
        after = sentence.text[match.end() : match.end() + 80]
        before = sentence.text[max(0, match.start() - 80) : match.start()]
        speaker = ""
        spoken = _SPEAKER_AFTER.search(after)
        if spoken:
            speaker = (
                spoken.group("pronoun") or spoken.group("name") or spoken.group("name2") or ""
            ).strip()
        else:
            prior = _SPEAKER_BEFORE.search(before)
            if prior:
                speaker = prior.group("name").strip()
        venue_match = _VENUE.search(after) or _VENUE.search(before)
        found.append(
            QuoteFact(
                start=sentence.start + match.start("body"),
                end=sentence.start + match.end("body"),
                text=body,
                speaker=speaker,
                venue=venue_match.group("venue").strip(" .,") if venue_match else "",
                sentence=index,
            )
        )
    return found
