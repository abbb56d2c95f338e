"""The published pre-commit hooks, run by real pre-commit in a temporary git repository.

pre-commit builds each hook's environment from the package index (about ten seconds per
``try-repo``). Set QALINT_SKIP_PRECOMMIT=1 to skip these tests; they run by default.
``try-repo`` needs a git repository whose HEAD holds ``.pre-commit-hooks.yaml``, so the project,
as it is in the working tree, is copied to a temporary repository and committed there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    os.environ.get("QALINT_SKIP_PRECOMMIT") == "1", reason="QALINT_SKIP_PRECOMMIT=1"
)

QUESTION = """\
!!! Question ""
    === "Question"
        #### {heading}

    === "{answer_tab}"

        {answer}
"""


def question(
    heading: str, answer: str = "A regularization technique.", answer_tab: str = "Answer"
) -> str:
    return QUESTION.format(heading=heading, answer=answer, answer_tab=answer_tab)


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    pytest.importorskip(
        "pre_commit", reason="pre-commit is not installed (pip install -e '.[test]' installs it)"
    )
    home = tmp_path_factory.mktemp("home")
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "PRE_COMMIT_COLOR": "never",
        "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "NO_COLOR": "1",
    }


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """The project's working tree (tracked and new files, not ignored ones), committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("the project is not a git work tree, so its files cannot be listed")
    copy = tmp_path_factory.mktemp("qalint-hooks")
    for name in listed.stdout.decode("utf-8", "surrogateescape").split("\0"):
        source = ROOT / name
        if name and source.is_file() and not source.is_symlink():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git(copy, "init", "-q", env=env)
    git(copy, "add", "-A", env=env)
    git(copy, "commit", "-q", "--no-verify", "-m", "qalint as it is in the working tree", env=env)
    return copy


@pytest.fixture
def user_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A contributor's repository with a bad, a good and a fixable question file."""
    repo = tmp_path / "bank"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / "bad.md").write_text(
        question("What is dropout?", answer_tab="Anwser"), encoding="utf-8"
    )
    (repo / "good.md").write_text(
        question("What is weight decay?", "A penalty on large weights."), encoding="utf-8"
    )
    (repo / "again.md").write_text(question("What is Dropout ?"), encoding="utf-8")
    (repo / "fixable.md").write_text(
        "  \n" + question("What is a GPU?", "A processor."), encoding="utf-8"
    )
    git(repo, "add", "-A", env=env)
    return repo


def try_repo(
    hooks_repo: Path, user_repo: Path, env: dict[str, str], hook: str, *files: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), hook, "--files", *files],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_check_hook_fails_on_a_bad_file_and_prints_the_findings(
    hooks_repo: Path, user_repo: Path, env: dict[str, str]
) -> None:
    done = try_repo(hooks_repo, user_repo, env, "qalint", "bad.md")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "qalint" in done.stdout and "Failed" in done.stdout
    assert (
        'bad.md:5:9: S004 tab title "Anwser" is not allowed (did you mean "Answer"?)' in done.stdout
    )


