"""`newsdesk analyze`: the grouping of the live bot, run over a JSONL file of articles."""

from __future__ import annotations

import gzip
import io
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bot.errors import ExtractionError, InputError
from bot.pipeline.alerts import counted_outlets, reaches
from bot.pipeline.assemble import Placement, StoryAssembler
from bot.pipeline.cluster import Encoder, GroupingModel
from bot.pipeline.compare import DEFAULT_LIMIT, Difference, StoryText, compare, one_text_per_outlet
from bot.pipeline.compare.model import shorten
from bot.pipeline.dates import parse_datetime
from bot.pipeline.facts import sentences
from bot.pipeline.furniture import clean_text
from bot.pipeline.kinds import PlacementKind
from bot.pipeline.pages import extract_page


@dataclass
class InputArticle:
    id: str
    outlet: str
    title: str
    text: str
    url: str | None
    published: datetime | None
    line: int


@dataclass
class StoryResult:
    id: str
    articles: list[InputArticle] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(a.outlet for a in self.articles))

    @property
    def counted_outlets(self) -> list[str]:
        """Outlets that count toward the alert threshold, as the live bot counts them."""
        return counted_outlets(
            (a.outlet, p.kind) for a, p in zip(self.articles, self.placements, strict=True)
        )

    def differences(self, limit: int | None = DEFAULT_LIMIT) -> list[Difference]:
        """Where the story's outlets differ. One text per outlet: the same outlet's repeats
        and other outlets' copies are left out, so they are never compared."""
        texts = one_text_per_outlet(
            [
                StoryText(a.outlet, a.id, p.kind, a.title, a.text, published=a.published)
                for a, p in zip(self.articles, self.placements, strict=True)
            ]
        )
        return compare(texts, limit)

    @property
    def first(self) -> InputArticle:
        dated = [a for a in self.articles if a.published]
        return min(dated, key=lambda a: a.published) if dated else self.articles[0]  # type: ignore[arg-type, return-value]


@dataclass
class AnalysisResult:
    stories: list[StoryResult]
    duplicates: list[tuple[str, str]]
    warnings: list[str]
    seconds: float
    articles: int

    def to_json(
        self, min_outlets: int = 1, difference_limit: int | None = DEFAULT_LIMIT
    ) -> dict[str, Any]:
        stories = []
        for story in self.stories:
            first = story.first
            stories.append(
                {
                    "id": story.id,
                    "title": first.title,
                    "outlets": story.outlets,
                    "articles": [a.id for a in story.articles],
                    "first_seen": first.published.isoformat() if first.published else None,
                    "differences": [d.to_json() for d in story.differences(difference_limit)],
                    "counted_outlets": len(story.counted_outlets),
                    "alert": reaches(len(story.counted_outlets), min_outlets),
                    "members": [
                        {"article": a.id, "outlet": a.outlet, "placed": p.kind, "why": p.why}
                        for a, p in zip(story.articles, story.placements, strict=True)
                    ],
                }
            )
        return {"stories": stories, "duplicates": [list(pair) for pair in self.duplicates]}


def open_input(path: str | Path) -> TextIO:
    """A JSONL input as text: `-` is standard input, a name ending in `.gz` is gunzipped.

    Raises InputError for a directory or a file that cannot be read.
    """
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    file = Path(path)
    if not file.exists():
        raise InputError(f"no such file: {file}")
    if file.is_dir():
        raise InputError(f"{file} is a folder; give a JSONL file (one article a line)")
    try:
        if file.suffix == ".gz":
            return gzip.open(file, "rt", encoding="utf-8", errors="replace")
        return open(file, encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror or exc}") from None


