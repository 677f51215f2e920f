"""The rows storage hands out, and how times are written: ISO 8601 text in UTC."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, TypeVar

_RowT = TypeVar("_RowT")


def to_iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class SourceRow:
    id: int
    outlet: str
    url: str
    kind: str
    interval: int | None
    origin: str
    paused: bool
    etag: str | None
    last_modified: str | None
    backfilled: bool
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    failing_since: str | None
    failures: int
    next_attempt_at: str | None
    items_seen: int
    moved_to: str | None = None
    moved_polls: int = 0
    original_url: str | None = None


@dataclass(frozen=True)
class ArticleRow:
    id: int
    source_id: int | None
    outlet: str
    url: str
    canonical_url: str
    title: str
    text: str
    published: str | None
    seen_at: str
    fingerprint: str
    entry_fingerprint: str | None
    revision: int
    backfill: bool
    story_id: int | None
    placement: str | None
    duplicate_of: int | None
    first_seen: str = ""
    next_check_at: str | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    story_id: int | None
    channel: str
    event: str
    payload: dict[str, Any]
    attempts: int
    attempted_at: str | None = None
    next_attempt_at: str | None = None


def from_row(cls: type[_RowT], row: dict[str, Any]) -> _RowT:
    """A row dataclass from a table row: its fields are column names; SQLite's 0/1 become bools."""
    values = {}
    for spec in fields(cls):  # type: ignore[arg-type]
        value = row[spec.name]
        values[spec.name] = bool(value) if spec.type == "bool" else value
    return cls(**values)


def source_row(row: dict[str, Any]) -> SourceRow:
    return from_row(SourceRow, row)


def article_row(row: dict[str, Any]) -> ArticleRow:
    return from_row(ArticleRow, row)


def outbox_row(row: dict[str, Any]) -> OutboxRow:
    return from_row(OutboxRow, {**row, "payload": json.loads(row["payload"])})
