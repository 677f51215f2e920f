"""Times as feeds and pages write them -> timezone-aware UTC, or None when they cannot be read.

ISO 8601 is read by the standard library; RFC 822 and the other ways feeds write times are
read by python-dateutil with a table of zone abbreviations, because feedparser does not know
most of them and takes such a time as if it were UTC (10:05 CEST stored as 10:05 UTC).
A time whose zone cannot be read is not guessed: it is None, and logged.
"""

from __future__ import annotations

import logging
import re
import warnings
from datetime import UTC, datetime

from dateutil import parser as dateutil_parser

logger = logging.getLogger(__name__)

# Month names as English news writes them, full and abbreviated, -> 1-12.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
MONTHS: dict[str, int] = {
    **{name: n for n, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3]: n for n, name in enumerate(MONTH_NAMES, start=1)},
    "Sept": 9,
}
_HOUR = 3600
# Zone abbreviations news sites put in feed times, as offsets from UTC in seconds (from the
# IANA tz database's abbreviations). Abbreviations that name several zones are left out on
# purpose (IST: India, Ireland or Israel; BST outside the British Isles is rare, kept as
# British Summer Time; CST is kept as RFC 822's US Central): those times stay unreadable.
ZONE_OFFSETS: dict[str, int] = {
    # RFC 822 / RFC 2822
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * _HOUR,
    "EDT": -4 * _HOUR,
    "CST": -6 * _HOUR,
    "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR,
    "MDT": -6 * _HOUR,
    "PST": -8 * _HOUR,
    "PDT": -7 * _HOUR,
    # North America, elsewhere
    "AKST": -9 * _HOUR,
    "AKDT": -8 * _HOUR,
    "HST": -10 * _HOUR,
    "AST": -4 * _HOUR,
    "ADT": -3 * _HOUR,
    "NST": -(3 * _HOUR + 1800),
    "NDT": -(2 * _HOUR + 1800),
    # Europe
    "WET": 0,
    "WEST": 1 * _HOUR,
    "BST": 1 * _HOUR,
    "CET": 1 * _HOUR,
    "CEST": 2 * _HOUR,
    "MET": 1 * _HOUR,
    "MEST": 2 * _HOUR,
    "MEZ": 1 * _HOUR,
    "MESZ": 2 * _HOUR,
    "EET": 2 * _HOUR,
    "EEST": 3 * _HOUR,
    "OEZ": 2 * _HOUR,
    "OESZ": 3 * _HOUR,
    "MSK": 3 * _HOUR,
    "TRT": 3 * _HOUR,
    # Africa, Asia, Oceania, South America
    "WAT": 1 * _HOUR,
    "CAT": 2 * _HOUR,
    "SAST": 2 * _HOUR,
    "EAT": 3 * _HOUR,
    "PKT": 5 * _HOUR,
    "NPT": 5 * _HOUR + 2700,
    "ICT": 7 * _HOUR,
    "WIB": 7 * _HOUR,
    "HKT": 8 * _HOUR,
    "SGT": 8 * _HOUR,
    "PHT": 8 * _HOUR,
    "AWST": 8 * _HOUR,
    "JST": 9 * _HOUR,
    "KST": 9 * _HOUR,
    "ACST": 9 * _HOUR + 1800,
    "ACDT": 10 * _HOUR + 1800,
    "AEST": 10 * _HOUR,
    "AEDT": 11 * _HOUR,
    "NZST": 12 * _HOUR,
    "NZDT": 13 * _HOUR,
    "BRT": -3 * _HOUR,
    "ART": -3 * _HOUR,
}
# dateutil fills what a text leaves out from this; year 1 means the text named no year.
_NO_DATE = datetime(1, 1, 1)
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# "GMT+2", "UTC+05:30", "GMT +0200", "GMT-4" closing a time: the offset from UTC as people
# write it (GMT+2 is two hours ahead). dateutil reads "GMT+2" the POSIX TZ way, two hours
# behind (see its parser docs), so such a zone is rewritten as a plain offset first.
_NAMED_UTC_OFFSET = re.compile(
    r"\b(?:GMT|UTC|UT)\s*([+-])(\d{1,2})(?::?(\d{2}))?(?=\s*(?:\(.*\))?\s*$)", re.I
)


class UnreadableZone(ValueError):
    """A time names a zone newsdesk cannot convert to UTC."""


def parse_datetime(value: object) -> datetime | None:
    """A time as a feed or page writes it -> aware UTC datetime, or None.

    Takes a datetime, ISO 8601 (`2024-05-14T10:05:00+02:00`), RFC 822
    (`Tue, 14 May 2024 10:05:00 CEST`) and the other forms python-dateutil reads. A time
    with no zone is taken as UTC (as feeds and ISO dates without an offset mean it). A zone
    that cannot be read (unknown or ambiguous abbreviation) gives None and is logged: a
    wrong time would name the wrong outlet as first.
    """
    try:
        return read_datetime(value)
    except UnreadableZone as exc:
        logger.info("time %r left unread: %s", value, exc)
        return None


def read_datetime(value: object, *, zone_required: bool = False) -> datetime | None:
    """Like `parse_datetime`, but raises UnreadableZone where that returns None for a zone,
    so callers can tell "no date" from "a date in an unknown zone".

    With `zone_required` (feeds: RFC 822 and RFC 3339 both require the zone), a time or a
    bare date written without one raises UnreadableZone too: its hour is unknown, and taking
    it as UTC could make the wrong outlet first."""
    if not value:
        return None
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = " ".join(str(value).split())
        parsed = _from_iso(text) if _ISO_LIKE.match(text) else None
        if parsed is None:
            parsed = _from_text(text)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        if zone_required:
            raise UnreadableZone(f"{value!r} has no zone")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _from_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _from_text(text: str) -> datetime | None:
    text = _NAMED_UTC_OFFSET.sub(_as_offset, text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", dateutil_parser.UnknownTimezoneWarning)
        try:
            parsed = dateutil_parser.parse(text, default=_NO_DATE, tzinfos=ZONE_OFFSETS)
        except (ValueError, OverflowError, TypeError):
            return None
    if any(issubclass(w.category, dateutil_parser.UnknownTimezoneWarning) for w in caught):
        raise UnreadableZone(f"the zone in {text!r} is not one newsdesk knows")
    if parsed.year == _NO_DATE.year:
        return None
    return parsed


def _as_offset(match: re.Match[str]) -> str:
    sign, hours, minutes = match.group(1), int(match.group(2)), match.group(3) or "00"
    return f"{sign}{hours:02d}{minutes}"


def parse_zoned_datetime(value: object) -> datetime | None:
    """ISO 8601 / RFC 3339 date-time with its zone -> aware UTC; None when it has no zone.

    JSON Feed (RFC 3339) and sitemaps (W3C Datetime) require the zone with a time, so a time
    or a bare date without one is never guessed to be UTC: its hour is unknown.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = _from_iso(value.strip())
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)
