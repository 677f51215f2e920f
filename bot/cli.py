"""The `newsdesk` command: one function per subcommand."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.errors import ConfigError, InputError, NewsdeskError

_T = TypeVar("_T")

if TYPE_CHECKING:
    from bot.settings import Settings
    from storage import Store


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import create_app

    settings = _settings(args)
    app = create_app(settings)
    sources = app.store.sources.active()
    if settings.console_mode:
        mode = "console mode (alerts printed here)"
    elif settings.socket_mode:
        mode = f"Slack Socket Mode, alerts to {settings.channel}"
    else:
        mode = (
            f"Slack HTTP mode on http://{settings.http_host}:{settings.http_port}/slack/events, "
            f"alerts to {settings.channel}"
        )
    print(
        f"newsdesk: {mode}; {len(sources)} sources ({_sources_origin(settings)}); "
        f"alerts at {settings.min_outlets} outlets. Ctrl-C stops.",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # a service manager's stop is clean
    try:
        app.run_forever(stop)
    finally:
        app.close()
    return 0


def _sources_origin(settings: Settings) -> str:
    """Where the watched sources come from, for the start line."""
    if Path(settings.sources_path).exists():
        return f"from {settings.sources_path} and the database {settings.db_path}"
    return f"from the database {settings.db_path}; no {settings.sources_path}"


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from `--env-file` (which must exist when given) or ./.env when present; the
    log format they name takes effect at once."""
    from bot.logs import configure_logging
    from bot.settings import Settings

    if args.env_file is None:
        settings = Settings.from_env(".env")
    else:
        settings = Settings.from_env(args.env_file, required=True)
    configure_logging(args.verbose, settings.log_format)
    return settings


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo.run import run_demo

    settings = _settings(args)
    slack = None if settings.console_mode else settings
    return run_demo(sys.stdout, once=args.once, min_outlets=args.min_outlets, slack=slack)


