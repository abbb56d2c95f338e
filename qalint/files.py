"""Finding and reading Markdown files; every input problem becomes an E diagnostic."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qalint.diagnostics import Diagnostic, Span
from qalint.markdown.source import Source, decode, looks_binary, text_lines
from qalint.rules.input import BINARY, MISSING, TOO_LARGE, UNDECODABLE, UNREADABLE

# Given a walked folder, the file names there a walk leaves out (None: none).
SkipIn = Callable[[str], Callable[[str], bool] | None]

SKIPPED_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".qalint_cache",
    "site",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
}


@dataclass
class LoadedFile:
    """A file that was read and decoded, or the diagnostic that says why it was not."""

    path: str
    source: Source | None
    problem: Diagnostic | None = None
    digest: str | None = None  # of the bytes read, when asked for (the result cache's key)


def display_path(path: Path, resolved: Path | None = None, cwd: Path | None = None) -> str:
    """The path as shown in output: relative to the working directory when inside it.

    ``resolved`` (the path with its symbolic links followed) and ``cwd`` (the resolved
    working directory) spare the system calls when the caller already knows them.
    """
    try:
        real = resolved if resolved is not None else path.resolve()
        return real.relative_to(cwd if cwd is not None else Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the cwd, or a symbolic link loop
        return path.as_posix()


def _resolved_in(folder: Path | None, full: Path) -> Path | None:
    """``full`` resolved: its resolved folder plus its name, unless it is itself a link."""
    if folder is None or os.path.islink(full):
        return None
    return folder / full.name


def _shown_prefix(real: Path | None, cwd: Path) -> str | None:
    """What ``display_path`` puts before the name of a file (not a link) in the folder
    that resolves to ``real``; None when the folder is outside ``cwd`` or unknown."""
    if real is None:
        return None
    try:
        relative = real.relative_to(cwd).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative + "/"


def excluded(path: str, patterns: list[str]) -> bool:
    """True when the path, or any folder on it, matches an exclude glob."""
    if not patterns:
        return False
    parts = Path(path).parts
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern + "/*"):
            return True
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def discover(
    paths: list[str], exclude: list[str], skip: SkipIn | None = None
) -> tuple[list[Path], list[Diagnostic]]:
    """Markdown files under ``paths`` (sorted, deduplicated) and E001 for missing paths.

    A file named explicitly is checked whatever its extension; folders are walked for ``*.md``
    (``skip``: as for ``walk``).
    """
    found, problems = discover_shown(paths, exclude, skip=skip)
    return [path for path, _ in found], problems


def discover_shown(
    paths: list[str], exclude: list[str], gitignore: bool = True, skip: SkipIn | None = None
) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """As ``discover``, each file with its ``display_path`` (which the walk works out anyway)."""
    found = walk(paths, exclude, gitignore, skip=skip)
    return found.files, found.problems


@dataclass
class Discovery:
    """What ``walk`` found: files with their display paths, E001s, and notes for stderr."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def walk(
    paths: list[str],
    exclude: list[str],
    gitignore: bool = True,
    force_exclude: bool = False,
    skip: SkipIn | None = None,
) -> Discovery:
    """Markdown files under ``paths``, sorted and deduplicated (see ``discover``).

    Folders are walked for ``*.md`` and ``*.markdown``, skipping ``SKIPPED_DIRS``, the
    ``exclude`` globs and, with ``gitignore``, what git ignores (when the folder is in a git
    work tree). A file named explicitly is checked whatever its extension, even when excluded
    or ignored (a note says so), unless ``force_exclude``. ``skip``: asked once per walked
    folder, it gives the file names the walk leaves out there (pages the site does not
    render, by its ``exclude_docs``), or None; a file named explicitly is never skipped.
    """
    found: dict[str, Path] = {}
    result = Discovery()
    named: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            result.problems.append(_missing(raw, path))
            continue
        if path.is_dir():
            ignored = git_ignored(path) if gitignore else frozenset()
            if os.path.join(os.fspath(path), ".") in ignored:  # the folder itself
                if force_exclude:
                    continue
                result.notes.append(
                    f"{display_path(path)} is excluded by a .gitignore; checked because it "
                    "was named"
                )
            _walk_folder(path, exclude, ignored, found, skip)
        else:
            named.append((path, display_path(path)))
    ignored_files = git_ignored_files([p for p, _ in named]) if gitignore and named else set()
    for path, shown in named:
        reason = None
        if excluded(shown, exclude):
            reason = "`exclude` in the configuration"
        elif path in ignored_files:
            reason = "a .gitignore"
        if reason is not None and force_exclude:
            continue
        if reason is not None:
            result.notes.append(f"{shown} is excluded by {reason}; checked because it was named")
        found.setdefault(shown, path)
    result.files = [(found[k], k) for k in sorted(found)]
    return result


