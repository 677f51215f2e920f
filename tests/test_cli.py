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


def test_version_is_printed(tmp_path: Path) -> None:
    result = newsdesk("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("newsdesk ")


def test_an_env_file_that_is_not_there_stops_run_instead_of_falling_back(tmp_path: Path) -> None:
    refused(newsdesk("run", "--env-file", "missing.env", cwd=tmp_path), "missing.env")


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
        logging.getLogger("bot.cycle").warning("source %s failed: %s", 3, "HTTP 500")
        logging.getLogger("apscheduler.scheduler").warning(
            'Execution of job "drain" skipped: maximum number of running instances reached (1)'
        )
        logging.getLogger("apscheduler.executors.default").info('Running job "drain"')
    finally:
        configure_logging(verbose=False)
    lines = [json.loads(line) for line in io.StringIO(capsys.readouterr().err)]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("WARNING", "bot.cycle", "source 3 failed: HTTP 500")
    ]
    assert lines[0]["time"].endswith("+00:00")
