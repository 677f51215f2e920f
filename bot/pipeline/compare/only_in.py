"""What only some outlets report: sentences no other outlet covers, and named sources or
venues only one outlet gives. "Only in" means central and new: a claim, quote, figure, named
source or denial about the story's own actors and event (a sentence sharing the story's core
terms), not background, biography, pleasantries, headlines or page furniture."""

from __future__ import annotations

import re
from typing import NamedTuple

from rapidfuzz import fuzz

from bot.pipeline.compare.model import (
    NEWSROOM,
    SAME_CLAIM,
    SAME_LEDE,
    Difference,
    OutletText,
    Story,
    Variant,
    evidence,
    lead_weight,
    outlets_label,
    shorten,
)
from bot.pipeline.compare.wording import spelling_normalised
from bot.pipeline.dates import MONTHS
from bot.pipeline.facts import Sentence
from bot.pipeline.text import content_terms, entity_candidates, sentence_terms
from bot.pipeline.voices import Speaker, Voice, read_voices

# A sentence is covered by another outlet when one of its sentences is this similar.
COVERED = 55
_REBUTTAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ial)|reject(?:ed|s)?|refut(?:ed|es)|disput(?:ed|es)|"
    r"contradict(?:ed|s)?)\b",
    re.IGNORECASE,
)
# Reported speech: a claim credited to someone ("Healey said he would deliver...").
_CLAIM = re.compile(
    r"(?<![-‑])\b(?:said|says|told|announced|pledged|promised|vowed|warned|confirmed|claimed|"
    r"stated|"
    r"insisted|admitted|acknowledged|alleged|accused|reported|"
    # a stance taken: "Shapps expressed his support for such a move"
    r"expressed|backed|supported|urged|called for|endorsed|opposed|critici[sz]ed|condemned)\b"
)
_ACCORDING_TO = re.compile(
    r"\baccording to (?:the )?(?P<source>[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){0,3})"
)
# Lines a page carries around an article, which are never news: calls to watch, subscribe,
# sign up, download or follow; promotions; bylines and copyright.
FURNITURE = re.compile(
    r"\b(?:watch|stream|listen)\b.{0,40}\b(?:free|live|now|anywhere|wherever)\b"
    r"|\b(?:subscribe|sign up|signup|newsletter|download (?:the|our) app|follow us|promo code|"
    r"click here|read more|all rights reserved|copyright|©|terms of (?:use|service)|"
    r"privacy policy|cookies?|advertisement|sponsored|get the latest|share this|"
    r"thank you for (?:reading|watching)|look forward to)\b"
    r"|\b\d+\s?% off\b",
    re.IGNORECASE,
)


# "About the event" means at least this many of the words its outlets open on
# (`Story.event_terms`): background, biography and colour use the story's names (core
# terms) but not the event's own words. A figure (or a count in words, "hundreds of
# infantry") or a denial is read by what it says.
EVENT_TERMS = 2
# The inverted pyramid: a long article (LONG_ARTICLE body sentences or more) tells its news
# first, and its second half is background and colour, but for sentences about the event
# itself: at least LATE_CLOSENESS to what the outlets open on (`Story.closeness`). A figure
# or a denial is read by what it says, as for EVENT_TERMS. Read on the judged sets: "only
# in" items from the back half of long articles below 0.55 were good 7 times in 23, the
# rest 21 in 37.
LONG_ARTICLE = 15
LATE_CLOSENESS = 0.55


def _late(position: int, body: int) -> bool:
    return body >= LONG_ARTICLE and position >= body / 2


# "New" means words no other outlet uses: at least this many content terms, or a name.
# One or two (a sentence told elsewhere with "posted" or "add" of its own) is wording. And
# an outlet's own claim names someone or something no other outlet names (a source, an
# official, a place), unless it is a quote, a figure or a denial: on both judged sets,
# "only in" sentences with no new name were good 6 times in 22, with one 15 in 23.
NEW_TERMS = 3


