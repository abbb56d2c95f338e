r"""Math a browser-side renderer finds on a site without pymdownx.arithmatex.

Some sites load KaTeX's auto-render (or MathJax) and write ``$...$`` straight into Markdown,
with no arithmatex. Python-Markdown then treats the formula as ordinary text first (backslash
escapes, emphasis, HTML), and the script looks for delimiters in the text of the resulting
HTML. qalint cannot see the script's delimiter settings, so it keeps only what is certain:

- ``$$...$$`` and ``$...$`` pairs, found left to right the way auto-render's
  ``splitAtDelimiters`` finds them (a backslash skips the next character, braces must be
  balanced for a closer to count, ``$$`` is tried before ``$``);
- and of those, only formulas that Markdown passes to the browser unchanged: no backslash
  before a character Markdown unescapes (``\\``, ``\{``, ``\_``, ``\#``...), no ``*`` or ``_``
  that can start emphasis, no raw HTML tag or entity, no opener right after a backslash.

A formula Markdown would alter is left out, so no finding is ever made about TeX the browser
does not see. ``$...$`` is not a default delimiter of KaTeX's auto-render nor of MathJax (the
site's script may add it): the M rules report errors in such formulas as warnings. Nothing
is reported about unpaired ``$``: without arithmatex they are text.
"""

from __future__ import annotations

import re

from qalint.markdown.inline import RawMath

# Python-Markdown's ESCAPED_CHARS: a backslash before one of these is removed.
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
_HTML_RE = re.compile(r"<[a-zA-Z/!?]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_UNDERSCORE_OPEN_RE = re.compile(r"(?<!\w)_(?!_)")
_UNDERSCORE_CLOSE_RE = re.compile(r"(?<!_)_(?!\w)")


def _close(work: str, start: int, delimiter: str) -> int:
    """Where ``delimiter`` closes a formula whose TeX starts at ``start`` (-1: never)."""
    depth = 0
    i = start
    size = len(work)
    while i < size:
        char = work[i]
        if depth <= 0 and work.startswith(delimiter, i):
            return i
        if char == "\\":
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "\n" and i + 1 < size and work[i + 1] == "\n":
            return -1
        i += 1
    return -1


def _intact(text: str, tex: str, tex_start: int, end: int, edges: tuple[int, int]) -> bool:
    """True when Python-Markdown hands ``tex`` (at ``tex_start`` in ``text``) over unchanged.

    ``edges``: where the first ``_`` that can open emphasis starts and where the last one that
    can close it ends in ``text`` (so each formula is checked in time linear in its length).
    """
    i = tex.find("\\")
    while i >= 0:
        if i + 1 < len(tex) and tex[i + 1] in _ESCAPABLE:
            return False
        i = tex.find("\\", i + 2)
    if "*" in tex or _HTML_RE.search(tex):
        return False
    if "_" in tex:
        first_open, last_close = edges
        for m in _UNDERSCORE_OPEN_RE.finditer(text, tex_start, end):
            if last_close > m.end() + 1:
                return False
        for m in _UNDERSCORE_CLOSE_RE.finditer(text, tex_start, end):
            if first_open < m.start():
                return False
    return True


def _underscore_edges(text: str) -> tuple[int, int]:
    """(start of the first ``_`` that can open emphasis, end of the last that can close it)."""
    if "_" not in text:
        return len(text), -1
    opener = _UNDERSCORE_OPEN_RE.search(text)
    closers = [m.end() for m in _UNDERSCORE_CLOSE_RE.finditer(text)]
    return (opener.start() if opener else len(text)), (closers[-1] if closers else -1)


def find_auto_math(text: str, skip_ranges: list[tuple[int, int]]) -> list[RawMath]:
    """Formulas a browser renderer certainly sees in ``text`` (code spans, comments skipped)."""
    if "$" not in text:
        return []
    work = text
    if skip_ranges:
        chars = list(text)
        for start, end in skip_ranges:
            for k in range(start, min(end, len(chars))):
                if chars[k] != "\n":
                    chars[k] = "\x02"
        work = "".join(chars)
    found: list[RawMath] = []
    edges = _underscore_edges(text)
    i = work.find("$")
    while i >= 0:
        delimiter = "$$" if work.startswith("$$", i) else "$"
        tex_start = i + len(delimiter)
        close = _close(work, tex_start, delimiter)
        if close < 0:
            break  # auto-render leaves the rest of the text alone
        end = close + len(delimiter)
        tex = text[tex_start:close]
        escaped = i > 0 and work[i - 1] == "\\"
        usable = tex.strip() and "\x02" not in work[tex_start:close] and not escaped
        if usable and _intact(text, tex, tex_start, close, edges):
            found.append(RawMath(tex, delimiter, delimiter == "$$", i, end, tex_start))
        i = work.find("$", end)
    return found
