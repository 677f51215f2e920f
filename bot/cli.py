"""The `newsdesk` command: one function per subcommand."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.errors import NewsdeskError


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import create_app
    from bot.settings import Settings

    settings = Settings.from_env(args.env_file)
    app = create_app(settings)
    sources = app.store.active_sources()
    print(
        f"newsdesk: console mode, {len(sources)} sources from {settings.sources_path} and the "
        f"database {settings.db_path}; alerts at {settings.min_outlets} outlets. Ctrl-C stops.",
        flush=True,
    )
    try:
        app.run_forever()
    finally:
        app.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo.run import run_demo

    return run_demo(sys.stdout, once=args.once, min_outlets=args.min_outlets)


def cmd_analyze(args: argparse.Namespace) -> int:
    from bot.analysis import analyze_file, render_report

    result = analyze_file(args.file, window_hours=args.window_hours)
    for warning in result.warnings:
        print(f"newsdesk analyze: skipped {warning}", file=sys.stderr)
    if args.json:
        json.dump(result.to_json(args.min_outlets), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(render_report(result, args.min_outlets))
    return 0


def cmd_eval_clusters(args: argparse.Namespace) -> int:
    from bot.evaluate import evaluate_clusters

    for path in args.files:
        ev = evaluate_clusters(path, window_hours=args.window_hours)
        s = ev.scores
        print(
            f"{Path(path).name}: {ev.articles} articles, {ev.stories} stories  "
            f"B-cubed P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}  "
            f"{ev.articles_per_second:.0f} articles/s"
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Tells a newsroom when several outlets cover the same story, and where they differ.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what newsdesk does")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="watch the configured sources and alert")
    run.add_argument("--env-file", default=".env", help="settings file (default .env)")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="watch a bundled local news site while a story spreads")
    demo.add_argument("--once", action="store_true", help="run the sequence at full speed and exit")
    demo.add_argument("--min-outlets", type=int, default=3, help="outlets before a story alerts")
    demo.set_defaults(func=cmd_demo)

    analyze = sub.add_parser("analyze", help="group a JSONL file of articles into stories")
    analyze.add_argument("file", help="JSONL: id, outlet, and title/text/html, url, published")
    analyze.add_argument("--json", action="store_true", help="print JSON (DESIGN.md section 7)")
    analyze.add_argument("--min-outlets", type=int, default=3, help="outlets for a story to alert")
    analyze.add_argument("--window-hours", type=float, default=72.0, help="story activity window")
    analyze.set_defaults(func=cmd_analyze)

    evaluate = sub.add_parser("eval", help="score newsdesk against labelled data")
    eval_sub = evaluate.add_subparsers(dest="what", required=True)
    clusters = eval_sub.add_parser("clusters", help="B-cubed precision, recall, F1 of grouping")
    clusters.add_argument("files", nargs="+", help="JSONL files with a 'story' label per article")
    clusters.add_argument("--window-hours", type=float, default=72.0)
    clusters.set_defaults(func=cmd_eval_clusters)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except NewsdeskError as exc:
        print(f"newsdesk: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"newsdesk: no such file: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
