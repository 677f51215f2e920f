"""`newsdesk preview` through the real command line (a subprocess), against sources served
byte for byte on 127.0.0.1 and local files: the JSON contract of DESIGN.md section 7a."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, LoopbackServer, Reply, rss
from tests.test_kinds import serve_articles, serve_file

DATA = ROOT / "tests" / "data" / "kinds"
TOP_KEYS = {"url", "final_url", "kind", "title", "entries", "error"}
ENTRY_KEYS = {"title", "url", "guid", "published", "text", "error"}


def preview(cwd: Path, *args: str, allow_private: bool = True) -> tuple[int, dict[str, Any], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "SLACK_"))}
    if allow_private:
        env["NEWSDESK_ALLOW_PRIVATE_SOURCES"] = "true"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "preview", *args, "--json"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(done.stdout)
    assert set(report) == TOP_KEYS
    for entry in report["entries"]:
        assert set(entry) == ENTRY_KEYS
    return done.returncode, report, done.stderr


pytestmark = pytest.mark.slow  # each test runs `newsdesk preview` in a subprocess


def test_preview_of_a_json_feed_gives_each_entry_as_a_poll_reads_it_and_stores_nothing(
    server: LoopbackServer, tmp_path: Path
) -> None:
    url = serve_file(server, "/kinds/feed.json", "jsonfeed-1.1.json", "application/feed+json")
    serve_articles(server, "ft", "telegraph")  # gone.html answers 404

    code, report, _ = preview(tmp_path, url)

    assert code == 0 and report["error"] is None
    assert (report["url"], report["final_url"], report["kind"]) == (url, url, "feed")
    assert report["title"] == "The Example Gazette"
    ft, telegraph, gone = report["entries"]
    assert ft["url"] == f"{server.url}/kinds/articles/ft.html"
    assert ft["guid"] == "https://gazette.example/2024/12/19/troops"
    assert ft["published"] == "2024-12-19T09:30:00+00:00" and ft["error"] is None
    assert "troops" in ft["text"] and len(ft["text"]) > 1000  # the page's text, not the feed's
    assert telegraph["published"] == "2024-12-19T10:15:00+00:00"
    assert gone["published"] is None  # written without a zone: not guessed
    assert gone["text"] == "Defence officials said the deployment would be small."
    assert "404" in gone["error"]
    assert list(tmp_path.iterdir()) == []  # no database, nothing written


def test_preview_follows_a_homepage_to_its_feed(server: LoopbackServer, tmp_path: Path) -> None:
    serve_file(server, "/", "homepage.html", "text/html; charset=utf-8")
    serve_articles(server, "ft")
    server.routes["/feed.xml"] = Reply(
        body=rss(
            [{"title": "Troops to train", "link": f"{server.url}/kinds/articles/ft.html"}],
            title="The Example Gazette",
        ),
        headers={"Content-Type": "application/rss+xml"},
    )

    code, report, _ = preview(tmp_path, f"{server.url}/")

    assert code == 0
    assert report["url"] == f"{server.url}/"
    assert (report["final_url"], report["kind"]) == (f"{server.url}/feed.xml", "feed")
    [entry] = report["entries"]
    assert entry["title"] == "Troops to train" and "troops" in entry["text"]


def test_preview_of_a_local_sitemap_resolves_its_links_against_base(
    server: LoopbackServer, tmp_path: Path
) -> None:
    serve_articles(server, "ft", "telegraph", "profits")
    base = f"{server.url}/kinds/news-sitemap.xml"

    code, report, _ = preview(tmp_path, str(DATA / "news-sitemap.xml"), "--base", base)

    assert code == 0 and report["kind"] == "sitemap" and report["final_url"] == base
    assert report["title"] == "The Example Gazette"
    assert [e["url"] for e in report["entries"]] == [
        f"{server.url}/kinds/articles/{name}.html" for name in ("telegraph", "ft", "profits")
    ]
    assert all(e["error"] is None and len(e["text"]) > 1000 for e in report["entries"])
    assert server.paths_requested().count("/kinds/news-sitemap.xml") == 0  # read from the file


def test_preview_of_a_page_gives_one_entry(server: LoopbackServer, tmp_path: Path) -> None:
    serve_articles(server, "telegraph")
    url = f"{server.url}/kinds/articles/telegraph.html"

    code, report, _ = preview(tmp_path, url, "--kind", "page")

    assert code == 0 and report["kind"] == "page"
    [entry] = report["entries"]
    assert entry["url"] == url and entry["error"] is None
    assert entry["title"] == "British troops could be sent to Ukraine to train soldiers"
    assert entry["published"] is not None and entry["published"].endswith("+00:00")


def test_preview_of_an_unreadable_source_exits_1_with_the_reason(
    server: LoopbackServer, tmp_path: Path
) -> None:
    code, report, stderr = preview(tmp_path, f"{server.url}/missing.xml")
    assert code == 1 and "HTTP 404" in report["error"] and report["entries"] == []
    assert "HTTP 404" in stderr

    # The same fetch rules as a poll: without the setting, loopback is refused.
    code, report, _ = preview(tmp_path, f"{server.url}/missing.xml", allow_private=False)
    assert code == 1 and "private, loopback or link-local" in report["error"]
    assert server.paths_requested() == ["/robots.txt", "/missing.xml"]


def test_preview_of_a_file_that_is_no_source_exits_1(tmp_path: Path) -> None:
    code, report, _ = preview(tmp_path, str(DATA / "not-a-json-feed.json"))
    assert code == 1 and "not a JSON Feed" in report["error"]
    code, report, _ = preview(tmp_path, str(tmp_path / "absent.xml"))
    assert code == 1 and "neither an http(s) URL nor a readable file" in report["error"]
