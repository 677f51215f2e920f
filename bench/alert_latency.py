"""Time from a new item in a feed to its Slack message, end to end.

`newsdesk run` (a real process, HTTP mode) watches the demo site's four outlets on loopback
with a short poll interval and posts to the recording Slack stand-in of the tests. The
story's items are published one at a time; for each the time until the message it causes
(the parent for the third outlet, a reply for the fourth) is printed, next to the poll
interval: the target is at most the interval + 2 s.

    python bench/alert_latency.py [--interval 10]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.demo.server import DemoSite  # noqa: E402
from tests.slack_stub import SlackStub  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settle(slack: SlackStub, quiet: float = 3.0) -> None:
    """Wait until nothing has been posted for `quiet` seconds."""
    count, since = len(slack.posted()), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.1)
        if len(slack.posted()) != count:
            count, since = len(slack.posted()), time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=10, help="poll interval in seconds")
    args = parser.parse_args()
    slack = SlackStub()
    with DemoSite() as site, tempfile.TemporaryDirectory() as work:
        sources = site.write_sources_file(Path(work) / "sources.toml", args.interval)
        for item in (i for i in site.items if i.at_start):
            site.publish(item, datetime.now(UTC) - timedelta(hours=2))
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": "bench",
            "SLACK_API_URL": slack.api_url,
            "NEWSDESK_CHANNEL": "C0BENCH",
            "NEWSDESK_DB": str(Path(work) / "n.db"),
            "NEWSDESK_SOURCES": str(sources),
            "NEWSDESK_HTTP_PORT": str(free_port()),
            "NEWSDESK_ALLOW_PRIVATE_SOURCES": "true",
        }
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
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(args.interval + 8)  # started, and every source polled once (backfill)
            print(f"poll interval {args.interval} s; target: message within {args.interval + 2} s")
            for item in (i for i in site.items if not i.at_start):
                before = len(slack.posted())
                site.publish(item)
                published = time.monotonic()
                deadline = published + args.interval + 6
                while len(slack.posted()) == before and time.monotonic() < deadline:
                    time.sleep(0.02)
                posted = slack.posted()[before:]
                if not posted:
                    print(f"  {item.outlet:24} no message (the story has too few outlets yet)")
                    continue
                first = min(
                    c.at
                    for c in slack.calls
                    if c.method == "chat.postMessage" and c.params.get("text") == posted[0]["text"]
                )
                print(f"  {item.outlet:24} {first - published:5.2f} s  {posted[0]['text'][:60]!r}")
                time.sleep(max(0.0, args.interval + 3 - (time.monotonic() - published)))
        finally:
            bot.terminate()
            bot.wait(20)
            slack.close()


if __name__ == "__main__":
    main()
