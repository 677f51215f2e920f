"""Where the outlets of one story differ: facts aligned across outlets with rapidfuzz.

Input is one text per outlet (same-outlet duplicates and wire copies are left out by the
caller's choice of `OutletText`s). Output is a ranked list of `Difference`s in the JSON form
of DESIGN.md section 6: numbers that disagree, quotes worded differently, one person given
different titles, one name spelled differently, and facts only some outlets carry.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import TypeVar

from rapidfuzz import fuzz

from bot.pipeline.facts import (
    TIME_NOUNS,
    ArticleFacts,
    NumberFact,
    QuoteFact,
    Sentence,
    article_text,
    extract_facts,
)
from bot.pipeline.text import (
    STOPWORDS,
    content_terms,
    entity_candidates,
    sentence_terms,
    stem,
    words,
)

DEFAULT_LIMIT = 15
# Two quotes are one quote when this similar (rapidfuzz ratio, 0-100) ...
SAME_QUOTE = 72
# ... and a sentence is covered by another outlet when one of its sentences is this similar.
COVERED = 55
# A quote "reworded" in more than this share of its words is another quote.
MAX_CHANGED = 0.5
# How many changed places of a quote its one-line summary shows.
MAX_SEGMENTS = 4
_TITLE_WORDS = (
    "minister|secretary|president|chancellor|spokesman|spokeswoman|spokesperson|chief|"
    "general|director|ambassador|leader|commander|envoy|governor|mayor|premier|senator"
)
_TITLED_NAME = re.compile(
    r"(?P<title>(?:[A-Za-z]+\s)?(?i:" + _TITLE_WORDS + r"))\s+"
    r"(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)+)"
    r"|(?P<name2>[A-Z][a-z]+(?:\s[A-Z][a-z]+)+),\s(?:the\s|[A-Z][a-z]+'s\s)?"
    r"(?P<title2>(?:[A-Za-z]+\s)?(?i:" + _TITLE_WORDS + r"))\b"
)
# Spelling that differs between British and American English is never a wording difference.
_SPELLING = (
    (re.compile(r"is(e|ed|es|ing|ation)\b"), r"iz\1"),
    (re.compile(r"our\b"), "or"),
    (re.compile(r"ence\b"), "ense"),
)


@dataclass
class OutletText:
    """One outlet's article; `facts` are read from `text` unless given (stored ones)."""

    outlet: str
    article: str
    text: str
    facts: ArticleFacts | None = None

    def __post_init__(self) -> None:
        if self.facts is None:
            self.facts = extract_facts(self.text)


@dataclass
class Variant:
    value: str
    outlets: list[str]
    evidence: list[dict[str, str]]

    def add(self, outlet: str, evidence: dict[str, str]) -> bool:
        """Count `outlet` on this side with its first evidence; False if it already was."""
        if outlet in self.outlets:
            return False
        self.outlets.append(outlet)
        self.evidence.append(evidence)
        return True

    def to_json(self) -> dict[str, object]:
        return {"value": self.value, "outlets": self.outlets, "evidence": self.evidence}


@dataclass
class Difference:
    kind: str
    subject: str
    summary: str
    variants: list[Variant]
    importance: float

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "summary": self.summary,
            "variants": [v.to_json() for v in self.variants],
            "importance": round(self.importance, 3),
        }


@dataclass(frozen=True)
class StoryText:
    """One member of a story as comparison sees it; `facts` when already read and stored."""

    outlet: str
    article: str
    placement: str
    title: str
    text: str
    facts: ArticleFacts | None = None


def one_text_per_outlet(members: list[StoryText]) -> list[OutletText]:
    """The texts a story compares: one per outlet (its longest), never the same outlet's
    repeats nor another outlet's copy, so neither is ever compared with its original."""
    by_outlet: dict[str, StoryText] = {}
    for member in members:
        if member.placement in ("same_article", "copy") or not member.text:
            continue
        known = by_outlet.get(member.outlet)
        if known is None or len(member.text) > len(known.text):
            by_outlet[member.outlet] = member
    return [
        OutletText(m.outlet, m.article, article_text(m.title, m.text), m.facts)
        for m in by_outlet.values()
    ]


