"""``--output-format github``: GitHub Actions workflow commands that annotate a pull request.

One line per finding, ``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message``,
with ``error``, ``warning`` or ``notice`` by severity. Columns are 1-based and the end column is
exclusive, as in every other qalint output. Values are escaped the way the Actions runner
unescapes them, so a ``%``, newline, ``,`` or ``:`` cannot end a field early.
"""

from __future__ import annotations

from qalint.diagnostics import Diagnostic, Severity
from qalint.report import ReportContext

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command (after ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (``file=``, ``title=``): data escaping plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(d: Diagnostic) -> str:
    """The workflow command line for one finding."""
    span = d.span
    properties = [
        ("file", d.path),
        ("line", str(span.line)),
        ("col", str(span.column)),
        ("endLine", str(span.end_line)),
        ("endColumn", str(span.end_column)),
        ("title", d.code),
    ]
    fields = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[d.severity]} {fields}::{escape_data(f'{d.message} ({d.name})')}"


def render(diagnostics: list[Diagnostic], context: ReportContext) -> str:
    """Every finding as one workflow command; nothing at all when there is no finding."""
    return "".join(command(d) + "\n" for d in diagnostics)
