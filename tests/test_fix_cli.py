"""``qalint fix`` as a user runs it: a subprocess on real files in a temporary folder."""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED, question

BROKEN = question().replace('=== "Answer"', '=== "Answer"  ').rstrip("\n")
FIXED = question()


def qalint(*args: str, cwd: Path, limit: int | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m qalint`` in ``cwd`` (optionally with a file-size limit in bytes)."""

    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "qalint", *args],
        cwd=cwd,
        env=env,
        text=True,
        capture_output=True,
        preexec_fn=cap,
        timeout=60,
    )


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "bank.md"
    path.write_bytes(BROKEN.encode())
    return path


def test_fix_writes_in_place_and_reports(bank: Path) -> None:
    result = qalint("fix", "bank.md", cwd=bank.parent)
    assert result.returncode == 0, result.stderr
    assert bank.read_bytes() == FIXED.encode()
    assert result.stdout.strip() == "Fixed 2 problems in 1 file; 0 remain."
    again = qalint("fix", "bank.md", cwd=bank.parent)
    assert again.stdout.strip() == "Fixed 0 problems in 0 files; 0 remain."


def test_remaining_findings_are_listed_like_check(tmp_path: Path) -> None:
    path = tmp_path / "q.md"
    path.write_text(question(admonition="!!! question").replace('"Answer"', '"Answer" '))
    result = qalint("fix", "q.md", cwd=tmp_path)
    assert "q.md:1:1: W007 question opener `!!! question` is not in the configured form" in (
        result.stdout
    )
    assert " 1 | !!! question" in result.stdout
    assert result.stdout.rstrip().endswith("Fixed 1 problem in 1 file; 1 remains.")
    unsafe = qalint("fix", "--unsafe-fixes", "q.md", cwd=tmp_path)
    assert unsafe.stdout.strip() == "Fixed 1 problem in 1 file; 0 remain."
    assert path.read_text() == question()


def test_diff_prints_a_patch_and_writes_nothing(bank: Path) -> None:
    before = bank.stat()
    result = qalint("fix", "--diff", "bank.md", cwd=bank.parent)
    assert result.returncode == 1
    assert bank.read_bytes() == BROKEN.encode()
    assert bank.stat().st_mtime_ns == before.st_mtime_ns
    assert result.stdout.startswith("--- bank.md\n+++ bank.md\n@@ ")
    assert '-    === "Answer"  \n+    === "Answer"\n' in result.stdout
    assert "\\ No newline at end of file" in result.stdout
    assert "Would fix 2 problems in 1 file; 0 remain." in result.stderr
    patched = bank.parent / "patched.md"
    shutil.copy(bank, patched)
    if shutil.which("patch"):
        subprocess.run(["patch", "-s", str(patched)], input=result.stdout, text=True, check=True)
        assert patched.read_bytes() == FIXED.encode()


def test_check_exits_1_when_something_would_change(bank: Path) -> None:
    result = qalint("fix", "--check", "bank.md", cwd=bank.parent)
    assert result.returncode == 1
    assert result.stdout == "Would fix 2 problems in bank.md\n"
    assert bank.read_bytes() == BROKEN.encode()
    bank.write_text(FIXED)
    assert qalint("fix", "--check", "bank.md", cwd=bank.parent).returncode == 0


def test_an_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "clean.md"
    path.write_text(FIXED)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    inode = path.stat().st_ino
    assert qalint("fix", "clean.md", cwd=tmp_path).returncode == 0
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert path.stat().st_ino == inode


def test_crlf_bom_and_permissions_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "win.md"
    path.write_bytes(b"\xef\xbb\xbf" + BROKEN.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    result = qalint("fix", "win.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = path.read_bytes()
    assert data == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["win.md"]


def test_read_only_file_is_left_untouched_with_exit_2(bank: Path) -> None:
    bank.chmod(0o444)
    result = qalint("fix", "bank.md", cwd=bank.parent)
    assert result.returncode == 2
    assert (
        "qalint: bank.md: the file is read-only (make it writable to fix it); the file was "
        "left unchanged" in result.stderr
    )
    assert bank.read_bytes() == BROKEN.encode()
    assert "Fixed 0 problems in 0 files" in result.stdout


def test_interrupted_write_keeps_the_original(bank: Path) -> None:
    big = BROKEN.replace("A regularization technique.", "A regularization technique. " * 40)
    bank.write_text(big)
    result = qalint("fix", "bank.md", cwd=bank.parent, limit=len(big) // 2)
    assert result.returncode == 2
    assert "cannot write it: File too large; the file was left unchanged" in result.stderr
    assert bank.read_text() == big
    assert [p.name for p in bank.parent.iterdir()] == ["bank.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_folder_without_write_permission_keeps_the_original(bank: Path) -> None:
    bank.parent.chmod(0o555)
    try:
        result = qalint("fix", "bank.md", cwd=bank.parent)
    finally:
        bank.parent.chmod(0o755)
    assert result.returncode == 2
    assert "cannot create a temporary file" in result.stderr
    assert bank.read_bytes() == BROKEN.encode()


def test_undecodable_file_is_reported_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"caf\xe9 \n")
    result = qalint("fix", "latin.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "E003" in result.stdout
    assert path.read_bytes() == b"caf\xe9 \n"


def test_select_limits_the_fixes(bank: Path) -> None:
    result = qalint("fix", "--select", "W006", "bank.md", cwd=bank.parent)
    assert result.returncode == 0
    assert bank.read_text() == BROKEN + "\n"


def test_json_output_lists_remaining_findings(tmp_path: Path) -> None:
    import json

    path = tmp_path / "q.md"
    path.write_text(question(admonition="!!! question"))
    result = qalint("fix", "--output-format", "json", "q.md", cwd=tmp_path)
    [finding] = json.loads(result.stdout)
    assert finding["code"] == "W007" and finding["line"] == 1
    assert "Fixed 0 problems in 0 files; 1 remains." in result.stderr


def test_fix_on_a_copy_of_the_seed_removes_every_w_finding(tmp_path: Path) -> None:
    path = tmp_path / "seed.md"
    path.write_bytes(SEED.read_bytes())
    path.chmod(0o644)
    result = qalint("fix", "seed.md", cwd=tmp_path)
    assert "Fixed" in result.stdout and " in 1 file; " in result.stdout
    check = qalint("check", "--select", "W", "seed.md", cwd=tmp_path)
    assert check.returncode == 0
    assert check.stdout.startswith("All checks passed")
    assert path.read_text().endswith("performance of a mode.\n")
    assert "####  Can you" not in path.read_text()


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "bank.md"
    target.write_bytes(BROKEN.encode())
    link = tmp_path / "link.md"
    link.symlink_to(Path("real") / "bank.md")
    result = qalint("fix", "link.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "bank.md")
    assert target.read_bytes() == FIXED.encode()
    assert sorted(p.name for p in real.iterdir()) == ["bank.md"]


def test_a_hard_linked_file_is_left_untouched(bank: Path) -> None:
    other = bank.parent / "other.md"
    os.link(bank, other)
    result = qalint("fix", "bank.md", cwd=bank.parent)
    assert result.returncode == 2
    assert "bank.md: it has 2 hard links" in result.stderr
    assert bank.read_bytes() == other.read_bytes() == BROKEN.encode()
    assert bank.stat().st_ino == other.stat().st_ino


@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_dry_runs_say_why_a_file_was_not_fixed(tmp_path: Path, mode: str) -> None:
    (tmp_path / "latin.md").write_bytes(b"caf\xe9 \n")
    result = qalint("fix", mode, "latin.md", "missing.md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "latin.md:1:4: E003 not valid UTF-8" in result.stderr
    assert "missing.md:1:1: E001 path not found" in result.stderr
    assert (tmp_path / "latin.md").read_bytes() == b"caf\xe9 \n"


def test_a_missing_path_is_reported_without_a_traceback(tmp_path: Path) -> None:
    result = qalint("fix", "missing.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "missing.md:1:1: E001 path not found" in result.stdout
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    for mode in ([], ["--check"], ["--diff"]):
        result = qalint("fix", *mode, "empty.md", cwd=tmp_path)
        assert result.returncode == 0, (mode, result.stderr)
        assert result.stdout.strip() in {"", "Fixed 0 problems in 0 files; 0 remain."}
    assert path.read_bytes() == b""
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_ignore_and_inline_suppression_hold_back_fixes(tmp_path: Path) -> None:
    text = "Text.  \n\n\n\nMore.\n<!-- qalint: disable-next-line=W001 -->\nKept.  \n"
    path = tmp_path / "q.md"
    path.write_text(text)
    assert qalint("fix", "--ignore", "W001", "q.md", cwd=tmp_path).returncode == 0
    assert path.read_text() == text.replace("\n\n\n\n", "\n\n")
    assert qalint("fix", "q.md", cwd=tmp_path).returncode == 0
    assert path.read_text() == "Text.\n\nMore.\n<!-- qalint: disable-next-line=W001 -->\nKept.  \n"


@pytest.fixture
def moved_site():
    """A real HTTP server on 127.0.0.1 where /moved answers 301 to /ok."""
    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.expect_request("/moved").respond_with_response(
        Response("", status=301, headers={"Location": server.url_for("/ok")})
    )
    server.expect_request("/ok").respond_with_data("<html></html>", content_type="text/html")
    yield server
    server.clear()
    server.stop()


def test_permanent_redirects_are_fixed_only_online_and_only_when_unsafe(
    tmp_path: Path, moved_site
) -> None:
    text = f"See [it]({moved_site.url_for('/moved')}).\n"
    path = tmp_path / "q.md"
    path.write_text(text)
    (tmp_path / "qalint.toml").write_text("[links]\nallow-private = true\n")
    online = ("--check-urls", "--no-cache")
    offline = qalint("fix", "--unsafe-fixes", "--no-cache", "q.md", cwd=tmp_path)
    assert offline.returncode == 0 and path.read_text() == text
    safe = qalint("fix", *online, "q.md", cwd=tmp_path)
    assert "L104" in safe.stdout and path.read_text() == text
    unsafe = qalint("fix", *online, "--unsafe-fixes", "q.md", cwd=tmp_path)
    assert unsafe.stdout.strip() == "Fixed 1 problem in 1 file; 0 remain.", unsafe.stderr
    assert path.read_text() == f"See [it]({moved_site.url_for('/ok')}).\n"
