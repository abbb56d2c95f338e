"""``qalint check --changed-since REF`` in a real temporary git repository."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from qalint.cli import main

QUESTION = """\
!!! Question ""
    === "Question"
        #### {heading}

    === "{answer_tab}"

        An answer.
"""


def question(heading: str, answer_tab: str = "Answer") -> str:
    return QUESTION.format(heading=heading, answer_tab=answer_tab)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def findings(*args: str) -> list[tuple[str, int, str]]:
    code, out, err = run_cli("check", *args, "--select", "S", "--output-format", "json")
    assert code in (0, 1), err
    return [(d["path"], d["line"], d["code"]) for d in json.loads(out)]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: a clean question and an old problem; feature branched off it."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key, value in {
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }.items():
        monkeypatch.setenv(key, value)
    repo = tmp_path / "repo"
    (repo / "content").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "content" / "dropout.md").write_text(question("What is dropout?"), encoding="utf-8")
    (repo / "content" / "old.md").write_text(question("What is a GPU?", "Anwser"), encoding="utf-8")
    (repo / "content" / "moved.md").write_text(
        question("What is a TPU?", "Answr"), encoding="utf-8"
    )
    (repo / "content" / "relu.md").write_text(question("What is ReLU?"), encoding="utf-8")
    (repo / ".gitignore").write_text("ignored.md\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "bank")
    git(repo, "switch", "-q", "-c", "feature")
    monkeypatch.chdir(repo)
    return repo


def test_reports_only_changed_files_but_compares_with_the_whole_bank(repo: Path) -> None:
    content = repo / "content"
    # Committed on the branch: a new file asking a question the bank already has.
    (content / "new-dropout.md").write_text(
        question("What is Dropout ?") + "\n" + question("What is a tensor?", "Anwser"),
        encoding="utf-8",
    )
    git(repo, "mv", "content/moved.md", "content/renamed.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "new questions")
    # main moves on after the branch point: not part of this change.
    git(repo, "switch", "-q", "main")
    (content / "old.md").write_text(question("What is a GPU?", "Anwsr"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "switch", "-q", "feature")
    # Not committed: a modified tracked file, an untracked file and an ignored one.
    (content / "relu.md").write_text(question("What is ReLU?", "Anwser"), encoding="utf-8")
    (content / "untracked.md").write_text(question("What is a layer?", "Answ"), encoding="utf-8")
    (content / "ignored.md").write_text(question("What is ignored?", "Answ"), encoding="utf-8")

    everything = findings("content")
    assert ("content/old.md", 5, "S004") in everything
    # A folder walk skips what .gitignore ignores (respect-gitignore), as --changed-since does.
    assert ("content/ignored.md", 5, "S004") not in everything
    assert ("content/ignored.md", 5, "S004") in findings("content/ignored.md")

    assert findings("content", "--changed-since", "main") == [
        ("content/new-dropout.md", 3, "S010"),
        ("content/new-dropout.md", 13, "S004"),
        ("content/relu.md", 5, "S004"),
        ("content/renamed.md", 5, "S004"),
        ("content/untracked.md", 5, "S004"),
    ]
    code, out, _err = run_cli(
        "check", "content", "--changed-since", "main", "--select", "S010", "-q"
    )
    assert code == 0
    assert out == (
        'content/new-dropout.md:3:9: S010 question "What is Dropout ?" is already asked at '
        "content/dropout.md:3\n"
    )


def test_whole_bank_is_checked_and_counted(repo: Path) -> None:
    (repo / "content" / "b.md").write_text(question("What is a tensor?"), encoding="utf-8")
    code, out, _err = run_cli("check", "--changed-since", "HEAD", "--select", "S", "content")
    assert code == 0
    assert out.strip() == "All checks passed (5 files checked)."


def test_duplicate_in_a_new_file_that_sorts_first_is_reported(repo: Path) -> None:
    (repo / "content" / "a-new.md").write_text(question("What is dropout?"), encoding="utf-8")
    assert findings("content", "--changed-since", "main") == [("content/a-new.md", 3, "S010")]


def test_works_from_a_subfolder_and_with_the_configured_paths(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "qalint.toml").write_text('paths = ["content"]\n', encoding="utf-8")
    (repo / "content" / "new.md").write_text(question("What is a TPU?", "Anwser"), encoding="utf-8")
    assert findings("--changed-since", "main") == [
        ("content/new.md", 3, "S010"),
        ("content/new.md", 5, "S004"),
    ]
    monkeypatch.chdir(repo / "content")
    assert findings(".", "--changed-since", "main") == [
        ("new.md", 3, "S010"),
        ("new.md", 5, "S004"),
    ]


def test_nothing_changed_means_nothing_reported(repo: Path) -> None:
    assert findings("content") != []
    assert findings("content", "--changed-since", "main") == []


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "no-such-branch",
            "unknown git revision 'no-such-branch'; check the name with `git branch --all`",
        ),
        (
            "origin/main",
            "unknown git revision 'origin/main'; fetch it first (`git fetch origin main`)",
        ),
        (
            "--output=x",
            "--changed-since needs a git revision such as main or origin/main, not '--output=x'",
        ),
    ],
)
def test_unknown_revision_is_a_usage_error(repo: Path, ref: str, message: str) -> None:
    code, out, err = run_cli("check", "content", f"--changed-since={ref}")
    assert (code, out) == (2, "")
    assert err == f"qalint: error: {message}\n"


def test_unrelated_history_says_how_to_fix_it(repo: Path) -> None:
    git(repo, "switch", "-q", "--orphan", "other")
    (repo / "x.md").write_text("# x\n", encoding="utf-8")
    git(repo, "add", "x.md")
    git(repo, "commit", "-q", "-m", "unrelated")
    git(repo, "switch", "-q", "feature")
    code, _out, err = run_cli("check", "content", "--changed-since", "other")
    assert code == 2
    assert "have no common history" in err and "fetch-depth: 0" in err


def test_outside_a_repository_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "q.md").write_text(question("What is dropout?"), encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(folder)
    code, _out, err = run_cli("check", ".", "--changed-since", "main")
    assert code == 2
    assert "--changed-since works inside a git repository" in err


def test_a_repository_git_refuses_to_read_is_not_called_missing(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a container job the checkout often belongs to another user, and git refuses it."""
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    code, out, err = run_cli("check", "content", "--changed-since", "main")
    assert (code, out) == (2, "")
    assert "is not in one" not in err
    assert err.startswith(
        f"qalint: error: --changed-since: git cannot read the repository at {repo / 'content'}: "
        f"detected dubious ownership in repository at '{repo}'"
    )
    assert f"git config --global --add safe.directory {repo}" in err


