"""The connection manager every storage domain shares: one SQLite file, its migrations,
transactions, and per-thread read connections.

One SQLite connection in WAL mode writes, shared by the scheduler's threads behind a lock;
writes that belong together run in one transaction (`Connection.transaction`). Reads outside
a transaction go through a read-only connection of the reading thread's own, so a poller
reading pages never waits for another one placing an article (WAL readers see the last
commit and are never blocked by the writer).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.errors import NewsdeskError
from storage.migrations import migrations


class StorageError(NewsdeskError):
    """A write the database refused (locked for too long, disk full, I/O error); the
    transaction it belonged to was rolled back."""


class Connection:
    """One SQLite database: `db` (sqlite-utils) writes under `lock`; `rows` reads."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 30_000) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self.db = Database(conn)
        self.lock = threading.RLock()
        if self.path != ":memory:":
            self.db.enable_wal()
            # In WAL mode NORMAL survives a crash of the process (kill -9) whole; only an OS
            # crash or power cut may lose the last commits, which the next poll fetches again.
            # FULL would wait for the disk at every commit: a third of ingest time.
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        # Migrations run before foreign keys are enforced, as SQLite's procedure for
        # rebuilding a table asks (a table others refer to is dropped and replaced).
        migrations.apply(self.db)
        self.db.execute("PRAGMA foreign_keys = ON")
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    def close(self) -> None:
        with self.lock, self._readers_lock:
            for reader in self._readers:
                reader.close()
            self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes that stand or fall together; a refused write raises StorageError after
        everything in the block was rolled back. Blocks nest (the outermost one commits)."""
        try:
            with self.lock, self.db.atomic():
                self._local.writing = getattr(self._local, "writing", 0) + 1
                try:
                    yield
                finally:
                    self._local.writing -= 1
        except sqlite3.Error as exc:
            raise StorageError(f"the database refused a write: {exc}") from exc

    def _reader(self) -> sqlite3.Connection | None:
        """This thread's read-only connection; None inside a transaction, which must read its
        own writes, and for an in-memory database, which only one connection can see."""
        writing: int = getattr(self._local, "writing", 0)
        if self.path == ":memory:" or writing:
            return None
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = sqlite3.connect(
                self.path,
                check_same_thread=False,
                isolation_level=None,
                timeout=self._busy_timeout_ms / 1000,
            )
            reader.execute("PRAGMA query_only = ON")
            with self._readers_lock:  # not `lock`: a writer holds that for whole transactions
                self._readers.append(reader)
            self._local.reader = reader
        return reader

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """The rows of a query as {column: value} dicts."""
        reader = self._reader()
        with self.lock if reader is None else nullcontext():
            cursor = (reader or self.db.conn).execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement under the lock; returns the id of the row it inserted (else 0)."""
        with self.lock:
            return self.db.execute(sql, params).lastrowid or 0

    def change(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement under the lock; returns how many rows it changed."""
        with self.lock:
            return self.db.execute(sql, params).rowcount