def compare(texts: list[OutletText], limit: int | None = DEFAULT_LIMIT) -> list[Difference]:
    """The differences among outlets, most important first (at most `limit`, None for all)."""
    if len({t.outlet for t in texts}) < 2:
        return []
    found = (
        _number_differences(texts)
        + _quote_differences(texts)
        + _title_differences(texts)
        + _name_differences(texts)
        + _attribution_differences(texts)
        + _figures_only_in(texts)
        + _sources_only_in(texts)
        + _only_in(texts)
        + _conflicts(texts)
    )
    found.sort(key=lambda d: -d.importance)
    return found if limit is None else found[:limit]


def _evidence(text: OutletText, sentence: Sentence) -> dict[str, str]:
    return {"article": text.article, "text": sentence.text}


def _lead_weight(sentence_index: int) -> float:
    """1.0 for the opening sentence, falling to 0.4 deep in the article."""
    return max(0.4, 1.0 - 0.03 * sentence_index)


# Numbers ---------------------------------------------------------------------------------


def _same_quantity(a: NumberFact, b: NumberFact, ta: OutletText, tb: OutletText) -> bool:
    if a.unit != b.unit:
        return False
    if a.unit in ("", "%") and not (a.noun and b.noun):
        return False
    context = fuzz.token_set_ratio(
        ta.facts.sentences[a.sentence].text, tb.facts.sentences[b.sentence].text
    )
    if a.noun and b.noun:
        head = a.noun.split()[0]
        if head in TIME_NOUNS or head.endswith("-old"):
            return False  # spans of time and ages are rarely one quantity told two ways
        return fuzz.token_set_ratio(a.noun, b.noun) >= 80
    return context >= 60


_Fact = TypeVar("_Fact")


