"""Dependencies point inward: pipeline stages import no storage, Slack or handlers."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def imports_of(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_pipeline_imports_no_storage_slack_or_handlers() -> None:
    for path in (ROOT / "bot" / "pipeline").glob("*.py"):
        for name in imports_of(path):
            top = name.split(".")[0]
            assert top not in {
                "storage",
                "handlers",
                "slack_bolt",
                "slack_sdk",
                "sqlite3",
                "sqlite_utils",
            }, f"{path.name} imports {name}"
            if top == "httpx":
                assert path.name == "fetch.py", (
                    f"only fetch.py may know the HTTP client ({path.name})"
                )


def test_bot_and_storage_never_import_handlers_and_storage_never_imports_bot() -> None:
    """bot/app.py is the one place that wires the Slack listeners in (create_app)."""
    for path in (ROOT / "bot").rglob("*.py"):
        if path == ROOT / "bot" / "app.py":
            continue
        assert not any(n.split(".")[0] == "handlers" for n in imports_of(path)), path
    for path in (ROOT / "storage").rglob("*.py"):
        # StorageError is one of newsdesk's errors: bot.errors is the one import allowed.
        bot_imports = {n for n in imports_of(path) if n.split(".")[0] == "bot"}
        assert bot_imports <= {"bot.errors"}, path
