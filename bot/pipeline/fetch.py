"""Fetching a URL politely and safely: SSRF guard, robots.txt, caps on size, time and redirects.

The HTTP client is injected (an `httpx.Client`), so tests run against servers on loopback.
"""

from __future__ import annotations

import dataclasses
import html
import ipaddress
import socket
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from bot.errors import SourceError, Stopping
from bot.pipeline.models import FetchResult

USER_AGENT = "newsdesk/0.1 (+https://github.com/newsdesk; story-alert bot for newsrooms)"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 20.0
ROBOTS_TTL_SECONDS = 3600.0
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECT_CODES = frozenset({301, 308})
# Statuses whose Retry-After asks a client to come back later (RFC 9110 10.2.3, RFC 6585 4).
RETRY_AFTER_CODES = frozenset({429, 503})
# A body that is itself a gzip file starts with these bytes (RFC 1952 section 2.3.1).
GZIP_MAGIC = b"\x1f\x8b"
# How much of an error page is read to tell a bot challenge from a plain refusal: the
# markers sit in the <head> or the first script of every challenge page seen.
CHALLENGE_SNIFF_BYTES = 64 * 1024

# Bot-protection services answer a client they take for a bot with a challenge (a script a
# browser must run, a captcha) or a refusal, under 403, 429 or 503. Each is known by a
# header it sets on such answers...
_CHALLENGE_HEADERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("cf-mitigated", ("challenge",), "Cloudflare"),
    ("x-vercel-mitigated", ("challenge", "deny"), "Vercel"),
    ("x-amzn-waf-action", ("challenge", "captcha"), "AWS WAF"),
    ("x-dd-b", (), "DataDome"),
)
# ...or by what its page holds (lower case, after HTML entities are decoded).
_CHALLENGE_MARKERS: tuple[tuple[str, str], ...] = (
    ("<title>just a moment...</title>", "Cloudflare"),
    # Not /cdn-cgi/challenge-platform/ alone: ordinary pages load its scripts/jsd beacon.
    ("_cf_chl_opt", "Cloudflare"),
    ("/cdn-cgi/challenge-platform/h/", "Cloudflare"),
    ("challenges.cloudflare.com", "Cloudflare"),
    ("cf-browser-verification", "Cloudflare"),
    ("attention required! | cloudflare", "Cloudflare"),
    ("captcha-delivery.com", "DataDome"),
    ("px-captcha", "HUMAN (PerimeterX)"),
    ("_incapsula_resource", "Imperva"),
    ("incapsula incident id", "Imperva"),
    ("awswafintegration", "AWS WAF"),
    ("vercel security checkpoint", "Vercel"),
    ("sucuri website firewall", "Sucuri"),
    ("errors.edgesuite.net", "Akamai"),
)

Resolver = Callable[[str], list[str]]


