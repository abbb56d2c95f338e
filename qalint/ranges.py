"""Questions about many half-open ranges, answered in logarithmic time.

Rules ask "is this offset inside one of these ranges?" once per match on a line; scanning
every range for every question costs time quadratic in the length of the line (8,000 links on
one line took seconds). ``Cover`` sorts the ranges once and answers each question by bisection.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate


class Cover:
    """A set of half-open ranges ``[start, end)`` (they may overlap or nest)."""

    __slots__ = ("_reach", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Sort the ranges; ``_reach[i]`` is the furthest end among the first ``i + 1``."""
        ordered = sorted(ranges)
        self._starts = [start for start, _ in ordered]
        self._reach = list(accumulate((end for _, end in ordered), max))

    def __contains__(self, index: int) -> bool:
        """True when some range holds ``index`` (``start <= index < end``)."""
        i = bisect_right(self._starts, index) - 1
        return i >= 0 and self._reach[i] > index

    def __bool__(self) -> bool:
        """True when there is at least one range."""
        return bool(self._starts)
