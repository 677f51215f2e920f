"""feedparser's own test feeds read by newsdesk's `parse_feed`: is any usable entry lost?

feedparser's sdist on PyPI carries about 2,200 test feeds (wellformed/, illformed/,
encoding/, entities/), each with a comment saying what it holds and, for some, the HTTP
headers it is served with. This script downloads that sdist with pip into a temporary
folder (nothing is committed; `--tests DIR` reuses an unpacked `tests/` folder), then reads
each feed the way a poll would: its bytes, the Content-Type its `Header:` comment gives (or
the `application/xml` feedparser's test server sends for `.xml`), and the URL it would be
served at as the base for relative links.

For each feed it counts the entries feedparser itself yields that newsdesk could use (a
title, a link, or content or summary text), given the same bytes, type and URL, and the
entries `parse_feed` keeps. Printed: both totals, the usable entries lost, and every kind
of loss (the folder, what the lost entries carried, and why) with the files.

    python bench/feed_conformance.py [--tests DIR] [--show 5]
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402
import lxml.html  # noqa: E402

from bot.errors import ExtractionError  # noqa: E402
from bot.pipeline.feeds import parse_feed  # noqa: E402
from bot.pipeline.models import FeedEntry  # noqa: E402
from bot.pipeline.urls import canonical_url  # noqa: E402

FOLDERS = ("wellformed", "illformed", "encoding", "entities")
SERVED_AT = "http://127.0.0.1:8097/tests/"  # where feedparser's test server serves them
DEFAULT_TYPE = "application/xml"
_HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)


def download_tests(into: Path) -> Path:
    """feedparser's sdist (the installed version) from PyPI, unpacked; returns its tests/."""
    wanted = f"feedparser=={version('feedparser')}"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
        + [wanted, "-d", str(into)],
        check=True,
    )
    [archive] = into.glob("feedparser-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    [tests] = into.glob("feedparser-*/tests")
    return tests


def content_type_of(data: bytes) -> str:
    """The Content-Type the file's `Header:` comment asks for, else the server's default."""
    for name, value in _HEADER.findall(data[:4096]):
        if name.strip().lower() == b"content-type":
            return value.strip().decode("latin-1")
    return DEFAULT_TYPE


def usable(entry: feedparser.FeedParserDict) -> str | None:
    """What makes a feedparser entry usable to newsdesk ("title+link", ...), or None: a
    title or text with words in it (markup alone, such as an image, is none), or a link."""
    has = []
    if words(entry.get("title"), entry.get("title_detail", {}).get("type", "text/html")):
        has.append("title")
    if (entry.get("link") or "").strip():
        has.append("link")
    blocks = [(c.get("value"), c.get("type", "")) for c in entry.get("content") or ()]
    blocks.append((entry.get("summary"), entry.get("summary_detail", {}).get("type", "text/html")))
    if any(words(value, kind) for value, kind in blocks):
        has.append("text")
    return "+".join(has) or None


def words(value: object, media_type: str) -> str:
    """The words of a text construct, whitespace folded, read with lxml (not newsdesk's
    reader); "" when it has none."""
    text = str(value or "")
    if "html" in media_type and ("<" in text or "&" in text):
        try:
            text = lxml.html.fragment_fromstring(text, create_parent="div").text_content()
        except Exception:  # lxml raises several types on junk: count the raw text
            pass
    return " ".join(text.split())


def found(index: int, entry: feedparser.FeedParserDict, kept: list[FeedEntry], every: int) -> bool:
    """Whether newsdesk kept this entry (the `index`-th of `every` feedparser yields): one
    with its link, its guid, or its title's words; or, when newsdesk kept as many entries as
    feedparser yields, the entry at the same place (newsdesk may read a title differently,
    an undeclared encoding for one, and then the words differ)."""
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip()
    title = words(entry.get("title"), entry.get("title_detail", {}).get("type", "text/html"))
    for mine in kept:
        if link and mine.url and canonical_url(mine.url) == canonical_url(link):
            return True
        if guid and mine.guid and (guid == mine.guid or guid.endswith("/" + mine.guid)):
            return True
        if title and " ".join(mine.title.split()) == title:
            return True
    return len(kept) == every and bool(kept[index].title or kept[index].summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=Path, help="an unpacked feedparser tests/ folder")
    parser.add_argument("--show", type=int, default=5, help="files listed per kind of loss")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tests = args.tests or download_tests(Path(scratch))
        run(tests, args.show)


def run(tests: Path, show: int) -> None:
    files = sorted(f for folder in FOLDERS for f in (tests / folder).rglob("*.xml"))
    per_folder: Counter[str] = Counter()
    theirs: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    wordless: Counter[str] = Counter()
    losses: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    lost_entries = 0
    started = time.perf_counter()
    for path in files:
        rel = path.relative_to(tests).as_posix()
        folder = rel.split("/", 1)[0]
        data = path.read_bytes()
        content_type = content_type_of(data)
        base = SERVED_AT + rel
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # feedparser's updated/published deprecation
            parsed = feedparser.parse(
                io.BytesIO(data),
                response_headers={"content-type": content_type, "content-location": base},
            )
        candidates = [(e, usable(e)) for e in parsed.entries]
        kinds = [k for _, k in candidates if k]
        wordless[folder] += len(parsed.entries) - len(kinds)
        reason = "dropped"
        kept: list[FeedEntry] = []
        try:
            kept = parse_feed(data, content_type, base_url=base)
        except ExtractionError as exc:
            reason = f"refused: {exc}"
        except Exception as exc:  # a crash is a finding too, never a stop
            reason = f"crashed: {exc.__class__.__name__}: {exc}"
        per_folder[folder] += 1
        theirs[folder] += len(kinds)
        ours[folder] += len(kept)
        for index, (entry, kind) in enumerate(candidates):
            if kind and not found(index, entry, kept, len(candidates)):
                lost_entries += 1
                losses[(folder, kind, reason[:120])].append(rel)
    elapsed = time.perf_counter() - started
    print(f"feedparser {version('feedparser')} test feeds: {len(files)} files in {elapsed:.1f} s")
    print(f"{'folder':<12}{'files':>7}{'usable (feedparser)':>22}{'kept (newsdesk)':>18}")
    for folder in FOLDERS:
        print(f"{folder:<12}{per_folder[folder]:>7}{theirs[folder]:>22}{ours[folder]:>18}")
    total_theirs, total_ours = sum(theirs.values()), sum(ours.values())
    print(f"{'all':<12}{len(files):>7}{total_theirs:>22}{total_ours:>18}")
    print(
        f"entries feedparser yields with no words and no link (markup only, or empty), "
        f"not counted as usable: {sum(wordless.values())}"
    )
    print(f"usable entries lost: {lost_entries}")
    for (folder, kind, reason), paths in sorted(losses.items()):
        print(f"  {folder}, entries with {kind}, {reason}: {len(paths)} files")
        for rel in paths[:show]:
            print(f"    {rel}")


if __name__ == "__main__":
    main()
