"""The sources file (TOML): which feeds and pages to watch. Format fixed by DESIGN.md section 5."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ConfigError

KINDS = ("feed", "sitemap", "page")  # RSS/Atom/JSON Feed, a news sitemap, an article page
KEYS = ("outlet", "name", "url", "kind", "interval")


def load_sources_file(path: str | Path, *, required: bool = False) -> list[dict[str, Any]]:
    """Validated `[[source]]` tables: dicts of outlet, url, kind, interval (seconds or None).

    A missing file means no file sources, unless `required` (the file was named in the
    settings). Raises ConfigError, naming the file and the table, for anything else amiss:
    a table name other than `[[source]]` or a key the format does not have (a typo would
    otherwise be silently ignored).
    """
    file = Path(path)
    if not file.exists():
        if required:
            raise ConfigError(
                f"the sources file {file} (NEWSDESK_SOURCES) does not exist; create it "
                "(README, Configuration) or remove the setting to add sources from Slack only"
            )
        return []
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:
        hint = " (write [[source]], singular)" if "sources" in unknown else ""
        raise ConfigError(
            f"{file}: unknown table {unknown[0]!r}{hint}; sources are [[source]] tables"
        )
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{file}: sources are written as [[source]] tables")
    specs = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        where = f"{file}: source #{number}"
        spec = _source_spec(table, where)
        if spec["url"] in seen:
            raise ConfigError(f"{where}: {spec['url']} is listed twice")
        seen.add(spec["url"])
        specs.append(spec)
    return specs


def _source_spec(table: object, where: str) -> dict[str, Any]:
    """One `[[source]]` table -> outlet, url, kind, interval; ConfigError at `where` if amiss."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} is not a table")
    extra = sorted(set(table) - set(KEYS))
    if extra:
        raise ConfigError(
            f"{where}: unknown key {extra[0]!r}; a source has outlet, url, kind and interval"
        )
    outlet = table.get("outlet") or table.get("name")
    url = table.get("url")
    kind = table.get("kind", "feed")
    interval = table.get("interval")
    if not isinstance(outlet, str) or not outlet.strip():
        raise ConfigError(f'{where} needs outlet = "Outlet name"')
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"{where} needs an http(s) url")
    if kind not in KINDS:
        raise ConfigError(f'{where}: kind must be "feed", "sitemap" or "page", not {kind!r}')
    if interval is not None and (not isinstance(interval, int) or interval < 1):
        raise ConfigError(f"{where}: interval must be a whole number of seconds")
    return {"outlet": outlet.strip(), "url": url, "kind": kind, "interval": interval}
