"""Fetching over real HTTP on loopback: caps, redirects, conditional GET, robots, SSRF guard."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.errors import SourceError, Stopping
from bot.pipeline.fetch import (
    USER_AGENT,
    Fetcher,
    bot_challenge,
    check_url_allowed,
    retry_after_seconds,
)
from tests.conftest import LoopbackServer, Reply
from tests.rawhttp import DATA, RawServer, expectation


def make_fetcher(**kwargs: object) -> Fetcher:
    client = httpx.Client(
        timeout=httpx.Timeout(1.0, connect=1.0),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )
    options = {"allow_private": True, "host_delay": 0.0, **kwargs}
    return Fetcher(client, **options)  # type: ignore[arg-type]


def test_fetch_sends_user_agent_and_returns_body(server: LoopbackServer) -> None:
    server.routes["/a"] = Reply(body=b"hello", headers={"Content-Type": "text/plain"})
    result = make_fetcher().fetch(server.url + "/a")
    assert result.content == b"hello"
    assert result.status == 200
    ua = next(h["user-agent"] for p, h in server.requests if p == "/a")
    assert ua.startswith("newsdesk/")


def test_conditional_get_uses_etag_and_last_modified(server: LoopbackServer) -> None:
    def answer(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(
            body=b"<rss/>",
            headers={"ETag": '"v1"', "Last-Modified": "Thu, 19 Dec 2024 10:00:00 GMT"},
        )

    server.routes["/feed"] = answer
    fetcher = make_fetcher()
    first = fetcher.fetch(server.url + "/feed")
    assert first.etag == '"v1"' and not first.not_modified
    second = fetcher.fetch(server.url + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    sent = [h for p, h in server.requests if p == "/feed"][-1]
    assert sent["if-modified-since"] == "Thu, 19 Dec 2024 10:00:00 GMT"


def test_404_is_a_source_error(server: LoopbackServer) -> None:
    with pytest.raises(SourceError, match="HTTP 404"):
        make_fetcher().fetch(server.url + "/missing")


def test_body_over_the_cap_is_refused(server: LoopbackServer) -> None:
    server.routes["/big"] = Reply(body=b"x" * 5000)
    with pytest.raises(SourceError, match="cap"):
        make_fetcher(max_bytes=1000).fetch(server.url + "/big")


def test_body_over_the_cap_without_content_length_is_cut_off(server: LoopbackServer) -> None:
    # A gzip bomb: small on the wire, large once decoded; the cap applies to decoded bytes.
    bomb = gzip.compress(b"\0" * 200_000)
    server.routes["/bomb"] = Reply(
        body=bomb, headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    )
    with pytest.raises(SourceError, match="cap"):
        make_fetcher(max_bytes=50_000).fetch(server.url + "/bomb")


def test_redirect_loop_is_detected(server: LoopbackServer) -> None:
    server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(302, headers={"Location": "/a"})
    with pytest.raises(SourceError, match="redirect loop"):
        make_fetcher().fetch(server.url + "/a")


def test_redirects_are_limited(server: LoopbackServer) -> None:
    for i in range(10):
        server.routes[f"/r{i}"] = Reply(301, headers={"Location": f"/r{i + 1}"})
    server.routes["/r10"] = Reply(body=b"end")
    with pytest.raises(SourceError, match="more than 5 redirects"):
        make_fetcher().fetch(server.url + "/r0")
    server.routes["/r0"] = Reply(301, headers={"Location": "/r9"})
    assert make_fetcher().fetch(server.url + "/r0").content == b"end"


def test_timeout_is_a_source_error(server: LoopbackServer) -> None:
    server.routes["/slow"] = Reply(body=b"late", delay=2.0)
    with pytest.raises(SourceError, match="timed out"):
        make_fetcher().fetch(server.url + "/slow")


def test_robots_txt_disallow_is_respected(server: LoopbackServer) -> None:
    server.routes["/robots.txt"] = Reply(body=b"User-agent: newsdesk\nDisallow: /private/\n")
    server.routes["/private/x"] = Reply(body=b"secret")
    server.routes["/public/x"] = Reply(body=b"ok")
    fetcher = make_fetcher()
    with pytest.raises(SourceError, match="robots.txt"):
        fetcher.fetch(server.url + "/private/x")
    assert fetcher.fetch(server.url + "/public/x").content == b"ok"
    assert "/private/x" not in server.paths_requested()


def test_loopback_refused_unless_private_sources_allowed(server: LoopbackServer) -> None:
    server.routes["/a"] = Reply(body=b"x")
    with pytest.raises(SourceError, match="private, loopback or link-local"):
        make_fetcher(allow_private=False).fetch(server.url + "/a")
    assert server.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
    ],
)
def test_guard_refuses_private_addresses(address: str) -> None:
    with pytest.raises(SourceError):
        check_url_allowed("http://news.example/feed", False, resolver=lambda host: [address])


def test_guard_allows_public_addresses_and_refuses_other_schemes() -> None:
    check_url_allowed("https://news.example/feed", False, resolver=lambda host: ["93.184.216.34"])
    with pytest.raises(SourceError, match="only http and https"):
        check_url_allowed("file:///etc/passwd", False, resolver=lambda host: ["93.184.216.34"])


def test_redirect_to_a_private_address_is_refused() -> None:
    # Each hop is checked: a public URL redirecting into the private network is stopped.
    def resolver(host: str) -> list[str]:
        return {"public.example": ["93.184.216.34"], "internal.example": ["10.0.0.5"]}[host]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "public.example":
            if request.url.path == "/robots.txt":
                return httpx.Response(404)
            return httpx.Response(302, headers={"Location": "http://internal.example/admin"})
        raise AssertionError("the private host must never be contacted")

    fetcher = Fetcher(
        httpx.Client(transport=httpx.MockTransport(handler)),
        allow_private=False,
        host_delay=0.0,
        resolver=resolver,
    )
    with pytest.raises(SourceError, match="10.0.0.5"):
        fetcher.fetch("http://public.example/feed")


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    srv = RawServer()
    yield srv
    srv.close()


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.http")))
def test_refusals_are_named_for_what_they_are(raw_server: RawServer, name: str) -> None:
    # Bot challenges say so (not "HTTP 403"), a 429 or 503 carries the wait its Retry-After
    # asked for (seconds or an HTTP-date, read against the answer's own Date), a plain
    # refusal stays a plain status.
    expect = expectation(raw_server.serve_file("/feed.xml", name))
    with pytest.raises(SourceError) as caught:
        make_fetcher().fetch(raw_server.url + "/feed.xml")
    assert expect["error"] in str(caught.value)
    if "not" in expect:
        assert expect["not"] not in str(caught.value)
    assert caught.value.retry_after == expect["retry_after"]


def test_a_retry_after_date_without_a_date_header_is_read_against_the_clock(
    raw_server: RawServer,
) -> None:
    raw = (DATA / "maintenance-503-http-date.http").read_bytes()
    raw_server.routes["/feed.xml"] = raw.replace(b"Date: Thu, 19 Dec 2024 10:00:00 GMT\r\n", b"")
    clock = lambda: datetime(2024, 12, 19, 11, 30, tzinfo=UTC)  # noqa: E731
    with pytest.raises(SourceError) as caught:
        make_fetcher(clock=clock).fetch(raw_server.url + "/feed.xml")
    assert caught.value.retry_after == 1800


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7200", 7200.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Thu, 19 Dec 2024 12:00:00 GMT", 7200.0),
        ("Thursday, 19-Dec-24 12:00:00 GMT", 7200.0),  # RFC 850, still accepted by RFC 9110
        ("Thu Dec 19 12:00:00 2024", 7200.0),  # asctime
        ("Thu, 19 Dec 2024 09:00:00 GMT", 0.0),  # already past
        ("-5", None),
        ("soon", None),
        ("\u00b2", None),  # a digit to str.isdigit, not to int()
        ("", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(value: str, seconds: float | None) -> None:
    now = datetime(2024, 12, 19, 10, 0, tzinfo=UTC)
    assert retry_after_seconds(value, now) == seconds


def test_a_page_mentioning_a_bot_service_under_200_is_not_a_challenge() -> None:
    # Headers such services set on every answer, and their names in a page, are no sign.
    headers = {"x-datadome": "protected", "x-dd-b": "1", "server": "cloudflare"}
    assert bot_challenge(200, headers, b"<title>Just a moment...</title>") is None
    assert bot_challenge(200, {"cf-mitigated": "challenge"}) == "Cloudflare"


def test_permanent_redirects_all_the_way_name_the_new_address(server: LoopbackServer) -> None:
    server.routes["/old"] = Reply(301, headers={"Location": "/newer"})
    server.routes["/newer"] = Reply(308, headers={"Location": f"{server.url}/new"})
    server.routes["/new"] = Reply(body=b"<rss/>")
    result = make_fetcher().fetch(server.url + "/old")
    assert result.moved_to == server.url + "/new" == result.final_url
    assert make_fetcher().fetch(server.url + "/new").moved_to is None


@pytest.mark.parametrize("temporary", [302, 303, 307])
def test_a_temporary_hop_anywhere_in_the_chain_is_no_move(
    server: LoopbackServer, temporary: int
) -> None:
    server.routes["/old"] = Reply(301, headers={"Location": "/middle"})
    server.routes["/middle"] = Reply(temporary, headers={"Location": "/new"})
    server.routes["/new"] = Reply(body=b"<rss/>")
    result = make_fetcher().fetch(server.url + "/old")
    assert result.final_url == server.url + "/new" and result.moved_to is None


def test_a_move_is_named_when_the_new_address_answers_not_modified(
    server: LoopbackServer,
) -> None:
    server.routes["/old"] = Reply(301, headers={"Location": "/new"})
    server.routes["/new"] = Reply(304, headers={"ETag": '"v1"'})
    result = make_fetcher().fetch(server.url + "/old", etag='"v1"')
    assert result.not_modified and result.moved_to == server.url + "/new"


def test_a_stopped_fetcher_refuses_and_cuts_a_slow_body_short(server: LoopbackServer) -> None:
    server.routes["/slow"] = Reply(body=b"x" * 400, drip=0.01)
    fetcher = make_fetcher()
    threading.Timer(0.3, fetcher.stop).start()
    started = time.monotonic()
    with pytest.raises(Stopping):
        fetcher.fetch(server.url + "/slow")
    assert time.monotonic() - started < 1.5
    with pytest.raises(Stopping):
        fetcher.fetch(server.url + "/slow")
