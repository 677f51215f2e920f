# expect: imports_of gives {"sqlite3", "bot.slack.blocks", "bot.metrics", "storage.db"}
# (a plain import, a from-import, `from bot import` of a module, an import inside a function)
import sqlite3

from bot import metrics
from bot.slack.blocks import notice


def late() -> None:
    from storage.db import Store

    print(sqlite3, metrics, notice, Store)
