"""CI-facing behaviour: job summary, --fail-on, --max-warnings, --statistics, FORCE_COLOR,
fix --check exit codes, which files are checked (.gitignore, built-in skips, --show-files),
and the link check's closing line and progress lines. Real processes, real git."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import question

from qalint.links.progress import Progress

WARNING_ONLY = question(
    answer="A regularization technique.\n\n        [unused]: https://example.org/p"
)
ERROR_AND_FIXABLE = question(tabs=("Question", "Anwser"), answer="Trailing.   ")
ERROR_NOT_FIXABLE = question(answer="See $\\undefinedmacro x$ here.")  # M001, no fix


def qalint(*args: str, cwd: Path, env: dict[str, str] | None = None):
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    full.pop("GITHUB_STEP_SUMMARY", None)
    full["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "qalint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full,
        timeout=120,
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


# ------------------------------------------------------------------ exit codes


def test_fail_on_warning_and_max_warnings(tmp_path: Path) -> None:
    write(tmp_path, "w.md", WARNING_ONLY)
    assert qalint("check", "w.md", cwd=tmp_path).returncode == 0
    assert qalint("check", "--fail-on", "warning", "w.md", cwd=tmp_path).returncode == 1
    assert qalint("check", "--fail-on", "error", "w.md", cwd=tmp_path).returncode == 0
    assert qalint("check", "--max-warnings", "0", "w.md", cwd=tmp_path).returncode == 1
    assert qalint("check", "--max-warnings", "1", "w.md", cwd=tmp_path).returncode == 0
    exit_zero = qalint("check", "--fail-on", "warning", "--exit-zero", "w.md", cwd=tmp_path)
    assert exit_zero.returncode == 0
    bad = qalint("check", "--max-warnings", "many", "w.md", cwd=tmp_path)
    assert bad.returncode == 2 and "expected a whole number" in bad.stderr


def test_fix_check_exits_1_only_when_a_file_would_change(tmp_path: Path) -> None:
    write(tmp_path, "stuck.md", ERROR_NOT_FIXABLE)  # an error finding, nothing to fix
    stuck = qalint("fix", "--check", "stuck.md", cwd=tmp_path)
    assert stuck.returncode == 0, stuck.stderr
    assert qalint("check", "stuck.md", cwd=tmp_path).returncode == 1  # still check's business
    write(tmp_path, "fixable.md", ERROR_AND_FIXABLE)
    would = qalint("fix", "--check", "fixable.md", cwd=tmp_path)
    assert would.returncode == 1 and would.stdout == "Would fix 1 problem in fixable.md\n"
    assert qalint("fix", "--diff", "stuck.md", cwd=tmp_path).returncode == 0
    assert qalint("fix", "--diff", "fixable.md", cwd=tmp_path).returncode == 1


# ------------------------------------------------------------------ reports


def test_statistics_count_findings_per_code_like_ruff(tmp_path: Path) -> None:
    write(tmp_path, "a.md", ERROR_AND_FIXABLE)
    write(tmp_path, "b.md", WARNING_ONLY.replace("dropout", "weight decay"))
    write(tmp_path, "c.md", ERROR_AND_FIXABLE.replace("dropout", "a GPU"))
    result = qalint("check", "--statistics", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "2  S004  [-] misnamed-tab",
        "2  W001  [*] trailing-whitespace",
        "1  L009  [ ] link-unused-definition",
    ]
    as_json = qalint("check", "--statistics", "--output-format", "json", ".", cwd=tmp_path)
    assert json.loads(as_json.stdout)[0] == {
        "code": "S004",
        "name": "misnamed-tab",
        "count": 2,
        "fixable": "unsafe",
    }


def test_job_summary_is_appended_to_github_step_summary(tmp_path: Path) -> None:
    write(tmp_path, "bank/a.md", ERROR_AND_FIXABLE)
    write(tmp_path, "bank/b.md", WARNING_ONLY.replace("dropout", "weight decay"))
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = qalint("check", "bank", "--output-format", "github", cwd=tmp_path, env=env)
    assert result.returncode == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n## qalint\n")  # appended, not overwritten
    assert "Found **3** findings (1 error, 2 warnings) in 2 files checked." in text
    assert "| S Structure | 1 | 0 | 0 |" in text
    assert "| W Formatting | 0 | 1 | 0 |" in text
    assert "| L Links | 0 | 1 | 0 |" in text
    assert "| S004 | misnamed-tab | 1 |" in text
    assert "| `bank/a.md` | 2 |\n| `bank/b.md` | 1 |" in text
    assert "Link check" not in text  # --check-urls did not run
    clean = tmp_path / "clean"
    write(clean, "q.md", question())
    qalint("check", "q.md", cwd=clean, env=env)
    assert summary.read_text(encoding="utf-8").endswith(
        "## qalint\n\nAll checks passed (1 file checked).\n\n"
    )
    unwritable = qalint("check", "q.md", cwd=clean, env={"GITHUB_STEP_SUMMARY": str(tmp_path)})
    assert unwritable.returncode == 0 and "cannot write the job summary" in unwritable.stderr


def test_job_summary_and_closing_line_give_link_totals(tmp_path: Path) -> None:
    from pytest_httpserver import HTTPServer

    with HTTPServer(host="127.0.0.1") as server:
        server.expect_request("/ok").respond_with_data("fine")
        server.expect_request("/gone").respond_with_data("", status=404)
        text = question(
            answer=f"[a]({server.url_for('/ok')}) [b]({server.url_for('/gone')}) "
            f"[c](http://127.0.0.2:{server.port}/ok)"
        )
        write(tmp_path, "q.md", text)
        write(tmp_path, "qalint.toml", f'[links]\nallow-private = ["127.0.0.1:{server.port}"]\n')
        summary = tmp_path / "summary.md"
        env = {"GITHUB_STEP_SUMMARY": str(summary)}
        first = qalint("check", "--check-urls", "q.md", cwd=tmp_path, env=env)
        second = qalint("check", "--check-urls", "q.md", cwd=tmp_path, env=env)
    line = "Link check: 3 URLs: 1 OK, 1 failed, 1 skipped, {} answered from cache."
    assert line.format(0) in first.stderr
    assert line.format(1) in second.stderr  # the working link came from the cache
    assert "| URLs | OK | Failed | Skipped | From cache |" in summary.read_text()
    assert "| 3 | 1 | 1 | 1 | 1 |" in summary.read_text()
    quiet = qalint("check", "--check-urls", "-q", "q.md", cwd=tmp_path)
    assert "Link check" not in quiet.stderr


def test_progress_prints_a_line_every_few_seconds_off_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(3, True, stream, interval=0.05)
    progress.advance(False)
    progress.advance(True)
    time.sleep(0.3)
    progress.finish()
    lines = stream.getvalue().splitlines()
    assert lines and all(line.startswith("Checking links: ") for line in lines)
    assert "2/3 done, 1 failing" in lines[-1]
    assert "\r" not in stream.getvalue()  # no bar redraws in a log
    quiet = io.StringIO()
    Progress(3, False, quiet, interval=0.05).finish()
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(
    ("env", "coloured"),
    [
        ({}, False),  # not a terminal
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "true"}, True),
        ({"FORCE_COLOR": "0"}, False),
        ({"FORCE_COLOR": ""}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
    ],
)
def test_force_color(tmp_path: Path, env: dict[str, str], coloured: bool) -> None:
    write(tmp_path, "q.md", ERROR_AND_FIXABLE)
    result = qalint("check", "q.md", cwd=tmp_path, env=env)
    assert ("\x1b[" in result.stdout) is coloured
    never = qalint("check", "--color", "never", "q.md", cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in never.stdout


# ------------------------------------------------------------------ which files


def test_gitignored_folder_is_skipped_and_named_files_are_checked_with_a_note(
    tmp_path: Path,
) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "build/\n*.draft.md\n")
    write(tmp_path, "content/a.md", question())
    write(tmp_path, "content/b.draft.md", ERROR_NOT_FIXABLE)
    write(tmp_path, "content/build/c.md", ERROR_NOT_FIXABLE)
    write(tmp_path, "content/sub/site/d.md", ERROR_NOT_FIXABLE)  # a built-in skip
    write(tmp_path, "content/sub/e.md", question("#### What is a GPU?"))
    shown = qalint("check", "--show-files", "content", cwd=tmp_path)
    assert shown.returncode == 0
    assert shown.stdout == "content/a.md\ncontent/sub/e.md\n"
    assert qalint("check", "content", cwd=tmp_path).returncode == 0
    named = qalint("check", "content/b.draft.md", cwd=tmp_path)
    assert named.returncode == 1 and "M001" in named.stdout
    assert (
        "qalint: note: content/b.draft.md is excluded by a .gitignore; checked because it was "
        "named" in named.stderr
    )
    forced = qalint("check", "--force-exclude", "content/b.draft.md", cwd=tmp_path)
    assert forced.returncode == 0 and "0 files checked" in forced.stdout
    folder = qalint("check", "--show-files", "content/build", cwd=tmp_path)
    assert folder.stdout == "content/build/c.md\n" and "checked because it was named" in (
        folder.stderr
    )
    write(tmp_path, "qalint.toml", "respect-gitignore = false\n")
    everything = qalint("check", "--show-files", "content", cwd=tmp_path)
    assert everything.stdout.splitlines() == [
        "content/a.md",
        "content/b.draft.md",
        "content/build/c.md",
        "content/sub/e.md",
    ]


def test_exclude_config_and_named_files(tmp_path: Path) -> None:
    write(tmp_path, "qalint.toml", 'exclude = ["drafts"]\n')
    write(tmp_path, "drafts/x.md", ERROR_NOT_FIXABLE)
    write(tmp_path, "q.md", question())
    assert qalint("check", "--show-files", ".", cwd=tmp_path).stdout == "q.md\n"
    named = qalint("check", "drafts/x.md", cwd=tmp_path)
    assert named.returncode == 1
    assert "drafts/x.md is excluded by `exclude` in the configuration" in named.stderr
    fix_shown = qalint("fix", "--show-files", "--force-exclude", "drafts/x.md", cwd=tmp_path)
    assert fix_shown.returncode == 0 and fix_shown.stdout == ""


def test_without_git_the_walk_falls_back_cleanly(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "build/\n")  # not a work tree: no git view of it
    write(tmp_path, "build/c.md", question())
    empty_path = {"PATH": str(tmp_path / "no-bin")}  # no git at all
    for env in ({}, empty_path):
        result = qalint("check", "--show-files", ".", cwd=tmp_path, env=env)
        assert result.returncode == 0 and result.stdout == "build/c.md\n", result.stderr


def test_fix_prints_the_discovery_notes_check_prints(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "*.draft.md\n")
    write(tmp_path, "b.draft.md", "# Title   \n")
    note = "qalint: note: b.draft.md is excluded by a .gitignore; checked because it was named"
    for args in (("fix", "--diff"), ("fix", "--check"), ("fix",)):
        done = qalint(*args, "b.draft.md", cwd=tmp_path)
        assert note in done.stderr, (args, done.stderr)
        assert note not in done.stdout
    assert (tmp_path / "b.draft.md").read_text(encoding="utf-8") == "# Title\n"  # and fixed
    write(tmp_path, "b.draft.md", "# Title   \n")
    quiet = qalint("fix", "-q", "b.draft.md", cwd=tmp_path)
    assert "note:" not in quiet.stderr
