"""Seed texts -> HTML pages and RSS feeds shaped like real outlets' (menus, lists, asides)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from email.utils import format_datetime

from bot.pipeline.furniture import clean_text

_BULLET = re.compile(r"^\s*•\s*")


def text_to_html_blocks(text: str) -> str:
    """Blank-line blocks become paragraphs; bullet lines become lists, indented lines list text."""
    out: list[str] = []
    in_list = False
    for block in re.split(r"\n\s*\n", text.strip()):
        for raw in block.split("\n"):
            if not raw.strip():
                continue
            line = html.escape(_BULLET.sub("", raw).strip())
            if _BULLET.match(raw) or (raw.startswith("    ") and in_list):
                if not in_list:
                    out.append("<ul>")
                    in_list = True
                out.append(f"<li>{line}</li>")
                continue
            if in_list:
                out.append("</ul>")
                in_list = False
            out.append(f"<p>{line}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def article_page(
    *, outlet: str, title: str, text: str, url: str, published: datetime, author: str | None = None
) -> str:
    """A full article page: site chrome around the article, a 'Most Read' aside, a footer.

    `text` may be a plain-text copy of a whole page (as the seeds are); its article, as
    `clean_text` finds it, becomes the page's <article>, the way a real outlet's markup keeps
    the story apart from its menus, tickers and lists.
    """
    byline = (
        f'<p class="byline">By <span rel="author">{html.escape(author)}</span></p>'
        if author
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(outlet)}</title>
<link rel="canonical" href="{html.escape(url)}">
<meta property="og:site_name" content="{html.escape(outlet)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body>
<header><a class="logo" href="/">{html.escape(outlet)}</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
{byline}
<time datetime="{published.isoformat()}">{published.strftime("%d %B %Y %H:%M")}</time>
{text_to_html_blocks(clean_text(text, title))}
</article></main>
<aside><h2>Most Read</h2><ul>
<li><a href="/other/1">Council approves budget after late-night session</a></li>
<li><a href="/other/2">Weather warning issued for the weekend</a></li></ul></aside>
<footer><p>&copy; {html.escape(outlet)}. All rights reserved.</p>
<a href="/privacy">Privacy Policy</a></footer>
</body></html>"""


def rss_feed(*, outlet: str, site_url: str, items: list[dict[str, object]]) -> str:
    """An RSS 2.0 document; items carry title, link, guid, pubDate and a one-line description."""
    entries = []
    for item in items:
        published = item["published"]
        assert isinstance(published, datetime)
        entries.append(f"""<item>
<title>{html.escape(str(item["title"]))}</title>
<link>{html.escape(str(item["url"]))}</link>
<guid isPermaLink="true">{html.escape(str(item["url"]))}</guid>
<pubDate>{format_datetime(published)}</pubDate>
<description>{html.escape(str(item.get("summary", "")))}</description>
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>{html.escape(outlet)}</title><link>{html.escape(site_url)}</link>
<description>Latest news from {html.escape(outlet)}</description>
{"".join(entries)}
</channel></rss>"""