# A claim is compared on its own (`Voice.claim`, what was said without its details) only
# with at least this many content words: a shorter one ("he would resign") is too little
# for the embedding to tell from its opposite ("The mayor said he would not resign", cosine
# 0.62) or from another actor's ("Prosecutors said they would appeal" / "it would appeal",
# 0.59).
CLAIM_TERMS = 4


def is_furniture(sentence: str) -> bool:
    return bool(FURNITURE.search(sentence))


def sources_only_in(story: Story) -> list[Difference]:
    """Named sources and venues ("told LBC", "according to the Pentagon") only one outlet
    gives, in a sentence about the story itself."""
    lowered = {t.outlet: t.text.lower() for t in story.texts}
    found = []
    for text in story.texts:
        named: dict[str, tuple[int, str]] = {}
        for quote in text.facts.quotes:
            if quote.venue:
                named.setdefault(quote.venue, (quote.sentence, ""))
        for index, sentence in text.body_sentences():
            for match in _ACCORDING_TO.finditer(sentence.text):
                source = match.group("source").strip(" .,")  # as facts.py strips a venue
                if not NEWSROOM.search(source):
                    named.setdefault(source, (index, ""))
        for source, (index, _) in named.items():
            sentence = text.facts.sentences[index]
            key = re.sub(r"(?:'s|’s)$", "", source.lower())
            head = key.split()[-1] if key.split() else key
            if key == text.outlet.lower() or is_furniture(sentence.text):
                continue
            if any(head in low for outlet, low in lowered.items() if outlet != text.outlet):
                continue  # another outlet names it too (perhaps in other words)
            if not story.central(sentence.text) or not story.on_story(sentence.text):
                continue
            found.append(
                Difference(
                    "only_in",
                    source,
                    f"Only {text.outlet} names {source}: {shorten(sentence.text, 160)}",
                    [Variant(source, [text.outlet], [evidence(text, sentence)])],
                    0.5,
                )
            )
    return found


class _Candidate(NamedTuple):
    """A sentence left for the parse to decide, with what the first pass found in it."""

    text_index: int
    sentence_index: int
    sentence: Sentence
    quoted: bool
    rebuttal: bool
    has_figure: bool
    is_credited: bool
    new_terms: list[str]
    new_names: list[str]


