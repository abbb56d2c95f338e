r"""Where Python-Markdown's ``tables`` extension splits a block into cells.

``TableProcessor.test`` makes a block a table when its first line splits into more than one
cell (or one cell with a border pipe on every line) and its second line is a separator row
(only ``|``, ``:``, ``-`` and spaces) with as many cells. Cells split at every ``|`` that is
not escaped (``\|``) and not inside a code span; formulas are not protected, so a ``|`` inside
``$...$`` splits the cell like any other.
"""

from __future__ import annotations

import re
from bisect import bisect_right

END_BORDER_RE = re.compile(r"(?<!\\)(?:\\\\)*\|$")


def _in_code(offset: int, code: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < code[index][1]


def _pipes(line: str, start: int, code: list[tuple[int, int]], starts: list[int]) -> list[int]:
    """Offsets (into the block) of the splitting pipes of one line starting at ``start``."""
    out: list[int] = []
    i = line.find("|")
    while i >= 0:
        backslashes = 0
        while i - backslashes - 1 >= 0 and line[i - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0 and not _in_code(start + i, code, starts):
            out.append(start + i)
        i = line.find("|", i + 1)
    return out


def _cells(line: str, pipes: list[int], start: int) -> int:
    """How many cells a row has once its border pipes are dropped."""
    stripped = line.strip(" ")
    lead = len(line) - len(line.lstrip(" "))
    inner = list(pipes)
    if stripped.startswith("|") and inner and inner[0] == start + lead:
        inner = inner[1:]
    if END_BORDER_RE.search(stripped) and inner and inner[-1] == start + lead + len(stripped) - 1:
        inner = inner[:-1]
    return len(inner) + 1


def splitting_pipes(text: str, code: list[tuple[int, int]]) -> list[int] | None:
    """Offsets of every cell-splitting ``|`` when the block ``text`` is a table, else None.

    ``code``: the block's code span ranges (their pipes do not split).
    """
    if "|" not in text or "\n" not in text:
        return None
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    code = sorted(code)
    code_starts = [s for s, _ in code]
    pipes = [
        _pipes(line, start, code, code_starts) for line, start in zip(lines, starts, strict=True)
    ]
    header = lines[0].strip(" ")
    bordered = header.startswith("|") or END_BORDER_RE.search(header) is not None
    count = _cells(lines[0], pipes[0], 0)
    is_table = count > 1
    if not is_table and count == 1 and bordered:
        is_table = all(
            row.strip(" ").startswith("|") or END_BORDER_RE.search(row.strip(" "))
            for row in lines[1:]
        )
    if not is_table:
        return None
    separator = lines[1]
    if _cells(separator, pipes[1], starts[1]) != count or not set(separator) <= set("|:- "):
        return None
    return [offset for row in pipes for offset in row]
