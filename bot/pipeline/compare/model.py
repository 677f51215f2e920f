"""What comparison works on and what it produces: outlet texts, differences, their variants.

Also the story-wide reading every kind of difference shares: one sentence index over all
outlets (so a story of 200 outlets is searched once, not pair by pair) and the story's core
terms (what most outlets talk about), which tell a central sentence from background.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar, cast

import numpy as np

from bot.pipeline.facts import ArticleFacts, Sentence, article_text, extract_facts
from bot.pipeline.quantities import CLOSING_ELLIPSIS, Quantity, read_quantities
from bot.pipeline.text import sentence_terms

T = TypeVar("T")

# Cosine (all-MiniLM-L6-v2, `embed.py`) at or above which two sentences of one story say
# the same thing in other words. Measured on the development stories: the reader's "not
# only in, X says it too" pairs score 0.6-0.75 against their best sentence elsewhere,
# while the claims the reader found only in one outlet score 0.45-0.55 against theirs
# (one 0.72: a figure item, checked by its figure instead). A looser paraphrase ("lawyers
# negotiating terms of an interview ... false statements" / "lawyers limiting any sit-down
# ... lying to investigators") scores 0.56 and figures written differently ("nearly 80
# percent" / "more than three quarters") 0.36: those are still missed.
SAME_CLAIM = 0.6
# Two ledes tell the same event in their own words and score lower than paraphrases.
SAME_LEDE = 0.5
# A sentence this close to the story's centroid (the mean of its outlets' opening
# sentences) is about the story's own actors and event. Measured on the development stories
# and the seed: the event's own claims score 0.27-0.9, and so do its background and colour
# (0.26-0.76: the centroid does not tell them apart). So the centroid is only a floor, set
# just under the lowest own-event sentence measured (not a measured boundary with off-story
# text), and it weighs an "only in" item's rank (`closeness`).
ON_STORY = 0.25
# An outlet's lede: its first body sentence (the news lede; the paragraphs after it, even a
# second one-sentence paragraph, may carry what only this outlet has: "The news network had
# reported that the action came after Deputy Attorney General Lisa Monaco had requested...").
LEDE_SENTENCES = 1
# Outlets whose opening sentences make the centroid (the first by name: deterministic).
_CENTROID_OUTLETS = 12
_OPENING = 3
_VECTORS: OrderedDict[str, np.ndarray] = OrderedDict()
_VECTORS_KEPT = 20_000
_VECTORS_LOCK = threading.Lock()

# Another newsroom's reporting relayed ("..., according to CNN"): where the outlet read it,
# not a source of the event's facts. (An interview given to a broadcaster, "told LBC", is a
# venue of the story's own actor and stays.)
NEWSROOM = re.compile(
    r"^(?:[Tt]he\s+)?(?:CNN|BBC|NBC|ABC|CBS|NPR|AP|AFP|Reuters|Bloomberg|Axios|Politico|Xinhua|"
    r"Al Jazeera|Haaretz|Newsweek|Newsmax|Breitbart|HuffPost|Vox|Slate|Sky News|ITV|TASS|"
    r"Sputnik|RT|Daily Beast|Times of Israel)\b"
    # a paper or a news service by the last word of its name: "The Washington Post", "the
    # Times", "Fox News", "the Associated Press", "The Hill", "the Daily Mail" (not "the
    # Post Office", "Energy Agency", "Capitol Hill aides")
    r"|\b(?:Times|Post|Journal|Telegraph|Tribune|Herald|Gazette|Guardian|News|Press|Examiner|"
    r"Mail|Independent|Observer|Standard|Economist|Atlantic|Federalist|Caller|Wire|Insider|"
    r"Advertiser|Chronicle|Courier|Dispatch|Enquirer|Inquirer|Globe|Mirror|Express|Review|"
    r"Bulletin|Register)$"
    r"|^(?:[Tt]he\s+)?Hill$"
)


class DisjointSets:
    """Union-find over the items 0..n-1 (path halving): `join` puts two items' groups
    together, `root` names an item's group. Used to group slots and quotes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.root(a)] = self.root(b)


