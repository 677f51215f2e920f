"""Statements of one claim that contradict each other in words: one outlet's sentence says
what another's, nearly word for word, negates, turns into its opposite, or tells at another
step of one process (appointed / nominated; charged / convicted)."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.pipeline.compare.model import Difference, Story, Variant, evidence, lead_weight, shorten
from bot.pipeline.compare.wording import changed_segments

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


# ... or name different steps of one process: who was nominated has not yet been
# appointed; who was charged has not been convicted; the injured are not the dead.
_STEPS = {
    frozenset(pair)
    for pair in [
        ("appointed", "nominated"),
        ("nominated", "confirmed"),
        ("appointed", "elected"),
        ("arrested", "charged"),
        ("charged", "convicted"),
        ("convicted", "sentenced"),
        ("convicted", "acquitted"),
        ("killed", "injured"),
        ("killed", "wounded"),
        ("dead", "injured"),
        ("resigned", "fired"),
        ("resigned", "ousted"),
        ("suspended", "fired"),
        ("proposed", "approved"),
        ("proposed", "passed"),
        ("signed", "vetoed"),
    ]
}


_TURNS = _OPPOSITES | _STEPS


def _contradiction(x: str, y: str) -> list[str]:
    """The words that make changed passages `x` and `y` contradict each other (a negation,
    a pair of opposites, or two steps of one process), or []."""
    xs, ys = set(x.split()), set(y.split())
    flipped = (xs ^ ys) & _NEGATIONS
    if flipped:
        return sorted(flipped)
    return sorted(a for a in xs if any({a, b} in _TURNS for b in ys))


def conflicts(story: Story) -> list[Difference]:
    """Each pair of outlets' sentences telling one claim in contradicting words, once."""
    found = []
    seen: set[tuple[str, str]] = set()
    for t, ta in enumerate(story.texts):
        quoted_a = {q.sentence for q in ta.facts.quotes}
        for i, sa in enumerate(ta.facts.sentences):
            if i in quoted_a or len(sa.text.split()) < 6:
                continue
            for u, j in story.similar_sentences(t, sa.text, 3):
                tb = story.texts[u]
                sb = tb.facts.sentences[j]
                pair = (min(sa.text, sb.text), max(sa.text, sb.text))
                if pair in seen or len(sb.text.split()) < 6:
                    continue
                if any(q.sentence == j for q in tb.facts.quotes):
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
                seen.add(pair)
                changes = "; ".join(
                    f"\u201c{x or '…'}\u201d / \u201c{y or '…'}\u201d" for x, y in segments
                )
                found.append(
                    Difference(
                        "conflict",
                        shorten(sa.text, 80),
                        f"{ta.outlet} and {tb.outlet} contradict each other: {changes}",
                        [
                            Variant(sa.text, [ta.outlet], [evidence(ta, sa)]),
                            Variant(sb.text, [tb.outlet], [evidence(tb, sb)]),
                        ],
                        0.6 + 0.35 * max(lead_weight(i), lead_weight(j)),
                    )
                )
                break
    return found
