"""``qalint check -`` and ``qalint fix -``: standard input, as a user pipes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SEED


def qalint(*args: str, stdin: bytes, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``python -m qalint`` with ``stdin`` as its standard input."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "qalint", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_check_stdin_finds_the_seeds_problems(tmp_path: Path) -> None:
    done = qalint("check", "-", "--output-format", "json", stdin=SEED.read_bytes(), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    found = json.loads(done.stdout)
    assert "L001" in {d["code"] for d in found}
    assert {d["path"] for d in found} == {"-"}


def test_stdin_filename_names_the_text_and_finds_its_config(tmp_path: Path) -> None:
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "qalint.toml").write_text('ignore = ["L001"]\n', encoding="utf-8")
    done = qalint(
        "check",
        "-",
        "--stdin-filename",
        "bank/page.md",
        "--output-format",
        "json",
        stdin=SEED.read_bytes(),
        cwd=tmp_path,
    )
    found = json.loads(done.stdout)
    assert found and {d["path"] for d in found} == {"bank/page.md"}
    assert "L001" not in {d["code"] for d in found}  # the config beside the named path applies


def test_fix_stdin_writes_what_fix_writes_to_a_file(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    shutil.copyfile(SEED, page)
    piped = qalint("fix", "-", "--stdin-filename", "page.md", stdin=SEED.read_bytes(), cwd=tmp_path)
    assert piped.returncode in (0, 1), piped.stderr
    assert b"Fixed" in piped.stderr  # messages on stderr, never mixed into the text
    in_place = qalint("fix", "page.md", stdin=b"", cwd=tmp_path)
    assert in_place.returncode in (0, 1), in_place.stderr
    assert piped.stdout == page.read_bytes()
    assert piped.stdout != SEED.read_bytes()


def test_fix_stdin_keeps_crlf_and_bom(tmp_path: Path) -> None:
    text = "\ufeff# Title   \r\n\r\nSome text.\r\n"
    done = qalint("fix", "-", stdin=text.encode("utf-8"), cwd=tmp_path)
    assert done.stdout == "\ufeff# Title\r\n\r\nSome text.\r\n".encode()


def test_fix_stdin_passes_undecodable_input_through(tmp_path: Path) -> None:
    done = qalint("fix", "-", stdin=b"caf\xe9\n", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b"caf\xe9\n"
    assert b"E003" in done.stderr


def test_fix_check_stdin_exit_code_means_would_change(tmp_path: Path) -> None:
    assert qalint("fix", "-", "--check", stdin=b"Text.  \n", cwd=tmp_path).returncode == 1
    unchanged = qalint("fix", "-", "--check", stdin=b"Text.\n", cwd=tmp_path)
    assert unchanged.returncode == 0
    assert unchanged.stdout == b""


def test_stdin_usage_errors(tmp_path: Path) -> None:
    mixed = qalint("check", "-", "other.md", stdin=b"", cwd=tmp_path)
    assert mixed.returncode == 2
    assert b"cannot be combined" in mixed.stderr
    alone = qalint("check", "--stdin-filename", "x.md", "other.md", stdin=b"", cwd=tmp_path)
    assert alone.returncode == 2
    assert b"--stdin-filename needs -" in alone.stderr


def test_fix_stdin_reports_remaining_findings_in_the_output_format(tmp_path: Path) -> None:
    text = b"# Title   \n\n[a link](missing.md)\n"
    done = qalint("fix", "-", "--output-format", "json", stdin=text, cwd=tmp_path)
    assert done.stdout == b"# Title\n\n[a link](missing.md)\n"  # the text only, fixed
    found = json.loads(done.stderr)  # stderr is the JSON report and nothing else
    assert [d["code"] for d in found] == ["L013"]
    assert {d["path"] for d in found} == {"-"}
    sarif = qalint("fix", "-", "--output-format", "sarif", stdin=text, cwd=tmp_path)
    assert json.loads(sarif.stderr)["runs"][0]["results"]
    github = qalint("fix", "-", "--output-format", "github", stdin=text, cwd=tmp_path)
    assert github.stderr.decode().startswith("::error file=-,line=3")
    plain = qalint("fix", "-", stdin=text, cwd=tmp_path)
    lines = plain.stderr.decode().splitlines()
    assert lines[0].startswith("-:3:") and lines[-1].startswith("Fixed 1 problem")
    quiet = qalint("fix", "-", "-q", stdin=text, cwd=tmp_path)
    assert quiet.stderr.decode().splitlines() == lines[:-1]  # findings only, no summary


def test_fix_stdin_parses_the_page_as_its_site_renders_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - mdx_truly_sane_lists\n", encoding="utf-8"
    )
    # With truly sane lists, a sub-item 2 spaces in is nested: S015's (unsafe) re-indent to
    # 4 spaces, right for Python-Markdown's own lists, must not be made for this site.
    text = b"# T\n\nA list:\n\n- one\n  - two\n  - three\n"
    args = ("fix", "-", "--unsafe-fixes", "--stdin-filename", "docs/page.md")
    assert qalint(*args, stdin=text, cwd=tmp_path).stdout == text
    elsewhere = qalint("fix", "-", "--unsafe-fixes", stdin=text, cwd=tmp_path)
    assert elsewhere.stdout != text  # no mkdocs.yml builds it: Material's default lists
