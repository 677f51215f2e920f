"""Names and titles: one person given different titles or roles, and one name written two
ways (a close spelling such as Kiev / Kyiv or Priebus / Preibus, or a well-known alternative
such as DPRK / North Korea). Forms are indexed story-wide, never outlet pair by pair."""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from bot.pipeline.compare.model import Difference, OutletText, Variant, evidence, outlets_label
from bot.pipeline.compare.wording import spelling_normalised
from bot.pipeline.facts import Sentence
from bot.pipeline.quantities import proper_noun
from bot.pipeline.text import STOPWORDS

_TITLE_WORDS = (
    "minister|secretary|president|chancellor|spokesman|spokeswoman|spokesperson|chief|"
    "general|director|ambassador|leader|commander|envoy|governor|mayor|premier|senator"
)
_TITLE_ABBREVIATIONS = {
    "sen.": "senator", "gov.": "governor", "rep.": "representative", "gen.": "general",
    "pres.": "president", "amb.": "ambassador", "sec.": "secretary", "lt.": "lieutenant",
    "col.": "colonel", "adm.": "admiral", "supt.": "superintendent", "cmdr.": "commander",
}  # fmt: skip
_TITLED_NAME = re.compile(
    r"(?P<title>(?:[A-Za-z]+\s)?(?i:" + _TITLE_WORDS + r")|(?:Sen|Gov|Rep|Gen|Pres|Amb|Sec|Lt|"
    r"Col|Adm|Supt|Cmdr)\.)\s+(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+)+)"
    r"|(?P<name2>[A-Z][a-z]+(?:\s[A-Z][a-z]+)+),\s(?:the\s|[A-Z][a-z]+'s\s)?"
    r"(?P<title2>(?:[A-Za-z]+\s)?(?i:" + _TITLE_WORDS + r"))\b"
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


# Names of one office: who speaks for an office (a press secretary is its spokesperson); who
# heads a government ("premier" is the usual short form of "prime minister").
_SAME_OFFICE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:spokes(?:man|woman|person)|press secretary)$"), "spokesperson"),
    (re.compile(r"\b(?:prime minister|premier)$"), "prime minister"),
)


def title_head(title: str) -> str:
    """The word a title turns on, abbreviations written out: "Sen." -> "senator"; one name
    for each office (`_SAME_OFFICE`): "press secretary", "spokesman" and "spokeswoman" ->
    "spokesperson", "Interim Prime Minister" and "premier" -> "prime minister"."""
    lowered = title.lower()
    for office, name in _SAME_OFFICE:
        if office.search(lowered):
            return name
    last = lowered.split()[-1]
    return _TITLE_ABBREVIATIONS.get(last, last.rstrip("."))


def _titles(text: OutletText) -> dict[str, tuple[str, Sentence]]:
    """Surname|title head -> (title as written, sentence) for "Defence Minister Rustem Umerov"
    and "Rustem Umerov, Ukraine's defence secretary"."""
    found: dict[str, tuple[str, Sentence]] = {}
    for _, sentence in text.body_sentences():
        for match in _TITLED_NAME.finditer(sentence.text):
            name = match.group("name") or match.group("name2")
            title = (match.group("title") or match.group("title2")).strip()
            surname = name.split()[-1]
            found.setdefault(f"{surname}|{title_head(title)}", (title, sentence))
    return found


def title_differences(texts: list[OutletText]) -> list[Difference]:
    """One person given titles whose head words differ, by different outlets."""
    by_person: dict[str, dict[str, Variant]] = {}
    for text in texts:
        for key, (title, sentence) in _titles(text).items():
            surname, head = key.split("|")
            variants = by_person.setdefault(surname, {})
            variants.setdefault(head, Variant(title, [], [])).add(
                text.outlet, evidence(text, sentence)
            )
    found = []
    for surname, variants in by_person.items():
        if len(variants) < 2:
            continue
        sides = list(variants.values())
        outlets = {o for v in sides for o in v.outlets}
        if len(outlets) < 2 or all(set(v.outlets) == outlets for v in sides):
            continue  # every outlet uses every title: nobody differs
        listed = "; ".join(f"{v.value} ({outlets_label(v.outlets)})" for v in sides)
        found.append(Difference("title", surname, f"{surname} is called: {listed}", sides, 0.7))
    return found


