"""Per-file results in the cache database, keyed by qalint's version, the effective
configuration, the file's content (and path) and the content of the mkdocs.yml files that
render it (its site's config and every file that config INHERITs).

An entry also records the files the result depended on (targets of relative links, with
their mtime and size); a change to any of them invalidates it. A record that cannot be read
back (foreign or corrupt) is ignored and replaced.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from qalint.cachedb import cache_folder, ensure_table, open_database
from qalint.files import content_digest, read_regular

if TYPE_CHECKING:
    from qalint.config import Config
    from qalint.engine import FileResult, RunOptions

TABLE = "file_results"
QUERY_BATCH = 500  # keys per SELECT (under SQLite's oldest limit of 999 parameters)
VERSION = 2
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    key TEXT PRIMARY KEY,
    run TEXT NOT NULL,
    path TEXT NOT NULL,
    record TEXT NOT NULL,
    stored_at REAL NOT NULL
)
"""
INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_run_path ON {TABLE} (run, path)"
KEEP_SECONDS = 30 * 86400  # an entry nobody read for 30 days is deleted
TOUCH_SECONDS = 86400  # a hit refreshes an entry's date at most once a day


class FileResultCache:
    """Read and write per-file results for one run (one configuration)."""

    def __init__(self, conn: sqlite3.Connection, run_key: str) -> None:
        self.conn = conn
        self.run_key = run_key
        self.pending: list[tuple[str, str, str, str, float]] = []
        self.hits: list[str] = []  # keys read this run (their dates are refreshed)
        self.fresh = False  # True once is_empty() found nothing stored for this run

    @classmethod
    def open(cls, config: Config, options: RunOptions) -> FileResultCache | None:
        """The cache for this configuration, or None when the cache folder is unusable."""
        from qalint.engine import run_key

        conn = open_database(cache_folder(config.cache_dir, config.root))
        if conn is None:
            return None
        try:
            ensure_table(conn, TABLE, VERSION, SCHEMA)
            conn.execute(INDEX)
        except sqlite3.Error:
            conn.close()
            return None
        return cls(conn, run_key(config, options))

    @staticmethod
    def digest(path: Path) -> str | None:
        """The content digest of a file (None when it cannot be read)."""
        try:
            data = read_regular(path)
        except OSError:
            return None
        return content_digest(data)

    def _key(self, path: Path, digest: str) -> str:
        key = f"{self.run_key}\0{path}\0{digest}"
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()

    def is_empty(self) -> bool:
        """True when nothing is stored for this configuration (a first run, or after an
        upgrade or a configuration change): then no file needs hashing up front."""
        try:
            row = self.conn.execute(
                f"SELECT 1 FROM {TABLE} WHERE run = ? LIMIT 1", (self.run_key,)
            ).fetchone()
        except sqlite3.Error:
            return False
        self.fresh = row is None
        return self.fresh

    def get_many(self, wanted: list[tuple[Path, str]]) -> dict[Path, FileResult]:
        """The still valid cached results of many files, looked up in a few queries."""
        keys = {self._key(path, digest): path for path, digest in wanted}
        records: dict[Path, str] = {}
        ordered = list(keys)
        try:
            for start in range(0, len(ordered), QUERY_BATCH):
                batch = ordered[start : start + QUERY_BATCH]
                marks = ",".join("?" * len(batch))
                query = f"SELECT key, record FROM {TABLE} WHERE key IN ({marks})"
                for key, record in self.conn.execute(query, batch):
                    records[keys[key]] = record
                    self.hits.append(key)
        except sqlite3.Error:
            return {}
        # Decoded records hold no reference cycles, yet their million small objects would
        # trigger full collections that scan everything decoded so far (a third of a warm run).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _valid_results(records)
        finally:
            if collecting:
                gc.enable()

    def put(self, path: Path, digest: str, result: FileResult) -> None:
        """Queue a result; written in one transaction by ``close``."""
        self.pending.append(
            (
                self._key(path, digest),
                self.run_key,
                str(path),
                result.to_json(),
                time.time(),
            )
        )

    def close(self) -> None:
        """Write queued results atomically, drop what they supersede, and close.

        In the same transaction: a file's older result under this configuration is deleted
        when a new one is written, hits refresh their entry's date (at most once a day), and
        entries unread for ``KEEP_SECONDS`` (older versions of qalint, old configurations,
        removed files) are deleted, so the cache does not grow without bound.
        """
        now = time.time()
        try:
            with self.conn:
                self.conn.execute("BEGIN")
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {TABLE} (key, run, path, record, stored_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    self.pending,
                )
                if not self.fresh:  # with nothing stored for the run, nothing is superseded
                    self.conn.executemany(
                        f"DELETE FROM {TABLE} WHERE run = ? AND path = ? AND key <> ?",
                        [(run, path, key) for key, run, path, _, _ in self.pending],
                    )
                for start in range(0, len(self.hits), QUERY_BATCH):
                    batch = self.hits[start : start + QUERY_BATCH]
                    marks = ",".join("?" * len(batch))
                    self.conn.execute(
                        f"UPDATE {TABLE} SET stored_at = ? "
                        f"WHERE key IN ({marks}) AND stored_at < ?",
                        [now, *batch, now - TOUCH_SECONDS],
                    )
                self.conn.execute(f"DELETE FROM {TABLE} WHERE stored_at < ?", (now - KEEP_SECONDS,))
        except sqlite3.Error:
            pass  # a locked or read-only cache only costs speed next time
        finally:
            self.pending = []
            self.hits = []
            self.conn.close()


def _stamp(path: str) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


def _valid_results(records: dict[Path, str]) -> dict[Path, FileResult]:
    """Decode cached records; drop unreadable ones and those whose dependencies changed."""
    from qalint.engine import FileResult

    stamps: dict[str, list[int] | None] = {}  # many files link to the same few files
    found: dict[Path, FileResult] = {}
    for path, record in records.items():
        try:
            result = FileResult.from_record(json.loads(record))
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            continue
        for dependency, stamp in result.dependencies.items():
            if dependency not in stamps:
                stamps[dependency] = _stamp(dependency)
            if stamps[dependency] != stamp:
                break
        else:
            found[path] = result
    return found
