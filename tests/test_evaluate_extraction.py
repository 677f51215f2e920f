"""`newsdesk eval extraction`: token scoring, and the command on a small folder of real-shaped pages."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.offline.eval_extraction import token_score, tokens
from tests.conftest import ROOT

PAGES = Path(__file__).resolve().parent / "data" / "pages"


def test_tokens_are_lowercased_words_and_single_cjk_characters() -> None:
    assert tokens("The BANK's rate: 4.75%") == ["the", "bank", "s", "rate", "4", "75"]
    assert tokens("平年より八日早い。") == list("平年より八日早い")


def test_token_score_counts_each_token_at_most_as_often_as_the_gold_has_it() -> None:
    score = token_score("rates rates rose", "rates rose again")
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 3)
    assert token_score("", "rates rose").f1 == 0.0


def folder_of_pages(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    truth = {
        "furniture": {
            "url": "https://citywire.example/bank-rate",
            "articleBody": (PAGES / "known_furniture.html")
            .read_text()
            .split("<!-- must: ")[1]
            .split(" -->")[0],
        },
        "shapes": {
            "url": "https://post-herald.example/derby",
            "articleBody": "Police said on Saturday that four people had been arrested after the match.",
        },
    }
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    (tmp_path / "html" / "furniture.html.gz").write_bytes(
        gzip.compress((PAGES / "known_furniture.html").read_bytes())
    )
    (tmp_path / "html" / "shapes.html").write_bytes((PAGES / "line_shapes.html").read_bytes())
    return tmp_path


@pytest.mark.slow  # a newsdesk subprocess
def test_eval_extraction_scores_newsdesk_beside_trafilatura(tmp_path: Path) -> None:
    folder = folder_of_pages(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "extraction", str(folder), "--json", "--ablate"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    for name in ("newsdesk", "trafilatura"):
        assert scores[name]["pages"] == 2 and scores[name]["failed"] == 0
        assert 0 < scores[name]["precision"] < 1 and scores[name]["recall"] == pytest.approx(1.0)
    # newsdesk leaves out the furniture trafilatura keeps on the first page
    assert scores["newsdesk"]["precision"] > scores["trafilatura"]["precision"]
    assert [row["rule"] for row in scores["ablation"]][-1] == "(all rules)"
    assert scores["ablation"][-1]["gain"] > 0


@pytest.mark.slow  # a newsdesk subprocess
def test_eval_extraction_without_ground_truth_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "eval", "extraction", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2 and "has no ground-truth.json" in result.stderr