def _names(text: OutletText) -> Counter[str]:
    """Capitalised words that are not common words, with how often each is used."""
    return Counter(
        w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", text.text) if w.lower() not in STOPWORDS
    )


def _close_spellings(a: str, b: str, uses_a: int, uses_b: int) -> bool:
    """Two spellings of one name: one letter swapped or changed in a long name (Priebus /
    Preibus) even when each is used once; otherwise alike and each used at least twice
    (a name used once may be another name: Iran / Iron)."""
    if spelling_normalised(a) == spelling_normalised(b):
        return False
    if _word_forms(a, b):
        return False
    if len(a) >= 6 and DamerauLevenshtein.distance(a.lower(), b.lower()) == 1:
        return a[0] == b[0]
    return uses_a >= 2 and uses_b >= 2 and fuzz.ratio(a.lower(), b.lower()) >= 75


def _word_forms(a: str, b: str) -> bool:
    """Forms of one word, not two spellings: they differ only in an ending (Israel /
    Israeli / Israelis, America / American, Koreas / Koreans)."""
    shorter = min(len(a), len(b))
    common = 0
    for x, y in zip(a.lower(), b.lower(), strict=False):
        if x != y:
            break
        common += 1
    return common >= shorter - 1


def _common_word(name: str, texts: list[OutletText]) -> bool:
    """The word is also written in lower case in the story: a common word ("county")."""
    pattern = re.compile(rf"\b{re.escape(name.lower())}\b")
    return any(pattern.search(t.text) for t in texts)


def name_differences(texts: list[OutletText]) -> list[Difference]:  # noqa: C901  # one pass of skip rules in reading order
    """One name written two ways, each way by different outlets."""
    uses: dict[str, Counter[str]] = {}
    for text in texts:
        for name, count in _names(text).items():
            uses.setdefault(name, Counter())[text.outlet] += count
    # Close spellings share a first letter and a length within one, so only those meet.
    buckets: dict[tuple[str, int], list[str]] = {}
    for name in uses:
        buckets.setdefault((name[0], len(name)), []).append(name)
    groups: dict[tuple[tuple[str, ...], ...], None] = {}
    for (first, length), names in buckets.items():
        nearby = names + buckets.get((first, length + 1), [])
        for a, b in combinations(nearby, 2):
            shared = uses[a].keys() & uses[b].keys()
            if len(shared) == len(uses[a]) or len(shared) == len(uses[b]):
                continue  # one side's outlets all use the other form too
            if _close_spellings(a, b, max(uses[a].values()), max(uses[b].values())):
                groups[tuple(sorted(((a,), (b,))))] = None
    for aliases in _ALIASES:
        groups.setdefault(aliases, None)
    found = []
    reported: set[frozenset[str]] = set()
    for alternatives in groups:
        variants = [v for v in (_users_of(forms, texts) for forms in alternatives) if v]
        if len(variants) < 2 or frozenset(v.value for v in variants) in reported:
            continue
        if alternatives not in _ALIASES and not all(
            _a_name(v.value, v.evidence[0]["text"], texts) for v in variants
        ):
            continue
        reported.add(frozenset(v.value for v in variants))
        if all(set(v.outlets).isdisjoint(w.outlets) for v, w in combinations(variants, 2)):
            found.append(
                Difference(
                    "name",
                    " / ".join(v.value for v in variants),
                    " / ".join(f"{v.value} ({outlets_label(v.outlets)})" for v in variants),
                    variants,
                    0.6,
                )
            )
    return found


def _a_name(form: str, sentence: str, texts: list[OutletText]) -> bool:
    """A proper noun where it is used (spaCy), never a common word of the story."""
    return not _common_word(form, texts) and proper_noun(form, sentence)


def _users_of(forms: tuple[str, ...], texts: list[OutletText]) -> Variant | None:
    """The outlets writing any of `forms` (as a name of its own, not part of a longer one)."""
    variant: Variant | None = None
    patterns = [re.compile(rf"\b{re.escape(form)}\b(?!\s+[A-Z]|-)") for form in forms]
    for text in texts:
        if not any(form in text.text for form in forms):
            continue
        for form, pattern in zip(forms, patterns, strict=True):
            sentence = next((s for s in text.facts.sentences if pattern.search(s.text)), None)
            if sentence is not None:
                variant = variant or Variant(form, [], [])
                variant.add(text.outlet, evidence(text, sentence))
                break
    return variant
