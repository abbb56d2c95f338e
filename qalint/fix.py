"""``qalint fix``: apply fixes to a fixed point and write files back without ever losing data.

The fixer lints a document, takes the fixes it may apply (safe ones, and unsafe ones with
``--unsafe-fixes``), applies those whose edits do not overlap (the others wait for the next
round), re-parses and re-lints, and repeats until nothing is left to fix (at most
``MAX_ROUNDS`` rounds). A safety net (``qalint.fixcheck``) keeps it honest: an edit that
would change more than its rule says (a word above all), make a question block worse, or
bring a new error where it edits is withheld (and named on stderr) while the others apply;
a file whose fixes do not settle is left untouched. Files are written atomically (a
temporary file in the same folder, fsync, rename) with their permissions, line endings and
BOM kept; a file that would not change is not written at all, so its mtime stays.

Exit codes: 0 when no error-severity finding remains; 1 when one does, or when ``--check`` or
``--diff`` finds something to change; 2 when a file could not be fixed or written (read-only,
hard-linked, changed on disk meanwhile, fixes that do not settle, disk full): that file is
left as it was. ``--diff`` and ``--check`` name on stderr the files they could not read.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import itertools
import os
import re
import stat
import tempfile
from bisect import bisect_left
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from qalint import fixcheck
from qalint.config import Config
from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from qalint.document import Document
from qalint.engine import RunOptions, lint_documents
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.rules.input import UNREAD_CODES
from qalint.site.model import DEFAULT_SITE, SiteModel

MAX_ROUNDS = 10
BOM = "\ufeff"
WORD_RE = re.compile(r"\w+")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class FixError(ValueError):
    """The text cannot be fixed safely; the message says why (the text is left as it was)."""


@dataclass
class FixResult:
    """What fixing one text produced."""

    path: str
    original: str
    fixed: str
    had_bom: bool = False
    applied: Counter[str] = field(default_factory=Counter)
    problem: str | None = None
    withheld: list[str] = field(default_factory=list)  # "line:col: withheld the X fix: why"
    said: set[tuple] = field(default_factory=set, repr=False)  # withheld fixes reported

    @property
    def count(self) -> int:
        """How many findings were fixed."""
        return sum(self.applied.values())

    @property
    def changed(self) -> bool:
        """True when the fixed text differs from the original."""
        return self.problem is None and self.fixed != self.original


def _allowed(fix: Fix | None, unsafe: bool) -> bool:
    return (
        fix is not None and bool(fix.edits) and (fix.applicability is Applicability.SAFE or unsafe)
    )


def _overlaps(a: Edit, b: Edit) -> bool:
    """True when two edits touch the same text (or insert at the same place)."""
    if a.start < b.end and b.start < a.end:
        return True
    if a.start == a.end and b.start <= a.start <= b.end:
        return True
    return b.start == b.end and a.start <= b.start <= a.end


class _Taken:
    """Edits chosen so far, sorted by start: an overlap test costs a bisection, not a scan of
    every edit taken (3,200 fixes on one line once cost seconds)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.edits: list[Edit] = []

    def overlaps(self, edit: Edit) -> bool:
        """True when ``edit`` overlaps or touches one of the taken edits."""
        index = bisect_left(self.starts, edit.start)
        if index > 0 and _overlaps(self.edits[index - 1], edit):
            return True
        while index < len(self.starts) and self.starts[index] <= edit.end:
            if _overlaps(self.edits[index], edit):
                return True
            index += 1
        return False

    def add(self, edit: Edit) -> None:
        """Take ``edit`` (it overlaps none taken)."""
        index = bisect_left(self.starts, edit.start)
        self.starts.insert(index, edit.start)
        self.edits.insert(index, edit)


def select_fixes(
    diagnostics: Iterable[Diagnostic],
    unsafe: bool,
    length: int,
    withheld: Container[tuple] = (),
    text: str = "",
) -> list[Diagnostic]:
    """Diagnostics whose fixes can be applied together this round, in report order.

    ``withheld`` holds the keys (``fix_key``) of fixes the safety net refused in ``text``.
    """
    chosen: list[Diagnostic] = []
    taken = _Taken()
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if not _allowed(fix, unsafe):
            continue
        assert fix is not None
        edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
        if any(not 0 <= e.start <= e.end <= length for e in edits):
            continue
        if any(_overlaps(a, b) for a, b in itertools.pairwise(edits)):
            continue
        if any(taken.overlaps(e) for e in edits):
            continue
        if withheld and fix_key(diagnostic, text) in withheld:
            continue
        for edit in edits:
            taken.add(edit)
        chosen.append(diagnostic)
    return chosen


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``) in one pass."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def words(text: str) -> list[str]:
    """The word sequence that formatting fixes must keep (case-insensitive)."""
    return WORD_RE.findall(text.casefold())


