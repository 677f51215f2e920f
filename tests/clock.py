"""A fake clock for tests that would otherwise sleep: moved by the test, never by the wall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """The time newsdesk reads (timezone-aware UTC), moved by the test.

    Calling it gives the datetime (what `clock=` parameters take); `monotonic()` gives the
    same instant as seconds, for stand-ins that keep time like `time.monotonic`.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    def set(self, iso: str) -> None:
        self.now = datetime.fromisoformat(iso)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
