"""The persistent verdict cache: one SQLite database (WAL mode) in the cache folder.

Keyed by URL (without fragment). Working links are reused for ``links.cache-ttl`` seconds;
failures are never reused, so they are re-checked on every run. Overlapping runs (an
editor and pre-commit) are safe through SQLite's own locking; writes happen in one short
transaction. A database that SQLite cannot read is deleted and rebuilt; if even that fails
(read-only folder), the run goes on without a cache.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from qalint.links.outcome import Outcome, Verdict

DB_NAME = "qalint.sqlite3"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS link_verdicts (
    url TEXT PRIMARY KEY,
    ok INTEGER NOT NULL,
    checked_at REAL NOT NULL,
    outcome TEXT NOT NULL
)
"""


class LinkCache:
    """Fresh successes by URL; see the module docstring."""

    def __init__(self, folder: Path, ttl: float, accept: frozenset[int] = frozenset()) -> None:
        self.folder = folder
        self.path = folder / DB_NAME
        self.ttl = ttl
        self.accept = accept
        self.rebuilt = False
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            with contextlib.suppress(OSError):
                ignore.write_text("# created by qalint\n*\n", encoding="utf-8")
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            row = conn.execute("PRAGMA quick_check").fetchone()
            if row is None or row[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {row}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                conn.execute("DROP TABLE IF EXISTS link_verdicts")
            conn.execute(SCHEMA)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def open(self) -> bool:
        """Open (or rebuild) the database; False when no cache can be used."""
        if self._conn is not None:
            return True
        try:
            self._conn = self._connect()
            return True
        except sqlite3.OperationalError:
            return False  # locked by another run, or unwritable: go on without the cache
        except sqlite3.DatabaseError:
            if not self._rebuild():
                return False
        except OSError:
            return False
        return self._conn is not None

    def _rebuild(self) -> bool:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError, OSError):
                Path(f"{self.path}{suffix}").unlink()
        try:
            self._conn = self._connect()
        except (sqlite3.DatabaseError, OSError):
            self._conn = None
            return False
        self.rebuilt = True
        return True

    def get_many(self, urls: Iterable[str], now: float | None = None) -> dict[str, Outcome]:
        """Fresh working verdicts for the URLs that have one."""
        if not self.open():
            return {}
        assert self._conn is not None
        now = time.time() if now is None else now
        found: dict[str, Outcome] = {}
        wanted = list(urls)
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT url, checked_at, outcome FROM link_verdicts "
                    f"WHERE ok = 1 AND url IN ({marks})",
                    chunk,
                ).fetchall()
                for url, checked_at, text in rows:
                    if now - checked_at > self.ttl or checked_at > now + 60:
                        continue
                    try:
                        outcome = Outcome.from_json(text)
                    except (ValueError, TypeError, KeyError):
                        continue
                    if outcome.verdict(self.accept) is Verdict.OK:
                        found[url] = outcome
        except sqlite3.DatabaseError:
            self.close()
            self._rebuild()
            return {}
        return found

    def put_many(self, outcomes: Iterable[Outcome]) -> None:
        """Store fresh results in one transaction (failures too, but they are never reused)."""
        rows = [
            (
                o.url,
                int(o.verdict(self.accept) is Verdict.OK),
                o.checked_at or time.time(),
                o.to_json(),
            )
            for o in outcomes
            if not o.from_cache and o.verdict(self.accept) is not Verdict.NOT_CHECKED
        ]
        if not rows or not self.open():
            return
        assert self._conn is not None
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT OR REPLACE INTO link_verdicts (url, ok, checked_at, outcome) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            self.close()
            self._rebuild()

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
