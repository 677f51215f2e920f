"""`newsdesk analyze` and `newsdesk eval clusters`, run as commands on real text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.offline.eval_clusters import bcubed
from tests.conftest import ROOT, SHARED_DATA, seed_text

SEED_OUTLETS = {
    "000": ("Al Mayadeen English", "2024-12-19T13:03:00+00:00"),
    "001": ("Al Mayadeen English", "2024-12-19T13:03:00+00:00"),
    "002": ("The Telegraph", "2024-12-19T10:00:00+00:00"),
    "003": ("Financial Times", "2024-12-19T08:00:00+00:00"),
    "004": ("UK Profits", "2024-12-19T16:00:00+00:00"),
}


def newsdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def seeds_jsonl(tmp_path: Path, extra: list[dict[str, object]] | None = None) -> Path:
    path = tmp_path / "seeds.jsonl"
    lines = [
        json.dumps({"id": prefix, "outlet": outlet, "text": seed_text(prefix), "published": when})
        for prefix, (outlet, when) in SEED_OUTLETS.items()
    ]
    lines += [json.dumps(record) for record in extra or []]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow  # a newsdesk subprocess
def test_seed_files_make_one_story_with_the_duplicate_reported(tmp_path: Path) -> None:
    other = {
        "id": "other",
        "outlet": "Local Paper",
        "published": "2024-12-19T11:00:00+00:00",
        "title": "Council approves new cycle lanes for the city centre",
        "text": "The city council approved plans on Thursday for new protected cycle lanes on "
        "four main roads, after a consultation that drew more than 3,000 responses.",
    }
    result = newsdesk("analyze", str(seeds_jsonl(tmp_path, [other])), "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output) >= {"stories", "duplicates"}
    by_article = {a: s for s in output["stories"] for a in s["articles"]}
    assert len(by_article) == 6, "every article appears in exactly one story"
    story = by_article["000"]
    assert sorted(story["articles"]) == ["000", "001", "002", "003", "004"]
    assert sorted(story["outlets"]) == sorted({o for o, _ in SEED_OUTLETS.values()})
    assert story["first_seen"] == "2024-12-19T08:00:00+00:00"
    assert story["differences"], "the seed outlets differ"
    for difference in story["differences"]:
        assert set(difference) == {"kind", "subject", "summary", "variants", "importance"}
        assert all(v["outlets"] and v["evidence"] for v in difference["variants"])
    assert by_article["other"]["id"] != story["id"]
    assert output["duplicates"] == [["000", "001"]]
    assert all("why" in m for m in story["members"])


@pytest.mark.slow  # a newsdesk subprocess
def test_readable_report_names_outlets_and_reasons(tmp_path: Path) -> None:
    result = newsdesk("analyze", str(seeds_jsonl(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert "ALERT" in result.stdout
    assert "same article as 000" in result.stdout
    assert (
        "4 outlets: Al Mayadeen English, The Telegraph, Financial Times, UK Profits"
        in result.stdout
    )


@pytest.mark.slow  # a newsdesk subprocess
def test_bad_lines_are_reported_and_the_rest_analysed(tmp_path: Path) -> None:
    path = seeds_jsonl(tmp_path)
    with path.open("a") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"id": "x1", "text": "no outlet"}) + "\n")
        handle.write(json.dumps({"id": "003", "outlet": "Dup", "text": "repeated id"}) + "\n")
    result = newsdesk("analyze", str(path), "--json")
    assert result.returncode == 0
    assert "line 6: not valid JSON" in result.stderr
    assert "line 7: missing 'outlet'" in result.stderr
    assert "already used" in result.stderr
    assert sum(len(s["articles"]) for s in json.loads(result.stdout)["stories"]) == 5


@pytest.mark.slow  # a newsdesk subprocess
def test_analyze_reads_html_records(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.demo.pages import article_page

    html = article_page(
        outlet="FT",
        title="UK considers sending troops",
        text=seed_text("003"),
        url="http://ft.example/a",
        published=datetime(2024, 12, 19, tzinfo=UTC),
    )
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"id": "h", "outlet": "FT", "html": html}) + "\n")
    output = json.loads(newsdesk("analyze", str(path), "--json").stdout)
    assert output["stories"][0]["title"] == "UK considers sending troops"


@pytest.mark.slow  # a newsdesk subprocess
def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = newsdesk("analyze", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "no such file" in result.stderr.lower()


def test_bcubed_scores() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert bcubed({"a": "x", "b": "x", "c": "y", "d": "y"}, gold).f1 == 1.0
    merged = bcubed({k: "x" for k in gold}, gold)
    assert merged.recall == 1.0 and merged.precision == 0.5
    split = bcubed({k: k for k in gold}, gold)
    assert split.precision == 1.0 and split.recall == 0.5


# Floors well under today's scores, so a regression in grouping fails loudly. One test per
# labelled file, so that a failure names the corpus it came from.
CLUSTER_FLOORS = {
    "newswcl50.jsonl": 0.95,
    "allsides_roundups.jsonl": 0.74,
    "uci_news_aggregator_dev.jsonl": 0.72,
}
# Every labelled file beside the checkout is run, floor or not; a file with a floor that is
# missing fails.
LABELLED = sorted(
    {p.name for p in SHARED_DATA.glob("*.jsonl") if "conflict" not in p.name} | set(CLUSTER_FLOORS)
)


@pytest.mark.slow  # a newsdesk subprocess grouping a whole labelled corpus
@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not beside this checkout")
@pytest.mark.parametrize("name", LABELLED)
def test_eval_clusters_scores_each_labelled_file_above_its_floor(name: str) -> None:
    result = newsdesk("eval", "clusters", str(SHARED_DATA / name))
    assert result.returncode == 0, result.stderr
    scores = {
        line.split(" (")[0]: float(line.split("F1=")[1].split()[0])
        for line in result.stdout.splitlines()
        if "F1=" in line
    }
    if name in CLUSTER_FLOORS:
        assert scores[name] >= CLUSTER_FLOORS[name], result.stdout