def _walk_folder(
    path: Path,
    exclude: list[str],
    ignored: frozenset[str],
    found: dict[str, Path],
    skip: SkipIn | None = None,
) -> None:
    """Add the Markdown files under one folder to ``found`` (display path -> path)."""
    cwd = Path.cwd().resolve()
    for folder, dirs, files in os.walk(path):
        try:  # resolved once per folder, not once per file
            real: Path | None = Path(folder).resolve()
        except (OSError, RuntimeError):
            real = None
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS
            and not (ignored and os.path.join(folder, d) in ignored)
            and not excluded(
                display_path(Path(folder) / d, _resolved_in(real, Path(folder) / d), cwd),
                exclude,
            )
        )
        prefix = _shown_prefix(real, cwd)
        base = Path(folder)
        left_out = skip(folder) if skip is not None else None
        for name in sorted(files):
            if name.endswith((".md", ".markdown")):
                if ignored and os.path.join(folder, name) in ignored:
                    continue
                if left_out is not None and left_out(name):
                    continue
                full = base / name
                if prefix is None or os.path.islink(full):
                    shown = display_path(full, _resolved_in(real, full), cwd)
                else:  # display_path without a Path per file
                    shown = prefix + name
                if not excluded(shown, exclude):
                    found.setdefault(shown, full)


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes | None:
    """git's standard output, or None when git is missing or refuses (not a work tree...)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode in (0, 1) else None


def git_ignored(folder: Path) -> frozenset[str]:
    """What git ignores under ``folder``, as the paths ``os.walk(folder)`` yields them.

    One ``git ls-files --others --ignored --exclude-standard --directory`` (a wholly ignored
    folder is one entry), so .gitignore files, .git/info/exclude and the global excludes
    file count as git counts them. Tracked files are never ignored. Empty outside a git
    work tree or without git. When ``folder`` itself is ignored, the set holds
    ``folder/.`` (and nothing under it is singled out).
    """
    out = _git(
        ["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"], folder
    )
    if not out:
        return frozenset()
    base = os.fspath(folder)
    return frozenset(
        os.path.join(base, os.path.normpath(entry.rstrip("/")))
        for entry in out.decode("utf-8", "surrogateescape").split("\0")
        if entry
    )


def git_ignored_files(paths: list[Path]) -> set[Path]:
    """Which of these files git ignores: one ``git check-ignore --stdin`` run in the work tree
    of the first file (none outside a work tree or without git)."""
    listed = b"".join(os.fsencode(os.path.abspath(p)) + b"\0" for p in paths)
    out = _git(["check-ignore", "-z", "--stdin"], Path(os.path.abspath(paths[0])).parent, listed)
    if not out:
        return set()
    ignored = {os.fsdecode(entry) for entry in out.split(b"\0") if entry}
    return {p for p in paths if os.path.abspath(p) in ignored}


def _missing(raw: str, path: Path) -> Diagnostic:
    """E001 for a path that does not exist (or is a symbolic link to nothing)."""
    if path.is_symlink():
        return MISSING.at(
            raw, f"path not found: {raw} is a symbolic link to a missing file (or a link loop)"
        )
    return MISSING.at(raw, f"path not found: {raw}; check the spelling or the working directory")


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file; OSError for a pipe, socket or device (reading would block)."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(f"{path} is not a regular file")
    return path.read_bytes()


def content_digest(data: bytes) -> str:
    """The digest of a file's bytes that keys its cached result."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_fd(fd: int, size: int) -> bytes:
    """Everything left to read from ``fd`` (``size``: the expected length)."""
    first = os.read(fd, size + 1)
    if len(first) <= size:  # a short read of a regular file is its end
        return first
    chunks = [first]  # the file grew since fstat
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _not_a_file(shown: str, mode: int) -> LoadedFile | None:
    """E004 for a folder, pipe, socket or device (None for a regular file)."""
    if stat.S_ISDIR(mode):
        return LoadedFile(shown, None, UNREADABLE.at(shown, "is a directory, not a file"))
    if not stat.S_ISREG(mode):
        return LoadedFile(
            shown,
            None,
            UNREADABLE.at(shown, "is not a regular file (a pipe, socket or device); not checked"),
        )
    return None