def test_an_empty_revision_is_a_usage_error_not_a_whole_bank_run(repo: Path) -> None:
    code, out, err = run_cli("check", "content", "--changed-since=")
    assert (code, out) == (2, "")
    assert err.startswith("qalint: error: ") and "--changed-since" in err


def test_writing_a_baseline_of_changed_files_only_is_refused(repo: Path) -> None:
    code, out, err = run_cli(
        "check", "content", "--changed-since", "main", "--write-baseline", "b.json"
    )
    assert (code, out) == (2, "")
    assert err == "qalint: error: --write-baseline records the whole bank; drop --changed-since\n"
    assert not (repo / "b.json").exists()


def test_online_checks_fetch_only_the_urls_of_changed_files(repo: Path) -> None:
    from pytest_httpserver import HTTPServer

    (repo / "qalint.toml").write_text("[links]\nallow-private = true\n", encoding="utf-8")
    with HTTPServer(host="127.0.0.1") as server:
        server.expect_request("/old").respond_with_data("gone", status=404)
        server.expect_request("/new").respond_with_data("gone", status=404)
        old_link = f"\n        See [the page]({server.url_for('/old')}).\n"
        (repo / "content" / "relu.md").write_text(question("What is ReLU?") + old_link, "utf-8")
        git(repo, "commit", "-q", "-am", "old link")
        new_link = f"\n        See [the page]({server.url_for('/new')}).\n"
        (repo / "content" / "gelu.md").write_text(question("What is GELU?") + new_link, "utf-8")
        code, out, err = run_cli(
            "check",
            "content",
            "--changed-since",
            "HEAD",
            "--check-urls",
            "--no-cache",
            "--select",
            "L101",
            "--output-format",
            "json",
        )
        requested = {request.path for request, _response in server.log}
    assert code == 1, err
    assert [(d["path"], d["code"]) for d in json.loads(out)] == [("content/gelu.md", "L101")]
    assert requested == {"/new"}
