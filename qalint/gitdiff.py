"""Pull-request mode: lint only the files changed since the merge base with a git revision.

``qalint check --changed-since REF`` parses the whole configured bank, so cross-file rules
(duplicate questions, other project-scope rules) still compare against every file, but reports
only findings in files changed since ``git merge-base REF HEAD``: files added, copied, modified,
renamed or retyped in commits since then, in the index or in the working tree, plus untracked
files that are not ignored (a question file you have not added yet is still part of your change).
Unchanged files are handed to the rules first, so a duplicate question is reported at the new
copy, in the changed file, not at the original.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from qalint.config import Config
from qalint.engine import LintResult, RunOptions, lint_documents, load_documents


class GitError(Exception):
    """git is missing, the folder is not a repository, or the revision is unknown."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("--changed-since needs git, which is not installed or not on PATH") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout.decode("utf-8", "surrogateescape")


def repository_root(start: Path) -> Path:
    """The top folder of the git work tree that holds ``start``."""
    folder = start if start.is_dir() else start.parent
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    except GitError as exc:
        raise GitError(f"--changed-since works inside a git repository, and {folder} is not in "
                       "one") from exc


def merge_base(ref: str, root: Path) -> str:
    """The commit where HEAD and ``ref`` diverged."""
    try:
        _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root)
    except GitError as exc:
        raise GitError(f"unknown git revision '{ref}'; fetch it first (for example `git fetch "
                       f"origin {ref.removeprefix('origin/')}`)") from exc
    try:
        return _git(["merge-base", "--end-of-options", ref, "HEAD"], root).strip()
    except GitError as exc:
        raise GitError(f"HEAD and '{ref}' have no common history here; in a shallow clone "
                       "fetch the full history (actions/checkout: `fetch-depth: 0`)") from exc


def changed_files(ref: str, start: Path | None = None) -> set[Path]:
    """Resolved paths of files changed since the merge base of ``ref`` and HEAD, plus untracked."""
    root = repository_root((start or Path.cwd()).resolve())
    base = merge_base(ref, root)
    listed = _git(["diff", "--name-only", "-z", "--no-ext-diff", "--find-renames",
                   "--diff-filter=ACMRT", base, "--"], root)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--full-name"], root)
    names = [name for name in (listed + untracked).split("\0") if name]
    return {(root / name).resolve() for name in names}


def run_changed_since(ref: str, paths: list[str], config: Config,
                      options: RunOptions | None = None) -> LintResult:
    """Lint ``paths`` as a whole, keep only findings in files changed since ``ref``.

    The result's ``documents`` and ``files_checked`` cover the changed files only; a finding
    about a path that does not exist (a mistyped argument) is always kept.
    """
    start = Path(paths[0]) if paths and Path(paths[0]).exists() else Path.cwd()
    changed = changed_files(ref, start)

    def is_changed(path: str) -> bool:
        return Path(path).resolve() in changed

    documents, problems, _count = load_documents(paths, config)
    documents.sort(key=lambda doc: (is_changed(doc.path), doc.path))
    diagnostics = lint_documents(documents, config, options, problems)
    kept = [d for d in diagnostics if is_changed(d.path) or not Path(d.path).exists()]
    changed_docs = [doc for doc in documents if is_changed(doc.path)]
    changed_problems = {d.path for d in problems if is_changed(d.path)}
    return LintResult(kept, changed_docs, len(changed_docs) + len(changed_problems))
