"""When a channel hears of new stories: at once, or held for a digest (quiet hours, or a
daily or hourly digest), in the channel's own time zone.

Pure: parsing what an editor typed, whether alerts are held at a moment, and when digests go
out. The delivery times are APScheduler cron triggers in the channel's zone (zoneinfo), so
the job that sends a digest and the check of whether one is due share one schedule, and
both follow daylight-saving changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

DEFAULT_ZONE = "UTC"
# How far back the last delivery time is looked for: more than a day and a daylight-saving
# hour, so a daily digest missed while newsdesk was down is still found.
LOOKBACK = timedelta(hours=50)
_CLOCK = re.compile(r"^([01]?\d|2[0-3])(?::([0-5]\d))?$")


class ScheduleError(ValueError):
    """What an editor typed is not a time, a range of times or a time zone; the message says
    what to type instead."""


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def zone_name(text: str | None) -> str:
    """The IANA name of a time zone typed in any case ("europe/london" -> "Europe/London");
    UTC when nothing is typed. Raises ScheduleError for an unknown zone."""
    if not text:
        return DEFAULT_ZONE
    name = _zones_by_lower_name().get(text.strip().lower())
    if name is None:
        raise ScheduleError(
            f"“{text}” is not a time zone newsdesk knows. Use a name such as Europe/London, "
            "America/New_York or UTC."
        )
    return name


def parse_clock(text: str) -> time:
    """ "22:00", "7:30" or "22" as a wall-clock time; raises ScheduleError otherwise."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise ScheduleError(f"“{text}” is not a time of day: write it as 22:00 or 07:30.")
    return time(int(match.group(1)), int(match.group(2) or 0))


def _clock_text(value: time) -> str:
    return value.strftime("%H:%M")


@dataclass(frozen=True)
class QuietHours:
    """Alerts between `start` and `end` (wall-clock in `zone`, wrapping past midnight when
    start > end) are held and told in one digest when the quiet ends."""

    start: time
    end: time
    zone: str = DEFAULT_ZONE

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.zone)).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends(self) -> CronTrigger:
        return CronTrigger(hour=self.end.hour, minute=self.end.minute, timezone=ZoneInfo(self.zone))

    def describe(self) -> str:
        return f"{_clock_text(self.start)}–{_clock_text(self.end)} {self.zone}"

    def to_json(self) -> dict[str, str]:
        return {"start": _clock_text(self.start), "end": _clock_text(self.end), "zone": self.zone}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuietHours:
        return cls(parse_clock(data["start"]), parse_clock(data["end"]), data["zone"])


@dataclass(frozen=True)
class DigestPlan:
    """The channel hears of its stories in a digest, `every` "daily" (at `at`) or "hourly"
    (on the hour), in `zone`, instead of one alert per story."""

    every: str
    at: time | None = None
    zone: str = DEFAULT_ZONE

    def times(self) -> CronTrigger:
        zone = ZoneInfo(self.zone)
        if self.every == "hourly":
            return CronTrigger(minute=0, timezone=zone)
        at = self.at or time(8, 0)
        return CronTrigger(hour=at.hour, minute=at.minute, timezone=zone)

    def describe(self) -> str:
        if self.every == "hourly":
            return f"hourly, on the hour ({self.zone})"
        return f"daily at {_clock_text(self.at or time(8, 0))} {self.zone}"

    def to_json(self) -> dict[str, str | None]:
        return {
            "every": self.every,
            "at": _clock_text(self.at) if self.at else None,
            "zone": self.zone,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DigestPlan:
        at = data.get("at")
        return cls(data["every"], parse_clock(at) if at else None, data["zone"])


@dataclass(frozen=True)
class ChannelSchedule:
    quiet: QuietHours | None = None
    digest: DigestPlan | None = None

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> ChannelSchedule:
        """From a row of `SlackState.channel_settings()`."""
        quiet, digest = values.get("quiet"), values.get("digest")
        return cls(
            QuietHours.from_json(quiet) if quiet else None,
            DigestPlan.from_json(digest) if digest else None,
        )

    @property
    def scheduled(self) -> bool:
        return self.quiet is not None or self.digest is not None

    def holds(self, now: datetime) -> bool:
        """Whether an alert due at `now` waits for a digest instead of being posted."""
        return self.digest is not None or (self.quiet is not None and self.quiet.contains(now))

    def trigger(self) -> BaseTrigger | None:
        """When digests may go out: each digest time and the end of the quiet hours (a digest
        time inside the quiet hours is skipped by `last_delivery`, and its stories wait for
        the quiet to end)."""
        triggers: list[BaseTrigger] = []
        if self.digest is not None:
            triggers.append(self.digest.times())
        if self.quiet is not None:
            triggers.append(self.quiet.ends())
        if not triggers:
            return None
        return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)

    def last_delivery(self, now: datetime) -> datetime | None:
        """The latest moment at or before `now` when a digest was due (UTC); None when there
        is no schedule or none fell within LOOKBACK. A schedule turned off delivers at once."""
        trigger = self.trigger()
        if trigger is None:
            return now
        latest = None
        fire = trigger.get_next_fire_time(None, now - LOOKBACK)
        while fire is not None and fire <= now:
            if self.quiet is None or not self.quiet.contains(fire):
                latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return latest.astimezone(UTC) if latest else None

    def describe_reason(self) -> str:
        """Why the channel's stories came in a digest, for the digest's first line."""
        if self.digest is not None:
            return f"Digest ({self.digest.describe()})"
        if self.quiet is not None:
            return f"While this channel was quiet ({self.quiet.describe()})"
        return "Held while this channel was quiet"


def parse_quiet(words: list[str]) -> QuietHours:
    """`["22:00-07:00", "Europe/London"]` (the zone may be left out: UTC)."""
    if not words:
        raise ScheduleError("Usage: `/newsdesk quiet 22:00-07:00 Europe/London` or `quiet off`.")
    span = words[0].replace("–", "-").replace("—", "-")
    if span.count("-") != 1:
        raise ScheduleError(
            f"“{words[0]}” is not a range of hours: write it as 22:00-07:00 (start-end)."
        )
    start, end = (parse_clock(part) for part in span.split("-"))
    if start == end:
        raise ScheduleError("Quiet hours need an end different from their start.")
    return QuietHours(start, end, zone_name(" ".join(words[1:2])))


def parse_digest(words: list[str]) -> DigestPlan:
    """`["daily", "08:00", "Europe/London"]` or `["hourly", "Europe/London"]`."""
    usage = "Usage: `/newsdesk digest daily 08:00 Europe/London`, `digest hourly` or `digest off`."
    if not words or words[0].lower() not in ("daily", "hourly"):
        raise ScheduleError(usage)
    if words[0].lower() == "hourly":
        return DigestPlan("hourly", None, zone_name(" ".join(words[1:2])))
    if len(words) < 2:
        raise ScheduleError(usage)
    return DigestPlan("daily", parse_clock(words[1]), zone_name(" ".join(words[2:3])))
