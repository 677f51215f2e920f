"""Slack's length limits kept without cutting text in half: outside strings are cut at a word
with "…" before escaping, links are never cut, and every message stays within every limit.

Inputs are real-shaped (tests/data/slack/limits.json states what they must produce)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack import blocks
from bot.slack.console import render_entry
from bot.slack.mrkdwn import (
    ELLIPSIS,
    Link,
    Listing,
    Outside,
    compose,
    escape,
    fit,
    link,
    measure,
)
from tests.conftest import ROOT

DATA: dict[str, str] = json.loads(
    (ROOT / "tests" / "data" / "slack" / "limits.json").read_text(encoding="utf-8")
)
HEADLINES = [
    DATA["headline_ampersands"],
    DATA["headline_russian"],
    DATA["headline_chinese"],
    DATA["headline_hindi"],
    DATA["headline_emoji"],
    DATA["headline_one_word"],
]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def assert_clean(text: str) -> None:
    """No entity cut (`&amp` without `;`), every `<` closed by its own `>`, no stray `>`."""
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    outside_controls = re.sub(r"<[^<>]*>", "", text)
    assert "<" not in outside_controls and ">" not in outside_controls, text


def mrkdwn_texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for value in node.values() for t in mrkdwn_texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in mrkdwn_texts(value)]
    return []


def assert_within_every_limit(message: blocks.Message) -> None:
    assert message.text and measure(message.text) <= blocks.MAX_FALLBACK
    assert_clean(message.text)
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    for block in message.blocks:
        if block["type"] == "header":
            assert measure(block["text"]["text"]) <= blocks.MAX_HEADER
        if block["type"] == "section":
            assert measure(block["text"]["text"]) <= blocks.MAX_SECTION
        if block["type"] == "context":
            for element in block["elements"]:
                assert measure(element["text"]) <= blocks.MAX_CONTEXT
        if block["type"] == "actions":
            for button in block["elements"]:
                assert len(button["text"]["text"]) <= blocks.MAX_BUTTON_TEXT
                assert len(button["value"]) <= blocks.MAX_BUTTON_VALUE
        for text in mrkdwn_texts(block):
            assert_clean(text)


def article(title: str, url: str, outlet: str = DATA["outlet"], n: int = 0) -> dict[str, Any]:
    return {
        "article_id": n,
        "outlet": f"{outlet} {n}",
        "title": title,
        "url": url,
        "published": "2024-12-19T10:00:00+00:00",
        "placement": "new",
    }


def every_message(title: str, url: str, members: int = 4) -> list[blocks.Message]:
    coverage = [article(title, url, n=i) for i in range(members)]
    payload = {
        "story_id": 7,
        "title": title,
        "outlet_count": members,
        "outlets": [c["outlet"] for c in coverage],
        "first": coverage[0],
        "coverage": coverage,
    }
    diffs = [
        {"kind": "quote", "subject": "q", "summary": DATA["quote"], "variants": []},
        {"kind": "number", "subject": "n", "summary": title, "variants": []},
    ]
    story = {"id": 7, "title": title, "outlets": payload["outlets"], "first_seen": None}
    listed = {"title": title, "outlet_count": 4, "first_seen": None, "last_seen": None}
    source = {
        "id": 3,
        "outlet": DATA["outlet"],
        "kind": "feed",
        "url": url,
        "paused": False,
        "failing_since": None,
        "last_success_at": None,
        "last_error": DATA["quote"],
        "last_error_at": None,
        "items_seen": 12,
    }
    return [
        blocks.parent(payload),
        blocks.coverage(payload),
        blocks.differences({"differences": diffs}),
        blocks.differences({"differences": diffs}, f"All differences: {title}"),
        blocks.outlet_joined({**payload, "article": coverage[1]}),
        blocks.edit(
            {
                "article": coverage[0],
                "corrections": [DATA["quote"]],
                "changes": [
                    {"where": "headline", "old": title, "new": f"{title} (updated)"},
                    {"where": "text", "old": DATA["quote"], "new": DATA["quote"] + " & more"},
                ],
            }
        ),
        blocks.source_failing(
            {"outlet": DATA["outlet"], "url": url, "failing_since": None, "error": DATA["quote"]}
        ),
        blocks.story_card(story, diffs, url, [listed] * 5),
        blocks.story_list(f"Latest: {title}", [listed] * 30),
        blocks.sources_list([source] * 3),
    ]


@pytest.mark.parametrize("title", HEADLINES, ids=lambda t: t[:12])
@pytest.mark.parametrize("url_key", ["tracking_url", "long_url"])
def test_every_message_keeps_every_limit_and_cuts_nothing_in_half(title: str, url_key: str) -> None:
    for message in every_message(title, DATA[url_key]):
        assert_within_every_limit(message)


def test_a_headline_full_of_ampersands_is_cut_at_a_word_before_escaping() -> None:
    headline = DATA["headline_ampersands"]
    assert len(headline) == 132 and measure(escape(headline)) > blocks.MAX_HEADER
    shown = blocks.header(headline)["text"]["text"]
    assert measure(shown) <= blocks.MAX_HEADER and shown.endswith(ELLIPSIS)
    assert_clean(shown)
    kept = unescape(shown.removesuffix(ELLIPSIS))
    assert headline.startswith(kept) and headline[len(kept)] == " "


def test_a_link_uses_the_canonical_url_without_tracking_parameters() -> None:
    title = DATA["headline_ampersands"]
    message = blocks.coverage({"coverage": [article(title, DATA["tracking_url"])]})
    text = message.blocks[-1]["text"]["text"]
    assert f"<{DATA['canonical_expected']}|" in text
    assert "utm_" not in text and "fbclid" not in text and "gclid" not in text
    label = text.split(f"<{DATA['canonical_expected']}|", 1)[1].split(">", 1)[0]
    assert unescape(label) == title  # the whole headline, as the link's label
    assert DATA["canonical_expected"] in render_entry(
        "coverage", {"coverage": [article(title, DATA["tracking_url"])]}
    )


def test_a_stored_canonical_url_is_preferred_to_the_feed_url() -> None:
    item = {**article("Headline", DATA["tracking_url"]), "canonical_url": "https://a.example/x"}
    text = blocks.coverage({"coverage": [item]}).blocks[-1]["text"]["text"]
    assert "<https://a.example/x|Headline>" in text


def test_a_link_that_cannot_fit_leaves_the_headline_as_text() -> None:
    title = DATA["headline_russian"]
    assert len(DATA["long_url"]) > blocks.MAX_SECTION
    message = blocks.coverage({"coverage": [article(title, DATA["long_url"])]})
    text = message.blocks[-1]["text"]["text"]
    assert "<http" not in text and "accessToken" not in text
    assert escape(title) in text
    assert measure(text) <= blocks.MAX_SECTION


def test_a_link_is_shortened_only_in_its_label_never_in_its_url() -> None:
    url = DATA["canonical_expected"]
    shown = link(url, DATA["headline_ampersands"], 150)
    assert shown.startswith(f"<{url}|") and shown.endswith(f"{ELLIPSIS}>")
    assert measure(shown) <= 150
    assert_clean(shown)
    whole = f"<{url}|Short headline>"
    assert link(url, "Short headline", measure(whole)) == whole
    # No room for the whole label (nor LINK_LABEL_FLOOR of it): the label, as text.
    assert link(url, "Short headline", measure(whole) - 1) == "Short headline"
    assert link(url, DATA["headline_ampersands"], len(url) + 20).startswith("M&amp;S, H&amp;M")


@pytest.mark.parametrize(
    ("key", "limit"),
    [("headline_chinese", 60), ("headline_hindi", 40), ("headline_emoji", 50)],
)
def test_a_headline_in_another_script_is_cut_between_whole_characters(key: str, limit: int) -> None:
    shown = fit(DATA[key], limit)
    assert measure(shown) <= limit and shown.endswith(ELLIPSIS)
    kept = unescape(shown.removesuffix(ELLIPSIS))
    assert " ".join(DATA[key].split()).startswith(kept)
    # A combining mark or a joiner never starts what was cut off.
    rest = " ".join(DATA[key].split())[len(kept) :]
    assert not re.match(r"[\u0900-\u0903\u093a-\u094f\u200d\ufe0f]", rest), rest[:3]
    assert_clean(shown)


def test_a_story_without_a_headline_still_gets_a_header_slack_accepts() -> None:
    assert blocks.header("  \n ")["text"]["text"] == "(no headline)"


def test_a_flag_or_an_emoji_with_its_skin_tone_is_never_split() -> None:
    text = "🇺🇦🇬🇧 👍🏽👍🏽 Kyiv & London talks"
    for limit in range(1, measure(escape(text))):
        kept = fit(text, limit).removesuffix(ELLIPSIS)
        assert kept.count("🇺") == kept.count("🇦") and kept.count("👍") == kept.count("🏽")


def test_a_headline_of_one_200_character_word_is_cut_inside_the_word() -> None:
    word = DATA["headline_one_word"]
    assert len(word) == 200 and " " not in word
    shown = blocks.header(word)["text"]["text"]
    assert shown == word[: blocks.MAX_HEADER - 1] + ELLIPSIS


def test_a_long_quote_is_cut_rather_than_the_outlet_beside_it() -> None:
    line = compose(["• *", Outside(DATA["outlet"], 100), "* said: ", Outside(DATA["quote"])], 500)
    assert line.startswith(f"• *{escape(DATA['outlet'])}* said: “We will not")
    assert line.endswith(ELLIPSIS) and measure(line) <= 500
    assert_clean(line)


def test_an_outlet_list_too_long_names_how_many_more() -> None:
    names = [f"{DATA['outlet']} {i}" for i in range(400)]
    shown = compose(["Outlets: ", Listing(names)], blocks.MAX_CONTEXT)
    more = re.search(r" and (\d+) more$", shown)
    assert more and measure(shown) <= blocks.MAX_CONTEXT
    assert shown.count(escape(DATA["outlet"])) + int(more.group(1)) == 400


def test_an_edited_passage_too_long_ends_at_a_word_with_an_ellipsis() -> None:
    old, new = blocks.marked_change(DATA["quote"], "Breaking: " + DATA["quote"])
    for passage in (old, new):
        assert measure(passage) <= blocks.PASSAGE_CHARS and passage.endswith(ELLIPSIS)
        assert_clean(passage)
    assert new.startswith("*Breaking:* “We will not accept &lt;any&gt; deal")


def test_an_answer_too_long_is_cut_between_entities_and_links() -> None:
    """/sources add answers embed what the user typed, already escaped, in our words."""
    url = DATA["long_url"].replace("https://", "https://x&y.")
    answer = blocks.notice(f"Cannot add {escape(url)}: {escape(DATA['quote'])} <{url}|see>")
    for text in [answer.text, answer.blocks[0]["text"]["text"]]:
        assert measure(text) <= blocks.MAX_SECTION and text.endswith(ELLIPSIS)
        assert_clean(text)


# --- properties over arbitrary strings ---------------------------------------------------------

anything = st.text(max_size=600) | st.text(
    st.sampled_from(["&", "<", ">", " ", "a", "é", "\u0301", "\u200d", "😀", "中", "\n", "|"]),
    max_size=300,
)


@FAST
@given(anything, st.integers(min_value=0, max_value=400))
def test_fit_keeps_the_limit_and_cuts_raw_text_at_a_character_with_an_ellipsis(
    text: str, limit: int
) -> None:
    shown = fit(text, limit)
    whole = escape(" ".join(text.split()))
    assert measure(shown) <= limit
    assert_clean(shown)
    if shown == whole:
        return
    assert limit == 0 and shown == "" or shown.endswith(ELLIPSIS)
    assert " ".join(text.split()).startswith(unescape(shown.removesuffix(ELLIPSIS)))


@FAST
@given(
    st.sampled_from(
        [DATA["tracking_url"], DATA["long_url"], DATA["canonical_expected"], "javascript:x", ""]
    )
    | st.text(max_size=80),
    anything,
    st.integers(min_value=0, max_value=3500),
)
def test_a_link_always_fits_and_is_whole_or_gone(url: str, label: str, limit: int) -> None:
    shown = link(url, label, limit)
    assert measure(shown) <= limit
    assert_clean(shown)
    assert shown.count("<") <= 1


@FAST
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["• *", "* said ", "\n", " <!date^1^{date}|19 Dec> "]),
            anything.map(Outside),
            st.tuples(st.sampled_from([DATA["tracking_url"], DATA["long_url"]]), anything).map(
                lambda pair: Link(*pair)
            ),
            st.lists(anything, max_size=30).map(Listing),
        ),
        max_size=8,
    ),
    st.integers(min_value=0, max_value=3000),
)
def test_compose_keeps_the_limit_whatever_the_parts(parts: list, limit: int) -> None:
    line = compose(parts, limit)
    assert measure(line) <= limit
    assert_clean(line)


def test_console_prints_the_canonical_url() -> None:
    out = io.StringIO()
    print(
        render_entry(
            "outlet_joined",
            {"title": "T", "outlet_count": 2, "article": article("T", DATA["tracking_url"])},
        ),
        file=out,
    )
    assert DATA["canonical_expected"] in out.getvalue() and "utm_" not in out.getvalue()
