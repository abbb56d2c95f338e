"""The persistent verdict cache: a table of the cache folder's SQLite database.

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

from qalint.cachedb import ensure_table, open_database
from qalint.links.outcome import Outcome, Verdict

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
        self.ttl = ttl
        self.accept = accept
        self._conn: sqlite3.Connection | None = None

    def open(self) -> bool:
        """Open the shared cache database (``qalint.cachedb``); False when none can be used."""
        if self._conn is not None:
            return True
        conn = open_database(self.folder)
        if conn is None:
            return False
        try:
            ensure_table(conn, "link_verdicts", SCHEMA_VERSION, SCHEMA)
        except sqlite3.Error:
            conn.close()
            return False
        self._conn = conn
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
            self.close()  # damaged while in use: rebuilt by the next run's open
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

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
