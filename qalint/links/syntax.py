"""Malformed link syntax that the link scanner cannot surface, found in prose text.

Python-Markdown prints these as literal text: a ``]`` with no ``[`` before ``(url)``, a
``[`` never closed before ``(https://...)``, a ``(`` after ``]`` never closed, and a link
written backwards, ``(url)[text]``. The text given here has code spans, math and comments
masked out, so nothing inside them is read as link syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qalint.links.urls import looks_like_address

URL_START_RE = re.compile(r"\((?:https?://|www\.)", re.I)
_LINK_JOIN_RE = re.compile(r"\]\(")
_BRACKETS_RE = re.compile(r"[\[\]()]")
REVERSED_RE = re.compile(r"\(((?:https?://|www\.)[^\s()]+)\)\[([^\]\n]+)\](?![\[(:])", re.I)


@dataclass(frozen=True, slots=True)
class Malformed:
    """A malformed construct: offsets into the text and what is wrong."""

    kind: str  # stray-bracket, unclosed-bracket, unclosed-target, reversed
    start: int
    end: int
    snippet: str
    url_at: int = -1  # where the "(" of the URL the broken construct wraps is


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def opening_bracket(text: str, close: int) -> int:
    """Index of the ``[`` matching the ``]`` at ``close`` (-1 when there is none)."""
    depth = 0
    for index in range(close, -1, -1):
        char = text[index]
        if char not in "[]" or _escaped(text, index):
            continue
        depth += 1 if char == "]" else -1
        if depth == 0:
            return index
    return -1


def closing_bracket(text: str, start: int) -> int:
    """Index of the ``]`` matching the ``[`` at ``start`` (-1 when there is none)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char not in "[]" or _escaped(text, index):
            continue
        depth += 1 if char == "[" else -1
        if depth == 0:
            return index
    return -1


def destination_end(text: str, start: int) -> int:
    """Index after the ``)`` closing the ``(`` at ``start``, -1 if the paragraph ends first."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "()" and not _escaped(text, index):
            depth += 1 if char == "(" else -1
            if depth == 0:
                return index + 1
    return -1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _pairs(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """Unescaped brackets and parentheses paired up: each opener maps to its closer and each
    closer to its opener (unmatched ones are absent).

    One pass with a stack per kind gives what the scans above find one at a time: the
    closer where the depth counted from an opener returns to zero, and the opener found
    scanning back from a closer.
    """
    brackets: dict[int, int] = {}
    parens: dict[int, int] = {}
    open_brackets: list[int] = []
    open_parens: list[int] = []
    for m in _BRACKETS_RE.finditer(text):
        index = m.start()
        if index and text[index - 1] == "\\" and _escaped(text, index):
            continue
        char = text[index]
        if char == "[":
            open_brackets.append(index)
        elif char == "(":
            open_parens.append(index)
        elif char == "]":
            if open_brackets:
                start = open_brackets.pop()
                brackets[start] = index
                brackets[index] = start
        elif open_parens:
            start = open_parens.pop()
            parens[start] = index
            parens[index] = start
    return brackets, parens


def find_malformed(text: str) -> list[Malformed]:
    """Every malformed link construct in ``text``, in order."""
    found: list[Malformed] = []
    reported: set[int] = set()
    brackets, parens = _pairs(text)
    for m in _LINK_JOIN_RE.finditer(text):
        close = m.start()
        if _escaped(text, close):
            continue
        after = parens.get(close + 1, -2) + 1  # destination_end(text, close + 1)
        opener = brackets.get(close, -1)
        if opener < 0:
            line_start = text.rfind("\n", 0, close) + 1
            start = text.rfind("[", line_start, close)
            start = start if start >= 0 else max(line_start, close - 40)
            end = after if after > 0 else _line_end(text, close)
            found.append(Malformed("stray-bracket", close, close + 1, text[start:end], close + 1))
            continue
        if after < 0:
            head = text[close + 2 :].lstrip("(<").split()[:1]
            if head and looks_like_address(head[0]):
                end = _line_end(text, close)
                found.append(Malformed("unclosed-target", opener, end, text[opener:end], close + 1))
                reported.add(opener)
    # An unclosed "[" only counts before a "(https://", which is then somewhere in the text.
    index = text.find("[") if URL_START_RE.search(text) else -1
    while index >= 0:
        if index not in reported and index not in brackets and not _escaped(text, index):
            end = _line_end(text, index)
            url = URL_START_RE.search(text, index, min(end, index + 300))
            if url and not any(c in "()" for c in text[index + 1 : url.start()]):
                found.append(
                    Malformed("unclosed-bracket", index, index + 1, text[index:end], url.start())
                )
        index = text.find("[", index + 1)
    if ")[" in text:
        for m in REVERSED_RE.finditer(text):
            found.append(Malformed("reversed", m.start(), m.end(), m.group(0), m.start()))
    if len(found) > 1:
        found.sort(key=_start)
    return found


def _start(item: Malformed) -> int:
    return item.start