def _linked_across_outlets(
    facts: list[tuple[OutletText, _Fact]],
    same: Callable[[OutletText, _Fact, OutletText, _Fact], bool],
) -> list[list[tuple[OutletText, _Fact]]]:
    """The facts in groups, in first-seen order: two facts of different outlets that are
    `same` join one group, and so do facts linked through others (union-find)."""
    parent = list(range(len(facts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(facts)), 2):
        (ta, a), (tb, b) = facts[i], facts[j]
        if ta.outlet != tb.outlet and same(ta, a, tb, b):
            parent[root(i)] = root(j)
    groups: dict[int, list[tuple[OutletText, _Fact]]] = {}
    for index, fact in enumerate(facts):
        groups.setdefault(root(index), []).append(fact)
    return list(groups.values())


def _number_differences(texts: list[OutletText]) -> list[Difference]:
    """One difference per quantity the outlets disagree on, its values side by side."""
    mentions = [(t, n) for t in texts for n in t.facts.numbers]
    differences = []
    for group in _linked_across_outlets(
        mentions, lambda ta, a, tb, b: _same_quantity(a, b, ta, tb)
    ):
        variants: list[tuple[NumberFact, Variant]] = []
        for text, number in group:
            slot = next((v for n, v in variants if n.same_amount(number)), None)
            if slot is None:
                slot = Variant(_number_label(number), [], [])
                variants.append((number, slot))
            evidence = _evidence(text, text.facts.sentences[number.sentence])
            if text.outlet not in slot.outlets:
                slot.outlets.append(text.outlet)
            if evidence not in slot.evidence and len(slot.evidence) < 2 * len(slot.outlets):
                slot.evidence.append(evidence)  # up to two sentences an outlet says it in
        outlets = {t.outlet for t, _ in group}
        amounts = {(n.unit, round(n.value, 6)) for n, _ in variants}
        if len(outlets) < 2 or len(amounts) < 2:
            continue
        if all(set(v.outlets) == outlets for _, v in variants):
            continue  # every outlet gives every value: no outlet disagrees
        first = min(n.sentence for _, n in group)
        subject = next((n.noun for _, n in group if n.noun), "amount")
        listed = " / ".join(f"{v.value} ({', '.join(v.outlets)})" for _, v in variants)
        differences.append(
            Difference(
                "number",
                subject,
                f"{subject}: {listed}",
                [v for _, v in variants],
                0.9 * _lead_weight(first) + 0.1,
            )
        )
    return differences


def _number_label(number: NumberFact) -> str:
    return f"{number.hedge} {number.text}".strip()


# Quotes ----------------------------------------------------------------------------------


def spelling_normalised(text: str) -> list[str]:
    """Word tokens with British/American spelling and plural endings folded."""
    return list(_spelling_normalised(text))


@lru_cache(maxsize=8192)
def _spelling_normalised(text: str) -> tuple[str, ...]:
    tokens = []
    for token in words(expand_contractions(text)):
        token = token.replace(".", "")  # E.U. = EU
        for pattern, replacement in _SPELLING:
            token = pattern.sub(replacement, token)
        tokens.append(stem(token))
    return tuple(tokens)


_CONTRACTIONS = [
    (re.compile(r"\b(won)['’]t\b", re.I), "will not"),
    (re.compile(r"\b(can)['’]t\b", re.I), "can not"),
    (re.compile(r"\b(shan)['’]t\b", re.I), "shall not"),
    (re.compile(r"n['’]t\b", re.I), " not"),
    (re.compile(r"['’]re\b", re.I), " are"),
    (re.compile(r"['’]ve\b", re.I), " have"),
    (re.compile(r"['’]ll\b", re.I), " will"),
    (re.compile(r"\b(i)['’]m\b", re.I), "i am"),
]


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


def meaning_changing(changed: list[str]) -> list[str]:
    """The changed words that can flip or weaken what was said ("not", "would", "15")."""
    return [w for w in changed if w in _MEANING_WORDS or any(c.isdigit() for c in w)]


def _same_quote(a: str, b: str) -> bool:
    """One quote, worded alike or differently: similar enough, and reworded in at most
    MAX_CHANGED of its words (two different quotes built alike are not one)."""
    if _contained(a, b) or _contained(b, a):
        return True
    if fuzz.ratio(" ".join(spelling_normalised(a)), " ".join(spelling_normalised(b))) < SAME_QUOTE:
        return False
    only_a, only_b = changed_words(a, b)
    shorter = min(len(words(a)), len(words(b)))
    return max(len(only_a), len(only_b)) <= MAX_CHANGED * shorter


def _quote_differences(texts: list[OutletText]) -> list[Difference]:
    """Each quote carried by several outlets in more than one wording, once: its wordings
    (spelling folded; a shorter excerpt counts as the wording it is part of) with the
    outlets using each. The changed words are shown; a change that can flip the meaning
    (a negation, a modal verb, a number) ranks higher."""
    quotes = [(t, q) for t in texts for q in t.facts.quotes]
    differences = []
    for members in _linked_across_outlets(quotes, lambda _, a, __, b: _same_quote(a.text, b.text)):
        difference = _quote_difference(members)
        if difference is not None:
            differences.append(difference)
    return differences


def _quote_difference(members: list[tuple[OutletText, QuoteFact]]) -> Difference | None:
    if len({t.outlet for t, _ in members}) < 2:
        return None
    # Wordings, longest first; an excerpt of a wording (or the same words) joins it.
    variants: list[Variant] = []
    placed: set[str] = set()  # an outlet is on one side only: never compared with itself
    for text, quote in sorted(members, key=lambda m: -len(m[1].text)):
        if text.outlet in placed:
            continue
        placed.add(text.outlet)
        evidence = _evidence(text, text.facts.sentences[quote.sentence])
        home = next((v for v in variants if _contained(quote.text, v.value)), None)
        if home is None:
            home = Variant(quote.text, [], [])
            variants.append(home)
        home.add(text.outlet, evidence)
    if len(variants) < 2:
        return None  # everyone has the same words
    first, second = variants[0], variants[1]
    only_a, only_b = changed_words(first.value, second.value)
    if not only_a and not only_b:
        return None
    flips = meaning_changing(only_a + only_b)
    lead = max(_lead_weight(q.sentence) for _, q in members)
    importance = 0.85 * lead + 0.1 + (0.1 if flips else 0.0)
    if not only_a or not only_b:
        importance -= 0.1  # words left out or added, none replaced
    changes = "; ".join(
        f"\u201c{x or '…'}\u201d / \u201c{y or '…'}\u201d"
        for x, y in changed_segments(first.value, second.value)[:MAX_SEGMENTS]
    )
    summary = f"{', '.join(first.outlets)} / {', '.join(second.outlets)} word a quote differently: {changes}"
    for other in variants[2:]:
        summary += f"; {', '.join(other.outlets)} differ again"
    if flips:
        summary += f" (can change the meaning: {', '.join(dict.fromkeys(flips))})"
    return Difference(
        "quote",
        f"quote: \u201c{_shorten(first.value)}\u201d",
        summary,
        variants,
        min(importance, 1.0),
    )


def _contained(short: str, long: str) -> bool:
    return " ".join(spelling_normalised(short)) in " ".join(spelling_normalised(long))


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# Titles and names ------------------------------------------------------------------------


def _titles(text: OutletText) -> dict[str, tuple[str, Sentence]]:
    """Surname -> (title as written, sentence) for "Defence Minister Rustem Umerov" and
    "Rustem Umerov, Ukraine's defence secretary"."""
    found: dict[str, tuple[str, Sentence]] = {}
    for sentence in text.facts.sentences:
        for match in _TITLED_NAME.finditer(sentence.text):
            name = match.group("name") or match.group("name2")
            title = (match.group("title") or match.group("title2")).strip()
            surname = name.split()[-1]
            found.setdefault(f"{surname}|{title.lower().split()[-1]}", (title, sentence))
    return found


def _title_differences(texts: list[OutletText]) -> list[Difference]:
    by_person: dict[str, dict[str, Variant]] = {}
    for text in texts:
        for key, (title, sentence) in _titles(text).items():
            surname, head = key.split("|")
            variants = by_person.setdefault(surname, {})
            variants.setdefault(head, Variant(title, [], [])).add(
                text.outlet, _evidence(text, sentence)
            )
    differences = []
    for surname, variants in by_person.items():
        if len(variants) < 2:
            continue
        outlets = {o for v in variants.values() for o in v.outlets}
        if len(outlets) < 2:
            continue
        listed = "; ".join(f"{v.value} ({', '.join(v.outlets)})" for v in variants.values())
        differences.append(
            Difference(
                "title", surname, f"{surname} is called: {listed}", list(variants.values()), 0.7
            )
        )
    return differences


def _names(text: OutletText) -> Counter[str]:
    """Capitalised words that are not common words, with how often each is used."""
    return Counter(
        w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", text.text) if w.lower() not in STOPWORDS
    )


# Well-known alternative names for one place, state or group; which one an outlet chooses is
# news. Each alternative lists the surface forms that mean the same choice.
_ALIASES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("DPRK",), ("North Korea", "North Korean", "North Koreans")),
    (("ROK",), ("South Korea", "South Korean", "South Koreans")),
    (("Burma", "Burmese"), ("Myanmar",)),
    (("Ivory Coast",), ("Côte d'Ivoire", "Cote d'Ivoire")),
    (("Turkey",), ("Türkiye",)),
    (("Swaziland",), ("Eswatini",)),
    (("Czech Republic",), ("Czechia",)),
    (("Bombay",), ("Mumbai",)),
    (("Calcutta",), ("Kolkata",)),
    (("Peking",), ("Beijing",)),
    (("Odessa",), ("Odesa",)),
    (("Islamic State", "ISIS", "ISIL"), ("Daesh",)),
)


