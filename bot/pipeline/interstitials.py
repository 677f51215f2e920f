"""Pages that are not articles: cookie-consent dialogs, bot challenges, subscription prompts and
donation appeals, found in a page's markup and in the text extracted from it.

A page can answer 200 and still show one of these instead of (or over) the article. Consent
dialogs are taken out of the markup before extraction, which is enough when the article sits
in the page's main content. Lines of any of the four kinds are furniture in an article's
text; when they make up a large share of it, or the article is gone once they are taken out,
the page is not an article and the cause is named for the editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from bot.pipeline.text import count_words

CONSENT = "the page shows a cookie-consent dialog, not the article"
CHALLENGE = "blocked by a bot challenge"
PAYWALL = "the page shows a subscription prompt, not the article"
DONATION = "the page shows a donation appeal, not the article"

# Consent-management dialogs by the ids and classes their vendors and sites give them.
# Tokens are whole class names or their leading part ("cookie-banner", "cmp-container").
_OVERLAY_NAME = re.compile(
    r"(^|[\s_-])(consent|gdpr|cmp|ccpa|cookies?)([\s_-]?(banner|bar|notice|wall|law|popup|modal"
    r"|dialog|message|overlay|alert|box|container|disclaimer|warning|notification|policy|accept"
    r"|consent|layer|root|sdk|wrapper))*(\s|$)"
    r"|onetrust|cookiebot|didomi|usercentrics|truste-|qc-cmp|sp_message|fc-consent",
    re.IGNORECASE,
)
# Elements that hold a page's article; a class such as "cookie-free" on them removes nothing.
_KEEP_TAGS = {"html", "body", "main", "article"}

# A challenge page's own markers (a page answered 200 by a bot-protection service).
_CHALLENGE_CANDIDATES = (
    "//script[contains(., '_cf_chl_opt') or contains(@src, 'captcha-delivery.com')"
    " or contains(@src, '/_Incapsula_Resource')] | //form[@id='challenge-form']"
    " | //*[@id='cf-browser-verification' or @id='px-captcha' or @id='challenge-running']"
)
_CHALLENGE_TITLE = re.compile(
    r"^(just a moment\.*|attention required!? \| cloudflare|access denied|are you a robot\??"
    r"|security check|ddos-guard|one more step|please verify you are a human|pardon our interruption"
    r"|checking your browser.*)$",
    re.IGNORECASE,
)

_PROMPT_LINES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        CONSENT,
        re.compile(
            r"\b(we|our (\d+ )?partners|this (web)?site)\b[^.]{0,80}\b(use|uses|store|process)\b"
            r"[^.]{0,60}\b(cookies|personal data|information on a device)"
            r"|\byou (may|can) (click to )?(consent|withdraw your consent|change your (cookie |privacy )?"
            r"(preferences|settings|choices))"
            r"|\bby (clicking|continuing|using (this|our) (site|website))\b[^.]{0,100}\b(accept|agree|consent)"
            r"|\bright to object to (such|this) processing|\bprecise geolocation data"
            r"|^(we value your privacy|your privacy choices|your privacy|cookie (policy|settings|preferences)"
            r"|(accept|reject|allow|decline|refuse)( all)?( cookies)?|(manage|customi[sz]e)( my)?"
            r" (options|preferences|settings|cookies|choices)|i accept|agree( and close)?)\W*$",
            re.IGNORECASE,
        ),
    ),
    (
        CHALLENGE,
        re.compile(
            r"^just a moment\.*$|\bchecking (if the site connection is secure|your browser)"
            r"|\bverify(ing)? (that )?you are (a )?human|\benable javascript and cookies to continue"
            r"|\bneeds to review the security of your connection|\bplease complete the security check"
            r"|\bperformance (&|and) security by cloudflare|\bpress (&|and) hold\b"
            r"|\bunusual traffic from your (computer )?network|^are you a robot\??$"
            r"|\bwhy (have i been|am i seeing this page)",
            re.IGNORECASE,
        ),
    ),
    (
        PAYWALL,
        re.compile(
            r"\b(subscribe|log ?in|sign ?in|register)( now)? to (continue|keep) reading"
            r"|\bto (continue|keep) reading,? (please )?(subscribe|log ?in|sign ?in|register)"
            r"|\bthis (article|content|story) is (only )?(available|reserved|exclusive)( only)? (to|for)"
            r" (paying )?(subscribers|members)|\balready a (subscriber|member)\?"
            r"|\byou('ve| have) (reached|read|used) (your|all of your) (\d+ )?(free )?(articles?|stories)"
            r"|\bcreate a free account to (continue|read|keep)"
            r"|^(subscribers only|subscribe now|subscribe|start your free trial)\W*$",
            re.IGNORECASE,
        ),
    ),
    (
        DONATION,
        re.compile(
            r"\b(support|fund) (our|independent|quality|public[- ]interest|nonprofit|non-profit)"
            r" (journalism|reporting|newsroom)|\bdonate (now|today)\b|\bmake a (one-off |one-time |monthly"
            r" |recurring |tax-deductible )?(donation|contribution)\b|\breaders like you\b"
            r"|\bsupport us (from|with|for) as little as|\bbecome a (member|supporter|patron)\b"
            r"|\bplease (consider )?(donating|supporting us|making a donation)\b"
            r"|^(donate|support us|contribute)\W*$",
            re.IGNORECASE,
        ),
    ),
)
# Prompt lines making up this share of a page's text mean the page is the prompt.
_PROMPT_SHARE = 1 / 3


def remove_overlays(tree: HtmlElement) -> bool:
    """Take consent dialogs out of the parsed page, in place; True when one was removed."""
    # Attribute values come back from lxml as strings that know their element; only the few
    # that name a consent dialog are looked at further.
    dialogs = {
        value.getparent() for value in tree.xpath("//@id | //@class") if _OVERLAY_NAME.search(value)
    }
    removed = False
    for element in dialogs:
        if element.tag in _KEEP_TAGS or element.getparent() is None:
            continue
        if any(ancestor in dialogs for ancestor in element.iterancestors()):
            continue  # goes with the dialog around it
        element.drop_tree()
        removed = True
    return removed


def challenge_markup(tree: HtmlElement) -> bool:
    """Whether the page carries a bot challenge's markers (its title or its scripts)."""
    title = " ".join(" ".join(tree.xpath("//title//text()")).split())
    return bool(_CHALLENGE_TITLE.match(title) or tree.xpath(_CHALLENGE_CANDIDATES))


