"""What an article is known by within its source: the one home of that decision.

An article is (source, key). The key is the canonical URL of its link; an item with no
usable link is known by its guid, and one with neither by a hash of its title and summary.
Keys are never compared across sources: another outlet's item with the same link, guid or
words is another article (storage enforces it with a unique (source_id, key) pair).
"""

from __future__ import annotations

import hashlib

from bot.pipeline.urls import canonical_url


def article_key(
    url: str | None, guid: str | None = None, title: str = "", summary: str = ""
) -> str:
    """The key of an item within its source: `canonical_url(url)`, else `guid:<guid>`, else
    `words:<sha1 of title and summary, whitespace folded>`."""
    if url:
        return canonical_url(url)
    if guid:
        return f"guid:{guid.strip()}"
    words = "\n".join(" ".join(part.split()) for part in (title, summary))
    return "words:" + hashlib.sha1(words.encode("utf-8")).hexdigest()
