"""Block Kit rendering as data: Slack's limits, escaping, and what editors read."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.slack import blocks
from bot.slack.mrkdwn import escape, link

EVIL = "Minister says <!channel> & <@U123> read <http://evil.example|click here>"


def texts(message: blocks.Message) -> list[str]:
    """Every text Slack will read in the message, the fallback included."""
    found = [message.text]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return found


def assert_within_limits(message: blocks.Message) -> None:
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= blocks.MAX_SECTION
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= blocks.MAX_HEADER
    assert message.text


def story_payload(title: str = EVIL, outlet: str = "Daily <b> & Co", members: int = 3) -> dict:
    coverage = [
        {
            "article_id": i,
            "outlet": f"{outlet} {i}",
            "title": f"{title} {i}",
            "url": f"https://news.example/{i}?a=1&b=2",
            "published": "2024-12-19T10:00:00+00:00",
            "placement": "copy" if i == 2 else "new",
        }
        for i in range(members)
    ]
    return {
        "story_id": 7,
        "title": title,
        "outlet_count": members,
        "outlets": [c["outlet"] for c in coverage],
        "first": coverage[0],
        "coverage": coverage,
    }


def test_outside_strings_can_neither_ping_nor_link() -> None:
    payload = story_payload()
    diff = {"kind": "quote", "subject": "q", "summary": EVIL, "variants": []}
    rendered = [
        blocks.parent(payload),
        blocks.coverage(payload),
        blocks.differences({"differences": [diff]}),
        blocks.differences({"differences": [diff]}, f"All differences: {EVIL}"),
        blocks.outlet_joined({**payload, "article": payload["coverage"][1]}),
        blocks.edit(
            {
                "article": payload["coverage"][0],
                "changes": [{"where": "text", "old": EVIL, "new": EVIL + " now"}],
            }
        ),
        blocks.story_card(
            {"id": 7, "title": EVIL, "outlets": ["<!here>"], "first_seen": None}, [diff], None
        ),
    ]
    for message in rendered:
        for text in texts(message):
            assert "<!channel>" not in text and "<@U123>" not in text and "<!here>" not in text
            assert "<http://evil" not in text
            # Every "<" left is one of ours: a link to the article or a date.
            for control in re.findall(r"<([^>]*)>", text):
                assert control.startswith(("https://news.example/", "!date^")), control


def test_links_keep_their_url_and_escape_their_label() -> None:
    assert link("https://x.example/a?b=1&c=2", "A <b> | c") == (
        "<https://x.example/a?b=1&amp;c=2|A &lt;b&gt; ¦ c>"
    )
    assert link("javascript:alert(1)", "click") == "click"
    assert link("https://x.example/a>b|c", "t").startswith("<https://x.example/a%3Eb%7Cc|")
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_copies_are_marked_and_every_article_is_linked_in_the_coverage() -> None:
    message = blocks.coverage(story_payload(title="Troops to Ukraine", outlet="Outlet"))
    body = "\n".join(texts(message))
    assert body.count("<https://news.example/") == 3
    assert "Outlet 2* (copy of another outlet's text)" in body


def test_huge_stories_stay_within_slack_limits() -> None:
    payload = story_payload(title="x" * 5000, members=900)
    diffs = [{"kind": "number", "subject": "s", "summary": "y" * 4000, "variants": []}] * 120
    for message in (
        blocks.parent(payload),
        blocks.coverage(payload),
        blocks.differences({"differences": diffs}),
        blocks.story_card(
            {"id": 1, "title": "t" * 4000, "outlets": ["o"] * 300, "first_seen": None},
            diffs,
            None,
            [payload] * 10,
        ),
    ):
        assert_within_limits(message)
        json.dumps(message.blocks)
    coverage = blocks.coverage(payload)
    assert (
        coverage.blocks[-1]["type"] == "context"
        and "more not shown" in coverage.blocks[-1]["elements"][0]["text"]
    )


def test_an_edit_marks_the_words_that_changed() -> None:
    old, new = blocks.marked_change(
        "Fourteen people were killed on Monday", "Nineteen people were killed on Monday"
    )
    assert old == "~Fourteen~ people were killed on Monday"
    assert new == "*Nineteen* people were killed on Monday"


def test_the_card_offers_post_all_differences_and_mute() -> None:
    card = blocks.story_card(
        {"id": 12, "title": "T", "outlets": ["A", "B"], "first_seen": None},
        [],
        "https://newsroom.slack.com/archives/C1/p1",
    )
    actions = next(b for b in card.blocks if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "story_post",
        "story_differences",
        "story_mute",
    ]
    assert {e["value"] for e in actions["elements"]} == {"12"}
    assert "Open the thread" in texts(card)[1]
