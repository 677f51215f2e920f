"""Article pages as the web serves them, each file in tests/data/pages/ stating what its text
must and must not hold (or the error it must give), served byte for byte over loopback."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from bot.errors import ExtractionError
from bot.pipeline.fetch import USER_AGENT, Fetcher
from bot.pipeline.furniture import clean_text, strip_page_furniture
from bot.pipeline.pages import extract_page
from bot.pipeline.text import count_words
from tests.conftest import LoopbackServer, Reply

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"
_EXPECT = re.compile(r"^<!-- (must|must-not|error): (.+) -->$", re.MULTILINE)


def expectations(body: bytes) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"must": [], "must-not": [], "error": []}
    for kind, value in _EXPECT.findall(body.decode("utf-8")):
        found[kind].append(value)
    return found


def served(server: LoopbackServer, name: str) -> tuple[bytes, str]:
    """The page's bytes as fetched from the loopback server, and its final URL."""
    body = (PAGES / name).read_bytes()
    server.routes[f"/{name}"] = Reply(body=body, headers={"Content-Type": "text/html"})
    client = httpx.Client(timeout=2.0, headers={"User-Agent": USER_AGENT})
    try:
        result = Fetcher(client, allow_private=True, host_delay=0.0).fetch(f"{server.url}/{name}")
    finally:
        client.close()
    assert result.content == body  # served unchanged
    return result.content, result.final_url


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_page_gives_what_its_file_states(server: LoopbackServer, name: str) -> None:
    content, url = served(server, name)
    expected = expectations(content)
    assert any(expected.values()), f"{name} states no expectation"
    if expected["error"]:
        with pytest.raises(ExtractionError) as raised:
            extract_page(content, url)
        assert str(raised.value) == expected["error"][0]
        return
    text = extract_page(content, url).text
    assert [s for s in expected["must"] if s not in text] == []
    assert [s for s in expected["must-not"] if s in text] == []


def test_a_heading_like_sentence_is_not_a_link_list() -> None:
    text = "More on this later, the minister said.\nThe vote is on Tuesday and she will attend."
    assert strip_page_furniture(text) == text.replace("\n", "\n\n")


def test_link_list_goes_up_to_the_next_sentence() -> None:
    text = (
        "The council met on Monday.\nMost read\n- Five ways to save\n"
        "House prices fall again\nThe vote is on Tuesday, the clerk said."
    )
    assert strip_page_furniture(text) == (
        "The council met on Monday.\n\nThe vote is on Tuesday, the clerk said."
    )


def test_chinese_and_japanese_words_are_counted_by_character() -> None:
    assert count_words("平年より八日早い。") == 8
    assert count_words("Prices rose 5% in May") == 5


def test_plain_chinese_text_keeps_its_paragraphs() -> None:
    # Counted by spaces, each paragraph was "one word" and the text was taken for a teaser.
    text = "国家统计局周一公布的数据显示，十月份规模以上工业增加值同比增长百分之五点四。\n\n分析人士表示，内需回暖。"
    assert clean_text(text) == text


def test_analyze_keeps_an_html_records_page_text_as_extracted(tmp_path: Path) -> None:
    import json

    from bot.offline.analyze import read_articles

    html = (PAGES / "line_shapes.html").read_text(encoding="utf-8")
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a", "outlet": "Post-Herald", "html": html}) + "\n")
    [article] = list(read_articles(path, []))
    # the plain-text rules would take these for a ticker and a too-short line
    assert "A 31-year-old man from Hull: arrested on suspicion of affray." in article.text
    assert "He walked away." in article.text
