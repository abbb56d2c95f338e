"""Baselines: record today's findings so that only new ones are reported.

``qalint check --write-baseline FILE`` stores each finding as its code, its file (relative to
the baseline's folder) and a normalised snippet of its line, with a count for repeats. Line
numbers are not stored, so findings still match after lines above them were added or removed;
a finding whose own line was edited counts as new. ``--baseline FILE`` then hides as many
findings of each (code, file, snippet) as the baseline recorded and reports the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qalint import __version__
from qalint.diagnostics import Diagnostic

if TYPE_CHECKING:
    from qalint.config import Config
    from qalint.engine import RunOptions

FORMAT_VERSION = 1
Key = tuple[str, str, str]


class BaselineError(Exception):
    """The baseline file is missing, unreadable or malformed; the message says what to do."""


def normalise_snippet(line: str) -> str:
    """A line with surrounding whitespace removed and inner whitespace runs collapsed."""
    return " ".join(line.split())


def snippet_of(d: Diagnostic, sources: Mapping[str, Sequence[str]]) -> str:
    """The normalised text of the finding's first line ("" when the source is unknown)."""
    lines = sources.get(d.path)
    if not lines or not 0 < d.line <= len(lines):
        return ""
    return normalise_snippet(lines[d.line - 1])


def relative_path(path: str, folder: Path) -> str:
    """``path`` relative to ``folder`` in POSIX form (absolute when it cannot be relative)."""
    absolute = Path(path).resolve()
    try:
        return Path(os.path.relpath(absolute, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return absolute.as_posix()


def keys(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]], folder: Path
) -> list[Key]:
    """The matching key (code, path relative to ``folder``, snippet) of every finding."""
    return [(d.code, relative_path(d.path, folder), snippet_of(d, sources)) for d in diagnostics]


def fingerprints(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]]
) -> list[str]:
    """A stable id per finding (code, path, snippet and occurrence number), line-shift proof."""
    seen: Counter[Key] = Counter()
    out = []
    for d in diagnostics:
        key = (d.code, d.path, snippet_of(d, sources))
        seen[key] += 1
        text = "\0".join([*key, str(seen[key])])
        # surrogateescape: a file name that is not UTF-8 still hashes (to its own bytes).
        out.append(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32])
    return out


def dumps(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]], folder: Path
) -> str:
    """The baseline file's text for these findings (sorted, so it diffs well)."""
    counts = Counter(keys(diagnostics, sources, folder))
    findings = [
        {"code": code, "path": path, "snippet": snippet, "count": count}
        for (code, path, snippet), count in sorted(
            counts.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])
        )
    ]
    data = {"qalint_baseline": FORMAT_VERSION, "findings": findings}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _replace_atomically(file: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``file`` and move it over ``file``.

    The temporary file is removed when anything fails, so no ``.name.xxxx`` litter is left.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        # A file name that is not UTF-8 holds lone surrogates; backslashreplace writes them as
        # the JSON escape ``\udcff``, which reads back as the same name.
        with os.fdopen(
            fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n"
        ) as handle:
            handle.write(text)
        os.replace(temp, file)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_baseline(
    file: Path, diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]]
) -> str:
    """Write the baseline atomically; return a one-line note for the user."""
    file = Path(file)
    if not file.name or file.is_dir():
        raise BaselineError(f"cannot write baseline {file}: it is a folder; name a file")
    text = dumps(diagnostics, sources, file.parent)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise BaselineError(
            f"cannot write baseline {file}: a file on the way is not a folder"
        ) from exc
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {file}: {exc.strerror or exc}") from exc
    try:
        _replace_atomically(file, text)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {file}: {exc.strerror or exc}") from exc
    files = len({d.path for d in diagnostics})
    return (
        f"qalint: recorded {len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''} to {file}; check with --baseline {file} "
        "to see only new ones\n"
    )


def _read_json(file: Path) -> object:
    """The parsed baseline file (a UTF-8 BOM, as some Windows editors add, is accepted)."""
    try:
        return json.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise BaselineError(
            f"baseline file not found: {file}; create it with "
            f"`qalint check --write-baseline {file}`"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {file}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"baseline {file} is not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}); rewrite it with --write-baseline"
        ) from exc