def sentences_only_in(story: Story) -> list[Difference]:  # noqa: C901  # the docstring's rules as skips, in its order
    """Sentences no other outlet says, in its words or others (`Story.said_elsewhere`), with
    the same figures (`numbers.figures_told_elsewhere`) or the same quotation, about the
    story's own actors and event (`Story.central`, `Story.on_story`, EVENT_TERMS), new
    (NEW_TERMS), its claim itself (the clause said, by the parse: `Voice.claim`) not told
    elsewhere either, and worth reading: a denial, a credited source, a figure of its own, a
    claim, stance or quote by one of the story's actors. Never: a fragment (cut at a name's
    initial, or the end of a quote begun before), background dated before the story (a
    paragraph keeps its time; by the parse, `dated_before`) unless someone's claim or
    stance is in it, a private person or commentator (`_PASSER_BY`, `_COMMENTATOR`; by the
    parse, `outside_voice`), a short remark with nothing to check, a quotation with no
    speaker, the writer's own first person, an outlet's lede (its figures aside), or the
    back half of a long article when it is not about the event (`_late`). A figure, a
    count in words with a name of its own, or a denial is read by what it says, not by
    the event's words or its place in the article. Each kept sentence is scored: a denial,
    a figure, a quote or claim, a credit and new names first, the lead and the event's own
    sentences before the rest."""
    # numbers.py reads this module's `background`; its figure check is imported here.
    from bot.pipeline.compare.numbers import figures_told_elsewhere

    found = []
    latest = story.memo(_latest_year)
    survivors: list[_Candidate] = []
    for t, text in enumerate(story.texts):
        other_terms: set[str] = set()
        for u, other in enumerate(story.texts):
            if other.outlet != text.outlet:
                other_terms |= story.outlet_terms[u]
        speakers = {q.sentence: q.speaker for q in text.facts.quotes}
        figures = {q.sentence for q in text.quantities}
        exact = {q.sentence for q in text.quantities if not q.upper}  # not "hundreds of"
        credited = {a.sentence for a in text.facts.attributions}
        lede = story.lede(t)
        body = text.body_sentences()
        for position, (index, sentence) in enumerate(body):
            if len(sentence.text.split()) < 4 or is_furniture(sentence.text):
                continue
            previous = body[position - 1][1].text if position else ""
            if is_fragment(sentence.text, previous) or background(story, t, index):
                continue
            if outside_view(sentence.text):
                continue  # colour or a forecast: a private person, a commentator, economists
            rebuttal = bool(_REBUTTAL.search(sentence.text))
            new_terms = [
                w
                for w in dict.fromkeys(content_terms(sentence.text))
                if w not in other_terms and w.isalpha()
            ]
            new_names = [
                n
                for n in dict.fromkeys(entity_candidates(sentence.text))
                if any(part in new_terms for part in n.split())
            ]
            quoted = index in speakers
            if quoted and not (
                _actor(story, speakers[index] or sentence.text) or index in figures or rebuttal
            ):
                continue  # colour: a quote from someone the story does not otherwise name
            if (
                quoted
                and not rebuttal
                and index not in figures
                and _remark(sentence.text)
                and len(sentence_terms(" ".join(_QUOTED.findall(sentence.text))) & story.core) < 2
            ):
                continue  # a remark ("They were playing with fire," said McCaul.): colour
            if quoted and index not in figures and quotation_alone(sentence.text):
                continue  # a quotation alone: who said it is told elsewhere, not in this line
            if _writers_voice(sentence.text):
                continue  # the writer's own opinion ("Before we start singing ..., let's pause.")
            worth = (
                quoted
                or index in figures
                or index in credited
                or rebuttal
                or _CLAIM.search(sentence.text)
            )
            if not worth or not story.central(sentence.text):
                continue
            if index in lede and index not in figures:
                continue  # the outlet's lede: the event every outlet tells, in its own words
            # A figure or a denial is read by what it says. So is a count in words ("hundreds
            # of infantry") with a name of its own ("... in the town of Vuhledar"); with none
            # ("greeted by several hundred supporters") it is colour another outlet may tell
            # with a figure of its own ("roughly 200 gathered").
            by_what_it_says = rebuttal or index in exact or (index in figures and bool(new_names))
            if (
                not by_what_it_says
                and len(sentence_terms(sentence.text) & story.event_terms) < EVENT_TERMS
            ):
                continue  # about the story's people, not its event: background or colour
            if index not in figures and len(new_terms) < NEW_TERMS and not new_names:
                continue  # the rest is told elsewhere: a word or two of its own is wording
            if not (new_names or by_what_it_says or quoted):
                continue  # a claim with no name of its own: what others tell, or background
            if _covered(story, t, sentence.text):
                continue  # cheap first: another outlet has nearly the same words
            if _quote_told_elsewhere(story, t, sentence.text):
                continue  # its quote is in another outlet: what it says is told there
            if index in figures and figures_told_elsewhere(story, t, index):
                continue  # its figures are another outlet's too, in a sentence like it
            if not rebuttal and not story.on_story(sentence.text):
                continue  # a denial is short and says little on its own: its terms decide
            if (
                not by_what_it_says
                and _late(position, len(body))
                and story.closeness(sentence.text) < LATE_CLOSENESS
            ):
                continue  # the back of a long article, not about the event: background, colour
            threshold = SAME_LEDE if index in lede else SAME_CLAIM
            if story.said_elsewhere(t, sentence.text, threshold):
                continue
            survivors.append(
                _Candidate(
                    t,
                    index,
                    sentence,
                    quoted,
                    rebuttal,
                    index in figures,
                    index in credited,
                    new_terms,
                    new_names,
                )
            )
    # The parse is read last, for the few sentences left: when they happened, who says them.
    voices = read_voices([c.sentence.text for c in survivors])
    for (
        t,
        index,
        sentence,
        quoted,
        rebuttal,
        has_figure,
        is_credited,
        new_terms,
        new_names,
    ), voice in zip(survivors, voices, strict=True):
        text = story.texts[t]
        if any(outside_voice(story, t, speaker) for speaker in voice.speakers):
            continue
        claim = bool(_CLAIM.search(sentence.text)) and voice.claims
        if not (claim or quoted or has_figure or rebuttal or is_credited):
            continue  # a claim verb in passing ("the day he announced his candidacy"): narration
        if (
            not (has_figure or rebuttal)
            and voice.claim not in ("", sentence.text)
            and len(sentence_terms(voice.claim)) >= CLAIM_TERMS
            and story.said_elsewhere(t, voice.claim)
        ):
            continue  # its claim is told elsewhere: what is its own is a detail hung on it
        # A quote or a claim credited to someone, a denial, a figure, a named source.
        said = 0.25 if quoted else 0.15 if claim else 0.0
        score = 0.1 + 0.2 * has_figure + said + 0.35 * rebuttal
        score += 0.1 * is_credited + 0.15 * min(len(new_names), 2)
        score += 0.05 * min(len(new_terms), 5) / 5
        score *= 0.6 + 0.4 * lead_weight(index)
        score *= 0.5 + max(0.0, story.closeness(sentence.text))  # the event's own first
        if dated_before(voice, latest):
            if not claim:
                continue  # what happened before the story, with nobody's claim in it
            score *= BACKGROUND_WEIGHT  # a claim made before: told after the event's own news
        value = ", ".join((new_names or new_terms)[:4])
        found.append(
            Difference(
                "only_in",
                value,
                f"Only {outlets_label([text.outlet])}: {shorten(sentence.text, 160)}",
                [Variant(value, [text.outlet], [evidence(text, sentence)])],
                score,
            )
        )
    return found


