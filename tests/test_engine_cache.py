"""Parallel runs and the per-file result cache: same findings as a serial run, in the same
order; every change that matters invalidates; a corrupt cache is replaced; ``--no-cache``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, question

from qalint import engine
from qalint.cachedb import DB_NAME
from qalint.config import load_config
from qalint.engine import PARALLEL_MIN_FILES, RunOptions, code_fingerprint, run_key

FILES = PARALLEL_MIN_FILES + 12  # enough for worker processes


def _bank(folder: Path) -> None:
    """A bank with findings of file rules and of cross-file rules (duplicates, anchors)."""
    for index in range(FILES):
        heading = f"#### What is topic {index}?"
        if index % 10 == 3:
            heading = "#### What is dropout?"  # the same question in several files
        links = f"See [the next file](q{(index + 1) % FILES:03}.md#what-is-topic-{index + 1})."
        answer = f"Answer {index}. {links} Broken: [gone](missing-{index}.md)."
        if index % 7 == 0:
            answer += " The softmax gives `0.6` for cat, `0.5` for dog and `0.1` for bird."
        (folder / f"q{index:03}.md").write_text(
            question(heading=heading, answer=answer), encoding="utf-8"
        )


def _check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qalint", "check", "--output-format", "json", *args, "."],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
    )


def _findings(folder: Path, *args: str) -> list[dict]:
    done = _check(folder, *args)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _run(folder: Path, jobs: int, use_cache: bool) -> list[tuple]:
    config = load_config(None, folder)
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        result = engine.run(["."], config, RunOptions(jobs=jobs, use_cache=use_cache))
    finally:
        os.chdir(cwd)
    return [(d.path, d.line, d.column, d.code, d.message) for d in result.diagnostics]


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A fresh bank of FILES question files."""
    _bank(tmp_path)
    return tmp_path


def test_parallel_and_cached_runs_match_a_serial_run(bank: Path) -> None:
    serial = _run(bank, jobs=1, use_cache=False)
    codes = {finding[3] for finding in serial}
    assert {"S010", "L013", "L014", "F001"} <= codes  # cross-file and file rules both fire
    assert serial == sorted(serial, key=lambda f: (f[0], f[1], f[2], f[3]))
    assert _run(bank, jobs=2, use_cache=False) == serial
    assert _run(bank, jobs=2, use_cache=True) == serial  # cold: fills the cache
    assert _run(bank, jobs=2, use_cache=True) == serial  # warm: every file a hit
    assert _run(bank, jobs=1, use_cache=True) == serial


def test_warm_run_reports_the_same_and_reads_the_cache(bank: Path) -> None:
    cold = _findings(bank)
    assert (bank / ".qalint_cache" / DB_NAME).is_file()
    with sqlite3.connect(bank / ".qalint_cache" / DB_NAME) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM file_results").fetchone()[0]
    assert stored == FILES
    assert _findings(bank) == cold


def test_editing_one_file_updates_its_findings_and_cross_file_ones(bank: Path) -> None:
    before = _findings(bank)
    duplicates = [f for f in before if f["code"] == "S010"]
    assert duplicates
    # q003 held one of the duplicated questions; renaming it changes S010 in other files too.
    target = bank / "q003.md"
    target.write_text(question(heading="#### What is a brand-new question?"), encoding="utf-8")
    after = _findings(bank)
    assert after == _findings(bank, "--no-cache")
    assert after != before
    assert not [f for f in after if f["path"] == "q003.md" and f["code"] in {"S010", "L013"}]


def test_a_changed_link_target_invalidates_the_linking_file(bank: Path) -> None:
    before = _findings(bank)
    missing = [f for f in before if f["path"] == "q005.md" and f["code"] == "L013"]
    assert missing  # q005 links to missing-5.md
    (bank / "missing-5.md").write_text("# Now here\n", encoding="utf-8")
    after = _findings(bank)
    assert not [f for f in after if f["path"] == "q005.md" and f["code"] == "L013"]
    assert after == _findings(bank, "--no-cache")


def test_a_configuration_change_invalidates(bank: Path) -> None:
    assert any(f["code"] == "F001" for f in _findings(bank))
    (bank / "qalint.toml").write_text('ignore = ["F001"]\n', encoding="utf-8")
    assert not any(f["code"] == "F001" for f in _findings(bank))
    (bank / "qalint.toml").unlink()
    assert any(f["code"] == "F001" for f in _findings(bank))