def _check_version(file: Path, data: object) -> None:
    """Refuse files that are not baselines, or that a newer qalint wrote in a newer format."""
    version = data.get("qalint_baseline") if isinstance(data, dict) else None
    if type(version) is not int:
        raise BaselineError(
            f"{file} is not a qalint baseline (version {FORMAT_VERSION}); "
            "rewrite it with --write-baseline"
        )
    if version != FORMAT_VERSION:
        raise BaselineError(
            f"baseline {file} is in format {version}, and this qalint ({__version__}) reads "
            f"format {FORMAT_VERSION}; use the qalint that wrote it, or rewrite it with "
            "--write-baseline"
        )


def _entry_key(file: Path, number: int, entry: object) -> tuple[Key, int]:
    """The (code, path, snippet) key and count of the ``number``-th recorded finding."""
    if isinstance(entry, dict):
        key = (entry.get("code"), entry.get("path"), entry.get("snippet"))
        count = entry.get("count", 1)
        if all(isinstance(part, str) for part in key) and type(count) is int:
            return (key[0], key[1], key[2]), max(count, 0)
    raise BaselineError(
        f"baseline {file}: finding #{number} needs string code, path and snippet and an "
        "integer count; rewrite it with --write-baseline"
    )


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def load(file: Path) -> Counter[Key]:
    """How many findings of each (code, path, snippet) the baseline file allows."""
    file = Path(file)
    data = _read_json(file)
    _check_version(file, data)
    assert isinstance(data, dict)
    entries = data.get("findings", [])
    if not isinstance(entries, list):
        raise BaselineError(
            f"baseline {file}: `findings` must be a list, not {_json_type(entries)}; "
            "rewrite it with --write-baseline"
        )
    allowed: Counter[Key] = Counter()
    for number, entry in enumerate(entries, start=1):
        key, count = _entry_key(file, number, entry)
        allowed[key] += count
    return allowed


def skipped_codes(config: Config, options: RunOptions) -> set[str]:
    """Codes of the rules that do not run with this configuration and these options.

    Pass them to :meth:`Baseline.apply`, so that ``--select S`` or a run without
    ``--check-urls`` does not report the baseline's other findings as fixed.
    """
    from qalint.engine import is_enabled, online_enabled
    from qalint.rules.registry import all_rules

    online = online_enabled(config, options)
    return {
        r.code
        for r in all_rules()
        if not is_enabled(r.code, r.name, config) or (r.online and not online)
    }


class Baseline:
    """A loaded baseline: how many findings of each key it allows, and where it lives."""

    def __init__(self, file: Path) -> None:
        """Read ``file``; raise BaselineError with advice when it is missing or malformed."""
        self.file = Path(file)
        self.allowed = load(self.file)

    def apply(
        self,
        diagnostics: Sequence[Diagnostic],
        sources: Mapping[str, Sequence[str]],
        skipped: Collection[str] = (),
    ) -> tuple[list[Diagnostic], str]:
        """The findings the baseline does not cover, and a note on what it hid and what is gone.

        Findings count as gone only in files that still have findings in this run, or that no
        longer exist, so checking part of the bank does not report the rest as fixed; and
        never for a code in ``skipped`` (rules that did not run: deselected with ``--select``
        or ``--ignore``, or online rules without ``--check-urls``).
        """
        folder = self.file.parent
        remaining = Counter(self.allowed)
        new: list[Diagnostic] = []
        hidden = 0
        for d, key in zip(diagnostics, keys(diagnostics, sources, folder), strict=True):
            if remaining[key] > 0:
                remaining[key] -= 1
                hidden += 1
            else:
                new.append(d)
        checked = {relative_path(d.path, folder) for d in diagnostics}
        gone = sum(
            n
            for (code, path, _snippet), n in remaining.items()
            if code not in skipped and (path in checked or not (folder / path).exists())
        )
        notes = []
        if hidden:
            notes.append(
                f"{hidden} known finding{'s' if hidden != 1 else ''} hidden by baseline {self.file}"
            )
        if gone:
            notes.append(
                f"{gone} baselined finding{'s' if gone != 1 else ''} no longer "
                f"occur{'s' if gone == 1 else ''}; shrink the baseline with "
                f"--write-baseline {self.file}"
            )
        return new, "".join(f"qalint: {note}\n" for note in notes)
