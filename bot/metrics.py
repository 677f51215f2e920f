"""Prometheus metrics (prometheus-client), served at GET /metrics in HTTP mode.

Counters and histograms are updated where things happen; the database's state (stories,
articles, sources, outbox depth and age) is read at scrape time by `StoreCollector`, so a
restart never makes those figures start again from zero. Names follow Prometheus's
conventions: `newsdesk_` prefix, `_total` for counters, base units (seconds).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

POLLS = Counter(
    "newsdesk_polls",
    "Polls of sources, by outcome (ok, not_modified, error, skipped).",
    ["outcome"],
    registry=REGISTRY,
)
FETCH_ERRORS = Counter(
    "newsdesk_fetch_errors",
    "Failed polls, by kind of error (see bot.metrics.error_kind).",
    ["kind"],
    registry=REGISTRY,
)
ARTICLES = Counter(
    "newsdesk_articles",
    "Articles placed into stories, by placement (new, joined, copy, same_article...).",
    ["placement"],
    registry=REGISTRY,
)
SLACK_MESSAGES = Counter(
    "newsdesk_slack_messages",
    "Outbox entries delivered, by event (alert, new_outlet, differences...).",
    ["event"],
    registry=REGISTRY,
)
SLACK_ERRORS = Counter(
    "newsdesk_slack_errors",
    "Slack calls that failed and will be retried, by error (ratelimited, a Slack error "
    "code, or the exception's class).",
    ["error"],
    registry=REGISTRY,
)
STAGE_SECONDS = Histogram(
    "newsdesk_stage_seconds",
    "Time spent per pipeline stage (poll: a whole poll of one source).",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)

# The first pattern that matches a source's error names its kind; the messages are
# newsdesk's own (bot.pipeline.fetch, feeds, pages).
_ERROR_KINDS = (
    ("bot_challenge", r"bot challenge"),
    ("rate_limited", r"HTTP 429|rate.?limit"),
    ("timeout", r"timed out|took more than"),
    ("too_large", r"byte cap"),
    ("robots", r"robots\.txt"),
    ("refused_address", r"private, loopback|only http and https"),
    ("dns", r"cannot resolve"),
    ("http_4xx", r"HTTP 4\d\d"),
    ("http_5xx", r"HTTP 5\d\d"),
    ("redirects", r"redirect"),
    ("not_a_feed", r"not an RSS|not well-formed|HTML page|not a feed"),
    ("not_an_article", r"no article text|not the article|consent|paywall|subscri|donat"),
    ("connection", r"could not fetch|Connect|connection"),
    ("storage", r"refused a write|database"),
)


def error_kind(message: str) -> str:
    """A short, bounded label for a source's error message (for the `kind` label)."""
    for kind, pattern in _ERROR_KINDS:
        if re.search(pattern, message, re.IGNORECASE):
            return kind
    return "other"


def observe_poll(outcome: str, error: str | None, seconds: float) -> None:
    """Count one poll: its outcome, its error's kind when it failed, and its duration."""
    POLLS.labels(outcome).inc()
    if error:
        FETCH_ERRORS.labels(error_kind(error)).inc()
    STAGE_SECONDS.labels("poll").observe(seconds)


class StoreCollector(Collector):
    """Gauges read from the database at scrape time: stories, articles, sources (and failing
    ones), outbox depth (unsent entries) and the age in seconds of the oldest unsent one.

    One collector is registered for the process; the running app binds its store to it.
    """

    def __init__(self) -> None:
        self.counts: Callable[[], dict[str, int]] | None = None
        self.oldest_unsent: Callable[[], datetime | None] = lambda: None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def bind(
        self,
        counts: Callable[[], dict[str, int]],
        oldest_unsent: Callable[[], datetime | None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.counts, self.oldest_unsent, self.clock = counts, oldest_unsent, clock

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())  # the names are fixed; nothing to read before a store is bound

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.counts is None:
            return
        counts = self.counts()
        for name, help_text in (
            ("stories", "Stories stored."),
            ("articles", "Articles stored."),
            ("sources", "Sources watched (not removed)."),
            ("failing", "Sources whose last poll failed."),
            ("outbox_pending", "Outbox entries not yet delivered to Slack."),
        ):
            yield GaugeMetricFamily(f"newsdesk_{name}", help_text, value=counts.get(name, 0))
        oldest = self.oldest_unsent()
        age = max(0.0, (self.clock() - oldest).total_seconds()) if oldest else 0.0
        yield GaugeMetricFamily(
            "newsdesk_outbox_oldest_age_seconds",
            "Age of the oldest undelivered outbox entry (0 when none waits).",
            value=age,
        )


STORE = StoreCollector()
REGISTRY.register(STORE)


def exposition() -> tuple[bytes, str]:
    """The registry in Prometheus's text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
