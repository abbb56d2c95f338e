"""TeX math tokens: control words, control symbols, characters, spaces and comments."""

from __future__ import annotations

import re

WORD = 0  # \name (letters); text is the name without the backslash
SYMBOL = 1  # \ followed by one non-letter; text is that character
CHAR = 2  # any other single character
SPACE = 3  # a run of white space
COMMENT = 4  # % to the end of the line
LONE = 5  # a backslash at the very end of the formula

# Every character of a formula belongs to exactly one match, so offsets are running sums of
# the matched lengths (``findall`` is much faster than building a match object per token).
_TOKEN_RE = re.compile(r"(\\[a-zA-Z]+)|(\\.)|(\s+)|(%[^\n]*)|(\\)|(.)", re.S)

Token = tuple[int, str, int, int]  # (type, text, start, end)


def tokenize(tex: str) -> list[Token]:
    """Split ``tex`` into tokens with their offsets."""
    out: list[Token] = []
    append = out.append
    pos = 0
    for word, symbol, space, comment, _lone, char in _TOKEN_RE.findall(tex):
        if char:
            append((CHAR, char, pos, pos + 1))
            pos += 1
        elif word:
            end = pos + len(word)
            append((WORD, word[1:], pos, end))
            pos = end
        elif space:
            end = pos + len(space)
            append((SPACE, "", pos, end))
            pos = end
        elif symbol:
            append((SYMBOL, symbol[1], pos, pos + 2))
            pos += 2
        elif comment:
            end = pos + len(comment)
            append((COMMENT, "", pos, end))
            pos = end
        else:
            append((LONE, "\\", pos, pos + 1))
            pos += 1
    return out
