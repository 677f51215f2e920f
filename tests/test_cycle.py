"""The whole cycle on real HTTP and a real SQLite file: sources to stories to the outbox."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.demo.pages import article_page
from bot.live import watcher as cycle
from bot.pipeline.facts import ArticleFacts
from tests.conftest import LoopbackServer, Reply, rss, seed_text
from tests.newsroom import NOW, SEEDS, add_feed, make_watcher, publish_feed, serve_article


def test_seed_story_alerts_once_at_three_outlets_and_reports_the_fourth(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    sources = {}
    for prefix, outlet, _title in SEEDS:
        slug = outlet.lower().replace(" ", "-")
        publish_feed(server, slug, [])
        sources[prefix] = add_feed(watcher, server, slug, outlet)
        watcher.poll(sources[prefix])  # first poll: nothing there yet, source backfilled
    for prefix, outlet, title in SEEDS:
        slug = outlet.lower().replace(" ", "-")
        url = serve_article(server, f"{slug}-story", outlet, title, seed_text(prefix))
        publish_feed(server, slug, [(title, url)])
        report = watcher.poll(sources[prefix])
        assert report.ok and len(report.placed) == 1
    outbox = watcher.store.outbox.all()
    events = [row["event"] for row in outbox]
    # The third outlet: the parent and its replies; the fourth: one reply and the parent's
    # count updated (a difference it brings is told after that).
    assert events[:6] == [
        "alert",
        "coverage",
        "differences",
        "only_in",
        "outlet_joined",
        "parent_update",
    ]
    assert set(events[6:]) <= {"new_differences"} and len(events) <= 7
    assert json.loads(outbox[5]["payload"])["outlet_count"] == 4
    story_ids = {row["story_id"] for row in outbox}
    assert len(story_ids) == 1
    members = watcher.store.stories.members(story_ids.pop())
    assert [m.outlet for m in members] == [o for _, o, _ in SEEDS]
    # Polling again changes nothing: no new articles, no new alerts.
    for source_id in sources.values():
        assert watcher.poll(source_id).placed == []
    assert len(watcher.store.outbox.all()) == len(events)


def test_items_present_at_the_first_poll_never_alert(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    for prefix, outlet, title in SEEDS:
        slug = outlet.lower().replace(" ", "-")
        publish_feed(
            server,
            slug,
            [(title, serve_article(server, slug + "-a", outlet, title, seed_text(prefix)))],
        )
        report = watcher.poll(add_feed(watcher, server, slug, outlet))
        assert report.ok and len(report.placed) == 1
    assert watcher.store.outbox.all() == []
    assert all(m.backfill for m in watcher.store.stories.members(report.placed[0].story_id))


def test_bad_sources_are_recorded_and_the_others_go_on(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    good_url = serve_article(server, "good-article", "Good", SEEDS[0][2], seed_text("003"))
    publish_feed(server, "good", [(SEEDS[0][2], good_url)])
    server.routes["/html/feed.xml"] = Reply(
        body=b"<!DOCTYPE html><html><body>hi</body></html>", headers={"Content-Type": "text/html"}
    )
    server.routes["/broken/feed.xml"] = Reply(
        body=b"<?xml version='1.0'?><rss><channel><title>x</rss"
    )
    server.routes["/slow/feed.xml"] = Reply(body=rss([]), delay=2.0)
    server.routes["/big/feed.xml"] = Reply(body=b"<rss>" + b" " * 300_000 + b"</rss>")
    server.routes["/bomb/feed.xml"] = Reply(
        body=gzip.compress(b" " * 1_000_000), headers={"Content-Encoding": "gzip"}
    )
    server.routes["/loop/feed.xml"] = Reply(302, headers={"Location": "/loop/feed.xml"})
    expected = {
        "html": "HTML page",
        "broken": "not well-formed",
        "slow": "timed out",
        "big": "cap",
        "bomb": "cap",
        "loop": "redirect loop",
        "missing": "HTTP 404",
    }
    bad = {name: add_feed(watcher, server, name, name.title()) for name in expected}
    good = add_feed(watcher, server, "good", "Good")
    reports = {name: watcher.poll(source_id) for name, source_id in bad.items()}
    good_report = watcher.poll(good)
    assert good_report.ok and len(good_report.placed) == 1
    for name, fragment in expected.items():
        assert not reports[name].ok
        assert fragment in (reports[name].error or ""), (name, reports[name].error)
        source = watcher.store.sources.get(bad[name])
        assert source is not None and source.failures == 1 and fragment in (source.last_error or "")
        assert source.next_attempt_at is not None
        log = watcher.store.sources.fetch_log(bad[name])
        assert log[0]["ok"] == 0
    # Backing off: the failing source is not fetched again before its next attempt.
    before = len(server.requests)
    assert watcher.poll(bad["missing"]).skipped == "backing off after errors"
    assert len(server.requests) == before


def test_an_unreadable_page_falls_back_to_the_feed_text(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    server.routes["/f/feed.xml"] = Reply(
        body=rss(
            [
                {
                    "title": "Council approves budget",
                    "link": f"{server.url}/gone.html",
                    "pubDate": NOW,
                    "description": "The council approved the budget on Tuesday after a late-night session of debate.",
                }
            ]
        )
    )
    report = watcher.poll(add_feed(watcher, server, "f", "Paper"))
    assert report.ok and len(report.placed) == 1
    article = watcher.store.articles.get(report.placed[0].article_id)
    assert article is not None and "late-night session" in article.text


def test_changed_text_at_the_same_url_is_a_revision(server: LoopbackServer, tmp_path: Path) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    page = seed_text("003")
    server.routes["/p.html"] = lambda headers: Reply(
        body=article_page(
            outlet="FT",
            title="Troops",
            text=page,
            url=f"{server.url}/p.html",
            published=datetime.now(UTC),
        ).encode()
    )
    source = watcher.store.sources.add(
        "FT", f"{server.url}/p.html", "page", origin="file", now=datetime.now(UTC)
    )
    first = watcher.poll(source)
    assert len(first.placed) == 1
    page = page.replace("five-point plan", "six-point plan")
    second = watcher.poll(source)
    assert second.placed == [] and second.revisions == 1
    revisions = watcher.store.articles.revisions(first.placed[0].article_id)
    assert [r["revision"] for r in revisions] == [1, 2]
    assert "six-point plan" in revisions[1]["text"] and "five-point plan" in revisions[0]["text"]
    # Facts are read once per revision and stored with it: the plan's number follows the edit.
    counts = [
        {n.value for n in ArticleFacts.from_json(r["facts"]).numbers if "plan" in n.noun}
        for r in revisions
    ]
    assert counts == [{5.0}, {6.0}]
    current = ArticleFacts.from_json(
        watcher.store.articles.current_facts(first.placed[0].article_id)
    )
    assert any(n.value == 6.0 and "plan" in n.noun for n in current.numbers)
    assert watcher.poll(source).revisions == 0  # same text again: no new revision


def test_the_same_article_under_another_url_counts_once(
    server: LoopbackServer, tmp_path: Path
) -> None:
    watcher = make_watcher(tmp_path / "n.db", min_outlets=2)
    publish_feed(server, "am", [])
    source = add_feed(watcher, server, "am", "Al Mayadeen English")
    watcher.poll(source)
    title = SEEDS[2][2]
    first = serve_article(server, "am-page", "Al Mayadeen English", title, seed_text("000"))
    second = serve_article(server, "am-amp", "Al Mayadeen English", title, seed_text("001"))
    publish_feed(server, "am", [(title, first), (title + " ", second)])
    report = watcher.poll(source)
    assert sorted(p.placement for p in report.placed) == ["new", "same_article"]
    assert len({p.story_id for p in report.placed}) == 1
    assert watcher.store.outbox.all() == []  # one outlet, however many URLs


def test_stories_and_sources_survive_a_restart(
    server: LoopbackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cycle, "WINDOW_PAGE", 1)  # the window is reloaded over several pages
    db = tmp_path / "n.db"
    watcher = make_watcher(db)
    sources = []
    for _prefix, outlet, _ in SEEDS[:3]:
        slug = outlet.lower().replace(" ", "-")
        publish_feed(server, slug, [])
        sources.append(add_feed(watcher, server, slug, outlet))
        watcher.poll(sources[-1])
    for (prefix, outlet, title), source in zip(SEEDS[:2], sources[:2], strict=True):
        slug = outlet.lower().replace(" ", "-")
        publish_feed(
            server,
            slug,
            [(title, serve_article(server, slug + "-a", outlet, title, seed_text(prefix)))],
        )
        watcher.poll(source)
    watcher.store.close()
    remembered = dict(watcher.assembler.story_of)
    assert len(remembered) == 2
    restarted = make_watcher(db)
    assert restarted.assembler.story_of == remembered
    assert [s.id for s in restarted.store.sources.active()] == sources
    prefix, outlet, title = SEEDS[2]
    slug = outlet.lower().replace(" ", "-")
    publish_feed(
        server,
        slug,
        [(title, serve_article(server, slug + "-a", outlet, title, seed_text(prefix)))],
    )
    report = restarted.poll(sources[2])
    assert report.placed[0].placement == "joined"  # the story was remembered across the restart
    assert [row["event"] for row in restarted.store.outbox.all()][0] == "alert"


@pytest.mark.parametrize("query", ["healey training", "AT&T NOT", "troops"])
def test_story_search_handles_any_words(server: LoopbackServer, tmp_path: Path, query: str) -> None:
    watcher = make_watcher(tmp_path / "n.db")
    page = f"{server.url}/p.html"
    server.routes["/p.html"] = Reply(
        body=article_page(
            outlet="FT",
            title="Healey raises training troops in Ukraine",
            text=seed_text("003"),
            url=page,
            published=datetime.now(UTC),
        ).encode()
    )
    watcher.poll(
        watcher.store.sources.add("FT", page, "page", origin="file", now=datetime.now(UTC))
    )
    results = watcher.store.stories.matching(query)
    assert (len(results) == 1) == (query != "AT&T NOT")