def test_check_hook_passes_on_a_good_file(
    hooks_repo: Path, user_repo: Path, env: dict[str, str]
) -> None:
    done = try_repo(hooks_repo, user_repo, env, "qalint", "good.md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout and "S0" not in done.stdout


def test_check_hook_sees_every_file_for_cross_file_rules(
    hooks_repo: Path, user_repo: Path, env: dict[str, str]
) -> None:
    """require_serial: all files of the commit go to one qalint process."""
    done = try_repo(hooks_repo, user_repo, env, "qalint", "good.md", "again.md", "bad.md")
    assert done.returncode == 1
    assert 'bad.md:3:9: S010 question "What is dropout?" is already asked at again.md:3' in (
        done.stdout
    )


def test_fix_hook_fixes_the_file_then_passes(
    hooks_repo: Path, user_repo: Path, env: dict[str, str]
) -> None:
    fixable = user_repo / "fixable.md"
    first = try_repo(hooks_repo, user_repo, env, "qalint-fix", "fixable.md")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert fixable.read_text(encoding="utf-8") == "\n" + question("What is a GPU?", "A processor.")
    second = try_repo(hooks_repo, user_repo, env, "qalint-fix", "fixable.md")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout


def test_manifest_and_project_config_are_valid(env: dict[str, str]) -> None:
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, str(ROOT / name)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_project_hygiene_hooks_leave_the_generated_rule_docs_alone(
    hooks_repo: Path, env: dict[str, str]
) -> None:
    """docs/rules.md shows trailing whitespace on purpose (W001's examples) and must stay
    byte-identical to `qalint rules --output-format markdown`, so no hygiene hook rewrites it."""
    docs = hooks_repo / "docs" / "rules.md"
    before = docs.read_bytes()
    assert any(line != line.rstrip() for line in before.decode("utf-8").splitlines())
    for hook in ("trailing-whitespace", "end-of-file-fixer"):
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", hook, "--files", "docs/rules.md"],
            cwd=hooks_repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        changed = docs.read_bytes() != before
        git(hooks_repo, "checkout", "--", ".", env=env)  # other tests share this copy
        assert done.returncode == 0 and not changed, done.stdout + done.stderr


def readme_snippet() -> str:
    """The ``.pre-commit-config.yaml`` snippet of README.md, as a user copies it."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use as a pre-commit hook", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the pre-commit section should hold exactly one yaml snippet"
    return blocks[0]


def test_the_readme_snippet_installs_runs_and_bumps(
    hooks_repo: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    """The README's snippet, with its two placeholders filled in, works with real pre-commit:
    `pre-commit install`, then `git commit` runs the hooks; `autoupdate --freeze` bumps it."""
    published = tmp_path / "qalint"  # where a user would get qalint from
    git(tmp_path, "clone", "-q", str(hooks_repo), str(published), env=env)
    sha = git(published, "rev-parse", "HEAD", env=env).strip()
    snippet = readme_snippet()
    assert "<qalint-git-url>" in snippet and "<full-commit-sha>" in snippet
    config = snippet.replace("<qalint-git-url>", str(published)).replace("<full-commit-sha>", sha)
    bank = tmp_path / "bank"
    bank.mkdir()
    git(bank, "init", "-q", env=env)
    (bank / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (bank / "content").mkdir()
    (bank / "content" / "bad.md").write_text(
        question("What is dropout?", answer_tab="Anwser"), encoding="utf-8"
    )
    (bank / "README.md").write_text("# Not a question bank  \n", encoding="utf-8")

    def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=bank,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    installed = pre_commit("install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(bank, "add", "-A", env=env)
    env_path = {**env, "PATH": str(Path(sys.executable).parent) + os.pathsep + env["PATH"]}
    refused = subprocess.run(
        ["git", "commit", "-q", "-m", "bank"],
        cwd=bank,
        env=env_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert 'content/bad.md:5:9: S004 tab title "Anwser" is not allowed' in output
    assert "README.md" not in output  # `files: ^content/` keeps it out

    (bank / "content" / "bad.md").write_text(question("What is dropout?"), encoding="utf-8")
    git(bank, "add", "-A", env=env)
    accepted = subprocess.run(
        ["git", "commit", "-q", "-m", "bank"],
        cwd=bank,
        env=env_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr

    git(published, "commit", "-q", "--allow-empty", "-m", "newer", env=env)
    newer = git(published, "rev-parse", "HEAD", env=env).strip()
    bumped = pre_commit("autoupdate", "--freeze", "--repo", str(published))
    assert bumped.returncode == 0, bumped.stdout + bumped.stderr
    assert f"rev: {newer}" in (bank / ".pre-commit-config.yaml").read_text(encoding="utf-8")
