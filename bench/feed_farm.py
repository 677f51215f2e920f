"""Thousands of feeds polled by `newsdesk run`: CPU share, memory, and alert latency.

A loopback farm serves N feeds (5,000 by default) with ETag conditional GET: most are
unchanged at each poll (304), a few gain an unrelated item now and then, and at one moment
three outlets publish the same story. `newsdesk run` (console mode, a real process) polls
every feed at `--interval` seconds. Printed: the CPU the bot used as a share of the
machine's two cores, its resident memory, and the time from the third outlet's item
appearing to the alert. Targets (DESIGN.md section 9): under 50% CPU for 5,000 feeds at a
5-minute interval; the alert within the interval + 2 s.

A shorter interval polls proportionally more often: the CPU share at 300 s is the share
measured at `--interval` times interval / 300.

    python bench/feed_farm.py [--feeds 5000] [--interval 60] [--cycles 2]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo.pages import article_page  # noqa: E402
from bot.demo.server import load_catalog  # noqa: E402


class Farm:
    def __init__(self, feeds: int) -> None:
        self.items: dict[int, list[tuple[str, str]]] = {i: [] for i in range(feeds)}
        self.pages: dict[str, bytes] = {}
        self.published: dict[str, float] = {}
        self.lock = threading.Lock()
        farm = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                status, body, headers = farm.respond(self.path, self.headers.get("If-None-Match"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        # Bound to every address so that each feed can have its own loopback host
        # (127.0.x.y): newsdesk waits between requests to one host, as it would for
        # thousands of feeds spread over many sites.
        self.server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def respond(self, path: str, etag: str | None) -> tuple[int, bytes, dict[str, str]]:
        with self.lock:
            if path.startswith("/f/"):
                feed = int(path[3:].split(".")[0])
                items = list(self.items.get(feed, []))
                tag = '"' + hashlib.sha1(repr(items).encode()).hexdigest()[:16] + '"'
                if etag == tag:
                    return 304, b"", {"ETag": tag}
                body = "".join(
                    f"<item><title>{t}</title><link>{u}</link><guid>{u}</guid>"
                    f"<pubDate>{format_datetime(datetime.now(UTC))}</pubDate></item>"
                    for t, u in items
                )
                xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{body}</channel></rss>'
                return 200, xml.encode(), {"ETag": tag, "Content-Type": "application/rss+xml"}
            page = self.pages.get(path)
            if page is None:
                return 404, b"not found", {}
            return 200, page, {"Content-Type": "text/html"}

    def feed_url(self, feed: int) -> str:
        return f"http://127.0.{feed // 250 + 1}.{feed % 250 + 1}:{self.port}/f/{feed}.xml"

    def publish(self, feed: int, outlet: str, title: str, text: str) -> None:
        path = f"/p/{feed}-{len(self.pages)}.html"
        url = self.url + path
        page = article_page(
            outlet=outlet, title=title, text=text, url=url, published=datetime.now(UTC)
        )
        with self.lock:
            self.pages[path] = page.encode()
            self.items[feed] = [(title, url), *self.items[feed]][:20]
            self.published[path] = time.monotonic()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--cycles", type=int, default=2, help="poll cycles measured")
    parser.add_argument(
        "--news-every", type=float, default=3.0, help="seconds between unrelated items"
    )
    args = parser.parse_args()
    rng = random.Random(3)
    farm = Farm(args.feeds)
    _, catalog = load_catalog()
    story = [i for i in catalog if not i.at_start and "troops" in i.title.lower()]
    others = [i for i in catalog if i not in story]
    with tempfile.TemporaryDirectory() as work:
        sources = Path(work) / "sources.toml"
        sources.write_text(
            "".join(
                f'[[source]]\noutlet = "Outlet {i}"\nurl = "{farm.feed_url(i)}"\nkind = "feed"\n'
                f"interval = {args.interval}\n\n"
                for i in range(args.feeds)
            )
        )
        env = {
            **os.environ,
            "NEWSDESK_DB": str(Path(work) / "n.db"),
            "NEWSDESK_SOURCES": str(sources),
            "NEWSDESK_POLL_SECONDS": str(args.interval),
            "NEWSDESK_ALLOW_PRIVATE_SOURCES": "true",
            "SLACK_BOT_TOKEN": "",
        }
        log = open(Path(work) / "out.txt", "w+")
        bot = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--env-file",
                os.devnull,
            ],  # no settings file: the environment alone
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.DEVNULL,
        )
        stop = threading.Event()

        def news() -> None:
            while not stop.wait(args.news_every):
                item = rng.choice(others)
                farm.publish(
                    rng.randrange(3, args.feeds),
                    item.outlet,
                    f"{item.title} {rng.random():.6f}",
                    item.text,
                )

        try:
            time.sleep(args.interval + 20)  # started, every feed polled once (backfill)
            threading.Thread(target=news, daemon=True).start()
            cpu0, wall0 = cpu_seconds(bot.pid), time.monotonic()
            # The story: three outlets publish it during the measured cycles.
            for n, item in enumerate(story[:3]):
                time.sleep(args.interval * args.cycles / 4)
                farm.publish(n, item.outlet, item.title, item.text)
            third = time.monotonic()
            deadline = third + args.interval * 2 + 10
            latency = None
            while time.monotonic() < deadline and latency is None:
                log.seek(0)
                if "STORY ALERT" in log.read():
                    latency = time.monotonic() - third
                time.sleep(0.1)
            time.sleep(max(0.0, wall0 + args.interval * args.cycles - time.monotonic()))
            cpu1, wall1 = cpu_seconds(bot.pid), time.monotonic()
            share = (cpu1 - cpu0) / (wall1 - wall0) / 2
            print(
                f"{args.feeds} feeds every {args.interval} s, measured over {wall1 - wall0:.0f} s:"
            )
            print(
                f"  CPU {share:.1%} of the 2-core machine (at a 300 s interval: about {share * args.interval / 300:.1%})"
            )
            print(f"  resident memory {rss_mb(bot.pid):.0f} MB")
            print(
                f"  alert {latency:.1f} s after the third outlet's item appeared"
                if latency
                else "  no alert seen"
            )
        finally:
            stop.set()
            bot.terminate()
            try:
                bot.wait(60)
            except subprocess.TimeoutExpired:
                bot.kill()


if __name__ == "__main__":
    main()