@pytest.mark.parametrize("garbage", [b"", b"not a database at all" * 100, b"SQLite format 3\0x"])
def test_a_corrupt_cache_database_is_replaced(bank: Path, garbage: bytes) -> None:
    expected = _findings(bank, "--no-cache")
    folder = bank / ".qalint_cache"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(garbage)
    assert _findings(bank) == expected
    assert _findings(bank) == expected  # and the rebuilt cache is usable
    with sqlite3.connect(folder / DB_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM file_results").fetchone()[0] == FILES


def test_unreadable_records_are_ignored_and_replaced(bank: Path) -> None:
    expected = _findings(bank)
    with sqlite3.connect(bank / ".qalint_cache" / DB_NAME) as conn:
        conn.execute("UPDATE file_results SET record = 'not json'")
        conn.execute("UPDATE file_results SET record = '{\"path\": 1}' WHERE path LIKE '%q00%'")
    assert _findings(bank) == expected
    with sqlite3.connect(bank / ".qalint_cache" / DB_NAME) as conn:
        records = [row[0] for row in conn.execute("SELECT record FROM file_results")]
    assert all(record.startswith("{") and json.loads(record)["path"] for record in records)


def test_no_cache_writes_nothing(bank: Path) -> None:
    _findings(bank, "--no-cache")
    assert not (bank / ".qalint_cache").exists()


def test_run_key_covers_the_code_not_only_the_version(tmp_path: Path) -> None:
    stamps = {name: (size, mtime) for name, size, mtime in code_fingerprint()}
    engine_file = ROOT / "qalint" / "engine.py"
    assert stamps["engine.py"] == (engine_file.stat().st_size, engine_file.stat().st_mtime_ns)
    assert "facts/packs/ml.toml" in stamps
    config = load_config(None, tmp_path)
    assert run_key(config, RunOptions()) == run_key(config, RunOptions())
    assert run_key(config, RunOptions()) != run_key(config, RunOptions(check_urls=True))


def test_discovery_shows_paths_through_links_as_before(tmp_path: Path) -> None:
    from qalint.files import discover, discover_shown, display_path

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "real" / "b.md").write_text("# B\n", encoding="utf-8")
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "c.md").write_text("# C\n", encoding="utf-8")
    (tmp_path / "bank" / "link.md").symlink_to(tmp_path / "real" / "a.md")
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        files, problems = discover(["bank", "linked", "real/b.md"], [])
        shown = sorted(display_path(p) for p in files)
        # What the walk hands the workers is what display_path would say for each file.
        pairs, _ = discover_shown(["bank", "linked", "real/b.md"], [])
        assert [(p, display_path(p)) for p, _ in pairs] == pairs
    finally:
        os.chdir(cwd)
    assert not problems
    # A linked file or folder is shown (and deduplicated) by the path it resolves to.
    assert shown == ["bank/c.md", "real/a.md", "real/b.md"]


def _rows(bank: Path) -> list[tuple[str, str, float]]:
    with sqlite3.connect(bank / ".qalint_cache" / DB_NAME) as conn:
        return conn.execute("SELECT run, path, stored_at FROM file_results").fetchall()


def test_the_cache_does_not_grow_with_edits_or_old_entries(bank: Path) -> None:
    _findings(bank)
    assert len(_rows(bank)) == FILES
    for round_ in range(3):  # each edit replaces the file's entry instead of adding one
        (bank / "q007.md").write_text(question(answer=f"Edited {round_}."), encoding="utf-8")
        _findings(bank)
    assert len(_rows(bank)) == FILES
    _findings(bank, "--select", "S")  # another configuration keeps entries of its own
    assert len(_rows(bank)) == 2 * FILES
    with sqlite3.connect(bank / ".qalint_cache" / DB_NAME) as conn:
        (run,) = conn.execute(
            "SELECT run FROM file_results WHERE path = 'q000.md' ORDER BY stored_at LIMIT 1"
        ).fetchone()
        # Entries of the first configuration, last read 40 days ago:
        conn.execute(
            "UPDATE file_results SET stored_at = stored_at - 40 * 86400 WHERE run = ?", (run,)
        )
    _findings(bank, "--select", "S")  # an old, unread entry is deleted by any later run
    assert {r for r, _, _ in _rows(bank)} != {run} and len(_rows(bank)) == FILES


def test_a_hit_refreshes_the_entry_date(bank: Path) -> None:
    _findings(bank)
    with sqlite3.connect(bank / ".qalint_cache" / DB_NAME) as conn:
        conn.execute("UPDATE file_results SET stored_at = stored_at - 29 * 86400")
    _findings(bank)  # read: the entries are young again and survive the next 30 days
    import time

    assert min(stored for _, _, stored in _rows(bank)) > time.time() - 3600


def test_a_cold_run_caches_what_workers_hashed_and_the_next_run_hits_it(bank: Path) -> None:
    config = load_config(None, bank)
    cwd = Path.cwd()
    os.chdir(bank)
    try:
        first = engine.run(["."], config, RunOptions(jobs=2))
        second = engine.run(["."], config, RunOptions(jobs=2))
        (bank / "q001.md").write_text(question(answer="Changed."), encoding="utf-8")
        third = engine.run(["."], config, RunOptions(jobs=1))
    finally:
        os.chdir(cwd)
    assert first.cache_hits == 0
    assert second.cache_hits == FILES  # the workers' digests key the entries main looks up
    assert third.cache_hits == FILES - 2  # q001, and q000, which links to it
    assert first.diagnostics == second.diagnostics


def test_workers_collect_garbage_though_the_main_process_pauses_it() -> None:
    # lint_files turns the collector off while records arrive; forked workers inherit that,
    # and a parsed page is full of reference cycles, so each worker turns it back on.
    import gc

    config = load_config(None, ROOT)
    collecting = gc.isenabled()
    gc.disable()
    try:
        engine._worker_init(config, RunOptions(use_cache=False))
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        if not collecting:
            gc.disable()
        engine._WORKER.clear()