def _document(text: str, had_bom: bool, path: str, site: SiteModel = DEFAULT_SITE) -> Document:
    return parse(Source(text, had_bom=had_bom), path, site)


def fix_source(
    text: str,
    path: str,
    config: Config,
    options: RunOptions | None = None,
    unsafe: bool = False,
    had_bom: bool = False,
    site: SiteModel = DEFAULT_SITE,
) -> FixResult:
    """Fix one decoded text (no BOM) to a fixed point; on trouble, ``problem`` says why.

    ``site`` is the page's site model: every round parses the text as that site renders it.
    Every round passes the safety net (``qalint.fixcheck``): an edit that would change more
    than its rule says or make a question block render worse is withheld
    (``result.withheld`` says which and why) and the round is done without it. When the
    fixed text ends with an error of a kind the original had fewer of, the fixing is done
    again checking every round for errors new where it edits, so the edit that brought it is
    withheld. (Checked at the end first: one fix may need the next to be whole, as a marker
    rewritten into a block whose tab marker is fixed in the round after.)
    """
    options = options or RunOptions()
    document = _document(text, had_bom, path, site)
    initial = lint_documents([document], config, options)
    result, final = _rounds(text, path, config, options, unsafe, had_bom, document, initial, False)
    if result.problem is None and fixcheck.error_counts(final) - fixcheck.error_counts(initial):
        result, _ = _rounds(text, path, config, options, unsafe, had_bom, document, initial, True)
    return result


def _rounds(
    text: str,
    path: str,
    config: Config,
    options: RunOptions,
    unsafe: bool,
    had_bom: bool,
    document: Document,
    diagnostics: list[Diagnostic],
    strict: bool,
) -> tuple[FixResult, list[Diagnostic]]:
    """Fix rounds to a fixed point: the result and the findings of the fixed text.
    ``strict``: also withhold a fix after which a new error shows where it edits."""
    result = FixResult(path, text, text, had_bom)
    current = text
    withheld: dict[tuple, str] = {}  # fix_key -> why, for the fixes refused so far
    rounds = 0
    while rounds < MAX_ROUNDS:
        chosen = select_fixes(diagnostics, unsafe, len(current), withheld, current)
        if not chosen:
            break
        chosen, refused = fixcheck.check_edits(current, chosen)
        if refused:
            _withhold(result, withheld, current, refused)
            continue  # choose again: a fix that waited behind a refused one may go now
        updated = apply_edits(current, [e for d in chosen for e in d.fix.edits])  # type: ignore[union-attr]
        if updated == current:
            break
        new_document = _document(updated, had_bom, path, document.site)
        refused = fixcheck.check_questions(document, new_document, current, chosen, config)
        new_diagnostics: list[Diagnostic] = []
        if not refused:
            new_diagnostics = lint_documents([new_document], config, options)
            if strict:
                refused = fixcheck.check_new_errors(current, diagnostics, new_diagnostics, chosen)
        if refused:
            _withhold(result, withheld, current, refused)
            continue
        rounds += 1
        result.applied.update(d.code for d in chosen)
        current, document, diagnostics = updated, new_document, new_diagnostics
    else:
        if select_fixes(diagnostics, unsafe, len(current), withheld, current):
            result.problem = (
                f"fixes did not settle after {MAX_ROUNDS} rounds; the file was left "
                "unchanged (please report this qalint bug)"
            )
            result.applied.clear()
            return result, diagnostics
    result.fixed = current
    return result, diagnostics


def fix_key(diagnostic: Diagnostic, text: str) -> tuple:
    """What identifies a fix across rounds: its code and its edits with the text around them
    (offsets move when other fixes apply; the text around an edit does not)."""
    assert diagnostic.fix is not None
    return (
        diagnostic.code,
        tuple(
            (text[max(0, e.start - 40) : e.end + 40], e.end - e.start, e.replacement)
            for e in diagnostic.fix.edits
        ),
    )