def _name_differences(texts: list[OutletText]) -> list[Difference]:
    """One name written two ways: close spellings (Kiev / Kyiv) each absent from the other
    outlet, or well-known alternatives (DPRK / North Korean)."""
    names = {t.outlet: _names(t) for t in texts}
    groups: dict[tuple[tuple[str, ...], ...], None] = {}
    for ta, tb in combinations(texts, 2):
        # Close spellings share a first letter and a length, so only those are compared.
        buckets: dict[tuple[str, int], list[str]] = {}
        for b in names[tb.outlet].keys() - names[ta.outlet].keys():
            if names[tb.outlet][b] >= 2:
                buckets.setdefault((b[0], len(b)), []).append(b)
        for a in names[ta.outlet].keys() - names[tb.outlet].keys():
            if names[ta.outlet][a] < 2:
                continue  # a name used once may be another name (Iran / Iron)
            for b in buckets.get((a[0], len(a)), ()):
                if spelling_normalised(a) == spelling_normalised(b):
                    continue
                if fuzz.ratio(a.lower(), b.lower()) >= 75:
                    groups[tuple(sorted(((a,), (b,))))] = None
    for aliases in _ALIASES:
        groups.setdefault(aliases, None)
    differences = []
    reported: set[frozenset[str]] = set()
    for alternatives in groups:
        variants = [v for v in (_users_of(forms, texts) for forms in alternatives) if v]
        if len(variants) < 2 or frozenset(v.value for v in variants) in reported:
            continue
        reported.add(frozenset(v.value for v in variants))
        if all(set(v.outlets).isdisjoint(w.outlets) for v, w in combinations(variants, 2)):
            differences.append(
                Difference(
                    "name",
                    " / ".join(v.value for v in variants),
                    " / ".join(f"{v.value} ({', '.join(v.outlets)})" for v in variants),
                    variants,
                    0.6,
                )
            )
    return differences


