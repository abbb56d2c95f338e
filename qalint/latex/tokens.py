"""TeX math tokens: control words, control symbols, characters, spaces and comments."""

from __future__ import annotations

import re

WORD = 0  # \name (letters); text is the name without the backslash
SYMBOL = 1  # \ followed by one non-letter; text is that character
CHAR = 2  # any other single character
SPACE = 3  # a run of white space
COMMENT = 4  # % to the end of the line
LONE = 5  # a backslash at the very end of the formula

_TOKEN_RE = re.compile(r"\\([a-zA-Z]+)|\\(.)|(\s+)|(%[^\n]*)|(\\)|(.)", re.S)

Token = tuple[int, str, int, int]  # (type, text, start, end)


def tokenize(tex: str) -> list[Token]:
    """Split ``tex`` into tokens with their offsets."""
    out: list[Token] = []
    append = out.append
    for m in _TOKEN_RE.finditer(tex):
        index = m.lastindex
        if index == 1:
            append((WORD, m.group(1), m.start(), m.end()))
        elif index == 6:
            append((CHAR, m.group(6), m.start(), m.end()))
        elif index == 3:
            append((SPACE, "", m.start(), m.end()))
        elif index == 2:
            append((SYMBOL, m.group(2), m.start(), m.end()))
        elif index == 4:
            append((COMMENT, "", m.start(), m.end()))
        else:
            append((LONE, "\\", m.start(), m.end()))
    return out
