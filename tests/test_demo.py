"""`newsdesk demo --once`: the bundled site, watched like any source, forms the seed story."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_demo_once_alerts_the_seed_story_with_four_outlets() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--once"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "stored silently (backfill, no alerts)" in out
    assert out.count("=== STORY ALERT") == 1
    assert "now 4 outlets: Financial Times, The Telegraph, Al Mayadeen English, UK Profits" in out
    assert "is the same article again" in out
    assert "5 articles from 4 outlets" in out
    # Nothing from the backfilled, unrelated items joins the story.
    summary = out.split("5 articles from 4 outlets")[1]
    assert "Rail fares" not in summary and "Coastal towns" not in summary
