"""Times as feeds and pages write them -> timezone-aware UTC, or None when they cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_datetime(value: object) -> datetime | None:
    """ISO 8601 date or date-time -> aware UTC datetime (naive values are taken as UTC)."""
    if not value:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_zoned_datetime(value: object) -> datetime | None:
    """ISO 8601 / RFC 3339 date-time with its zone -> aware UTC; None when it has no zone.

    JSON Feed (RFC 3339) and sitemaps (W3C Datetime) require the zone with a time, so a time
    or a bare date without one is never guessed to be UTC: its hour is unknown.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)
