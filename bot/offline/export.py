"""Stored stories for operators: `newsdesk stories` (a list) and `newsdesk export` (stories,
their articles and differences, as JSON Lines or CSV)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any

from bot.errors import InputError
from bot.live.story_events import story_differences
from storage import Store

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}

CSV_COLUMNS = (
    "story_id",
    "story_title",
    "story_first_seen",
    "story_outlets",
    "article_id",
    "outlet",
    "title",
    "url",
    "published",
    "first_seen",
    "placement",
    "differences",
)


def parse_span(text: str) -> timedelta:
    """ "30m", "24h", "7d", "2w" -> a timedelta. Raises InputError for anything else."""
    match = _SPAN.match(text)
    if not match:
        raise InputError(f"{text!r} is not a span of time; write 30m, 24h, 7d or 2w")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()])


def story_list(store: Store, since: datetime) -> list[dict[str, Any]]:
    """Stories active since `since`: id, title, first_seen, last_seen, outlets (counted,
    copies excluded) and whether they alerted; most recently active first."""
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
            "outlets": row["outlet_count"],
            "alerted": bool(row["alerted_at"]),
        }
        for row in store.stories.active_since(since)
    ]


def story_records(store: Store, since: datetime) -> list[dict[str, Any]]:
    """Each story active since `since` with its articles and its differences (the JSON form
    of DESIGN.md section 6, every item, not only the report's first 15)."""
    records = []
    for story in story_list(store, since):
        members = store.stories.members(story["id"])
        articles = [
            {
                "id": m.id,
                "outlet": m.outlet,
                "title": m.title,
                "url": m.url,
                "published": m.published,
                "first_seen": m.first_seen,
                "placement": m.placement,
            }
            for m in members
        ]
        differences = story_differences(store, story["id"], members) if len(members) > 1 else []
        records.append({**story, "articles": articles, "differences": differences})
    return records


def render_list(stories: list[dict[str, Any]]) -> str:
    """A plain table for the terminal: id, outlets, first seen (UTC), title."""
    if not stories:
        # Backfilled feeds often hold older articles: their stories are dated by them.
        return (
            "no stories active in that span (a story's times are its articles' publication "
            "times; --since widens it, e.g. --since 30d)"
        )
    lines = [f"{'id':>6}  {'outlets':>7}  {'first seen (UTC)':<16}  title"]
    for s in stories:
        flag = " (alerted)" if s["alerted"] else ""
        lines.append(
            f"{s['id']:>6}  {s['outlets']:>7}  {s['first_seen'][:16].replace('T', ' '):<16}  "
            f"{s['title']}{flag}"
        )
    return "\n".join(lines)


def render_csv(records: list[dict[str, Any]]) -> str:
    """One row per article, with its story's columns repeated; `differences` holds the
    story's difference summaries joined by " | " (the same on each of its rows)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for story in records:
        summaries = " | ".join(d["summary"] for d in story["differences"])
        for article in story["articles"]:
            writer.writerow(
                {
                    "story_id": story["id"],
                    "story_title": story["title"],
                    "story_first_seen": story["first_seen"],
                    "story_outlets": story["outlets"],
                    "article_id": article["id"],
                    "outlet": article["outlet"],
                    "title": article["title"],
                    "url": article["url"],
                    "published": article["published"] or "",
                    "first_seen": article["first_seen"],
                    "placement": article["placement"] or "",
                    "differences": summaries,
                }
            )
    return out.getvalue()