def read_articles(path: str | Path, warnings: list[str]) -> Iterator[InputArticle]:
    """Articles of a JSONL file (or `-`, or `.jsonl.gz`) in file order; bad lines are
    reported in `warnings` and skipped."""
    seen_ids: set[str] = set()
    with open_input(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                if "\x00" in raw:
                    raise InputError(f"line {number}: binary data, not JSON text")
                article = _parse_line(raw, number)
                if article.id in seen_ids:
                    raise InputError(f"line {number}: id {article.id!r} was already used")
                seen_ids.add(article.id)
                yield article
            except InputError as exc:
                warnings.append(str(exc))


def _parse_line(raw: str, number: int) -> InputArticle:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {number}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise InputError(f"line {number}: expected a JSON object")
    article_id, outlet = record.get("id"), record.get("outlet")
    if article_id is None or not str(article_id).strip():
        raise InputError(f"line {number}: missing 'id'")
    if not isinstance(outlet, str) or not outlet.strip():
        raise InputError(f"line {number}: missing 'outlet'")
    title = record.get("title") or ""
    text = record.get("text") or ""
    if not isinstance(title, str) or not isinstance(text, str):
        raise InputError(f"line {number}: 'title' and 'text' must be strings")
    html = record.get("html")
    page_text = None
    if isinstance(html, str) and html.strip():
        try:
            page = extract_page(html, record.get("url"))
            title, page_text = title or page.title, page.text
        except ExtractionError as exc:
            if not text:
                raise InputError(f"line {number}: {exc}") from None
    # A page's text has had its furniture taken out already; plain text has not.
    text = page_text if page_text is not None else clean_text(text, title=title) if text else ""
    if not title and not text:
        raise InputError(f"line {number}: no title, text or html")
    return InputArticle(
        id=str(article_id),
        outlet=outlet.strip(),
        title=title.strip(),
        text=text,
        url=record.get("url"),
        published=parse_datetime(record.get("published")),
        line=number,
    )


def analyze(
    articles: Iterable[InputArticle],
    *,
    window_hours: float = 72.0,
    model: GroupingModel | None = None,
    encoder: Encoder | None = None,
    warnings: list[str] | None = None,
) -> AnalysisResult:
    """Group articles into stories in arrival order, exactly as the live bot would.

    Embeddings are computed a batch at a time ahead of placing, which is faster than one
    by one and changes nothing else.
    """
    started = time.perf_counter()
    assembler = StoryAssembler(window_hours, model, encoder)
    stories: dict[int, StoryResult] = {}
    duplicates: list[tuple[str, str]] = []
    count = 0
    for article, embedding in _with_embeddings(articles, assembler):
        count += 1
        placement = assembler.place(
            article.id, article.outlet, article.title, article.text, article.published, embedding
        )
        story = stories.get(placement.story)
        if story is None:
            story = stories[placement.story] = StoryResult(id=f"s{len(stories) + 1}")
        story.articles.append(article)
        story.placements.append(placement)
        if placement.kind == PlacementKind.SAME_ARTICLE and placement.of:
            duplicates.append((placement.of, article.id))
    return AnalysisResult(
        stories=list(stories.values()),
        duplicates=duplicates,
        warnings=warnings if warnings is not None else [],
        seconds=time.perf_counter() - started,
        articles=count,
    )


def _with_embeddings(
    articles: Iterable[InputArticle], assembler: StoryAssembler, batch: int = 256
) -> Iterator[tuple[InputArticle, Any]]:
    pending: list[InputArticle] = []
    for article in articles:
        pending.append(article)
        if len(pending) >= batch:
            yield from _embedded(pending, assembler)
            pending = []
    yield from _embedded(pending, assembler)


def _embedded(
    articles: list[InputArticle], assembler: StoryAssembler
) -> Iterator[tuple[InputArticle, Any]]:
    if articles:
        vectors = assembler.embed([(a.title, a.text) for a in articles])
        yield from zip(articles, vectors, strict=True)


def analyze_file(path: str | Path, **kwargs: Any) -> AnalysisResult:
    warnings: list[str] = []
    return analyze(read_articles(path, warnings), warnings=warnings, **kwargs)


def render_report(
    result: AnalysisResult, min_outlets: int, difference_limit: int | None = DEFAULT_LIMIT
) -> str:
    """The readable report: multi-outlet stories first, each with members and why they joined."""
    lines = [
        f"{result.articles} articles, {len(result.stories)} "
        f"{'story' if len(result.stories) == 1 else 'stories'}, "
        f"{len(result.duplicates)} duplicates (grouped in {result.seconds:.1f} s)"
    ]
    ordered = sorted(result.stories, key=lambda s: (-len(s.counted_outlets), s.first.line))
    for story in ordered:
        if len(story.outlets) < 2:
            continue
        first = story.first
        flag = "ALERT " if reaches(len(story.counted_outlets), min_outlets) else ""
        lines.append("")
        lines.append(f"{flag}[{story.id}] {first.title or _untitled(first.text)}")
        lines.append(f"  {len(story.counted_outlets)} outlets: {', '.join(story.outlets)}")
        for article, placement in zip(story.articles, story.placements, strict=True):
            when = article.published.isoformat() if article.published else "time unknown"
            lines.append(
                f"  - {article.outlet} ({when}) {article.title or f'(untitled) {article.id}'}"
            )
            lines.append(f"      {_explain(placement)}")
        differences = story.differences(difference_limit)
        if differences:
            lines.append("  Where they differ:")
            lines.extend(f"  * {d.summary}" for d in differences)
    singles = sum(1 for s in result.stories if len(s.outlets) < 2)
    lines.append("")
    lines.append(f"{singles} stories with a single outlet not shown.")
    return "\n".join(lines)


def _explain(placement: Placement) -> str:
    why = placement.why
    if placement.kind == PlacementKind.SAME_ARTICLE:
        return f"same article as {placement.of} (text overlap {why.get('similarity')})"
    if placement.kind == PlacementKind.COPY:
        return f"copy of {placement.of} (text overlap {why.get('similarity')}), counted once"
    if placement.kind == PlacementKind.NEW:
        return "first article of the story"
    # `why` is the JSON of cluster.Placement.why(): shared terms a list, signals a dict.
    shared = why.get("shared_terms")
    terms = ", ".join(str(t) for t in shared) if isinstance(shared, list) else ""
    signals = why.get("signals")
    meaning = signals.get("embedding_cosine") if isinstance(signals, dict) else None
    meaning_text = f"; meaning {meaning}" if meaning is not None else ""
    gap = why.get("hours_apart")
    gap_text = f"; {gap} h after the story's last article" if gap is not None else ""
    return f"joined with probability {why.get('score')} (shared: {terms}{meaning_text}{gap_text})"


def _untitled(text: str) -> str:
    """What stands for a missing title: the text's first sentence, cut at a word (80
    characters at most)."""
    first = sentences(text)[0].text if text.strip() else ""
    return f"(untitled) {shorten(first, 80)}" if first else "(untitled)"
