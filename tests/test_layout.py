"""Dependencies point inward, read from each file's syntax tree (imports inside functions too):
pipeline stages know no Slack, HTTP client (but fetch.py) or SQL; storage knows no pipeline;
the live bot and the offline tools know no Slack; only bot/app.py wires the listeners in."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

SLACK = {"slack_bolt", "slack_sdk", "handlers", "bot.slack"}
SQL = {"sqlite3", "sqlite_utils", "storage"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "bot":  # `from bot import metrics` is bot.metrics
                names.update(f"bot.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def reaches(name: str, packages: set[str]) -> bool:
    """Whether module `name` is one of `packages` or inside one."""
    return any(name == p or name.startswith(p + ".") for p in packages)


def files(*parts: str) -> list[Path]:
    found = sorted(ROOT.joinpath(*parts).rglob("*.py"))
    assert found, parts
    return found


def test_imports_of_reads_every_form_of_import() -> None:
    code = ROOT / "tests" / "data" / "layout" / "imports.py"
    assert imports_of(code) == {"sqlite3", "bot.slack.blocks", "bot.metrics", "storage.db"}


def test_pipeline_imports_no_slack_sql_or_other_bot_packages() -> None:
    for path in files("bot", "pipeline"):
        for name in imports_of(path):
            assert not reaches(name, SLACK | SQL), f"{path.name} imports {name}"
            if name.split(".")[0] == "bot":
                assert reaches(name, {"bot.pipeline", "bot.errors"}), f"{path.name} imports {name}"
            if name.split(".")[0] == "httpx":
                assert path.name == "fetch.py", (
                    f"only fetch.py may know the HTTP client ({path.name})"
                )


def test_storage_imports_no_pipeline_and_of_bot_only_its_errors() -> None:
    for path in files("storage"):
        for name in imports_of(path):
            if name.split(".")[0] == "bot":
                assert reaches(name, {"bot.errors"}), f"{path.name} imports {name}"


def test_the_live_bot_and_the_offline_tools_know_no_slack() -> None:
    for path in files("bot", "live") + files("bot", "offline"):
        for name in imports_of(path):
            assert not reaches(name, SLACK), f"{path} imports {name}"


def test_only_bot_app_wires_the_slack_listeners_in() -> None:
    for path in files("bot") + files("storage"):
        if path == ROOT / "bot" / "app.py":
            continue
        assert not any(reaches(n, {"handlers"}) for n in imports_of(path)), path