def sentence_vectors(sentences: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per sentence) from the shipped embedding model, each
    sentence encoded once per process (bounded cache, least recently used dropped)."""
    from bot.pipeline.embed import DIMENSIONS, shared_embedder

    if not sentences:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _VECTORS_LOCK:
        known = {s: _VECTORS[s] for s in sentences if s in _VECTORS}
    missing = list(dict.fromkeys(s for s in sentences if s not in known))
    if missing:
        known.update(zip(missing, shared_embedder().encode(missing), strict=True))
    with _VECTORS_LOCK:  # pollers compare stories on several threads at once
        for s in sentences:
            _VECTORS[s] = known[s]
            _VECTORS.move_to_end(s)
        while len(_VECTORS) > _VECTORS_KEPT:
            _VECTORS.popitem(last=False)
    return np.stack([known[s] for s in sentences])


# init=False: `facts` may be left out when made (then read from the text) but is always
# set afterwards, so the field is typed as never None.
@dataclass(init=False)
class OutletText:
    """One outlet's article; `facts` are read from `text` unless given (stored ones).
    `headline` is True when the text's first sentence is the article's title (a title is
    never a claim of its own); `published` orders figures that grow into updates."""

    outlet: str
    article: str
    text: str
    facts: ArticleFacts
    published: datetime | None = None
    headline: bool = False
    _quantities: tuple[Quantity, ...] | None = field(default=None, repr=False)

    def __init__(
        self,
        outlet: str,
        article: str,
        text: str,
        facts: ArticleFacts | None = None,
        published: datetime | None = None,
        headline: bool = False,
    ) -> None:
        self.outlet = outlet
        self.article = article
        self.text = text
        self.facts = facts if facts is not None else extract_facts(text)
        self.published = published
        self.headline = headline
        self._quantities = None

    @property
    def cut_off(self) -> bool:
        """The text ends cut off, in an ellipsis ("... for the two...", "[…]"): a feed's
        teaser or a roundup's excerpt, so what it does not give may be in the part left out."""
        return bool(CLOSING_ELLIPSIS.search(self.text))

    @property
    def quantities(self) -> tuple[Quantity, ...]:
        """Typed figures (spaCy), read on first use and cached per text."""
        if self._quantities is None:
            self._quantities = read_quantities(self.text, self.facts.sentences)
        return self._quantities

    def is_headline(self, index: int) -> bool:
        """Whether sentence `index` is the article's title (`headline`)."""
        return self.headline and index == 0

    def body_sentences(self) -> list[tuple[int, Sentence]]:
        """(index, sentence) without the headline."""
        return [(i, s) for i, s in enumerate(self.facts.sentences) if not self.is_headline(i)]


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
    """One item of the report (DESIGN.md section 6). `importance` (0-1) is set by the
    module that finds the item and adjusted in one place, `rank.py`."""

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
    published: datetime | None = None


def lede_of(text: OutletText) -> list[int]:
    """Indexes of a text's lede: its first `LEDE_SENTENCES` body sentences."""
    return [i for i, _ in text.body_sentences()[:LEDE_SENTENCES]]


def _positions(story: Story) -> dict[int, int]:
    return {id(text): t for t, text in enumerate(story.texts)}


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
        OutletText(
            m.outlet,
            m.article,
            article_text(m.title, m.text),
            m.facts,
            published=m.published,
            headline=bool(m.title),
        )
        for m in by_outlet.values()
    ]


def evidence(text: OutletText, sentence: Sentence) -> dict[str, str]:
    return {"article": text.article, "text": sentence.text}


def lead_weight(sentence_index: int) -> float:
    """1.0 for the opening sentence, falling to 0.4 deep in the article."""
    return max(0.4, 1.0 - 0.03 * sentence_index)


def shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def shorten_around(text: str, part: str, limit: int) -> str:
    """`text` cut to about `limit` characters so that `part` (a figure) stays in it: from
    the start when it fits there, else from a word some way before it ("…the £2.26
    billion loan package…")."""
    end = text.find(part) + len(part)
    if part not in text or end <= limit - 1:
        return shorten(text, limit)
    begin = text.find(" ", max(0, end - limit // 2)) + 1
    return "…" + shorten(text[begin:], limit - 1)


def outlets_label(outlets: list[str], shown: int = 4) -> str:
    """ "A and B", "A, B and C", "A, B, C, D and 12 more": a side of a large story stays
    one line."""
    if len(outlets) > shown:
        return f"{', '.join(outlets[:shown])} and {len(outlets) - shown} more"
    return in_words(outlets)


def in_words(names: list[str]) -> str:
    """Names as a phrase: "A", "A and B", "A, B and C"."""
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


# Other outlets' sentences sharing the most words that a sentence is compared with.
SAID_CANDIDATES = 5
# A story with at most this many sentences in all is compared sentence against every
# other outlet's sentence (a paraphrase often shares few words with its twin: "aides said
# Trump himself has not spoken with Kim" / "he denied personally speaking to Jong-un").
# Larger stories keep to the candidates above, so 200 outlets stay within the bench's time.
# 400 covers the development stories of 2 to 5 outlets (the judged set reads the same at 400
# and 800) and costs ingest less (the report is made again each time a story grows).
EVERY_SENTENCE_UP_TO = 400
# Share of a sentence's content words one sentence of another outlet must hold to say it.
WORDS_SHARED = 0.6
# Terms in a postings list longer than this carry little signal and cost the most.
_COMMON_POSTINGS = 400


class Story:
    """The story-wide reading: every outlet's sentences in one index, and core terms."""

    def __init__(self, texts: list[OutletText]) -> None:
        self.texts = texts
        self.rows: list[tuple[int, int]] = []  # (text index, sentence index)
        self._rows_read: tuple[np.ndarray, np.ndarray] | None = None
        self.postings: dict[str, list[int]] = {}
        usage: Counter[str] = Counter()
        for t, text in enumerate(texts):
            seen: set[str] = set()
            for s, sentence in enumerate(text.facts.sentences):
                row = len(self.rows)
                self.rows.append((t, s))
                terms = sentence_terms(sentence.text)
                seen |= terms
                for term in terms:
                    self.postings.setdefault(term, []).append(row)
            usage.update(seen)
        outlets = len({t.outlet for t in texts})
        # Core: terms most outlets use (at least two, and half of a larger story).
        self.core = frozenset(term for term, n in usage.items() if n >= max(2, (outlets + 1) // 2))
        self.outlet_terms: list[frozenset[str]] = []
        for text in texts:
            self.outlet_terms.append(
                frozenset().union(*(sentence_terms(s.text) for s in text.facts.sentences))
                if text.facts.sentences
                else frozenset()
            )
        self.term_outlets: Counter[str] = usage
        self._centroid: np.ndarray | None = None
        self._event_terms: frozenset[str] | None = None
        self._memo: dict[Callable[[Story], object], object] = {}

    def similar_sentences(self, t: int, sentence: str, count: int = 5) -> list[tuple[int, int]]:
        """The other outlets' sentences sharing the most terms with `sentence`, best first,
        as (text index, sentence index)."""
        hits: Counter[int] = Counter()
        outlet = self.texts[t].outlet
        for term in sentence_terms(sentence):
            posting = self.postings.get(term, ())
            if len(posting) > _COMMON_POSTINGS:
                continue
            hits.update(posting)
        found = []
        # Ties go to the earlier row (not to the order a set of terms happens to iterate in),
        # so one input always gives one report.
        for row, _ in sorted(hits.items(), key=lambda x: (-x[1], x[0]))[: count * 4]:
            other, index = self.rows[row]
            if self.texts[other].outlet != outlet:
                found.append((other, index))
                if len(found) == count:
                    break
        return found

    def index_of(self, text: OutletText) -> int:
        """The position of `text` in `texts` (by identity: texts are not compared)."""
        positions = self.memo(_positions)
        return positions[id(text)]

    def memo(self, read: Callable[[Story], T]) -> T:
        """`read(self)`, computed once per story (a story-wide reading another module
        defines, such as its latest year)."""
        if read not in self._memo:
            self._memo[read] = read(self)
        return cast(T, self._memo[read])

    def lede(self, t: int) -> list[int]:
        """Indexes of an outlet's lede (`lede_of`)."""
        return lede_of(self.texts[t])

    @property
    def event_terms(self) -> frozenset[str]:
        """The event's own words: terms at least two outlets use in their headline or opening
        sentences (every outlet opens on the story's event; background and colour come
        later)."""
        if self._event_terms is None:
            usage: Counter[str] = Counter()
            for t, text in enumerate(self.texts):
                shown = self.opening(t) + ([0] if text.headline and text.facts.sentences else [])
                usage.update(
                    set().union(*(sentence_terms(text.facts.sentences[i].text) for i in shown))
                    if shown
                    else set()
                )
            self._event_terms = frozenset(term for term, n in usage.items() if n >= 2)
        return self._event_terms

    def opening(self, t: int) -> list[int]:
        """Indexes of an outlet's opening body sentences (`_OPENING`; the lede and the
        sentences after it), which make the centroid and the event's words."""
        return [i for i, _ in self.texts[t].body_sentences()[:_OPENING]]

    @property
    def centroid(self) -> np.ndarray:
        """The mean vector of the outlets' opening sentences: what the story is about."""
        if self._centroid is None:
            chosen = sorted(range(len(self.texts)), key=lambda t: self.texts[t].outlet)
            sentences = [
                self.texts[t].facts.sentences[i].text
                for t in chosen[:_CENTROID_OUTLETS]
                for i in self.opening(t)
            ]
            vectors = sentence_vectors(sentences)
            mean = vectors.mean(axis=0) if len(vectors) else vectors.sum(axis=0)
            self._centroid = mean / max(float(np.linalg.norm(mean)), 1e-9)
        return self._centroid

    def closeness(self, sentence: str) -> float:
        """Cosine of the sentence to the story's centroid (-1 to 1)."""
        return float(sentence_vectors([sentence])[0] @ self.centroid)

    def on_story(self, sentence: str) -> bool:
        """Not about something else altogether (closeness >= ON_STORY)."""
        return self.closeness(sentence) >= ON_STORY

    def said_elsewhere(self, t: int, sentence: str, threshold: float = SAME_CLAIM) -> bool:
        """Does another outlet say the same thing in other words? Most of its content words
        in one sentence of another outlet (`WORDS_SHARED`), or the same claim by embedding
        (cosine >= `threshold`) with one of the other outlets' sentences sharing the most
        words with it or one of their opening sentences (where a story's main claim is told
        in each outlet's own words); in a story of at most `EVERY_SENTENCE_UP_TO` sentences,
        with every other outlet's sentence. Bounded per sentence, so 200 outlets stay fast."""
        rows = self.similar_sentences(t, sentence, count=SAID_CANDIDATES)
        mine = sentence_terms(sentence)
        for u, i in rows:
            theirs = sentence_terms(self.texts[u].facts.sentences[i].text)
            if mine and len(mine & theirs) >= max(3, WORDS_SHARED * len(mine)):
                return True
        outlet = self.texts[t].outlet
        mine_vector = sentence_vectors([sentence])[0]
        if len(self.rows) <= EVERY_SENTENCE_UP_TO:
            vectors, outlets = self._row_vectors()
            others = vectors[outlets != outlet]
            return bool(len(others)) and float((others @ mine_vector).max()) >= threshold
        chosen = sorted(range(len(self.texts)), key=lambda u: self.texts[u].outlet)
        compared = rows + [
            (u, i)
            for u in chosen[:_CENTROID_OUTLETS]
            if self.texts[u].outlet != outlet
            for i in self.opening(u)
        ]
        texts = list(dict.fromkeys(self.texts[u].facts.sentences[i].text for u, i in compared))
        return bool(texts) and float((sentence_vectors(texts) @ mine_vector).max()) >= threshold

    def _row_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every row's sentence vector and outlet, encoded once per story (small stories)."""
        if self._rows_read is None:
            sentences = [self.texts[u].facts.sentences[i].text for u, i in self.rows]
            outlets = np.array([self.texts[u].outlet for u, _ in self.rows], dtype=object)
            self._rows_read = (sentence_vectors(sentences), outlets)
        return self._rows_read

    def central(self, sentence: str) -> bool:
        """About the story's own actors and event: at least two of its core terms, or one in
        a short sentence ("Russia strongly denied such allegations")."""
        terms = sentence_terms(sentence)
        shared = len(terms & self.core)
        return shared >= 2 or (shared == 1 and len(terms) <= 4)
