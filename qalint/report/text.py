"""``--output-format text``: ``path:line:col: CODE message``, the source line and a caret.

A summary line closes the report (counts by severity, files checked, what is fixable).
"""

from __future__ import annotations

from collections import Counter

from qalint.diagnostics import Diagnostic, Severity
from qalint.report import ReportContext

SNIPPET_WIDTH = 100
COLORS = {
    Severity.ERROR: "\x1b[31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def _paint(text: str, style: str, context: ReportContext) -> str:
    return f"{style}{text}{RESET}" if context.color else text


def _snippet(line: str, column: int, end_column: int) -> tuple[str, int, int]:
    """Cut long lines to a window around the finding; return text and caret range."""
    line = line.replace("\t", " ")
    start = column - 1
    width = max(1, end_column - column)
    if len(line) <= SNIPPET_WIDTH:
        return line, start, width
    left = max(0, min(start - 20, len(line) - SNIPPET_WIDTH))
    right = left + SNIPPET_WIDTH
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(line) else ""
    shown = prefix + line[left:right] + suffix
    caret_start = start - left + len(prefix)
    return shown, caret_start, max(1, min(width, len(shown) - caret_start))


def render_one(d: Diagnostic, context: ReportContext) -> str:
    """One finding: the header line and, when the source is known, the line with a caret."""
    return _render(d, context.sources.get(d.path), context)


def _render(d: Diagnostic, lines: list[str] | None, context: ReportContext) -> str:
    """``render_one`` with the lines of the finding's file (None when unknown) at hand."""
    color = COLORS[d.severity]
    span = d.span
    line = span.line
    where = _paint(f"{d.path}:{line}:{span.column}:", BOLD, context)
    header = f"{where} {_paint(d.code, color + BOLD, context)} {d.message}"
    if not lines or not 0 < line <= len(lines):
        return header
    source_line = lines[line - 1]
    end_column = span.end_column if span.end_line == line else len(source_line) + 1
    text, caret_start, width = _snippet(source_line, span.column, end_column)
    gutter = str(line)
    pad = " " * len(gutter)
    marker = " " * caret_start + "^" * width
    fixable = " (fixable)" if d.fix is not None else ""
    return "\n".join(
        [
            header,
            _paint(f" {gutter} |", DIM, context) + f" {text}",
            _paint(f" {pad} |", DIM, context)
            + " "
            + _paint(marker, color, context)
            + f" {_paint(d.severity.value + fixable, color, context)}",
        ]
    )


def summary(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """The closing line: counts by severity, files, and how many are fixable."""
    files = context.files_checked
    noun = "file" if files == 1 else "files"
    if not diagnostics:
        return f"All checks passed ({files} {noun} checked)."
    counts = Counter(d.severity for d in diagnostics)
    parts = [
        f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s != Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    total = len(diagnostics)
    text = (
        f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} {noun}."
    )
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability.value == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability.value == "unsafe")
    if context.fix_hint and safe:
        text += f" {safe} fixable with `qalint fix`."
    if context.fix_hint and unsafe:
        text += f" {unsafe} {'more ' if safe else ''}fixable with `qalint fix --unsafe-fixes`."
    return text


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """Every finding with its source line, then the summary; quiet: one line per finding only."""
    if context.quiet:
        return "".join(
            render_one(d, ReportContext(color=context.color)) + "\n" for d in diagnostics
        )
    # Findings come sorted by path: the file's lines are looked up once per file.
    blocks = []
    path, lines = None, None
    for d in diagnostics:
        if d.path != path:
            path, lines = d.path, context.sources.get(d.path)
        blocks.append(_render(d, lines, context))
    blocks.append(summary(diagnostics, context))
    return "\n\n".join(blocks) + "\n"
