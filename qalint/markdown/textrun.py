"""A leaf's lines joined into one string, with offsets mapped back to file positions."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate

from qalint.diagnostics import Span
from qalint.markdown.source import Source, SrcLine


class TextRun:
    """Text of several positioned lines joined by ``\\n``; offsets map to 1-based spans."""

    __slots__ = ("_cols", "_linenos", "_starts", "source", "text")

    def __init__(self, source: Source, lines: Iterable[SrcLine]) -> None:
        self.source = source
        if not isinstance(lines, list | tuple):
            lines = list(lines)
        if len(lines) == 1:  # most leaves: one line
            line = lines[0]
            self.text = line.text
            self._starts: tuple[int, ...] = (0,)
            self._linenos = (line.lineno,)
            self._cols = (line.col,)
            return
        texts = [line.text for line in lines]
        self.text = "\n".join(texts)
        # Tuples of ints: the garbage collector stops tracking them, lists it walks every time.
        if not texts:
            self._starts = ()
        else:
            self._starts = tuple(accumulate([len(text) + 1 for text in texts[:-1]], initial=0))
        self._linenos = tuple([line.lineno for line in lines])
        self._cols = tuple([line.col for line in lines])

    def expanded_position(self, offset: int) -> tuple[int, int]:
        """(1-based line, 0-based tab-expanded column) of an offset into ``text``."""
        starts = self._starts
        if len(starts) == 1:
            return self._linenos[0], self._cols[0] + offset
        if not starts:
            return (1, 0)
        index = max(0, bisect_right(starts, offset) - 1)
        return self._linenos[index], self._cols[index] + offset - starts[index]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in the original file of an offset into ``text``."""
        lineno, expanded = self.expanded_position(offset)
        return lineno, self.source.column(lineno, expanded)

    def span(self, start: int, end: int) -> Span:
        """The file span of ``text[start:end]`` (end exclusive; an empty range is one column)."""
        if self.source.tabs:
            line, column = self.position(start)
            if end <= start:
                return Span(line, column, line, column + 1)
            end_line, end_column = self.position(end - 1)
            return Span(line, column, end_line, end_column + 1)
        # No tab character in the file: columns map one to one.
        if len(self._starts) == 1:
            line = self._linenos[0]
            column = self._cols[0] + start + 1
            if end <= start:
                return Span(line, column, line, column + 1)
            return Span(line, column, line, self._cols[0] + end + 1)
        line, column = self.expanded_position(start)
        if end <= start:
            return Span(line, column + 1, line, column + 2)
        end_line, end_column = self.expanded_position(end - 1)
        return Span(line, column + 1, end_line, end_column + 2)
