"""qalint's findings, fixes and rule docs as LSP values (lsprotocol types).

Columns: qalint counts characters (code points) from 1; LSP counts from 0 in the negotiated
position encoding (UTF-16 code units unless the client asked for UTF-8 or UTF-32).
"""

from __future__ import annotations

import bisect
from pathlib import Path

from lsprotocol import types

from qalint.diagnostics import Diagnostic, Edit, Severity
from qalint.rules.registry import get_rule

SOURCE = "qalint"
FIX_ALL_KIND = "source.fixAll.qalint"
SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the code units of a position encoding."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class Positions:
    """Maps qalint's places in one text (line/column, or text offsets) to LSP positions.

    ``text`` is the buffer as the editor holds it; ``shift`` is 1 when it starts with a BOM
    that qalint's offsets and first-line columns leave out.
    """

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding
        self.shift = 1 if text.startswith("\ufeff") else 0
        self.lines = text.splitlines(keepends=True) or [""]
        if text.endswith(("\n", "\r")):
            self.lines.append("")
        self.starts: list[int] = []
        total = 0
        for line in self.lines:
            self.starts.append(total)
            total += len(line)

    def _line_text(self, index: int) -> str:
        return self.lines[index].rstrip("\r\n") if 0 <= index < len(self.lines) else ""

    def at(self, line: int, column: int) -> types.Position:
        """The position of a 1-based ``line`` and character ``column`` (qalint's span)."""
        index = min(max(line - 1, 0), len(self.lines) - 1)
        text = self._line_text(index)
        chars = max(column - 1, 0) + (self.shift if index == 0 else 0)
        return types.Position(index, units(text[: min(chars, len(text))], self.encoding))

    def offset(self, offset: int) -> types.Position:
        """The position of a 0-based character offset into the text without its BOM."""
        offset = min(max(offset + self.shift, 0), len(self.text))
        index = bisect.bisect_right(self.starts, offset) - 1
        line = self.lines[index]
        body = line.rstrip("\r\n")
        within = min(offset - self.starts[index], len(body))
        return types.Position(index, units(body[:within], self.encoding))

    def end(self) -> types.Position:
        """The position just past the last character."""
        return self.offset(len(self.text) - self.shift)

    def character(self, position: types.Position) -> tuple[int, int]:
        """qalint's 1-based (line, column) of an LSP position."""
        index = min(max(position.line, 0), len(self.lines) - 1)
        text = self._line_text(index)
        count = 0
        for chars, char in enumerate(text):
            if count >= position.character:
                return index + 1, chars + 1 - (self.shift if index == 0 else 0)
            count += units(char, self.encoding)
        return index + 1, len(text) + 1 - (self.shift if index == 0 else 0)


def rule_docs_uri(code: str) -> str | None:
    """A link to the rule's section of docs/rules.md, when the docs are beside the package."""
    docs = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"
    return f"{docs.as_uri()}#{code.lower()}" if docs.is_file() else None


def to_range(diagnostic: Diagnostic, positions: Positions) -> types.Range:
    """The LSP range of a finding (at least one character wide where the line allows)."""
    span = diagnostic.span
    start = positions.at(span.line, span.column)
    end = positions.at(span.end_line, span.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    return types.Range(start, end)


def to_lsp(diagnostic: Diagnostic, positions: Positions) -> types.Diagnostic:
    """One finding as an LSP diagnostic: the rule code as the code, a link to its docs."""
    href = rule_docs_uri(diagnostic.code)
    return types.Diagnostic(
        range=to_range(diagnostic, positions),
        message=diagnostic.message,
        severity=SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={"name": diagnostic.name, "fixable": diagnostic.fixable},
    )


def text_edits(edits: tuple[Edit, ...], positions: Positions) -> list[types.TextEdit]:
    """qalint's offset edits as LSP text edits."""
    return [
        types.TextEdit(
            range=types.Range(positions.offset(e.start), positions.offset(e.end)),
            new_text=e.replacement,
        )
        for e in sorted(edits, key=lambda e: (e.start, e.end))
    ]


def overlaps(a: types.Range, b: types.Range) -> bool:
    """True when two ranges share a position (touching counts: a cursor is an empty range)."""
    a_start, a_end = (a.start.line, a.start.character), (a.end.line, a.end.character)
    b_start, b_end = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end


def hover_markdown(diagnostic: Diagnostic) -> str:
    """The hover text of a finding: its message, then the rule's explanation and examples."""
    rule = get_rule(diagnostic.code)
    parts = [f"**{diagnostic.code}** `{diagnostic.name}` ({diagnostic.severity.value})", ""]
    parts += [diagnostic.message, ""]
    if rule is not None:
        parts += [f"*{rule.summary}*", "", rule.explanation, "", "Bad:", ""]
        parts += ["```markdown", rule.bad.strip("\n"), "```", "", "Good:", ""]
        parts += ["```markdown", rule.good.strip("\n"), "```"]
        href = rule_docs_uri(rule.code)
        if href:
            parts += ["", f"[{rule.code} in the rule reference]({href})"]
    return "\n".join(parts)
