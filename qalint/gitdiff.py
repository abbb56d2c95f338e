"""Pull-request mode: lint only the files changed since the merge base with a git revision.

``qalint check --changed-since REF`` parses the whole configured bank, so cross-file rules
(duplicate questions, other project-scope rules) still compare against every file, but reports
only findings in files changed since ``git merge-base REF HEAD``: files added, copied, modified,
renamed or retyped in commits since then, in the index or in the working tree, plus untracked
files that are not ignored (a question file you have not added yet is still part of your change).
The run itself is the ordinary engine run (cache and worker processes included); only the
reporting is narrowed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from qalint.config import Config
from qalint.engine import LintResult, RunOptions, run


class GitError(Exception):
    """git is missing, the folder is not a repository, or the revision is unknown."""


def git_message(stderr: str) -> str:
    """git's own complaint on one line: the ``fatal:``/``error:`` line and the advice after it.

    git ends some messages with advice (``detected dubious ownership ...`` is followed by the
    ``git config --global --add safe.directory ...`` to run), so the last line alone can be a
    command out of context, and the first may be a ``hint:``.
    """
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    for number, line in enumerate(lines):
        prefix, _, rest = line.partition(": ")
        if prefix in ("fatal", "error") and rest:
            advice = " ".join(lines[number + 1 :])
            return f"{rest}; {advice}" if advice else rest
    return " ".join(lines)


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("--changed-since needs git, which is not installed or not on PATH") from exc
    if done.returncode != 0:
        message = git_message(done.stderr.decode("utf-8", "replace"))
        raise GitError(message or f"git {' '.join(args)} failed")
    return done.stdout.decode("utf-8", "surrogateescape")


def repository_root(start: Path) -> Path:
    """The top folder of the git work tree that holds ``start``."""
    folder = start if start.is_dir() else start.parent
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    except GitError as exc:
        if "not a git repository" in str(exc).lower():
            raise GitError(
                f"--changed-since works inside a git repository, and {folder} is not in one"
            ) from exc
        raise GitError(
            f"--changed-since: git cannot read the repository at {folder}: {exc}"
        ) from exc


def merge_base(ref: str, root: Path) -> str:
    """The commit where HEAD and ``ref`` diverged."""
    if not ref or ref.startswith("-"):
        raise GitError(
            f"--changed-since needs a git revision such as main or origin/main, not '{ref}'"
        )
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except GitError as exc:
        remote, _, branch = ref.partition("/")
        hint = (
            f"fetch it first (`git fetch {remote} {branch}`)"
            if branch
            else "check the name with `git branch --all`"
        )
        raise GitError(f"unknown git revision '{ref}'; {hint}") from exc
    try:
        return _git(["merge-base", ref, "HEAD"], root).strip()
    except GitError as exc:
        raise GitError(
            f"HEAD and '{ref}' have no common history here; in a shallow clone "
            "fetch the full history (actions/checkout: `fetch-depth: 0`)"
        ) from exc


def changed_files(ref: str, start: Path | None = None) -> set[Path]:
    """Resolved paths of files changed since the merge base of ``ref`` and HEAD, plus untracked."""
    root = repository_root((start or Path.cwd()).resolve())
    base = merge_base(ref, root)
    listed = _git(
        [
            "diff",
            "--name-only",
            "-z",
            "--no-ext-diff",
            "--find-renames",
            "--diff-filter=ACMRT",
            base,
            "--",
        ],
        root,
    )
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], root)
    names = [name for name in (listed + untracked).split("\0") if name]
    return {(root / name).resolve() for name in names}


def run_changed_since(
    ref: str, paths: list[str], config: Config, options: RunOptions | None = None
) -> LintResult:
    """Lint ``paths`` as a whole and keep only findings in files changed since ``ref``.

    A finding about a path that does not exist (a mistyped argument) is always kept.
    """
    start = Path(paths[0]) if paths and Path(paths[0]).exists() else Path.cwd()
    return run(paths, config, options, report_only=changed_files(ref, start))
