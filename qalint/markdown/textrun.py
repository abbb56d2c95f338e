"""A leaf's lines joined into one string, with offsets mapped back to file positions."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from qalint.diagnostics import Span
from qalint.markdown.source import Source, SrcLine


class TextRun:
    """Text of several positioned lines joined by ``\\n``; offsets map to 1-based spans."""

    __slots__ = ("_cols", "_linenos", "_starts", "source", "text")

    def __init__(self, source: Source, lines: Iterable[SrcLine]) -> None:
        self.source = source
        parts: list[str] = []
        self._starts: list[int] = []
        self._linenos: list[int] = []
        self._cols: list[int] = []
        pos = 0
        for line in lines:
            self._starts.append(pos)
            self._linenos.append(line.lineno)
            self._cols.append(line.col)
            parts.append(line.text)
            pos += len(line.text) + 1
        self.text = "\n".join(parts)

    def expanded_position(self, offset: int) -> tuple[int, int]:
        """(1-based line, 0-based tab-expanded column) of an offset into ``text``."""
        if not self._starts:
            return (1, 0)
        index = max(0, bisect_right(self._starts, offset) - 1)
        return self._linenos[index], self._cols[index] + offset - self._starts[index]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the original file of an offset into ``text``."""
        lineno, expanded = self.expanded_position(offset)
        return lineno, self.source.column(lineno, expanded)

    def span(self, start: int, end: int) -> Span:
        """The file span of ``text[start:end]`` (end exclusive; an empty range is one column)."""
        line, column = self.position(start)
        if end <= start:
            return Span(line, column, line, column + 1)
        end_line, end_column = self.position(end - 1)
        return Span(line, column, end_line, end_column + 1)