def _users_of(forms: tuple[str, ...], texts: list[OutletText]) -> Variant | None:
    """The outlets writing any of `forms` (as a name of its own, not part of a longer one)."""
    variant: Variant | None = None
    for text in texts:
        for form in forms:
            pattern = re.compile(rf"\b{re.escape(form)}\b(?!\s+[A-Z]|-)")
            sentence = next((s for s in text.facts.sentences if pattern.search(s.text)), None)
            if sentence is not None:
                variant = variant or Variant(form, [], [])
                variant.add(text.outlet, _evidence(text, sentence))
                break
    return variant


# Attributions ----------------------------------------------------------------------------

LEAD_SENTENCES = 8


def _attribution_differences(texts: list[OutletText]) -> list[Difference]:
    """Who the outlets credit in their leads, when no source is shared: "UK Profits cites the
    Ministry of Defence and defence sources; the Financial Times cites British officials"."""
    variants = []
    for text in texts:
        lead = [a for a in text.facts.attributions if a.sentence < LEAD_SENTENCES]
        if not lead:
            continue
        sources = list(dict.fromkeys(a.source for a in lead))
        evidence = list(
            dict.fromkeys(a.sentence for a in lead)
        )  # one sentence per credited source, in order
        variants.append(
            Variant(
                "; ".join(sources),
                [text.outlet],
                [_evidence(text, text.facts.sentences[i]) for i in evidence[:2]],
            )
        )
    if len(variants) < 2:
        return []
    for v, w in combinations(variants, 2):
        if any(
            fuzz.token_set_ratio(a, b) >= 80
            for a in v.value.split("; ")
            for b in w.value.split("; ")
        ):
            return []  # a source in common: the outlets agree on who says so
    listed = "; ".join(f"{v.outlets[0]} cites {v.value}" for v in variants)
    return [Difference("attribution", "who says so", listed, variants, 0.45)]


# Only in ---------------------------------------------------------------------------------


_REBUTTAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ial)|reject(?:ed|s)?|refut(?:ed|es)|disput(?:ed|es)|dismiss(?:ed|es)|"
    r"contradict(?:ed|s|ory)?|false(?:ly)?)\b",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(
    r"\baccording to (?:the )?(?P<source>[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3})"
)


def _with_noun(label: str, noun: str) -> str:
    return f"{label} ({noun})" if noun and not label[:1].isdigit() else f"{label} {noun}".strip()


def _figure_weight(unit: str, noun: str) -> float:
    """Money and percentages first (what readers act on), then counts, then spans of time."""
    if unit:
        return 0.45
    if noun.split()[:1] and noun.split()[0] in TIME_NOUNS:
        return 0.15
    return 0.3


def _sources_only_in(texts: list[OutletText]) -> list[Difference]:
    """Named sources and venues ("told LBC", "according to the Pentagon") only one outlet gives."""
    differences = []
    for text in texts:
        others = " ".join(t.text for t in texts if t.outlet != text.outlet).lower()
        named: dict[str, Sentence] = {}
        for quote in text.facts.quotes:
            if quote.venue:
                named.setdefault(quote.venue, text.facts.sentences[quote.sentence])
        for sentence in text.facts.sentences:
            for match in _ACCORDING_TO.finditer(sentence.text):
                named.setdefault(match.group("source"), sentence)
        for source, sentence in named.items():
            if source.lower() in others or source.lower() == text.outlet.lower():
                continue
            differences.append(
                Difference(
                    "only_in",
                    source,
                    f"Only {text.outlet} names {source}: {_shorten(sentence.text, 160)}",
                    [Variant(source, [text.outlet], [_evidence(text, sentence)])],
                    0.5,
                )
            )
    return differences