# News style gives private people with their age ("Karina Gomez, 18,", "a 23-year-old
# immigrant"); officials and the story's actors are given with their office.
_PASSER_BY = re.compile(
    r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+, \d{1,2},|\b\d{1,2}-year-old (?!(?:boy|girl|child|son|"
    r"daughter|victim|suspect|man|woman)\b)"
)
# Outside experts asked for an opinion, and forecasters ("economists surveyed by Refinitiv
# expected 350,000"): what they think or expect is commentary, not the event.
_COMMENTATOR = re.compile(
    r"\b(?:professor|analyst|expert|fellow|researcher|scholar|lecturer|think tank|"
    r"commentator|columnist|strategist|economist|forecaster)s?\b",
    re.IGNORECASE,
)


def outside_view(sentence: str) -> bool:
    """True when a sentence is told by a private person given with an age (`_PASSER_BY`) or
    by a commentator or forecaster (`_COMMENTATOR`): colour or a forecast, not the event."""
    return bool(_PASSER_BY.search(sentence) or _COMMENTATOR.search(sentence))


_INITIAL_END = re.compile(r"(?:^|\s)(?:[A-Z]|Jr|Sr|Mr|Mrs|Ms|Dr|St)\.$")
_YEARS = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")
_PRONOUNS = frozenset("he she they it we i you".split())


_QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
# Words a short remark may have beside its quote: its speaker and the reporting verb.
REMARK_WORDS = 15


def _remark(sentence: str) -> bool:
    """A sentence that is a short quote and its credit, and nothing to check: no figure, no
    name inside the quote (beyond its first word), and at most a speaker and a verb around
    it ("Hopefully, that meeting will be a great success," Trump said.)."""
    quotes = _QUOTED.findall(sentence)
    if not quotes:
        return False
    said = " ".join(quotes)
    rest = _QUOTED.sub(" ", sentence)
    names = [w for w in re.findall(r"\b[A-Z][\w'’-]*", said)[1:] if w != "I"]
    return (
        len(said.split()) <= REMARK_WORDS
        and len(rest.split()) <= 5
        and not names
        and not re.search(r"\d", said)
    )


# The writer as subject or owner ("we", "let's", "my view"); not "told us", an outlet's own
# reporting. Case matters: "I" alone is the writer, "I-95" a road.
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]urs?|[Ll]et[’']s|[Mm]y)\b|\bI\b(?![-‑\d])")
# A quote in single curly marks (‘...’), the UK style; "don’t" inside it is no closing mark.
_SINGLE_QUOTED = re.compile(r"(?:^|(?<=\s))‘.*?’(?=[\s,.;:!?]|$)")


def quotation_alone(sentence: str) -> bool:
    """A sentence that is all quotation, with no speaker or verb around it."""
    return bool(_QUOTED.search(sentence)) and len(_QUOTED.sub(" ", sentence).split()) < 2


def _writers_voice(sentence: str) -> bool:
    """A sentence in the first person outside any quote: the writer speaking (a column, an
    analysis), not a claim about the event."""
    text = _SINGLE_QUOTED.sub(" ", _QUOTED.sub(" ", sentence))
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        return False  # a quote left open: its words may be anyone's
    for match in _FIRST_PERSON.finditer(text):
        before = text[: match.start()].split()
        if match.group() == "I" and before and before[-1][:1].isupper():
            continue  # a numeral in a name: "World War I", "Elizabeth I"
        return True
    return False


def is_fragment(sentence: str, previous: str = "") -> bool:
    """A piece of a sentence the splitter cut at a name's initial ("... when he fired
    James B." / "Mueller III is said ..."), one starting in lower case, or the middle or end
    of a quote begun in an earlier sentence ("I've been saying it for a long time," Trump
    said at the time.): never shown as a claim of its own."""
    text = sentence.strip()
    if not text or text[0].islower() or _INITIAL_END.search(text):
        return True
    if text.endswith(("...", "…")):
        return True  # cut short where the page was
    if text.startswith("[") or _continues_quote(text):
        return True
    return bool(previous and _INITIAL_END.search(previous.strip()))


def _continues_quote(text: str) -> bool:
    """Whether the sentence's first quotation mark closes a quote it did not open: a curly
    ” before any “, or an odd number of straight quotes the first of which ends a word."""
    curly_close, curly_open = text.find("”"), text.find("“")
    if curly_close != -1 and (curly_open == -1 or curly_close < curly_open):
        return True
    first = text.find('"')
    if text.count('"') % 2 == 0 or first <= 0:
        return False
    return not text[first - 1].isspace() and text[first - 1] not in "([—–-"


def _latest_year(story: Story) -> int | None:
    years = [int(y) for t in story.texts for y in _YEARS.findall(t.text)]
    dated = [t.published.year for t in story.texts if t.published is not None]
    return max(dated) if dated else max(years) if years else None


def background(story: Story, t: int, index: int) -> bool:
    """Sentence `index` of text `t` is dated before the story (an earlier year, or a month a
    season or more back), or an earlier sentence of its paragraph is: a paragraph keeps
    its time ("The party used a similar tactic during the Watergate scandal in 1972. The
    DNC sued ... for $1 million ...")."""
    latest, month = story.memo(_latest_year), story.memo(_story_month)
    return any(
        _earlier_year(sentence.text, latest) or _earlier_month(sentence.text, month)
        for sentence in _paragraph_so_far(story.texts[t], index)
    )


# How far back in its paragraph a sentence takes its time from: a paragraph of news is
# a few sentences, and a text without line breaks is not one paragraph.
PARAGRAPH_BACK = 2


def _paragraph_so_far(text: OutletText, index: int) -> list[Sentence]:
    """Sentence `index` and up to PARAGRAPH_BACK sentences before it in its paragraph (no
    line break between), nearest first."""
    sentences = text.facts.sentences
    found = [sentences[index]]
    for i in range(index - 1, max(-1, index - 1 - PARAGRAPH_BACK), -1):
        if "\n" in text.text[sentences[i].end : sentences[i + 1].start]:
            break
        found.append(sentences[i])
    return found


def _earlier_year(sentence: str, latest: int | None) -> bool:
    """Background: the sentence is dated in a year before the story's own."""
    if latest is None:
        return False
    return any(int(y) < latest for y in _YEARS.findall(sentence))


# A month with its day ("on Oct. 27") or opening the sentence ("In August, ..."): when it
# happened. A month in passing ("the elections in November") may be ahead, so it is not read.
_DATED = re.compile(
    r"\b(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+\d{1,2}\b"
    r"|^In (?P<in>" + "|".join(m for m in MONTHS if len(m) > 3) + r"),"
)
# A sentence dated this many months or more before the story tells background: last
# season's events. Beyond AHEADMONTHS short of a year back, the date is as likely ahead.
EARLIERMONTHS = 3
AHEADMONTHS = 3


def _earlier_month(sentence: str, story_month: int | None) -> bool:
    """Background: the sentence is dated three months or more before the story's month."""
    if story_month is None:
        return False
    for match in _DATED.finditer(sentence):
        month = MONTHS[match.group("month") or match.group("in")]
        back = (story_month - month) % 12
        if EARLIERMONTHS <= back <= 12 - AHEADMONTHS - 1:
            return True
    return False


def _story_month(story: Story) -> int | None:
    dated = [t.published for t in story.texts if t.published is not None]
    return max(dated).month if dated else None


# Words of a speaker's office that tie them to the story's event: officials, not voices
# from outside. "Director" alone is left out (the director of a think-tank project is a
# commentator); with a core term of the story it counts ("director of the FBI").
_OFFICE = re.compile(
    r"\b(?:minister|secretary|spokes(?:person|man|woman)|president|premier|chancellor|"
    r"governor|senator|sen|rep|representative|congress(?:man|woman)|lawmaker|ambassador|envoy|"
    r"officials?|commissioner|chief|general|admiral|mayor|police|sheriff|prosecutors?|"
    r"attorney|judge|justice|ministry|department|agency|aide|adviser|advisor|leader|"
    r"chair(?:man|woman)?|ceo|king|queen|prince|pope)\b",
    re.IGNORECASE,
)
_FORMER = re.compile(r"\b(?:former|ex-|one-time|onetime)", re.IGNORECASE)
_ROLE = re.compile(r"\b(?:director|head|manager|commander|coordinator)\b", re.IGNORECASE)
# Words of a speaker's description that mark an outside voice asked for an opinion or
# met on the spot, whatever else it says.
_OUTSIDE = re.compile(
    r"\b(?:professor|analyst|expert|fellow|researcher|scholar|lecturer|think[- ]tank|"
    r"commentator|columnist|strategist|consultant|author|historian|economist|volunteer|"
    r"activist|advocate|advocacy|resident|organi[sz]er|university|institute|cent(?:er|re) for|"
    # a trade or lobby body speaking for its members' interests
    r"project|association|lobby)\b",
    re.IGNORECASE,
)


def outside_voice(story: Story, t: int, speaker: Speaker) -> bool:
    """A person only this outlet names, speaking with no office tied to the story (an
    expert, a consultant, a volunteer, a passer-by): what they say is colour or commentary,
    not the event. Unnamed speakers ("officials", "the ministry") and people another outlet
    names are the story's own voices."""
    if not speaker.name:
        return False
    surname = speaker.name.split()[-1].lower()
    named = re.compile(rf"\b{re.escape(surname)}\b")
    if any(named.search(other.text.lower()) for u, other in enumerate(story.texts) if u != t):
        return False
    # What the article calls them: the subject's words, and the words around each mention
    # (a title is given once, "Acme chief executive John Smith", then "Smith said").
    words = " ".join([speaker.words, *_mentions(story.texts[t].text, named)])
    if _OFFICE.search(words) and not _FORMER.search(words):
        return False  # an office held now (a former one makes a commentator)
    if _OUTSIDE.search(words):
        return True
    # A director or head of something the story is about ("director of the FBI") is its own.
    tied = story.core & set(content_terms(words)) - {surname}
    return not (_ROLE.search(words) and tied)


_AROUND = 8  # words each side of a mention that describe the person


def _mentions(text: str, named: re.Pattern[str]) -> list[str]:
    """The words around each mention of a name in an article (at most 10 mentions)."""
    words = text.split()
    found = []
    for i, word in enumerate(words):
        if named.search(word.lower()):
            found.append(" ".join(words[max(0, i - _AROUND) : i + _AROUND + 1]))
            if len(found) == 10:
                break
    return found


# An "only in" sentence dated before the story is background: left out, unless someone's
# claim or stance is in it (who backed the idea last year), which then weighs this much of
# its score, after the event's own news.
BACKGROUND_WEIGHT = 0.7


def dated_before(voice: Voice, latest_year: int | None) -> bool:
    """Background, by the parse: a DATE entity pointing back ("last year", "two weeks ago",
    "since January", "earlier this month"), an adverb such as "previously", or a DATE in an
    earlier year than the story's latest. (A month named alone may be ahead: not read.)"""
    return voice.earlier or any(_earlier_year(date, latest_year) for date in voice.dates)


def _actor(story: Story, speaker: str) -> bool:
    """A speaker the story's outlets name (a core term), not a pronoun or a passer-by. Given
    a whole sentence (the speaker was not found), any name in it counts."""
    names = entity_candidates(speaker) if len(speaker.split()) > 4 else [speaker]
    words = [w for n in names for w in re.findall(r"[A-Za-z]+", n) if w.lower() not in _PRONOUNS]
    return any(term in story.core for term in content_terms(" ".join(words)))


# A quotation this long (words) is someone's words, not a common phrase.
QUOTE_WORDS = 3


def _quote_told_elsewhere(story: Story, t: int, sentence: str) -> bool:
    """Whether a quotation of the sentence (QUOTE_WORDS or more) is in another outlet's
    text: the same words quoted there ("half a ton" of evidence) tell the same thing."""
    quoted = [q for q in _QUOTED.findall(sentence) if len(q.split()) >= QUOTE_WORDS]
    if not quoted:
        return False
    outlet = story.texts[t].outlet
    normalised = story.memo(_normalised_texts)
    return any(
        f" {' '.join(spelling_normalised(q))} " in text
        for q in quoted
        for u, text in enumerate(normalised)
        if story.texts[u].outlet != outlet
    )


def _normalised_texts(story: Story) -> list[str]:
    """Each text's words with spelling folded, as one string with a space each side (once
    per story), so a quotation is found as whole words."""
    return [f" {' '.join(spelling_normalised(text.text))} " for text in story.texts]


def _covered(story: Story, t: int, sentence: str) -> bool:
    """Does another outlet have a sentence saying much the same? Only the few sentences
    sharing the most words are scored, so long stories stay fast."""
    mine = sentence.lower()
    for other, index in story.similar_sentences(t, sentence):
        theirs = story.texts[other].facts.sentences[index].text.lower()
        if (
            fuzz.token_set_ratio(mine, theirs) >= COVERED
            and fuzz.partial_ratio(mine, theirs) >= COVERED
        ):
            return True
    return False