def prompt_kind(line: str) -> str | None:
    """The cause a line of text belongs to (CONSENT, CHALLENGE, PAYWALL, DONATION), or None."""
    for cause, pattern in _PROMPT_LINES:
        if pattern.search(line.strip()):
            return cause
    return None


@dataclass(frozen=True)
class Judgement:
    text: str  # the text without prompt lines
    cause: str | None  # why the page is not an article, or None when it is one


def judge_text(text: str, min_words: int) -> Judgement:
    """Take prompt lines out of an article's text (paragraphs separated by blank lines); name
    the prompt when its lines make up a third of the text or leave under `min_words`."""
    kept: list[str] = []
    prompt_words: dict[str, int] = {}
    total = 0
    for paragraph in text.split("\n\n"):
        words = count_words(paragraph)
        total += words
        cause = prompt_kind(paragraph)
        if cause is None:
            kept.append(paragraph)
        else:
            prompt_words[cause] = prompt_words.get(cause, 0) + words
    remaining = "\n\n".join(kept)
    if not prompt_words:
        return Judgement(remaining, None)
    cause = max(prompt_words, key=lambda c: prompt_words[c])
    dominated = sum(prompt_words.values()) >= total * _PROMPT_SHARE
    if dominated or count_words(remaining) < min_words:
        return Judgement(remaining, cause)
    return Judgement(remaining, None)
