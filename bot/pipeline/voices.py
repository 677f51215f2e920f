"""Who speaks in a sentence and when it happened, read with spaCy's parse.

"Only in" items must be about the story's own event and told by its own actors: not
background (dated before the story: "Last year, ...", "since January", "two weeks ago",
"previously") and not an outside voice (a commentator, a passer-by, a volunteer: a person
no other outlet names, with no office that ties them to the story). The regex facts cannot
tell those apart; the parse can: DATE entities, the subject of a reporting verb ("said
Tyler, a Republican consultant", "Pentagon spokesperson John Kirby said") and the words
around the person's name. Read in the parsing worker of `quantities` (spaCy never loads in
the bot process), only for the few sentences that are candidates for an "only in" item.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from bot.pipeline.dates import MONTH_NAMES

# Reporting verbs whose subject is the speaker of the sentence's claim (lemmas).
REPORTING = frozenset(
    "say tell add warn announce claim write argue note explain insist acknowledge predict "
    "accuse allege admit confirm state suggest describe call believe contend recall "
    "criticize criticise".split()
)
# A DATE entity in these words points before the story: its background.
# Not the story's own window ("over the last two days", "the past week", "since Monday"):
# a season, a year or a month back, or years, months or weeks ago.
_MONTH_NAMES = "|".join(MONTH_NAMES)
_PAST = re.compile(
    r"\blast (?:year|month|week|decade|summer|spring|autumn|fall|winter|" + _MONTH_NAMES + r")\b"
    r"|\b(?:years?|months?|decades?|weeks) ago\b"
    r"|\b(?:earlier|later) (?:this|that|in the) (?:year|month)\b"
    r"|\bthe (?:previous|prior|following) (?:year|month|day|week)\b"
    r"|\bsince (?:\d{4}|" + _MONTH_NAMES + r"|last)\b"
    r"|\b(?:the )?past (?:year|decade|\d+ years)\b",
    re.IGNORECASE,
)
# Adverbs that date a clause before the story without a DATE entity.
_PAST_ADVERBS = frozenset({"previously", "formerly", "once"})
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Speaker:
    """The subject of a reporting verb: `name` the PERSON entity in it ("" when none, e.g.
    "officials", "the ministry"), `words` the whole subject with its appositive ("Tom
    Karako, director of the Missile Defense Project ...")."""

    name: str
    words: str


@dataclass(frozen=True)
class Voice:
    """What the parse says of one sentence: its DATE entities, whether it is dated before
    the story by a past-pointing date or adverb (`earlier`), and its speakers."""

    dates: tuple[str, ...]
    earlier: bool
    speakers: tuple[Speaker, ...]
    # Someone's claim or stance is told: a reporting verb with what was said (a clause, or
    # a named speaker), or a stance verb ("backed", "urged"). Not a reporting verb in
    # passing ("the day he announced his candidacy").
    claims: bool = True
    # The claim itself (`_main_claim`): what was said, or the main clause, without the
    # details hung on it. The whole sentence when the parse gives no more.
    claim: str = ""


_READ: OrderedDict[str, Voice] = OrderedDict()
_READ_KEPT = 20_000


def read_voices(sentences: list[str]) -> list[Voice]:
    """One `Voice` per sentence, read in the parsing worker (`quantities._WORKER`), each
    sentence once per process (a bounded cache: a story is compared again as it grows)."""
    from bot.pipeline.quantities import run_in_worker

    with _LOCK:
        known = {s: _READ[s] for s in sentences if s in _READ}
    missing = list(dict.fromkeys(s for s in sentences if s not in known))
    if missing:
        known.update(zip(missing, run_in_worker("voices", missing), strict=True))
    with _LOCK:
        for sentence in missing:
            _READ[sentence] = known[sentence]
        while len(_READ) > _READ_KEPT:
            _READ.popitem(last=False)
    return [known[s] for s in sentences]


def _voices(sentences: list[str]) -> list[Voice]:
    """In the worker: the parse of each sentence, as `Voice`s."""
    from bot.pipeline.quantities import nlp

    return [_voice(doc) for doc in nlp().pipe(sentences, batch_size=64)]


def _voice(doc: Any) -> Voice:
    # With the word before it when that is "since": "since January" points back.
    dates = tuple(
        (doc[e.start - 1].text + " " if e.start and doc[e.start - 1].lower_ == "since" else "")
        + e.text
        for e in doc.ents
        if e.label_ == "DATE"
    )
    earlier = any(_PAST.search(d) for d in dates) or any(
        t.lower_ in _PAST_ADVERBS and t.pos_ == "ADV" for t in doc
    )
    speakers = []
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() not in REPORTING:
            continue
        for child in token.children:
            if child.dep_ not in ("nsubj", "nsubjpass") or child.pos_ == "PRON":
                continue
            subtree = doc[child.left_edge.i : child.right_edge.i + 1]
            speakers.append(Speaker(_name_of(child, subtree), subtree.text))
    return Voice(dates, earlier, tuple(speakers), bool(speakers) or _claims(doc), _main_claim(doc))


# Clauses hung on a claim that add a detail to it: a relative clause ("which owns
# Instagram"), an apposition ("a Republican"), a clause set beside it, a noun phrase used
# as an adverb, a clause on a noun ("called the U.S. Innovation and Competition Act").
_DETAILS = frozenset("relcl appos acl parataxis npadvmod".split())


def _participle_clause(token: Any) -> bool:
    """An adverbial clause on a participle ("..., sparking an outcry", "..., marking the
    busiest month"): a detail. Not one of purpose or reason ("to remove false claims",
    "because ..."), which is part of the claim."""
    return bool(token.dep_ == "advcl" and token.tag_ in ("VBG", "VBN"))


def _main_claim(doc: Any) -> str:
    """The sentence's claim without its details: for reported speech the clause said ("Psaki
    said [Facebook needs to work harder]"), else the main clause; relative clauses,
    appositions, asides (`_DETAILS`) and participle clauses (`_participle_clause`) left
    out. Dependency labels as spaCy's English pipelines give them (ClearNLP style: relcl,
    appos, acl, advcl)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return str(doc.text)
    head = root
    if root.lemma_.lower() in REPORTING | _TELLING:
        # What was said, a clause of the verb, or hung lower ("said in a statement made
        # public Monday that ..."); with none, the sentence is all the claim there is.
        said = [c for c in root.children if c.dep_ in ("ccomp", "xcomp")] or [
            t for t in root.subtree if t.dep_ == "ccomp"
        ]
        if not said:
            return str(doc.text)
        head = said[0]
    details = {
        d.i
        for t in head.subtree
        if t is not head and (t.dep_ in _DETAILS or _participle_clause(t))
        for d in t.subtree
    }
    kept = "".join(t.text_with_ws for t in head.subtree if t.i not in details)
    return _LEFT_PUNCTUATION.sub(r"\1", _EMPTY_ASIDE.sub("", kept)).strip(" ,")


# What is left where a detail was taken out: "The bill, , was", "weather ."
_EMPTY_ASIDE = re.compile(r",\s*,")
_LEFT_PUNCTUATION = re.compile(r"\s+([,.;:!?])")


# Verbs that take a stance whatever follows them ("Shapps expressed his support").
STANCE = frozenset(
    "express back support urge endorse oppose condemn pledge promise vow reject deny "
    "criticize criticise slam blast praise demand".split()
)


# Verbs that tell what someone found or said, whose subject is not read as a speaker.
_TELLING = frozenset("report reveal disclose find show".split())


def _claims(doc: Any) -> bool:
    """Whether the sentence tells a claim or a stance: a stance verb, or a reporting verb
    with a clause of what was said ("he said the deal would hold")."""
    for token in doc:
        if token.pos_ != "VERB":
            continue
        lemma = token.lemma_.lower()
        if lemma in STANCE:
            return True
        if (lemma in REPORTING or lemma in _TELLING) and any(
            c.dep_ in ("ccomp", "xcomp", "parataxis") for c in token.children
        ):
            return True
    return False


def _name_of(head: Any, subtree: Any) -> str:
    """The speaker's name: the PERSON entity holding the subject's head word ("Tyler" in
    "Tyler, the former communications director for Ted Cruz"), else the head itself when it
    is a proper noun (a surname alone), else the first PERSON in the subject; "" for none."""
    if head.ent_type_ == "PERSON":
        for ent in subtree.ents:
            if ent.start <= head.i < ent.end:
                return str(ent.text)
    if head.pos_ == "PROPN":
        compound = [t.text for t in head.lefts if t.dep_ == "compound"]
        return " ".join([*compound, head.text])
    people = [e.text for e in subtree.ents if e.label_ == "PERSON"]
    return str(people[0]) if people else ""