def cmd_analyze(args: argparse.Namespace) -> int:
    from bot.offline.analyze import analyze_file, render_report
    from bot.pipeline.compare import DEFAULT_LIMIT

    result = analyze_file(args.file, window_hours=args.window_hours)
    for warning in result.warnings[:50]:
        print(f"newsdesk analyze: skipped {warning}", file=sys.stderr)
    if len(result.warnings) > 50:
        print(f"newsdesk analyze: ... and {len(result.warnings) - 50} more", file=sys.stderr)
    if result.articles == 0:
        print(
            f"newsdesk analyze: no article could be read from {args.file}; it needs one JSON "
            "object a line, each with id and outlet (README, Commands)",
            file=sys.stderr,
        )
        return 1
    if args.json:
        limit = None if args.all_differences else DEFAULT_LIMIT
        json.dump(result.to_json(args.min_outlets, limit), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(
            render_report(result, args.min_outlets, None if args.all_differences else DEFAULT_LIMIT)
        )
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from bot.offline.export import render_list, story_list

    stories = _read_stored(args, story_list)
    if args.json:
        json.dump({"stories": stories}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(render_list(stories))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.offline.export import render_csv, story_records

    records = _read_stored(args, story_records)
    if args.format == "csv":
        text = render_csv(records)
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"{len(records)} stories written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _read_stored(args: argparse.Namespace, read: Callable[[Store, datetime], _T]) -> _T:
    """`read(store, since)` over the database of the settings, `--since` back from now."""
    from bot.offline.export import parse_span

    settings = _settings(args)
    since = datetime.now(UTC) - parse_span(args.since)
    store = _existing_store(settings.db_path)
    try:
        return read(store, since)
    finally:
        store.close()


def _existing_store(path: str) -> Store:
    """The database named in the settings; reading commands never create an empty one."""
    from storage import Store

    if path != ":memory:" and not Path(path).is_file():
        raise ConfigError(f"no database at {path} (NEWSDESK_DB); `newsdesk run` creates it")
    return Store(path)


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.offline.preview import preview, render
    from bot.pipeline.fetch import Fetcher, default_client

    if args.base and args.source.lower().startswith(("http://", "https://")):
        raise InputError("--base is for a local file; a URL's links resolve against the URL")
    settings = _settings(args)
    fetcher = Fetcher(default_client(), allow_private=settings.allow_private_sources)
    report = preview(fetcher, args.source, kind=args.kind, base=args.base)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(render(report))
    if report["error"]:
        print(f"newsdesk preview: {report['error']}", file=sys.stderr)
        _private_hint(report["error"])
    return 1 if report["error"] else 0


def _private_hint(error: str) -> None:
    """After a refusal of a private address, the setting that allows one (for a test
    server or an intranet), on standard error."""
    from bot.pipeline.fetch import PRIVATE_ADDRESS

    if PRIVATE_ADDRESS in error:
        print(
            "newsdesk: NEWSDESK_ALLOW_PRIVATE_SOURCES=true lets newsdesk read such addresses",
            file=sys.stderr,
        )


def cmd_sources(args: argparse.Namespace) -> int:
    """The Slack command's rules from the terminal: the same checks on a URL (http(s) only,
    no private addresses unless allowed, read once to tell its kind), the same answers."""
    import shlex

    from bot.pipeline.fetch import Fetcher, default_client
    from bot.slack.desk import Desk, is_refusal
    from bot.slack.mrkdwn import to_plain
    from storage import Store

    settings = _settings(args)
    store = Store(settings.db_path)
    try:
        fetcher = Fetcher(default_client(), allow_private=settings.allow_private_sources)
        desk = Desk(store, settings, fetcher)
        words = [args.action, *args.args]
        answer = desk.sources(None, shlex.join(words), operator=True)
    finally:
        store.close()
    text = "\n".join(
        to_plain(block["text"]["text"]) for block in answer.blocks if block.get("type") == "section"
    )
    # The answers name the Slack command; from the terminal, this one is what to type.
    shown = (text or to_plain(answer.text)).replace("/sources ", "newsdesk sources ")
    print(shown)
    _private_hint(shown)
    return 1 if is_refusal(answer) else 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.live.check import FAIL, Check, check_all, render_table

    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(render_table([Check("settings", FAIL, str(exc))]))
        return 1
    from bot.app import slack_auth, slack_client
    from bot.pipeline.fetch import Fetcher, default_client

    fetcher = Fetcher(default_client(), allow_private=settings.allow_private_sources)
    auth = None if settings.console_mode else (lambda: slack_auth(slack_client(settings)))
    rows = check_all(settings, fetcher, auth)
    print(render_table(rows))
    return 1 if any(r.status == FAIL for r in rows) else 0


def cmd_eval_clusters(args: argparse.Namespace) -> int:
    from bot.offline.eval_clusters import evaluate_clusters, write_results

    evaluations = []
    for path in args.files:
        ev = evaluate_clusters(path, part=args.part, window_hours=args.window_hours)
        evaluations.append(ev)
        s = ev.scores
        print(
            f"{Path(path).name} ({args.part}): {ev.articles} articles, {ev.stories} stories  "
            f"B-cubed P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}  "
            f"{ev.articles_per_second:.0f} articles/s",
            flush=True,
        )
    if args.results:
        write_results(Path(args.results), evaluations)
        print(f"results written to {args.results}")
    return 0


def cmd_eval_differences(args: argparse.Namespace) -> int:
    from bot.offline.eval_differences import evaluate_differences

    if args.judged:
        return _eval_judged(args)
    if not args.gold:
        raise SystemExit("eval differences: give a gold file, or --judged FILE")
    score = evaluate_differences(args.gold, args.seeds)
    print(
        f"{Path(args.gold).name}: found {len(score.found)} of {score.expected} expected "
        f"differences (recall {len(score.found) / max(1, score.expected):.2f}), "
        f"{len(score.stretch_found)} of {score.stretch} stretch items, "
        f"{len(score.violations)} must-not "
        f"violations, {score.reported} items reported"
    )
    for name in score.missed:
        print(f"  missed: {name}")
    for problem in score.violations:
        print(f"  must not: {problem}")
    return 0 if not score.violations else 1


def _eval_judged(args: argparse.Namespace) -> int:
    from bot.offline.eval_differences import evaluate_judged

    score = evaluate_judged(args.judged, args.data, record=args.record)
    judged = sum(score.judged.values())
    shown = ", ".join(f"{n} {name}" for name, n in sorted(score.judged.items()))
    precision = "n/a" if score.precision is None else f"{score.precision:.2f}"
    print(
        f"{Path(args.judged).name}: {score.reported} items reported, {judged} judged "
        f"({shown or 'none'}): precision {precision} (good / judged); "
        f"{len(score.unjudged)} without a judgement yet"
    )
    for item in score.unjudged:
        print(f"  unjudged {item['key']} [{item['story']}] {item['kind']}: {item['summary']}")
    return 0


def cmd_eval_conflicts(args: argparse.Namespace) -> int:
    from bot.offline.eval_differences import evaluate_conflicts
    from bot.pipeline.compare import DEFAULT_LIMIT

    limit = None if args.all_differences else DEFAULT_LIMIT
    results = evaluate_conflicts(args.file, limit)
    for r in results:
        mark = "surfaced" if r.surfaced else "missed  "
        print(f"{mark} {r.event} ({r.fact_type}): {r.detail}")
    where = "among all differences" if limit is None else f"within each story's {limit}-item report"
    print(f"{sum(r.surfaced for r in results)} of {len(results)} conflicts surfaced {where}")
    return 0


def cmd_eval_extraction(args: argparse.Namespace) -> int:
    from bot.offline.eval_extraction import evaluate_extraction, render

    evaluation = evaluate_extraction(args.folder, ablate=args.ablate)
    if args.json:
        json.dump(evaluation.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(render(evaluation))
    return 0


def cmd_eval_fit(args: argparse.Namespace) -> int:
    from bot.offline.fit import fit, write_model
    from bot.pipeline.cluster import FEATURES, MODEL_PATH
    from bot.pipeline.embed import shared_embedder

    report = fit(args.files, shared_embedder().encode, args.window_hours)
    out = Path(args.out) if args.out else MODEL_PATH
    write_model(report, args.files, out)
    for name, regime in report.model.regimes.items():
        weights = ", ".join(f"{f}={w:.2f}" for f, w in zip(FEATURES, regime.weights, strict=True))
        print(f"{name}: threshold {regime.threshold}, core {regime.core_threshold}; {weights}")
    for name, s in report.fit_scores.items():
        print(f"{name} (fit): B-cubed P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}")
    print(f"model written to {out}")
    return 0


def _at_least_one(text: str) -> int:
    """A whole number of 1 or more (argparse type), as NEWSDESK_MIN_OUTLETS must be."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsdesk")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Tells a newsroom when several outlets cover the same story, and where they differ.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what newsdesk does")
    parser.add_argument("--version", action="version", version=f"newsdesk {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="watch the configured sources and alert")
    run.add_argument("--env-file", help="settings file; must exist (default ./.env, if present)")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="watch a bundled local news site while a story spreads")
    demo.add_argument("--once", action="store_true", help="run the sequence at full speed and exit")
    demo.add_argument(
        "--env-file", help="with SLACK_BOT_TOKEN set there, post to Slack (default ./.env)"
    )
    demo.add_argument(
        "--min-outlets", type=_at_least_one, default=3, help="outlets before a story alerts"
    )
    demo.set_defaults(func=cmd_demo)

    analyze = sub.add_parser("analyze", help="group a JSONL file of articles into stories")
    analyze.add_argument(
        "file",
        help="JSONL (or .jsonl.gz, or - for standard input): id, outlet, and "
        "title/text/html, url, published",
    )
    analyze.add_argument("--json", action="store_true", help="print JSON (README, Commands)")
    analyze.add_argument(
        "--min-outlets", type=_at_least_one, default=3, help="outlets for a story to alert"
    )
    analyze.add_argument("--window-hours", type=float, default=72.0, help="story activity window")
    analyze.add_argument(
        "--all-differences",
        action="store_true",
        help="every difference of each story, not only the 15 most important",
    )
    analyze.set_defaults(func=cmd_analyze)

    stories = sub.add_parser("stories", help="list the stored stories active in a span of time")
    stories.add_argument("--since", default="24h", help="span back from now: 30m, 24h, 7d, 2w")
    stories.add_argument("--json", action="store_true", help='print {"stories": [...]}')
    stories.add_argument("--env-file", help="settings file (default ./.env, if present)")
    stories.set_defaults(func=cmd_stories)

    export = sub.add_parser("export", help="stories, their articles and differences, as a file")
    export.add_argument("--since", default="7d", help="span back from now: 30m, 24h, 7d, 2w")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--out", help="write here instead of standard output")
    export.add_argument("--env-file", help="settings file (default ./.env, if present)")
    export.set_defaults(func=cmd_export)

    preview = sub.add_parser(
        "preview", help="what newsdesk would read from a source, storing nothing"
    )
    preview.add_argument("source", metavar="URL_OR_FILE", help="a feed, sitemap, page or homepage")
    preview.add_argument("--json", action="store_true", help="print JSON (README, Sources)")
    preview.add_argument(
        "--kind", choices=("feed", "sitemap", "page"), help="read it as this kind of source"
    )
    preview.add_argument("--base", help="for a file: the URL its relative links resolve against")
    preview.add_argument("--env-file", help="settings file (default ./.env, if present)")
    preview.set_defaults(func=cmd_preview)

    sources = sub.add_parser(
        "sources", help="list, add, remove, pause or resume sources (the rules of /sources)"
    )
    sources.add_argument("action", choices=("list", "add", "remove", "pause", "resume"))
    sources.add_argument("args", nargs="*", help="add: URL [OUTLET NAME]; others: the source id")
    sources.add_argument(
        "--env-file", help="settings file; must exist (default ./.env, if present)"
    )
    sources.set_defaults(func=cmd_sources)

    check = sub.add_parser(
        "check", help="check settings, sources file, database, Slack and each source, once"
    )
    check.add_argument("--env-file", help="settings file; must exist (default ./.env, if present)")
    check.set_defaults(func=cmd_check)

    evaluate = sub.add_parser("eval", help="score newsdesk against labelled data")
    eval_sub = evaluate.add_subparsers(dest="what", required=True)
    clusters = eval_sub.add_parser("clusters", help="B-cubed precision, recall, F1 of grouping")
    clusters.add_argument("files", nargs="+", help="JSONL files with a 'story' label per article")
    clusters.add_argument("--window-hours", type=float, default=72.0)
    clusters.add_argument(
        "--part",
        choices=("all", "fit", "holdout"),
        default="all",
        help="score every story, or only the half `eval fit` learned from, or the other half",
    )
    clusters.add_argument("--results", help="also write the scores to this JSON file")
    clusters.set_defaults(func=cmd_eval_clusters)
    differences = eval_sub.add_parser(
        "differences", help="score the differences report against a gold file"
    )
    differences.add_argument(
        "gold",
        nargs="?",
        help="gold JSON: the story's documents, expected and must-not items",
    )
    differences.add_argument(
        "--judged",
        help="judged set (eval/differences_judged.json): precision, and items not judged yet",
    )
    differences.add_argument("--data", help="folder of the labelled files (default ../shared/data)")
    differences.add_argument(
        "--record", action="store_true", help="with --judged: add unjudged items to the file"
    )
    differences.add_argument(
        "--seeds", help="folder of its documents (default: the gold file's ../seeds)"
    )
    differences.set_defaults(func=cmd_eval_differences)
    conflicts = eval_sub.add_parser(
        "conflicts", help="check real cross-outlet conflicts surface in their stories' reports"
    )
    conflicts.add_argument(
        "file", help="JSONL of conflicts: event_id and each outlet's claim snippet"
    )
    conflicts.add_argument(
        "--all-differences",
        action="store_true",
        help="look among every difference, not only the report's first 15",
    )
    conflicts.set_defaults(func=cmd_eval_conflicts)
    extraction = eval_sub.add_parser(
        "extraction",
        help="article text of real pages against hand-written bodies, with trafilatura's",
    )
    extraction.add_argument("folder", help="ground-truth.json and html/<id>.html.gz")
    extraction.add_argument("--json", action="store_true", help="print the scores as JSON")
    extraction.add_argument(
        "--ablate", action="store_true", help="also score newsdesk without each furniture rule"
    )
    extraction.set_defaults(func=cmd_eval_extraction)
    fitting = eval_sub.add_parser(
        "fit", help="learn the grouping model's weights and thresholds from the fit half"
    )
    fitting.add_argument("files", nargs="+", help="JSONL files with a 'story' label per article")
    fitting.add_argument("--window-hours", type=float, default=72.0)
    fitting.add_argument("--out", help="where to write the model (default: the packaged one)")
    fitting.set_defaults(func=cmd_eval_fit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.logs import configure_logging

    args = build_parser().parse_args(argv)
    configure_logging(args.verbose, os.environ.get("NEWSDESK_LOG_FORMAT", "text").lower())
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
    except BrokenPipeError:  # the reader went away (`newsdesk analyze ... | head`)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
