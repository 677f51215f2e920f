"""Console mode: outbox entries printed to the terminal instead of posted to Slack."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.pipeline.kinds import Event, PlacementKind
from bot.slack.blocks import article_url
from storage import Store


def format_time(iso: str | None) -> str:
    if not iso:
        return "time unknown"
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def render_entry(event: str, payload: dict[str, Any]) -> str:
    """Plain-text rendering of one outbox entry (a Slack message, in console mode)."""
    coverage = payload.get("coverage", [])
    if event == Event.ALERT:
        first = payload.get("first") or {}
        return "\n".join(
            [
                f"=== STORY ALERT: {payload['title']}",
                f"    {payload['outlet_count']} outlets: {', '.join(payload.get('outlets', []))}",
                f"    first: {first.get('outlet', '?')} at {format_time(first.get('published'))}",
            ]
        )
    if event == Event.COVERAGE:
        return "\n".join(["    coverage:", *(_coverage_line(item) for item in coverage)])
    if event in (Event.DIFFERENCES, Event.ONLY_IN, Event.NEW_DIFFERENCES):
        headings: dict[str, str] = {
            Event.DIFFERENCES: "where they differ",
            Event.ONLY_IN: "only in",
            Event.NEW_DIFFERENCES: f"new differences in “{payload.get('title', '')}”",
        }
        heading = headings[event]
        lines = [f"    {heading}:"]
        lines += [f"      - [{d['kind']}] {d['summary']}" for d in payload["differences"]]
        return "\n".join(lines)
    if event == Event.OUTLET_JOINED:
        article = payload["article"]
        return "\n".join(
            [
                f"--- {article['outlet']} joined: {payload['title']} "
                f"(now {payload['outlet_count']} outlets: {', '.join(payload.get('outlets', []))})",
                _coverage_line(article),
            ]
        )
    if event == Event.PARENT_UPDATE:
        # In Slack the alert's parent message is edited in place (chat.update).
        return f"    (the alert message above now reads {payload['outlet_count']} outlets)"
    if event == Event.EDIT:
        article = payload["article"]
        lines = [f"--- {article['outlet']} edited: {article['title']}"]
        lines += [f"      the outlet notes: {note}" for note in payload.get("corrections", [])]
        for change in payload["changes"]:
            lines += [f"      before: {change['old']}", f"      after:  {change['new']}"]
        return "\n".join(lines)
    if event == Event.SOURCE_FAILING:
        return f"!!! source {payload['outlet']} ({payload['url']}) failing since {payload['failing_since']}: {payload['error']}"
    if event == Event.DIGEST:
        return f"=== DIGEST: {payload.get('reason', '')}, {len(payload.get('stories', []))} stories"
    if event == Event.DIGEST_STORY:
        top = payload.get("difference")
        lines = [
            f"    - {payload['title']} ({payload['outlet_count']} outlets: "
            f"{', '.join(payload.get('outlets', []))})"
        ]
        return "\n".join(lines + ([f"      top difference: {top['summary']}"] if top else []))
    if event == Event.MUTED_NEWS:
        return (
            f"--- muted until {format_time(payload.get('until'))}, but has news: {payload['title']}"
        )
    return f"--- {event}: {payload.get('title', '')}"


def _coverage_line(item: dict[str, Any]) -> str:
    label = {
        PlacementKind.COPY: " [copy]",
        PlacementKind.SAME_ARTICLE: " [same article again]",
    }.get(item.get("placement", ""), "")
    return (
        f"      - {item['outlet']}{label}, {format_time(item.get('published'))}: "
        f"{item['title']}\n        {article_url(item)}"
    )


class ConsolePoster:
    """Drains the outbox to a text stream; each entry printed once, then marked sent."""

    def __init__(self, store: Store, out: TextIO | None = None) -> None:
        self.store = store
        self.out = out or sys.stdout
        self._draining = threading.Lock()
        self._stopping = threading.Event()

    def stop(self) -> None:
        """A drain in progress ends after the entry in hand; later drains do nothing."""
        self._stopping.set()

    def drain(self) -> int:
        """Print what is pending; one drain at a time, so nothing is printed twice."""
        with self._draining:
            sent = 0
            for entry in self.store.outbox.pending(datetime.now(UTC)):
                if self._stopping.is_set():
                    break
                print(render_entry(entry.event, entry.payload), file=self.out, flush=True)
                self.store.outbox.mark_sent(entry.id, f"console-{entry.id}", now=datetime.now(UTC))
                sent += 1
            return sent
