"""Fetching a URL politely and safely: SSRF guard, robots.txt, caps on size, time and redirects.

The HTTP client is injected (an `httpx.Client`), so tests run against servers on loopback.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from bot.errors import SourceError
from bot.pipeline.models import FetchResult

USER_AGENT = "newsdesk/0.1 (+https://github.com/newsdesk; story-alert bot for newsrooms)"
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 20.0
ROBOTS_TTL_SECONDS = 3600.0
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

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
    return sorted({info[4][0] for info in infos})


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
        if getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped  # type: ignore[union-attr]
        if (
            ip.is_loopback
            or ip.is_private
            or ip.is_link_local
            or ip.is_reserved
            or ip.is_multicast
            or ip.is_unspecified
        ):
            raise SourceError(
                f"{parts.hostname} resolves to {ip}, a private, loopback or link-local address; "
                "newsdesk only reads public sources"
            )


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
    ) -> None:
        self.client = client
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.max_redirects = max_redirects
        self.host_delay = host_delay
        self.respect_robots = respect_robots
        self.resolver = resolver
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._last_hit: dict[str, float] = {}
        self._lock = threading.Lock()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`; raises SourceError with a message an editor can act on."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.total_timeout
        current = url
        seen: set[str] = set()
        for _hop in range(self.max_redirects + 1):
            check_url_allowed(current, self.allow_private, self.resolver)
            if self.respect_robots and not self._robots_allow(current):
                raise SourceError(f"robots.txt of {urlsplit(current).netloc} disallows {current}")
            seen.add(current)
            self._wait_for_host(current)
            result = self._get_once(url, current, headers, deadline)
            if isinstance(result, FetchResult):
                return result
            current = result
            if current in seen:
                raise SourceError(f"redirect loop at {current}")
        raise SourceError(f"more than {self.max_redirects} redirects from {url}")

    def _get_once(
        self, original: str, url: str, headers: dict[str, str], deadline: float
    ) -> FetchResult | str:
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
                    return urljoin(url, location)
                if response.status_code >= 400:
                    raise SourceError(f"HTTP {response.status_code} from {url}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise SourceError(
                        f"{url} is {int(declared):,} bytes, over the {self.max_bytes:,} byte cap"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise SourceError(f"{url} is over the {self.max_bytes:,} byte cap")
                    if time.monotonic() > deadline:
                        raise SourceError(f"{url} took more than {self.total_timeout:g} s")
                return FetchResult(
                    url=original,
                    final_url=url,
                    status=response.status_code,
                    content=bytes(body),
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

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            now = time.monotonic()
            ready_at = self._last_hit.get(host, 0.0) + self.host_delay
            self._last_hit[host] = max(now, ready_at)
        if ready_at > now:
            time.sleep(ready_at - now)

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
