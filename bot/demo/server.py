"""A small news site on 127.0.0.1: each outlet's RSS feed and article pages, published on cue."""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from bot.demo.pages import article_page, rss_feed


@dataclass
class DemoItem:
    outlet_slug: str
    outlet: str
    slug: str
    title: str
    text: str
    at_start: bool
    author: str | None = None
    published: datetime | None = None


def load_catalog() -> tuple[dict[str, str], list[DemoItem]]:
    """Outlets (slug -> name) and items, in publication order, from the bundled catalog."""
    site = resources.files("bot.demo") / "site"
    catalog = tomllib.loads((site / "catalog.toml").read_text(encoding="utf-8"))
    outlets = {o["slug"]: o["name"] for o in catalog["outlet"]}
    items = []
    for raw in catalog["item"]:
        text = raw.get("text") or (site / raw["file"]).read_text(encoding="utf-8")
        items.append(
            DemoItem(
                raw["outlet"],
                outlets[raw["outlet"]],
                raw["slug"],
                raw["title"],
                text,
                bool(raw.get("at_start")),
                raw.get("author"),
            )
        )
    return outlets, items


class DemoSite:
    """Serves `/<outlet>/feed.xml` and `/<outlet>/<slug>.html` for published items only."""

    def __init__(self) -> None:
        self.outlets, self.items = load_catalog()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, content_type, body = site.respond(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def write_sources_file(self, path: Path, interval: int) -> Path:
        """A sources TOML file listing the site's feeds, each polled every `interval` s."""
        path.write_text(
            "".join(
                f'[[source]]\noutlet = "{name}"\nurl = "{self.feed_url(slug)}"\nkind = "feed"\n'
                f"interval = {interval}\n\n"
                for slug, name in self.outlets.items()
            )
        )
        return path

    def feed_url(self, outlet_slug: str) -> str:
        return f"{self.base_url}/{outlet_slug}/feed.xml"

    def item_url(self, item: DemoItem) -> str:
        return f"{self.base_url}/{item.outlet_slug}/{item.slug}.html"

    def publish(self, item: DemoItem, when: datetime | None = None) -> None:
        with self._lock:
            item.published = when or datetime.now(UTC)

    def respond(self, path: str) -> tuple[int, str, bytes]:
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        with self._lock:
            live = [i for i in self.items if i.published is not None]
        for slug, name in self.outlets.items():
            if path == f"/{slug}/feed.xml":
                items: list[dict[str, object]] = [
                    {
                        "title": i.title,
                        "url": self.item_url(i),
                        "published": i.published,
                        "summary": i.text.strip().split("\n")[0][:200],
                    }
                    for i in reversed(live)
                    if i.outlet_slug == slug
                ]
                feed = rss_feed(outlet=name, site_url=f"{self.base_url}/{slug}/", items=items)
                return 200, "application/rss+xml; charset=utf-8", feed.encode("utf-8")
        for item in live:
            if path == f"/{item.outlet_slug}/{item.slug}.html":
                assert item.published is not None
                page = article_page(
                    outlet=item.outlet,
                    title=item.title,
                    text=item.text,
                    url=self.item_url(item),
                    published=item.published,
                    author=item.author,
                )
                return 200, "text/html; charset=utf-8", page.encode("utf-8")
        return 404, "text/plain", b"not found"
