"""The one SQLite database in the cache folder (link verdicts, per-file results).

WAL mode makes overlapping runs (pre-commit and an editor) safe without hand-written locks;
a database SQLite cannot read is deleted and rebuilt; an unwritable or locked folder means
the run goes on without a cache. Each user of the database owns its tables and creates
them with ``ensure_table``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

DB_NAME = "qalint.sqlite3"


def cache_folder(cache_dir: str, root: Path | None) -> Path:
    """The cache folder: ``cache_dir`` relative to the config's folder, else the working dir."""
    folder = Path(cache_dir)
    if not folder.is_absolute():
        folder = (root or Path.cwd()) / folder
    return folder


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        row = conn.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row}")
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def open_database(folder: Path) -> sqlite3.Connection | None:
    """Open (creating or rebuilding) the cache database; None when no cache can be used."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by qalint\n*\n", encoding="utf-8")
    except OSError:
        return None
    path = folder / DB_NAME
    try:
        return _connect(path)
    except sqlite3.OperationalError:
        return None  # locked for longer than the timeout, or unwritable
    except sqlite3.DatabaseError:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(path) + suffix).unlink()
        try:
            return _connect(path)
        except sqlite3.DatabaseError:
            return None


def ensure_table(conn: sqlite3.Connection, name: str, version: int, schema: str) -> None:
    """Create table ``name`` from ``schema``; drop and recreate it when its version changed."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions (name TEXT PRIMARY KEY, version INTEGER)"
    )
    row = conn.execute("SELECT version FROM schema_versions WHERE name = ?", (name,)).fetchone()
    if row is not None and row[0] != version:
        conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.execute(schema)
    conn.execute(
        "INSERT OR REPLACE INTO schema_versions (name, version) VALUES (?, ?)", (name, version)
    )
