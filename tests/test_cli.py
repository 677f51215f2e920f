"""The `newsdesk` command as an operator meets it: run as a subprocess, misconfiguration is
one clear line and a non-zero exit (never a traceback, never a silent fallback)."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.logs import configure_logging
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "cli"
ARTICLE = {"id": "a1", "outlet": "Example News", "title": "Council approves new budget"}


def newsdesk(
    *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin.decode() if stdin is not None else None,
        env={**base, "PYTHONPATH": str(ROOT), **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.slow  # a newsdesk subprocess
def test_version_is_printed(tmp_path: Path) -> None:
    result = newsdesk("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("newsdesk ")


@pytest.mark.slow  # a newsdesk subprocess
def test_an_env_file_that_is_not_there_stops_run_instead_of_falling_back(tmp_path: Path) -> None:
    refused(newsdesk("run", "--env-file", "missing.env", cwd=tmp_path), "missing.env")


@pytest.mark.slow  # a newsdesk subprocess
@pytest.mark.parametrize(
    ("sources", "fragment"),
    [
        ("nowhere.toml", "does not exist"),
        (str(DATA / "sources_plural.toml"), "[[source]]"),
        (str(DATA / "sources_unknown_key.toml"), "'intervall'"),
    ],
)
def test_a_bad_sources_file_stops_run_with_one_clear_line(
    tmp_path: Path, sources: str, fragment: str
) -> None:
    env = {"NEWSDESK_SOURCES": sources, "NEWSDESK_DB": str(tmp_path / "n.db")}
    result = newsdesk("run", env=env, cwd=tmp_path)
    refused(result, fragment)
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow  # a newsdesk subprocess
def test_analyze_reads_standard_input_and_gzip(tmp_path: Path) -> None:
    line = (json.dumps(ARTICLE) + "\n").encode()
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(line))
    for args, stdin in ((["-"], line), (["in.jsonl.gz"], None)):
        result = newsdesk(
            "analyze", *args, "--json", "--min-outlets", "1", stdin=stdin, cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        [story] = json.loads(result.stdout)["stories"]
        assert story["articles"] == ["a1"]


@pytest.mark.slow  # a newsdesk subprocess
@pytest.mark.parametrize("kind", ["binary", "json-array", "folder"])
def test_analyze_fails_clearly_when_no_article_can_be_read(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "input"
    if kind == "binary":
        target.write_bytes(bytes(range(256)) * 8)
    elif kind == "json-array":
        target.write_text(json.dumps([ARTICLE, {**ARTICLE, "id": "a2"}]))
    else:
        target.mkdir()
    refused(newsdesk("analyze", str(target), "--json", cwd=tmp_path), str(target))


def test_json_log_lines_and_no_scheduler_overlap_noise(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(verbose=True, log_format="json")
    try:
        logging.getLogger("bot.live.watcher").warning("source %s failed: %s", 3, "HTTP 500")
        logging.getLogger("apscheduler.scheduler").warning(
            'Execution of job "drain" skipped: maximum number of running instances reached (1)'
        )
        logging.getLogger("apscheduler.executors.default").info('Running job "drain"')
    finally:
        configure_logging(verbose=False)
    lines = [json.loads(line) for line in io.StringIO(capsys.readouterr().err)]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("WARNING", "bot.live.watcher", "source 3 failed: HTTP 500")
    ]
    assert lines[0]["time"].endswith("+00:00")


@pytest.mark.slow  # a newsdesk subprocess
def test_stories_and_export_read_what_the_bot_stored(server, tmp_path: Path) -> None:
    from tests.newsroom import SEEDS, make_watcher, publish_seed, watch_outlets

    db = tmp_path / "n.db"
    watcher = make_watcher(db)
    sources = watch_outlets(watcher, server, [o for _, o, _ in SEEDS])
    for prefix, _, _ in SEEDS[:3]:
        publish_seed(watcher, server, sources, prefix)
    watcher.store.close()
    env = {"NEWSDESK_DB": str(db)}

    listed = newsdesk("stories", "--since", "24h", "--json", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    [story] = json.loads(listed.stdout)["stories"]
    assert story["outlets"] == 3 and story["alerted"] is True

    exported = newsdesk("export", "--since", "7d", "--format", "jsonl", env=env, cwd=tmp_path)
    [record] = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [a["outlet"] for a in record["articles"]] == [o for _, o, _ in SEEDS[:3]]
    assert record["differences"] and all("summary" in d for d in record["differences"])

    table = newsdesk("export", "--format", "csv", "--out", "x.csv", env=env, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    import csv

    rows = list(csv.DictReader((tmp_path / "x.csv").open(encoding="utf-8")))
    assert len(rows) == 3 and {r["story_id"] for r in rows} == {str(story["id"])}

    refused(newsdesk("stories", "--since", "yesterday", env=env, cwd=tmp_path), "yesterday")
    refused(newsdesk("stories", env={"NEWSDESK_DB": "nowhere.db"}, cwd=tmp_path), "nowhere.db")
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.slow  # a newsdesk subprocess
def test_check_reports_each_part_and_exits_zero_only_when_all_is_fine(
    server, tmp_path: Path
) -> None:
    from tests.newsroom import SEEDS, publish_feed, serve_article
    from tests.slack_stub import SlackStub

    prefix, outlet, title = SEEDS[0]
    from tests.conftest import Reply, seed_text

    url = serve_article(server, "story", outlet, title, seed_text(prefix))
    publish_feed(server, "ft", [(title, url)])
    server.routes["/gone/feed.xml"] = Reply(404, b"not found")
    good = f'[[source]]\noutlet = "FT"\nurl = "{server.url}/ft/feed.xml"\n'
    bad = f'[[source]]\noutlet = "Gone"\nurl = "{server.url}/gone/feed.xml"\n'
    (tmp_path / "good.toml").write_text(good)
    (tmp_path / "both.toml").write_text(good + "\n" + bad)
    base = {"NEWSDESK_DB": str(tmp_path / "n.db"), "NEWSDESK_ALLOW_PRIVATE_SOURCES": "true"}

    fine = newsdesk("check", env={**base, "NEWSDESK_SOURCES": "good.toml"}, cwd=tmp_path)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "source FT" in fine.stdout and "a feed with 1 entry" in fine.stdout
    assert fine.stdout.rstrip().endswith("all fine")

    failing = newsdesk("check", env={**base, "NEWSDESK_SOURCES": "both.toml"}, cwd=tmp_path)
    assert failing.returncode == 1
    [gone] = [line for line in failing.stdout.splitlines() if line.startswith("source Gone")]
    assert "FAIL" in gone and "HTTP 404" in gone
    assert not (tmp_path / "n.db").exists()  # checking stores nothing

    slack = SlackStub()
    try:
        env = {
            **base,
            "NEWSDESK_SOURCES": "good.toml",
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.api_url,
            "NEWSDESK_CHANNEL": "C1",
        }
        assert newsdesk("check", env=env, cwd=tmp_path).returncode == 0
        slack.scopes = ("commands",)
        scopes = newsdesk("check", env=env, cwd=tmp_path)
        assert scopes.returncode == 1 and "missing chat:write" in scopes.stdout
        refused_token = newsdesk("check", env={**env, "SLACK_BOT_TOKEN": "xoxb-no"}, cwd=tmp_path)
        assert refused_token.returncode == 1 and "refused the bot token" in refused_token.stdout
    finally:
        slack.close()


@pytest.mark.slow  # a newsdesk subprocess
def test_sources_from_the_terminal_follow_the_slack_rules(server, tmp_path: Path) -> None:
    from tests.newsroom import publish_feed

    publish_feed(server, "ft", [("Troops to train Ukraine's army", f"{server.url}/a.html")])
    env = {"NEWSDESK_DB": str(tmp_path / "n.db"), "NEWSDESK_ALLOW_PRIVATE_SOURCES": "true"}
    feed = f"{server.url}/ft/feed.xml"

    added = newsdesk("sources", "add", feed, "Financial Times", env=env, cwd=tmp_path)
    assert added.returncode == 0 and "Added source 1: Financial Times, a feed" in added.stdout
    again = newsdesk("sources", "add", feed, env=env, cwd=tmp_path)
    assert again.returncode == 0 and "Already watching" in again.stdout
    assert newsdesk("sources", "pause", "1", env=env, cwd=tmp_path).returncode == 0
    listed = newsdesk("sources", "list", env=env, cwd=tmp_path)
    assert "Financial Times" in listed.stdout and "paused" in listed.stdout
    assert "&amp;" not in listed.stdout and "<http" not in listed.stdout  # plain text
    assert newsdesk("sources", "remove", "7", env=env, cwd=tmp_path).returncode == 1
    private = newsdesk(
        "sources",
        "add",
        f"{server.url}/other/feed.xml",
        cwd=tmp_path,
        env={**env, "NEWSDESK_ALLOW_PRIVATE_SOURCES": "false"},
    )
    assert private.returncode == 1 and "private" in private.stdout


@pytest.mark.slow  # a newsdesk subprocess
def test_preview_refuses_base_with_a_url(tmp_path: Path) -> None:
    result = newsdesk(
        "preview", "https://example.com/feed.xml", "--base", "https://x/", cwd=tmp_path
    )
    refused(result, "--base is for a local file")


def test_check_table_ends_on_failures_then_warnings_counted_in_words() -> None:
    from bot.live.check import FAIL, OK, WARN, Check, render_table

    assert render_table([Check("settings", OK, "console mode")]).endswith("all fine")
    warned = render_table([Check("settings", OK, "x"), Check("sources", WARN, "none")])
    assert warned.endswith("no problem; 1 warning above")
    failed = render_table([Check("a", FAIL, "x"), Check("b", FAIL, "y"), Check("c", WARN, "z")])
    assert failed.endswith("2 problems found")


@pytest.mark.slow  # a newsdesk subprocess
def test_sources_from_the_terminal_name_the_terminal_command(tmp_path: Path) -> None:
    listed = newsdesk("sources", "list", env={"NEWSDESK_DB": str(tmp_path / "n.db")}, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "newsdesk sources add" in listed.stdout and "/sources" not in listed.stdout


@pytest.mark.slow  # a newsdesk subprocess
def test_a_refused_private_address_names_the_setting_that_allows_it(tmp_path: Path) -> None:
    refused = newsdesk("preview", "http://127.0.0.1:9/feed.xml", cwd=tmp_path)
    assert refused.returncode == 1
    assert "loopback" in refused.stderr and "NEWSDESK_ALLOW_PRIVATE_SOURCES" in refused.stderr
