"""The real Bolt app over HTTP on 127.0.0.1: signed requests in, answers to a recording Slack."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from bot.app import Newsdesk, create_app
from bot.slack.server import HttpFrontend
from tests.conftest import ROOT, LoopbackServer, Reply, rss
from tests.newsroom import SEEDS, publish_feed, publish_seed, watch_outlets
from tests.slack.conftest import CHANNEL, SECRET, slack_settings
from tests.slack_stub import SlackStub


def signed(body: str, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    stamp = str(at if at is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


class Bot:
    def __init__(self, app: Newsdesk, slack: SlackStub) -> None:
        self.app = app
        self.slack = slack
        assert isinstance(app.frontend, HttpFrontend)
        self.url = f"http://127.0.0.1:{app.frontend.port}/slack/events"

    def post(self, body: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(self.url, content=body, headers=headers or signed(body), timeout=5)

    def command(self, command: str, text: str, user: str = "UEDITOR") -> dict:
        """Send a slash command; returns the answer posted to its response_url."""
        name = f"r{len(self.slack.responses)}-{time.monotonic_ns()}"
        body = urlencode(
            {
                "command": command,
                "text": text,
                "user_id": user,
                "channel_id": CHANNEL,
                "team_id": "T1",
                "response_url": self.slack.response_url(name),
                "trigger_id": "1.2.3",
            }
        )
        started = time.monotonic()
        response = self.post(body)
        assert response.status_code == 200
        return self.answer(name, started)

    def action(self, action_id: str, value: str, user: str = "UEDITOR") -> dict:
        name = f"a{time.monotonic_ns()}"
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "channel": {"id": CHANNEL},
            "team": {"id": "T1"},
            "response_url": self.slack.response_url(name),
            "trigger_id": "1.2.3",
            "actions": [
                {
                    "action_id": action_id,
                    "value": value,
                    "block_id": f"story:{value}",
                    "type": "button",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        started = time.monotonic()
        assert self.post(body).status_code == 200
        if action_id == "story_post":
            return {}  # shared to the channel, not answered at the response_url: no wait
        return self.answer(name, started)

    def answer(self, name: str, started: float) -> dict:
        deadline = started + 3.0  # Slack's limit for answering a command
        while time.monotonic() < deadline:
            found = [r for r in self.slack.responses if r["path"].endswith(name)]
            if found:
                return {**found[0], "seconds": found[0]["at"] - started}
            time.sleep(0.02)
        raise AssertionError(f"no answer within 3 s to {name}")


@pytest.fixture
def bot(server: LoopbackServer, slack: SlackStub, tmp_path: Path) -> Iterator[Bot]:
    app = create_app(slack_settings(tmp_path, slack), host_delay=0.0)
    app.frontend.start()  # type: ignore[union-attr]
    yield Bot(app, slack)
    app.frontend.stop()  # type: ignore[union-attr]
    app.close()


def seed_story(bot: Bot, server: LoopbackServer, count: int = 4) -> None:
    sources = watch_outlets(bot.app.watcher, server, [o for _, o, _ in SEEDS])
    for prefix, _, _ in SEEDS[:count]:
        publish_seed(bot.app.watcher, server, sources, prefix)


def test_bad_or_stale_signatures_get_401_and_touch_nothing(bot: Bot) -> None:
    body = urlencode({"command": "/story", "text": "x", "response_url": bot.slack.response_url()})
    calls = len(bot.slack.calls)
    assert bot.post(body, signed(body, secret="wrong")).status_code == 401
    assert bot.post(body, signed(body, at=int(time.time()) - 600)).status_code == 401
    assert bot.post(body, {"Content-Type": "application/x-www-form-urlencoded"}).status_code == 401
    time.sleep(0.3)
    assert len(bot.slack.calls) == calls and bot.slack.responses == []


def test_story_finds_the_seed_story_within_three_seconds(bot: Bot, server: LoopbackServer) -> None:
    seed_story(bot, server)
    answer = bot.command("/story", "healey training")
    assert answer["seconds"] < 3.0
    assert answer["response_type"] == "ephemeral"
    card = json.dumps(answer["blocks"])
    assert "4 outlets" in card and "Financial Times" in card
    assert "Where they differ" in card
    assert "story_post" in card and "story_mute" in card


def test_story_alone_lists_the_latest_and_unknown_words_get_a_helpful_reply(
    bot: Bot, server: LoopbackServer
) -> None:
    assert "No story has two outlets yet" in bot.command("/story", "")["text"]
    seed_story(bot, server, count=2)
    assert "Latest stories" in bot.command("/story", "")["text"]
    answer = bot.command("/story", "zebra quantum")
    assert "No story matches" in answer["text"] and "Traceback" not in answer["text"]
    # A misspelt word still finds the story through fuzzy matching.
    assert "troops" in json.dumps(bot.command("/story", "Ukriane troopps")["blocks"]).lower()


def test_only_admins_manage_sources_and_private_addresses_are_refused(
    bot: Bot, server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    before = len(bot.app.store.sources.all())
    answer = bot.command("/sources", f"add {server.url}/feed.xml", user="UEDITOR")
    assert "Only newsdesk admins" in answer["text"]
    strict = create_app(slack_settings(tmp_path / "strict", slack, allow_private_sources=False))
    try:
        for url in (
            "http://127.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "file:///etc/passwd",
        ):
            answer = strict.desk.sources("UADMIN", f"add {url}")
            assert answer.text.startswith("Cannot add"), answer.text
        assert strict.store.sources.all() == []
    finally:
        strict.close()
    assert len(bot.app.store.sources.all()) == before


def test_an_admin_adds_a_feed_which_is_backfilled_silently(
    bot: Bot, server: LoopbackServer
) -> None:
    publish_feed(server, "gazette", [("Old news", f"{server.url}/old.html")])
    answer = bot.command(
        "/sources", f"add <{server.url}/gazette/feed.xml> The Gazette", user="UADMIN"
    )
    assert "Added source" in answer["text"] and "a feed with 1 item." in answer["text"]
    [source] = [s for s in bot.app.store.sources.all() if s.outlet == "The Gazette"]
    assert source.kind == "feed" and not source.backfilled
    listing = json.dumps(bot.command("/sources", "list")["blocks"])
    assert "The Gazette" in listing and "0 items" in listing
    paused = bot.command("/sources", f"pause {source.id}", user="UADMIN")
    assert "Paused" in paused["text"] and bot.app.store.sources.get(source.id).paused  # type: ignore[union-attr]
    assert "There is no source 999" in bot.command("/sources", "remove 999", user="UADMIN")["text"]


def test_channel_settings_and_the_story_buttons(bot: Bot, server: LoopbackServer) -> None:
    assert (
        "now watches: “ukraine troops”" in bot.command("/newsdesk", "watch Ukraine troops")["text"]
    )
    assert "4 outlets" in bot.command("/newsdesk", "threshold 4")["text"]
    status = bot.command("/newsdesk", "status")["text"]
    assert "alerts at 4 outlets" in status and "ukraine troops" in status
    assert "/story" in bot.command("/newsdesk", "")["text"]
    seed_story(bot, server, count=3)
    story_id = bot.app.store.stories.widest()[0]  # type: ignore[index]
    # Threshold 4 in this channel: three outlets do not alert it.
    assert [r["event"] for r in bot.app.store.outbox.all()] == []
    everything = bot.action("story_differences", str(story_id))
    assert "All differences" in everything["text"]
    bot.action("story_post", str(story_id))
    deadline = time.monotonic() + 3
    while not bot.slack.posted(CHANNEL) and time.monotonic() < deadline:
        time.sleep(0.05)
    [shared] = bot.slack.posted(CHANNEL)
    assert "Shared by <@UEDITOR>" in json.dumps(shared["blocks"])
    assert "Muted" in bot.action("story_mute", str(story_id))["text"]
    assert bot.app.store.slack.is_muted(story_id, CHANNEL, datetime.now(UTC))


def test_a_source_added_through_a_redirect_keeps_its_address_unless_it_moved_for_good(
    bot: Bot, server: LoopbackServer
) -> None:
    publish_feed(server, "herald", [("Old news", f"{server.url}/old.html")])
    server.routes["/for-now.xml"] = Reply(302, headers={"Location": "/herald/feed.xml"})
    server.routes["/moved.xml"] = Reply(301, headers={"Location": "/herald/feed.xml"})
    bot.command("/sources", f"add {server.url}/for-now.xml Herald", user="UADMIN")
    bot.command("/sources", f"add {server.url}/moved.xml Herald moved", user="UADMIN")
    urls = {s.outlet: s.url for s in bot.app.store.sources.all()}
    assert urls["Herald"] == f"{server.url}/for-now.xml"
    assert urls["Herald moved"] == f"{server.url}/herald/feed.xml"


def test_an_admin_adds_a_homepage_and_newsdesk_follows_it_to_its_feed(
    bot: Bot, server: LoopbackServer
) -> None:
    homepage = (ROOT / "tests" / "data" / "kinds" / "homepage.html").read_bytes()
    server.routes["/"] = Reply(body=homepage, headers={"Content-Type": "text/html; charset=utf-8"})
    server.routes["/feed.xml"] = Reply(
        body=rss(
            [
                {"title": "Troops to train Ukraine's army", "link": f"{server.url}/a.html"},
                {"title": "Chancellor sets out spending plans", "link": f"{server.url}/b.html"},
            ],
            title="The Example Gazette",
        ),
        headers={"Content-Type": "application/rss+xml"},
    )

    answer = bot.command("/sources", f"add <{server.url}/>", user="UADMIN")

    assert (
        f"a feed with 2 items at {server.url}/feed.xml, found through {server.url}/"
        in (answer["text"])
    )
    [source] = [s for s in bot.app.store.sources.all() if s.url == f"{server.url}/feed.xml"]
    assert source.kind == "feed" and source.outlet == "The Example Gazette"
    assert "/comments/feed.xml" not in server.paths_requested()


def test_an_admin_adds_a_homepage_without_a_feed_and_gets_its_news_sitemap(
    bot: Bot, server: LoopbackServer
) -> None:
    kinds = ROOT / "tests" / "data" / "kinds"
    for path, name, kind in (
        ("/", "homepage-without-feed.html", "text/html"),
        ("/robots.txt", "robots.txt", "text/plain"),
        ("/kinds/news-sitemap.xml", "news-sitemap.xml", "application/xml"),
    ):
        server.routes[path] = Reply(
            body=(kinds / name).read_bytes(), headers={"Content-Type": kind}
        )

    answer = bot.command("/sources", f"add {server.url}/", user="UADMIN")

    assert (
        f"a news sitemap with 3 articles at {server.url}/kinds/news-sitemap.xml, found through "
        f"{server.url}/robots.txt" in answer["text"]
    )
    [source] = [s for s in bot.app.store.sources.all() if s.kind == "sitemap"]
    assert source.outlet == "The Example Gazette"  # the sitemap's news:publication
