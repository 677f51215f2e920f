"""Fetching over real HTTP on loopback: caps, redirects, conditional GET, robots, SSRF guard."""

from __future__ import annotations

import gzip

import httpx
import pytest

from bot.errors import SourceError
from bot.pipeline.fetch import USER_AGENT, Fetcher, check_url_allowed
from tests.conftest import LoopbackServer, Reply


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