def default_client() -> httpx.Client:
    """The HTTP client newsdesk fetches with; redirects are followed by `Fetcher` itself."""
    return httpx.Client(
        timeout=httpx.Timeout(TOTAL_TIMEOUT / 2, connect=CONNECT_TIMEOUT),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def resolve_host(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SourceError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    # str(): typeshed allows an int here for address families a TCP lookup never gives.
    return sorted({str(info[4][0]) for info in infos})


def check_url_allowed(url: str, allow_private: bool, resolver: Resolver = resolve_host) -> None:
    """Refuse URLs that are not http(s), or that point at loopback, private or link-local hosts.

    Sources added from Slack must never make the bot reach into its own network; the demo
    and the tests set `allow_private` to read from 127.0.0.1.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise SourceError(
            f"only http and https URLs can be sources, not {parts.scheme or 'none'!r}"
        )
    if not parts.hostname:
        raise SourceError(f"{url!r} has no host name")
    if allow_private:
        return
    for address in resolver(parts.hostname):
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if (
            ip.is_loopback
            or ip.is_private
            or ip.is_link_local
            or ip.is_reserved
            or ip.is_multicast
            or ip.is_unspecified
        ):
            raise SourceError(
                f"{parts.hostname} resolves to {ip}, {PRIVATE_ADDRESS}; "
                "newsdesk only reads public sources"
            )


# The words of the refusal above, which the command line follows with the setting that lifts
# it (an editor in Slack cannot change settings, so Slack is not told).
PRIVATE_ADDRESS = "a private, loopback or link-local address"


def bot_challenge(status: int, headers: Mapping[str, str], body: bytes = b"") -> str | None:
    """The bot-protection service (e.g. "Cloudflare") whose challenge or refusal this answer
    is, or None when it is not one. `headers` are matched case-insensitively (an
    `httpx.Headers`, or a dict with lower-case names); `body` is the start of the page. Under
    a status below 400 only a header naming the answer a challenge counts: pages that merely
    mention a service, or headers such services set on every answer, are not challenges."""
    for name, values, vendor in _CHALLENGE_HEADERS:
        value = headers.get(name)
        if value is None or (status < 400 and not values):
            continue
        if not values or value.strip().lower() in values:
            return vendor
    if body and status >= 400:
        text = html.unescape(body[:CHALLENGE_SNIFF_BYTES].decode("utf-8", "replace")).lower()
        for marker, vendor in _CHALLENGE_MARKERS:
            if marker in text:
                return vendor
    return None


def retry_after_seconds(
    value: str | None, now: datetime, server_date: str | None = None
) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds ("7200") or an HTTP-date.

    A date is measured from the answer's own Date header when it has one (so a server whose
    clock is off still gets the wait it meant), else from `now`. A date already past is 0;
    an unreadable value is None (RFC 9110 section 10.2.3).
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(int(value))
    try:
        until = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if until.tzinfo is None:  # an HTTP-date is always GMT, even when "-0000" says unknown
        until = until.replace(tzinfo=UTC)
    reference = now
    if server_date:
        try:
            reference = parsedate_to_datetime(server_date)
        except (TypeError, ValueError, IndexError):
            pass
        if reference.tzinfo is None:
            reference = reference.replace(tzinfo=UTC)
    return max(0.0, (until - reference).total_seconds())


def unpack_gzip(content: bytes, limit: int = MAX_BYTES) -> bytes:
    """A body that is a gzip file, unpacked; any other body unchanged.

    Servers send gzip files as bodies: sitemap.xml.gz, and feeds or pages compressed twice
    or compressed without `Content-Encoding` (rbren/rss-parser#280). No text document starts
    with the gzip magic bytes, so the body itself says what it is. At most `limit` bytes are
    unpacked (a gzip bomb stays bounded).

    Raises:
        SourceError: the gzip data is broken, or unpacks to more than `limit` bytes.
    """
    if content[:2] != GZIP_MAGIC:
        return content
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        unpacked = inflater.decompress(content, limit)
    except zlib.error as exc:
        raise SourceError(f"the body is gzip data that cannot be unpacked ({exc})") from None
    if inflater.unconsumed_tail:
        raise SourceError(f"the body is gzip data that unpacks to over {limit:,} bytes")
    return unpacked


def describe_wait(seconds: float) -> str:
    """A wait in words an editor reads at a glance: "45 s", "5 min", "2 h 30 min"."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class Fetcher:
    """Fetches URLs with conditional GET, following at most `max_redirects` redirects.

    Every hop is checked by the SSRF guard and robots.txt; the body is streamed and cut off
    at `max_bytes` (after decompression, so a gzip bomb is stopped too) or `total_timeout`.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        allow_private: bool = False,
        max_bytes: int = MAX_BYTES,
        total_timeout: float = TOTAL_TIMEOUT,
        max_redirects: int = MAX_REDIRECTS,
        host_delay: float = 1.0,
        respect_robots: bool = True,
        resolver: Resolver = resolve_host,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.client = client
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.host_delay = host_delay
        self.respect_robots = respect_robots
        self.resolver = resolver
        self.clock = clock
        self._stopping = threading.Event()
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._last_hit: dict[str, float] = {}
        self._lock = threading.Lock()

    def stop(self) -> None:
        """Refuse new requests from now on and cut short waits and bodies being read: every
        fetch in progress or to come raises `Stopping`. For a shutdown."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, following redirects hop by hop.

        Raises SourceError with a message an editor can act on (with `retry_after` in seconds
        when a 429 or 503 said how long to wait), or `Stopping` after `stop`.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.total_timeout
        current = url
        seen: set[str] = set()
        permanent = True
        for _hop in range(self.max_redirects + 1):
            if self._stopping.is_set():
                raise Stopping("newsdesk is stopping")
            check_url_allowed(current, self.allow_private, self.resolver)
            if self.respect_robots and not self._robots_allow(current):
                raise SourceError(f"robots.txt of {urlsplit(current).netloc} disallows {current}")
            seen.add(current)
            self._wait_for_host(current)
            result = self._get_once(url, current, headers, deadline)
            if isinstance(result, FetchResult):
                if current != url and permanent:
                    result = dataclasses.replace(result, moved_to=current)
                return result
            status, current = result
            permanent = permanent and status in PERMANENT_REDIRECT_CODES
            if current in seen:
                raise SourceError(f"redirect loop at {current}")
        raise SourceError(f"more than {self.max_redirects} redirects from {url}")

    def _get_once(
        self, original: str, url: str, headers: dict[str, str], deadline: float
    ) -> FetchResult | tuple[int, str]:
        """One request: the result, or a redirect's (status, absolute Location)."""
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return FetchResult(
                        url=original,
                        final_url=url,
                        status=304,
                        content=b"",
                        content_type="",
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                        not_modified=True,
                    )
                if response.status_code in REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise SourceError(
                            f"HTTP {response.status_code} redirect without a Location"
                        )
                    return response.status_code, urljoin(url, location)
                if response.status_code >= 400 or bot_challenge(
                    response.status_code, response.headers
                ):
                    raise self._refusal(url, response, deadline)
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise SourceError(
                        f"{url} is {int(declared):,} bytes, over the {self.max_bytes:,} byte cap"
                    )
                body = self._read_body(url, response, self.max_bytes, deadline)
                body = unpack_gzip(body, self.max_bytes)
                return FetchResult(
                    url=original,
                    final_url=url,
                    status=response.status_code,
                    content=body,
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            raise SourceError(f"timed out fetching {url}") from None
        except httpx.DecodingError as exc:
            raise SourceError(f"{url} sent a body that cannot be decoded: {exc}") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"could not fetch {url}: {exc.__class__.__name__}: {exc}") from None

    def _read_body(self, url: str, response: httpx.Response, limit: int, deadline: float) -> bytes:
        """The decoded body, cut off with SourceError past `limit` bytes or the deadline."""
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > limit:
                raise SourceError(f"{url} is over the {limit:,} byte cap")
            if time.monotonic() > deadline:
                raise SourceError(f"{url} took more than {self.total_timeout:g} s")
            if self._stopping.is_set():
                raise Stopping("newsdesk is stopping")
        return bytes(body)

    def _refusal(self, url: str, response: httpx.Response, deadline: float) -> SourceError:
        """The error for an answer that is not the page: a bot challenge is named as one, and
        a 429 or 503 carries the wait its Retry-After asked for."""
        status = response.status_code
        retry_after = None
        if status in RETRY_AFTER_CODES:
            retry_after = retry_after_seconds(
                response.headers.get("retry-after"), self.clock(), response.headers.get("date")
            )
        vendor = bot_challenge(status, response.headers)
        if vendor is None and status >= 400:
            vendor = bot_challenge(status, response.headers, self._sniff(response, deadline))
        if vendor is not None:
            return SourceError(
                f"blocked by a bot challenge ({vendor}, HTTP {status}) at {url}: the site "
                "shows newsdesk a check meant to stop automated readers instead of the page; "
                "it stays unreadable until the site lets newsdesk's User-Agent through",
                retry_after=retry_after,
            )
        if retry_after is not None:
            return SourceError(
                f"HTTP {status} from {url}: the server asks newsdesk to wait "
                f"{describe_wait(retry_after)} before trying again",
                retry_after=retry_after,
            )
        return SourceError(f"HTTP {status} from {url}")

    def _sniff(self, response: httpx.Response, deadline: float) -> bytes:
        """The start of an error page; what cannot be read is simply not looked at."""
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) >= CHALLENGE_SNIFF_BYTES or time.monotonic() > deadline:
                    break
        except httpx.HTTPError:
            pass
        return bytes(body)

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            now = time.monotonic()
            ready_at = self._last_hit.get(host, 0.0) + self.host_delay
            self._last_hit[host] = max(now, ready_at)
        if ready_at > now and self._stopping.wait(ready_at - now):
            raise Stopping("newsdesk is stopping")

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        if cached is None or time.monotonic() - cached[0] > ROBOTS_TTL_SECONDS:
            cached = (time.monotonic(), self._load_robots(origin))
            self._robots[origin] = cached
        parser = cached[1]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """robots.txt of an origin; a missing or unreadable one allows everything."""
        try:
            response = self.client.get(origin + "/robots.txt", timeout=CONNECT_TIMEOUT)
        except httpx.HTTPError:
            return None
        if response.status_code >= 400 or len(response.content) > 512 * 1024:
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(response.text.splitlines())
        return parser
