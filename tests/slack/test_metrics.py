"""GET /metrics in HTTP mode: Prometheus's text format, with polls, errors by kind,
articles, outbox depth and age read from the real database; and a port in use is one clear
error at start."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_app
from bot.errors import ConfigError
from bot.slack.server import HttpFrontend
from tests.conftest import LoopbackServer, Reply, seed_text
from tests.newsroom import SEEDS, add_feed, publish_feed, serve_article, slug_of, watch_outlets
from tests.slack.conftest import slack_settings
from tests.slack_stub import SlackStub


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_polls_errors_articles_and_the_outbox(
    server: LoopbackServer, slack: SlackStub, tmp_path: Path
) -> None:
    app = create_app(slack_settings(tmp_path, slack), host_delay=0.0)
    app.frontend.start()  # type: ignore[union-attr]
    try:
        port = app.frontend.port  # type: ignore[union-attr]
        before = scrape(port)
        sources = watch_outlets(app.watcher, server, [o for _, o, _ in SEEDS])
        for prefix, outlet, title in SEEDS[:3]:
            url = serve_article(server, f"{slug_of(outlet)}-x", outlet, title, seed_text(prefix))
            publish_feed(server, slug_of(outlet), [(title, url)])
            app.jobs.poll(sources[outlet])
        server.routes["/gone/feed.xml"] = Reply(404, b"not found")
        app.jobs.poll(add_feed(app.watcher, server, "gone", "Gone"))
        after = scrape(port)

        def grew(name: str, **labels: str) -> float:
            key = (name, tuple(sorted(labels.items())))
            return after.get(key, 0.0) - before.get(key, 0.0)

        assert grew("newsdesk_polls_total", outcome="ok") == 3
        assert grew("newsdesk_polls_total", outcome="error") == 1
        assert grew("newsdesk_fetch_errors_total", kind="http_4xx") == 1
        assert grew("newsdesk_articles_total", placement="new") == 1
        assert grew("newsdesk_articles_total", placement="joined") == 2
        assert grew("newsdesk_stage_seconds_count", stage="poll") == 4
        assert grew("newsdesk_stage_seconds_count", stage="fetch") == 8  # with the first polls
        assert grew("newsdesk_stage_seconds_count", stage="page") == 3
        assert grew("newsdesk_stage_seconds_count", stage="place") == 3
        pending = app.store.outbox.counts()["pending"]
        assert pending > 0  # the alert and its thread wait for the drain
        assert after[("newsdesk_outbox_pending", ())] == pending
        assert after[("newsdesk_stories", ())] == app.store.activity.counts()["stories"]
        assert after[("newsdesk_outbox_oldest_age_seconds", ())] >= 0
        app.poster.drain()
        assert scrape(port)[("newsdesk_outbox_pending", ())] == 0
    finally:
        app.frontend.stop()  # type: ignore[union-attr]
        app.close()


def test_a_port_in_use_is_one_clear_error(slack: SlackStub, tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        app = create_app(slack_settings(tmp_path, slack, http_port=taken.getsockname()[1]))
        assert isinstance(app.frontend, HttpFrontend)
        with pytest.raises(ConfigError, match="already in use"):
            app.frontend.start()
        app.close()
    finally:
        taken.close()


def test_slack_out_of_reach_at_start_is_waited_for_then_a_refused_token_is_one_clear_error(
    slack: SlackStub, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.app import slack_client, wait_for_slack
    from tests.slack.conftest import SECRET

    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    settings = slack_settings(
        Path("/tmp"), slack, slack_api_url=f"http://127.0.0.1:{dead.getsockname()[1]}/api/"
    )
    client = slack_client(settings)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:  # Slack comes back
            client.base_url = slack.api_url

    try:
        with caplog.at_level("WARNING", logger="bot.app"):
            answer = wait_for_slack(client, sleep=sleep, first=1, longest=3)
    finally:
        dead.close()
    assert answer["ok"] is True
    assert waits == [1, 2, 3]
    said = [r for r in caplog.records if r.name == "bot.app"]
    assert len(said) == 3 and "unreachable" in said[0].getMessage()
    assert all(record.exc_info is None for record in caplog.records)
    client.token = "xoxb-wrong"
    with pytest.raises(ConfigError, match="refused the bot token"):
        wait_for_slack(client, sleep=sleep)
    assert SECRET  # the stub answers auth.test only for its own token
