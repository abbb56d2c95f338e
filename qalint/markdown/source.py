"""Decoded source text with a line table: BOM, CRLF and tab characters handled once, here."""

from __future__ import annotations

from dataclasses import dataclass, field

TAB_LENGTH = 4  # Python-Markdown's tab_length, which MkDocs keeps


@dataclass(frozen=True, slots=True)
class SrcLine:
    """A piece of one source line: its 1-based number, the expanded column it starts at, its text.

    Text is tab-expanded as Python-Markdown sees it; ``col`` is 0-based in that expanded line.
    """

    lineno: int
    col: int
    text: str

    def dedent(self, n: int) -> SrcLine:
        """Drop ``n`` leading characters (spaces), moving the start column along."""
        return SrcLine(self.lineno, self.col + n, self.text[n:])

    @property
    def indent(self) -> int:
        """Leading spaces of the text."""
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def blank(self) -> bool:
        """True for an empty or whitespace-only line (Python-Markdown treats them alike)."""
        return not self.text.strip()


@dataclass
class Source:
    """The text of one file, with original lines, expanded lines and offsets."""

    text: str
    had_bom: bool = False
    newline: str = "\n"
    lines: list[str] = field(init=False)
    expanded: list[str] = field(init=False)
    line_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = []
        self.line_starts = []
        pos = 0
        for raw in self.text.splitlines(keepends=True):
            self.line_starts.append(pos)
            pos += len(raw)
            self.lines.append(raw.rstrip("\r\n"))
        if not self.lines or self.text.endswith(("\n", "\r")):
            self.line_starts.append(pos)
            self.lines.append("")
        self.expanded = [ln.expandtabs(TAB_LENGTH) if "\t" in ln else ln for ln in self.lines]
        if "\r\n" in self.text:
            self.newline = "\r\n"

    def src_lines(self) -> list[SrcLine]:
        """Every line as a SrcLine starting at column 0."""
        return [SrcLine(i + 1, 0, t) for i, t in enumerate(self.expanded)]

    def column(self, lineno: int, expanded_col: int) -> int:
        """The 1-based column in the original line for a 0-based column of the expanded line."""
        original = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        if "\t" not in original:
            return expanded_col + 1
        seen = 0
        for index, char in enumerate(original):
            if seen >= expanded_col:
                return index + 1
            seen = (seen // TAB_LENGTH + 1) * TAB_LENGTH if char == "\t" else seen + 1
        return len(original) + 1 + max(0, expanded_col - seen)

    def offset(self, lineno: int, column: int) -> int:
        """0-based offset into ``text`` of a 1-based line and original column."""
        lineno = max(1, min(lineno, len(self.line_starts)))
        return self.line_starts[lineno - 1] + column - 1


def decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 (with or without BOM); raise UnicodeDecodeError with the byte offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), True
    return data.decode("utf-8"), False


def looks_binary(data: bytes) -> bool:
    """True when the data holds a NUL byte in its first 8 KiB, as git decides."""
    return b"\x00" in data[:8192]