def _figures_only_in(texts: list[OutletText]) -> list[Difference]:
    """Amounts (money, percentages, counted things) that some outlets give and others do not."""
    amounts: dict[tuple[str, float], Variant] = {}
    first_index: dict[tuple[str, float], int] = {}
    noun_of: dict[tuple[str, float], str] = {}
    for text in texts:
        for number in text.facts.numbers:
            if not (number.unit or number.noun) or (number.value < 2 and not number.unit):
                continue
            key = (number.unit, round(number.value, 6))
            variant = amounts.setdefault(key, Variant(_number_label(number), [], []))
            if variant.add(text.outlet, _evidence(text, text.facts.sentences[number.sentence])):
                first_index[key] = min(first_index.get(key, 99), number.sentence)
                noun_of.setdefault(key, number.noun)
    outlets = {t.outlet for t in texts}
    differences = []
    for key, variant in amounts.items():
        if len(variant.outlets) < len(outlets):
            missing = sorted(outlets - set(variant.outlets))
            differences.append(
                Difference(
                    "only_in",
                    variant.value,
                    f"{_with_noun(variant.value, noun_of[key])} is given by "
                    f"{', '.join(variant.outlets)}, "
                    f"not by {', '.join(missing)}",
                    [variant],
                    # Money and percentages first: they are what readers act on.
                    _figure_weight(key[0], noun_of[key]) + 0.3 * _lead_weight(first_index[key]),
                )
            )
    return differences


def _covered(text: OutletText, others: list[OutletText]) -> list[bool]:
    """For each sentence of `text`: does some other outlet have a sentence saying much the same?
    Only the few sentences sharing the most words are scored, so long stories stay fast."""
    theirs = [s.text for t in others for s in t.facts.sentences]
    postings: dict[str, list[int]] = {}
    for index, sentence in enumerate(theirs):
        for term in sentence_terms(sentence):
            postings.setdefault(term, []).append(index)
    covered = []
    for sentence in text.facts.sentences:
        hits: Counter[int] = Counter()
        for term in sentence_terms(sentence.text):
            hits.update(postings.get(term, ()))
        mine = sentence.text.lower()
        covered.append(
            any(
                fuzz.token_set_ratio(mine, theirs[i].lower()) >= COVERED
                and fuzz.partial_ratio(mine, theirs[i].lower()) >= COVERED
                for i, _ in hits.most_common(5)
            )
        )
    return covered


def _only_in(texts: list[OutletText]) -> list[Difference]:
    """Sentences no other outlet covers, worth reading: with a figure, a quote, or a name."""
    differences = []
    terms = [set(content_terms(t.text)) for t in texts]
    for text in texts:
        others = [t for t in texts if t.outlet != text.outlet]
        other_text = " ".join(t.text for t in others).lower()
        other_terms = set().union(
            *(terms[i] for i, t in enumerate(texts) if t.outlet != text.outlet)
        )
        quoted = {q.sentence for q in text.facts.quotes}
        counted = {n.sentence for n in text.facts.numbers}
        covered_rows = _covered(text, others)
        for index, sentence in enumerate(text.facts.sentences):
            if len(sentence.text.split()) < 4:
                continue
            covered = covered_rows[index]
            new_terms = [
                t
                for t in dict.fromkeys(content_terms(sentence.text))
                if t not in other_terms and t.isalpha()
            ]
            new_names = [
                n for n in dict.fromkeys(entity_candidates(sentence.text)) if n not in other_text
            ]
            if covered or not new_terms:
                continue
            has_number = index in counted and any(
                n.sentence == index
                and not any(n.same_amount(x) for t in others for x in t.facts.numbers)
                for n in text.facts.numbers
            )
            has_quote = index in quoted
            # A figure, a quote or a new name first; then how new the sentence is; the lead a little.
            # A denial or rebuttal is a claim an editor must see, whoever else reports the event.
            rebuttal = bool(_REBUTTAL.search(sentence.text))
            score = 0.1 + 0.25 * has_number + 0.25 * has_quote + 0.35 * rebuttal
            score += 0.15 * min(len(new_names), 2)
            score += 0.05 * min(len(new_terms), 5) / 5
            score *= 0.6 + 0.4 * _lead_weight(index)
            value = ", ".join((new_names or new_terms)[:4])
            differences.append(
                Difference(
                    "only_in",
                    value,
                    f"Only {text.outlet}: {_shorten(sentence.text, 160)}",
                    [Variant(value, [text.outlet], [_evidence(text, sentence)])],
                    score,
                )
            )
    return differences


