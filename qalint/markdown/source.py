"""Decoded source text with a line table: BOM, CRLF and tab characters handled once, here."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate, repeat

from qalint._fastinit import fast_frozen_init

TAB_LENGTH = 4  # Python-Markdown's tab_length, which MkDocs keeps


@fast_frozen_init  # the parser makes hundreds of these a file
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
        return not self.text or self.text.isspace()


@dataclass
class Source:
    """The text of one file, with original lines, expanded lines and offsets."""

    text: str
    had_bom: bool = False
    newline: str = "\n"
    lines: list[str] = field(init=False)
    expanded: list[str] = field(init=False)
    line_starts: list[int] = field(init=False)
    tabs: bool = field(init=False, repr=False)  # whether any line holds a tab character
    _tab_columns: dict[int, array] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        raw_lines = self.text.splitlines(keepends=True)
        # Offsets of every line and of the end of the text.
        starts = list(accumulate(map(len, raw_lines), initial=0))
        self.lines = text_lines(self.text, raw_lines)
        if len(self.lines) == len(raw_lines):  # no empty last line after a final line end
            starts.pop()
        self.line_starts = starts
        self.tabs = "\t" in self.text
        if self.tabs:
            self.expanded = [ln.expandtabs(TAB_LENGTH) if "\t" in ln else ln for ln in self.lines]
        else:
            self.expanded = list(self.lines)  # the same strings: ``column`` tests identity
        if "\r\n" in self.text:
            self.newline = "\r\n"

    def src_lines(self) -> list[SrcLine]:
        """Every line as a SrcLine starting at column 0."""
        expanded = self.expanded
        return list(map(SrcLine, range(1, len(expanded) + 1), repeat(0), expanded))

    def column(self, lineno: int, expanded_col: int) -> int:
        """The 1-based column in the original line for a 0-based column of the expanded line.

        Lines without tab characters map one to one; for a line with tabs the expanded start
        of every character is computed once, so a long line costs no more than a short one.
        """
        if (
            not self.tabs
            or not 0 < lineno <= len(self.lines)
            or self.expanded[lineno - 1] is self.lines[lineno - 1]
        ):
            return expanded_col + 1  # no tab on the line: ``expanded`` holds the same string
        starts = self._tab_columns.get(lineno)
        if starts is None:
            starts = self._tab_columns[lineno] = _expanded_starts(self.lines[lineno - 1])
        index = bisect_left(starts, expanded_col)
        if index < len(starts):
            return index + 1
        width = len(self.expanded[lineno - 1])
        return len(starts) + 1 + max(0, expanded_col - width)

    def offset(self, lineno: int, column: int) -> int:
        """0-based offset into ``text`` of a 1-based line and original column."""
        lineno = max(1, min(lineno, len(self.line_starts)))
        return self.line_starts[lineno - 1] + column - 1


def text_lines(text: str, raw_lines: list[str] | None = None) -> list[str]:
    """The lines of ``text`` as ``Source.lines`` holds them: without their line ends, and
    with an empty last line when the text ends with one (or is empty).

    ``raw_lines``: ``text.splitlines(keepends=True)``, when the caller has it already.
    """
    raw = raw_lines if raw_lines is not None else text.splitlines(keepends=True)
    lines = [line.rstrip("\r\n") for line in raw]
    if not raw or text.endswith(("\n", "\r")):
        lines.append("")
    return lines


def _expanded_starts(line: str) -> array:
    """For each character of ``line``, the 0-based column it starts at once tabs are expanded."""
    starts = array("q")
    seen = 0
    for char in line:
        starts.append(seen)
        seen = (seen // TAB_LENGTH + 1) * TAB_LENGTH if char == "\t" else seen + 1
    return starts


def decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 (with or without BOM); raise UnicodeDecodeError with the byte offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), True
    return data.decode("utf-8"), False


def looks_binary(data: bytes) -> bool:
    """True when the data holds a NUL byte in its first 8 KiB, as git decides."""
    return b"\x00" in data[:8192]
