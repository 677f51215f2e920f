"""`newsdesk check`: everything `newsdesk run` depends on, checked once, as a table.

Settings, the sources file, the database, the Slack token and its scopes, and each source
read once with the rules a poll (and `newsdesk preview`) uses. Nothing is stored: the
database is opened read-only when it exists, and a source's entries are not kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ExtractionError, NewsdeskError, SourceError
from bot.live.reading import open_source, read_entry, read_listing
from bot.pipeline.fetch import Fetcher
from bot.settings import Settings
from bot.sources_file import load_sources_file
from storage import StorageError
from storage.sources import inspect_read_only

# What the app manifest asks for (manifest.yml): posting, slash commands, and reading the
# channel's history to tell whether an interrupted post went out.
REQUIRED_SCOPES = ("chat:write", "commands")
WANTED_SCOPES = ("chat:write.public", "channels:history", "groups:history")

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass(frozen=True)
class Check:
    """One row of the table: what was checked, ok / warn / FAIL, and what was found."""

    what: str
    status: str
    detail: str


def check_all(
    settings: Settings,
    fetcher: Fetcher,
    slack_auth: Callable[[], tuple[dict[str, object], str]] | None = None,
) -> list[Check]:
    """Every check, in the order `newsdesk run` needs them. `slack_auth` calls auth.test and
    returns its answer and the granted scopes (the `x-oauth-scopes` header); None checks
    nothing of Slack (console mode). Never raises for what it checks."""
    rows = [Check("settings", OK, _settings_summary(settings))]
    try:
        specs = load_sources_file(settings.sources_path, required=settings.sources_named)
        if Path(settings.sources_path).exists():
            found = f"{settings.sources_path}: {_count(len(specs), 'source')}"
        else:
            found = f"{settings.sources_path} does not exist: no sources from a file"
        rows.append(Check("sources file", OK, found))
    except NewsdeskError as exc:
        specs = []
        rows.append(Check("sources file", FAIL, str(exc)))
    db_row, db_sources = _database(settings.db_path)
    rows.append(db_row)
    rows += _slack(slack_auth) if slack_auth is not None else []
    seen: set[str] = set()
    for spec in [*specs, *db_sources]:
        if spec["url"] in seen:
            continue
        seen.add(spec["url"])
        rows.append(_read_source(fetcher, spec))
    if not seen:
        rows.append(Check("sources", WARN, "no source to watch: add some (README, Configuration)"))
    return rows


def render_table(rows: list[Check]) -> str:
    """The rows as an aligned text table, and a last line saying whether all is fine."""
    width = max(len(r.what) for r in rows)
    lines = [f"{r.what:<{width}}  {r.status:<4}  {r.detail}" for r in rows]
    failed = sum(r.status == FAIL for r in rows)
    warned = sum(r.status == WARN for r in rows)
    if failed:
        lines.append(f"{_count(failed, 'problem')} found")
    elif warned:
        lines.append(f"no problem; {_count(warned, 'warning')} above")
    else:
        lines.append("all fine")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _settings_summary(settings: Settings) -> str:
    if settings.console_mode:
        mode = "console mode (no SLACK_BOT_TOKEN)"
    elif settings.socket_mode:
        mode = f"Slack Socket Mode, alerts to {settings.channel}"
    else:
        mode = f"Slack HTTP mode on {settings.http_host}:{settings.http_port}, alerts to {settings.channel}"
    return f"{mode}; alerts at {settings.min_outlets} outlets"


def _database(path: str) -> tuple[Check, list[dict[str, object]]]:
    """The database opened read-only: it answers an integrity check, and lists its sources.
    A missing file is fine (`newsdesk run` creates it)."""
    if path == ":memory:" or not Path(path).exists():
        return Check("database", OK, f"{path} does not exist yet; `newsdesk run` creates it"), []
    try:
        verdict, sources = inspect_read_only(Path(path))
    except StorageError as exc:
        return Check("database", FAIL, str(exc)), []
    if verdict != "ok":
        return Check("database", FAIL, f"{path} is damaged: {verdict}"), []
    stored = _count(len(sources), "active source")
    return Check("database", OK, f"{path}: readable, {stored} stored"), sources


def _slack(auth: Callable[[], tuple[dict[str, object], str]]) -> list[Check]:
    try:
        answer, granted = auth()
    except NewsdeskError as exc:
        return [Check("slack token", FAIL, str(exc))]
    except Exception as exc:  # unreachable, timed out: say so rather than crash the table
        return [Check("slack token", FAIL, f"Slack could not be reached: {exc}")]
    scopes = {s.strip() for s in granted.split(",") if s.strip()}
    rows = [Check("slack token", OK, f"bot {answer.get('user')} in team {answer.get('team')}")]
    missing = [s for s in REQUIRED_SCOPES if s not in scopes]
    lacking = [s for s in WANTED_SCOPES if s not in scopes]
    if missing:
        rows.append(
            Check(
                "slack scopes", FAIL, f"missing {', '.join(missing)}: reinstall from manifest.yml"
            )
        )
    elif lacking:
        rows.append(
            Check(
                "slack scopes",
                WARN,
                f"missing {', '.join(lacking)}: posting works, but after an interruption a "
                "message may be posted twice (manifest.yml has them)",
            )
        )
    else:
        rows.append(Check("slack scopes", OK, ", ".join(sorted(scopes))))
    return rows


def _read_source(fetcher: Fetcher, spec: dict[str, object]) -> Check:
    """A source read once as a poll reads it: the document, its entries, the first page."""
    url, outlet = str(spec["url"]), str(spec["outlet"])
    what = f"source {outlet}"
    try:
        opened = open_source(fetcher, url, str(spec.get("kind") or "") or None)
        if opened.kind == "page":
            return Check(what, OK, f"an article page at {opened.document.final_url}")
        listing = read_listing(fetcher, opened.kind, opened.document)
    except (SourceError, ExtractionError) as exc:
        return Check(what, FAIL, f"{url}: {exc}")
    if not listing.entries:
        return Check(what, WARN, f"{url}: a {opened.kind} with no entries yet")
    first = listing.entries[0]
    try:
        reading = read_entry(fetcher, first)
    except (SourceError, ExtractionError) as exc:
        return Check(what, WARN, f"{len(listing.entries)} entries; the first cannot be read: {exc}")
    note = f"; its page could not be used ({reading.error})" if reading.error else ""
    return Check(
        what,
        WARN if reading.error else OK,
        f"a {opened.kind} with {len(listing.entries)} "
        f"{'entry' if len(listing.entries) == 1 else 'entries'}; the first reads "
        f"{len(reading.page.text.split())} words{note}",
    )
