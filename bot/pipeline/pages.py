"""Article pages -> main text, title, author, date and site name (trafilatura)."""

from __future__ import annotations

import trafilatura

from bot.errors import ExtractionError
from bot.pipeline.dates import parse_datetime
from bot.pipeline.furniture import WORD, clean_text
from bot.pipeline.models import PageContent

MIN_PAGE_WORDS = 8  # less than a sentence is a menu or an error page, not an article


# Dates come from the page's metadata, with the time of day; the extensive search through
# the text costs ten times the rest of the extraction and matters only for pages without
# metadata, whose feed entry usually carries the date anyway.
DATE_SEARCH = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def extract_page(content: bytes | str, url: str | None = None) -> PageContent:
    """Main text, title, author, date and site name of an article page (trafilatura)."""
    try:
        document = trafilatura.bare_extraction(
            content,
            url=url,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            favor_precision=True,
            date_extraction_params=DATE_SEARCH,
        )
    except Exception as exc:  # trafilatura can raise from deep inside lxml on broken markup
        raise ExtractionError(f"could not read the page: {exc}") from None
    if document is None:
        raise ExtractionError("no article text found on the page")
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = clean_text(data.get("text") or "", title=data.get("title"))
    if len(WORD.findall(text)) < MIN_PAGE_WORDS:
        raise ExtractionError("no article text found on the page")
    return PageContent(
        title=(data.get("title") or "").strip(),
        text=text,
        author=data.get("author") or None,
        published=parse_datetime(data.get("date")),
        site_name=data.get("sitename") or None,
        canonical_url=data.get("url") or None,
    )
