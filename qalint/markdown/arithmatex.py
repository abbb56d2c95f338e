r"""Math spans exactly as pymdownx.arithmatex (generic mode, default options) finds them.

Inline (``InlineArithmatexPattern``, priority 189.9, right after code spans): the pattern is
searched from the start of the text again after every match, and each match is replaced by
a placeholder (``\x02...\x03``) so that the next search sees neither its text nor a backslash
before it (``find_inline_math`` gets the same matches in one pass). Smart dollars: ``$``
must not be followed by white space and the closing ``$`` must
not follow white space; a run of escaped backslashes (``\\``) right before ``$`` or ``\(`` is
consumed as text. There is no inline ``$$...$$``: in a paragraph, ``$$x$$`` renders as
``$`` + math ``x`` + ``$``.

Block (``BlockArithmatexProcessor``): a whole block (blank-line separated, after container
indentation is removed) that is exactly ``$$...$$``, ``\[...\]`` or
``\begin{env}...\end{env}``, with nothing before it (no indentation) and only spaces after.
"""

from __future__ import annotations

import re

from qalint.markdown.inline import RawMath

_SMART_DOLLAR = (
    r"(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)(?!\s)((?:\\.|[^\\$\x02\x03])+?)(?<!\s)(?:\$))"
)
_BRACKET = r"(?:(?<!\\)((?:\\{2})+?)(?=\\\()|(?<!\\)(\\\()((?:\\[^)]|[^\\\x02\x03])+?)(?:\\\)))"
INLINE_RE = re.compile(f"(?:{_SMART_DOLLAR}|{_BRACKET})", re.S)

_DOLLAR_BLOCK = r"(?P<dollar>[$]{2})(?P<math>((?:\\.|[^\\])+?))(?P=dollar)"
_TEX_BLOCK = r"(?P<math2>\\begin\{(?P<env>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=env)\})"
_BRACKET_BLOCK = r"\\\[(?P<math3>(?:\\[^\]]|[^\\])+?)\\\]"
BLOCK_RE = re.compile(rf"(?s)^(?:{_DOLLAR_BLOCK}|{_BRACKET_BLOCK}|{_TEX_BLOCK})[ ]*$")


def _placeholder(length: int) -> str:
    """A same-length stand-in for stashed text, as Python-Markdown's ``\\x02klzzwxh:N\\x03``."""
    if length <= 1:
        return "\x02"[:length]
    return "\x02" + "k" * (length - 2) + "\x03"


def is_block_math(text: str) -> bool:
    """True when a whole block is one display formula (``$$``, ``\\[``, ``\\begin``)."""
    return BLOCK_RE.match(text) is not None


def find_block_math(text: str) -> RawMath | None:
    """The formula when the whole block is display math (``$$``, ``\\[``, ``\\begin``)."""
    m = BLOCK_RE.match(text)
    if m is None:
        return None
    if m.group("math") is not None:
        return RawMath(m.group("math"), "$$", True, m.start(), m.end("math") + 2, m.start("math"))
    if m.group("math3") is not None:
        return RawMath(
            m.group("math3"), "\\[", True, m.start(), m.end("math3") + 2, m.start("math3")
        )
    return RawMath(m.group("math2"), "\\begin", True, m.start(), m.end("math2"), m.start("math2"))


# ``INLINE_RE`` with each "no backslash before" test moved after the first character, so that
# every branch starts with a literal and the regex engine skips ahead to a ``$`` or ``\``.
# Group 1 is the TeX of a ``$`` formula, group 2 that of a ``\(`` formula; the backslash runs
# the renderer consumes as text capture nothing. Right after a stashed match the renderer sees
# a placeholder, never a backslash: ``_FAST_AFTER_STASH_RE`` drops those lookbehinds.
_FAST_INLINE = (
    r"\\{nb}\\(?:\\{{2}})*(?=\$)"
    r"|\${nd}(?!\s)((?:\\.|[^\\$\x02\x03])+?)(?<!\s)\$"
    r"|\\{nb}\\(?:\\{{2}})*?(?=\\\()"
    r"|\\{nb}\(((?:\\[^)]|[^\\\x02\x03])+?)\\\)"
)
_FAST_INLINE_RE = re.compile(_FAST_INLINE.format(nb=r"(?<!\\\\)", nd=r"(?<!\\\$)"), re.S)
_FAST_AFTER_STASH_RE = re.compile(_FAST_INLINE.format(nb="", nd=""), re.S)


def _stash(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with each range replaced by a same-length placeholder, in order."""
    if not ranges:
        return text
    chars = list(text)
    for start, end in sorted(ranges):
        chars[start:end] = _placeholder(end - start)
    return "".join(chars)


def find_inline_math(text: str, skip_ranges: list[tuple[int, int]]) -> list[RawMath]:
    """Inline formulas, with ``skip_ranges`` (code spans, comments) already stashed.

    The renderer stashes each match and searches again from the start; no new match can
    start before the stashed one, so searching on from its end finds the same matches in
    linear time, provided the character right before the end reads as the placeholder.
    """
    if "$" not in text and "\\(" not in text:
        return []
    work = _stash(text, skip_ranges)
    found: list[RawMath] = []
    pos, after_backslash = 0, False
    while True:
        m = _FAST_AFTER_STASH_RE.match(work, pos) if after_backslash else None
        if m is None:
            m = _FAST_INLINE_RE.search(work, pos + 1 if after_backslash else pos)
        if m is None:
            break
        if m.group(1) is not None:
            found.append(RawMath(m.group(1), "$", False, m.start(), m.end(), m.start(1)))
        elif m.group(2) is not None:
            found.append(RawMath(m.group(2), "\\(", False, m.start(), m.end(), m.start(2)))
        pos = m.end()
        after_backslash = work[pos - 1] == "\\"
    return found


def unmatched_openers(text: str, skip_ranges: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """``$``/``\\(`` left as plain text after extraction: (offset, opener).

    Math found by ``find_inline_math`` and ``skip_ranges`` are stashed first; a ``$`` with an
    odd number of backslashes before it is escaped and not reported.
    """
    ranges = list(skip_ranges) + [(m.start, m.end) for m in find_inline_math(text, skip_ranges)]
    work = _stash(text, ranges)
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"(\\*)(\$|\\\()", work):
        if m.group(2) == "$" and len(m.group(1)) % 2 == 0:
            out.append((m.start(2), "$"))
        elif m.group(2) == "\\(" and len(m.group(1)) % 2 == 0:
            out.append((m.start(2), "\\("))
    return out


_DISPLAY_OPENER_RE = re.compile(r"(\\*)(\\\[|\\begin\{([a-zA-Z]+\*?)\})")


def display_openers(text: str) -> list[tuple[int, str]]:
    r"""``\[`` and ``\begin{env}`` in ``text`` that are not escaped: (offset, opener).

    ``text`` should have code spans, comments and inline math masked. In a paragraph that is
    not a display block (``find_block_math``), arithmatex leaves these as plain text.
    """
    out: list[tuple[int, str]] = []
    for m in _DISPLAY_OPENER_RE.finditer(text):
        if len(m.group(1)) % 2 == 0:
            out.append((m.start(2), m.group(2)))
    return out