def load(path: Path, max_size: int, digest: bool = False, shown: str | None = None) -> LoadedFile:
    """Read and decode one file; a problem is returned as a diagnostic, never raised.

    With ``digest``, the result carries ``content_digest`` of the bytes that were read;
    ``shown`` is the file's ``display_path``, when the caller already knows it.
    """
    if shown is None:
        shown = display_path(path)
    try:
        # One open, then fstat: a FIFO opened without blocking is seen for what it is before
        # anything reads it (reading one would block or never end).
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError:
            # A socket cannot be opened, nor a folder on some systems: say what it is.
            not_a_file = _not_a_file(shown, os.stat(path).st_mode)
            if not_a_file is not None:
                return not_a_file
            raise
        try:
            info = os.fstat(fd)
            not_a_file = _not_a_file(shown, info.st_mode)
            if not_a_file is not None:
                return not_a_file
            size = info.st_size
            if size > max_size:
                return LoadedFile(
                    shown,
                    None,
                    TOO_LARGE.at(
                        shown,
                        f"file is {size:,} bytes, over max-file-size ({max_size:,}); it was not "
                        "checked (raise max-file-size or split the file)",
                    ),
                )
            data = _read_fd(fd, size)
        finally:
            os.close(fd)
    except IsADirectoryError:
        return LoadedFile(shown, None, UNREADABLE.at(shown, "is a directory, not a file"))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return LoadedFile(shown, None, UNREADABLE.at(shown, f"cannot read file: {reason}"))
    loaded = load_bytes(shown, data)
    if digest:
        loaded.digest = content_digest(data)
    return loaded


UTF16_32_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def load_bytes(shown: str, data: bytes) -> LoadedFile:
    """Decode bytes that were read from ``shown``."""
    decoded = _decoded(shown, data)
    if isinstance(decoded, Diagnostic):
        return LoadedFile(shown, None, decoded)
    text, bom = decoded
    return LoadedFile(shown, Source(text, had_bom=bom))


def read_lines(path: Path) -> list[str] | None:
    """The lines of a file as ``Source.lines`` holds them, or None when ``load`` would refuse
    it (for reporters, which need only the lines of files with findings)."""
    try:
        data = read_regular(path)
    except OSError:
        return None
    decoded = _decoded(path.as_posix(), data)
    return None if isinstance(decoded, Diagnostic) else text_lines(decoded[0])


def _decoded(shown: str, data: bytes) -> tuple[str, bool] | Diagnostic:
    """The text of the bytes and whether they started with a BOM, or why they cannot be read."""
    wide = next((name for bom, name in UTF16_32_BOMS if data.startswith(bom)), None)
    if wide is not None:
        return UNDECODABLE.at(
            shown,
            f"not valid UTF-8: the file is {wide} (it starts with a {wide} byte-order mark); "
            "re-save it as UTF-8",
        )
    if looks_binary(data):
        return BINARY.at(
            shown, "binary file (it holds NUL bytes); not checked. Exclude it or rename it"
        )
    try:
        return decode(data)
    except UnicodeDecodeError as exc:
        return _undecodable(shown, data, exc)


def _undecodable(shown: str, data: bytes, exc: UnicodeDecodeError) -> Diagnostic:
    """E003 at the first bad byte: its file offset, and the line and character column."""
    skipped = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    offset = exc.start + skipped
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = max(before.rfind(b"\n") + 1, skipped)
    column = len(data[line_start:offset].decode("utf-8")) + 1  # valid up to the bad byte
    byte = data[offset : offset + 1].hex()
    return UNDECODABLE.at(
        shown,
        f"not valid UTF-8: byte 0x{byte} at offset {offset} (line {line}, column {column}); "
        "re-save the file as UTF-8 (it may be Latin-1 or Windows-1252)",
        Span(line, column, line, column + 1),
    )