def _withhold(
    result: FixResult, withheld: dict[tuple, str], text: str, refused: list[tuple[Diagnostic, str]]
) -> None:
    """Record refused fixes: they are skipped from now on and reported once each."""
    for diagnostic, why in refused:
        key = fix_key(diagnostic, text)
        if key in withheld:
            continue
        withheld[key] = why
        said = (
            diagnostic.code,
            why,
            tuple((text[e.start : e.end], e.replacement) for e in diagnostic.fix.edits),
        )  # type: ignore[union-attr]
        if said in result.said:
            continue  # the same fix, met again after other fixes moved the text around it
        result.said.add(said)
        span = diagnostic.span
        result.withheld.append(
            f"{span.line}:{span.column}: withheld the {diagnostic.code} fix "
            f"({diagnostic.fix.description or diagnostic.name}): {why}"  # type: ignore[union-attr]
        )


def fix_text(
    text: str,
    path: str | None = None,
    config: Config | None = None,
    unsafe: bool = False,
    site: SiteModel = DEFAULT_SITE,
) -> str:
    """Return ``text`` with every safe fix applied (and unsafe ones when ``unsafe``), the
    text parsed as ``site`` renders it.

    A leading BOM is kept. Raises ``FixError`` when the text cannot be fixed safely (fixes
    that do not settle, or a formatting fix that would change a word).
    """
    had_bom = text.startswith(BOM)
    body = text[1:] if had_bom else text
    result = fix_source(
        body, path or "<text>", config or Config(), RunOptions(), unsafe, had_bom, site
    )
    if result.problem is not None:
        raise FixError(result.problem)
    return (BOM if had_bom else "") + result.fixed


# --- writing ------------------------------------------------------------------------------


class WriteError(OSError):
    """A fixed file could not be written; the original is intact."""


def encode(text: str, had_bom: bool) -> bytes:
    """The bytes of a decoded text, with its BOM put back."""
    return (b"\xef\xbb\xbf" if had_bom else b"") + text.encode("utf-8")


