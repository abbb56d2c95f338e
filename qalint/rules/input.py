"""E rules: input problems found while reading files (made by ``qalint.files``, not by checks)."""

from __future__ import annotations

from qalint.diagnostics import Diagnostic, Severity, Span
from qalint.rules.registry import Rule, declare

# Codes of the problems that stop a file from being read (the other E rules are about
# qalint's own comments in a page that was read).
UNREAD_CODES: set[str] = set()


class InputRule:
    """An E rule plus a helper that builds its diagnostic for a path."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        UNREAD_CODES.add(rule.code)

    def at(self, path: str, message: str, span: Span | None = None) -> Diagnostic:
        """The diagnostic for ``path`` (at 1:1 unless a span is given)."""
        return Diagnostic(
            path,
            span or Span(1, 1, 1, 1),
            self.rule.code,
            self.rule.name,
            self.rule.severity,
            message,
        )


MISSING = InputRule(
    declare(
        "E001",
        "path-not-found",
        summary="A path given to qalint does not exist.",
        explanation="Every path on the command line or in `paths` must exist; a typo would "
        "otherwise make a check pass while checking nothing. It is always reported as an "
        "error, whatever `--select`, `--ignore` or a severity override say, so "
        "`qalint check` exits 1.",
        bad="qalint check contnet/",
        good="qalint check content/",
    )
)
UNREADABLE = InputRule(
    declare(
        "E002",
        "unreadable-file",
        summary="A file cannot be read (permissions, or it is a special file).",
        explanation="qalint reports the operating system's reason and goes on with the other "
        "files.",
        bad="chmod 000 content/q.md && qalint check content/",
        good="chmod 644 content/q.md && qalint check content/",
    )
)
UNDECODABLE = InputRule(
    declare(
        "E003",
        "not-utf8",
        summary="A file is not valid UTF-8; the message gives the byte offset.",
        explanation="MkDocs reads Markdown as UTF-8. A file saved as Latin-1 or Windows-1252 "
        "breaks the build or shows garbled characters. Re-save it as UTF-8.",
        bad="caf\\xe9 (Latin-1 bytes)",
        good="café (UTF-8 bytes)",
    )
)
BINARY = InputRule(
    declare(
        "E004",
        "binary-file",
        summary="A file holds NUL bytes, so it is binary, not Markdown.",
        explanation="A binary file with a .md name (or passed explicitly) is skipped with this "
        "finding; exclude it from the checked paths.",
        bad="qalint check image.png",
        good="qalint check content/",
    )
)
TOO_LARGE = InputRule(
    declare(
        "E005",
        "file-too-large",
        summary="A file is larger than max-file-size and was not checked.",
        explanation="Very large files are usually generated or pasted by mistake. Raise "
        "`max-file-size` in config if the file is legitimate.",
        bad="a 50 MB generated.md",
        good="max-file-size = 60000000  # in [tool.qalint]",
        severity=Severity.WARNING,
    )
)