# Contradictions -------------------------------------------------------------------------

# Two sentences tell one claim when this similar (rapidfuzz token_set_ratio) ...
SAME_CLAIM = 70
_NEGATIONS = frozenset("not no never".split())
# ... and little else differs: at most this share of the shorter sentence's words.
CLAIM_CHANGED = 0.25
# ... and contradict each other when what differs between them is a negation, or one word
# of a pair of opposites each.
_OPPOSITES = {
    frozenset(pair)
    for pair in [
        ("confirmed", "denied"),
        ("confirm", "deny"),
        ("confirms", "denies"),
        ("rose", "fell"),
        ("rise", "fall"),
        ("rises", "falls"),
        ("increased", "decreased"),
        ("increase", "decrease"),
        ("higher", "lower"),
        ("won", "lost"),
        ("win", "lose"),
        ("accepted", "rejected"),
        ("approved", "rejected"),
        ("support", "oppose"),
        ("supports", "opposes"),
        ("supported", "opposed"),
        ("alive", "dead"),
        ("true", "false"),
        ("guilty", "innocent"),
        ("allowed", "banned"),
        ("open", "closed"),
        ("before", "after"),
        ("more", "fewer"),
        ("more", "less"),
        ("agreed", "refused"),
    ]
}


def _contradiction(x: str, y: str) -> list[str]:
    """The words that make changed passages `x` and `y` contradict each other, or []."""
    xs, ys = set(x.split()), set(y.split())
    flipped = (xs ^ ys) & _NEGATIONS
    if flipped:
        return sorted(flipped)
    return sorted(w for a in xs for w in (a,) if any({a, b} in _OPPOSITES for b in ys))


def _conflicts(texts: list[OutletText]) -> list[Difference]:
    """Statements of one claim that contradict each other in words: one outlet's sentence
    says what another's, nearly word for word, negates or turns into its opposite."""
    differences = []
    for ta, tb in combinations(texts, 2):
        quoted_a = {q.sentence for q in ta.facts.quotes}
        quoted_b = {q.sentence for q in tb.facts.quotes}
        postings: dict[str, list[int]] = {}
        for j, sentence in enumerate(tb.facts.sentences):
            for term in sentence_terms(sentence.text):
                postings.setdefault(term, []).append(j)
        for i, sa in enumerate(ta.facts.sentences):
            if i in quoted_a or len(sa.text.split()) < 6:
                continue
            hits: Counter[int] = Counter()
            for term in sentence_terms(sa.text):
                hits.update(postings.get(term, ()))
            for j, _ in hits.most_common(3):
                sb = tb.facts.sentences[j]
                if j in quoted_b or len(sb.text.split()) < 6:
                    continue
                if fuzz.token_set_ratio(sa.text.lower(), sb.text.lower()) < SAME_CLAIM:
                    continue
                segments = changed_segments(sa.text, sb.text)
                changed = sum(len(x.split()) + len(y.split()) for x, y in segments)
                shorter = min(len(sa.text.split()), len(sb.text.split()))
                if not segments or changed > max(2, CLAIM_CHANGED * shorter):
                    continue
                turning = [w for x, y in segments for w in _contradiction(x, y)]
                if not turning:
                    continue
                changes = "; ".join(
                    f"\u201c{x or '…'}\u201d / \u201c{y or '…'}\u201d" for x, y in segments
                )
                differences.append(
                    Difference(
                        "conflict",
                        _shorten(sa.text, 80),
                        f"{ta.outlet} and {tb.outlet} contradict each other: {changes}",
                        [
                            Variant(sa.text, [ta.outlet], [_evidence(ta, sa)]),
                            Variant(sb.text, [tb.outlet], [_evidence(tb, sb)]),
                        ],
                        0.6 + 0.35 * max(_lead_weight(i), _lead_weight(j)),
                    )
                )
                break
    return differences