def write_atomic(path: Path, data: bytes, expected: bytes) -> None:
    """Replace ``path`` by ``data`` atomically, only if it still holds ``expected``.

    The data goes to a temporary file in the same folder, is flushed to disk, gets the
    original's permissions and then replaces the original in one rename; on any failure the
    temporary file is removed and the original is untouched. Symbolic links are followed, so
    the link stays a link. A file with no write permission bit is refused, even for root, and
    so is a file with several hard links (the rename would leave the other names unfixed).
    """
    real = Path(os.path.realpath(path))
    try:
        info = real.stat()
        current = real.read_bytes()
    except OSError as exc:
        raise WriteError(f"cannot read it again before writing: {exc.strerror or exc}") from None
    if current != expected:
        raise WriteError("it changed on disk while qalint was fixing it")
    if info.st_nlink > 1:
        raise WriteError(f"it has {info.st_nlink} hard links (an atomic replace would split them)")
    writable = info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if not writable or not os.access(real, os.W_OK):
        raise WriteError("the file is read-only (make it writable to fix it)")
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{real.name}.", suffix=".qalint-tmp", dir=real.parent
        )
    except OSError as exc:
        raise WriteError(
            f"cannot create a temporary file in {real.parent}: {exc.strerror or exc}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown"):
            with contextlib.suppress(OSError):  # not permitted: the writer stays the owner
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise WriteError(f"cannot write it: {exc.strerror or exc}") from None
    _sync_folder(real.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# --- the command ------------------------------------------------------------------------------


def unified_diff(result: FixResult) -> str:
    """A unified diff from the original to the fixed text (``\\ No newline`` noted)."""
    lines = difflib.unified_diff(
        result.original.splitlines(keepends=True),
        result.fixed.splitlines(keepends=True),
        fromfile=result.path,
        tofile=result.path,
    )
    out: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(results: list[FixResult], remaining: int, dry_run: bool) -> str:
    """``Fixed N problems in M files; K remain.`` (``Would fix`` when nothing is written)."""
    changed = [r for r in results if r.changed]
    fixed = sum(r.count for r in changed)
    verb = "Would fix" if dry_run else "Fixed"
    remain = "1 remains" if remaining == 1 else f"{remaining} remain"
    return f"{verb} {_plural(fixed, 'problem')} in {_plural(len(changed), 'file')}; {remain}."


def fix_command(
    args: argparse.Namespace, config: Config, paths: list[str], out: TextIO, err: TextIO
) -> int:
    """Run ``qalint fix`` over ``paths``; returns the exit code."""
    from qalint.engine import load_documents
    from qalint.site.load import SiteResolver

    options = RunOptions(
        check_urls=getattr(args, "check_urls", False),
        use_cache=not getattr(args, "no_cache", False),
    )
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    dry_run = bool(args.diff or args.check)
    resolver = SiteResolver(config)
    notes: list[str] = []
    documents, problems, files_checked = load_documents(
        paths, config, resolver, bool(getattr(args, "force_exclude", False)), notes
    )
    if not args.quiet:
        err.write("".join(f"qalint: note: {note}\n" for note in [*notes, *resolver.notes()]))
    results: list[FixResult] = []
    final: list[Document] = []
    failed = False
    for doc in documents:
        result = fix_source(
            doc.text, doc.path, config, options, unsafe, doc.source.had_bom, doc.site
        )
        results.append(result)
        if result.problem is None and result.changed and not dry_run:
            try:
                write_atomic(
                    Path(doc.path),
                    encode(result.fixed, result.had_bom),
                    encode(result.original, result.had_bom),
                )
            except WriteError as exc:
                result.problem = f"{exc}; the file was left unchanged"
        for note in result.withheld:
            err.write(f"qalint: {doc.path}:{note} (please report this qalint bug)\n")
        if result.problem is not None:
            failed = True
            err.write(f"qalint: {doc.path}: {result.problem}\n")
            result.fixed = result.original
            result.applied.clear()
            final.append(doc)
        else:
            final.append(_document(result.fixed, result.had_bom, doc.path, doc.site))
    remaining = lint_documents(final, config, options, problems)
    changed = [r for r in results if r.changed]
    if args.diff:
        for result in changed:
            out.write(unified_diff(result))
    elif args.check:
        for result in changed:
            out.write(f"Would fix {_plural(result.count, 'problem')} in {result.path}\n")
    if dry_run:
        _report_unfixable([d for d in remaining if d.code in UNREAD_CODES], err)
    else:
        _report(args, remaining, final, files_checked, out)
    if not args.quiet:
        stream = err if (dry_run or args.output_format != "text") else out
        stream.write(summary(results, len(remaining), dry_run) + "\n")
    if failed:
        return EXIT_ERROR
    if dry_run:
        # "Would anything change?": remaining findings are `check`'s business, but a file
        # that could not be read (E001-E005) may well need fixing.
        unread = any(d.code.startswith("E") for d in remaining)
        return EXIT_FINDINGS if changed or unread else EXIT_OK
    return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in remaining) else EXIT_OK


def _report_unfixable(problems: list[Diagnostic], err: TextIO) -> None:
    """Say why files were not looked at (missing, unreadable, not UTF-8, ...), on stderr.

    ``--diff`` and ``--check`` keep stdout for the patch or the list of files that would
    change, so these findings would otherwise show only as a count in the summary.
    """
    from qalint.report import ReportContext
    from qalint.report.text import render_one

    plain = ReportContext(color=False)
    err.write("".join(render_one(d, plain) + "\n" for d in problems))


def _report(
    args: argparse.Namespace,
    remaining: list[Diagnostic],
    documents: list[Document],
    files_checked: int,
    out: TextIO,
) -> None:
    """List the findings that remain, as ``qalint check`` would."""
    from qalint.cli import use_color
    from qalint.report import ReportContext, get_reporter
    from qalint.report.text import render_one

    color = use_color(args.color, out)
    if args.output_format != "text":
        context = ReportContext(
            files_checked=files_checked,
            color=color,
            quiet=args.quiet,
            sources={doc.path: doc.lines for doc in documents},
        )
        out.write(get_reporter(args.output_format)(remaining, context))
        return
    if args.quiet:
        plain = ReportContext(color=color)
        out.write("".join(render_one(d, plain) + "\n" for d in remaining))
        return
    context = ReportContext(
        files_checked=files_checked, color=color, sources={doc.path: doc.lines for doc in documents}
    )
    out.write("".join(render_one(d, context) + "\n\n" for d in remaining))
