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

The site's options (``MarkdownFlags``: ``arithmatex``, ``smart_dollar``, ``inline_syntax``,
``block_syntax``) select the alternatives exactly as ``ArithmatexExtension.extendMarkdown``
does; every function takes them as ``flags`` and defaults to Material's configuration.
Without arithmatex no span is math here (see ``qalint.markdown.automath`` for a browser-side
renderer working over the raw text).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qalint.markdown.inline import RawMath
from qalint.site.model import DEFAULT_FLAGS, MarkdownFlags

_PLAIN_DOLLAR = r"(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)((?:\\.|[^\\$\x02\x03])+?)(?:\$))"
_SMART_DOLLAR = (
    r"(?:(?<!\\)((?:\\{2})+)(?=\$)|(?<!\\)(\$)(?!\s)((?:\\.|[^\\$\x02\x03])+?)(?<!\s)(?:\$))"
)
_BRACKET = r"(?:(?<!\\)((?:\\{2})+?)(?=\\\()|(?<!\\)(\\\()((?:\\[^)]|[^\\\x02\x03])+?)(?:\\\)))"
INLINE_RE = re.compile(f"(?:{_SMART_DOLLAR}|{_BRACKET})", re.S)

_DOLLAR_BLOCK = r"(?P<dollar>[$]{2})(?P<math>((?:\\.|[^\\])+?))(?P=dollar)"
_TEX_BLOCK = r"(?P<math2>\\begin\{(?P<env>[a-z]+\*?)\}(?:\\.|[^\\])+?\\end\{(?P=env)\})"
_BRACKET_BLOCK = r"\\\[(?P<math3>(?:\\[^\]]|[^\\])+?)\\\]"
BLOCK_RE = re.compile(rf"(?s)^(?:{_DOLLAR_BLOCK}|{_BRACKET_BLOCK}|{_TEX_BLOCK})[ ]*$")
_BLOCK_PARTS = {"dollar": _DOLLAR_BLOCK, "square": _BRACKET_BLOCK, "begin": _TEX_BLOCK}
_NO_MATCH = re.compile(r"(?!)")
_BLOCK_STARTS = ("$$", "\\[", "\\begin{")  # how every block pattern's match starts


@lru_cache(maxsize=32)
def _block_re(flags: MarkdownFlags) -> re.Pattern[str]:
    """The block pattern for the site's ``block_syntax`` (in arithmatex's order)."""
    if flags == DEFAULT_FLAGS:
        return BLOCK_RE
    if not flags.arithmatex:
        return _NO_MATCH
    parts = [_BLOCK_PARTS[name] for name in _BLOCK_PARTS if name in flags.block_syntax]
    if not parts:
        return _NO_MATCH
    return re.compile(rf"(?s)^(?:{'|'.join(parts)})[ ]*$")


_BLOCK_BY_FLAGS: dict[int, tuple[MarkdownFlags, re.Pattern[str]]] = {}


def _block_pattern(flags: MarkdownFlags) -> re.Pattern[str]:
    """``_block_re(flags)`` without hashing the flags on every paragraph: looked up by the
    object's identity (the entry keeps the flags alive, so their id is not reused)."""
    if flags is DEFAULT_FLAGS:
        return BLOCK_RE
    entry = _BLOCK_BY_FLAGS.get(id(flags))
    if entry is None or entry[0] is not flags:
        if len(_BLOCK_BY_FLAGS) > 64:
            _BLOCK_BY_FLAGS.clear()
        entry = _BLOCK_BY_FLAGS[id(flags)] = (flags, _block_re(flags))
    return entry[1]


def inline_re(flags: MarkdownFlags = DEFAULT_FLAGS) -> re.Pattern[str] | None:
    """arithmatex's own inline pattern for the site (None when it registers none)."""
    if flags == DEFAULT_FLAGS:
        return INLINE_RE
    return _inline_re(flags.arithmatex, flags.smart_dollar, tuple(flags.inline_syntax))


@lru_cache(maxsize=32)
def _inline_re(on: bool, smart: bool, syntax: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    if on and "dollar" in syntax:
        parts.append(_SMART_DOLLAR if smart else _PLAIN_DOLLAR)
    if on and "round" in syntax:
        parts.append(_BRACKET)
    return re.compile(f"(?:{'|'.join(parts)})", re.S) if parts else None


def _placeholder(length: int) -> str:
    """A same-length stand-in for stashed text, as Python-Markdown's ``\\x02klzzwxh:N\\x03``."""
    if length <= 1:
        return "\x02"[:length]
    return "\x02" + "k" * (length - 2) + "\x03"


def is_block_math(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> bool:
    """True when a whole block is one display formula (``$$``, ``\\[``, ``\\begin``)."""
    return _block_pattern(flags).match(text) is not None


def find_block_math(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> RawMath | None:
    """The formula when the whole block is display math (``$$``, ``\\[``, ``\\begin``)."""
    if not text.startswith(_BLOCK_STARTS):
        return None
    m = _block_pattern(flags).match(text)
    if m is None:
        return None
    groups = m.groupdict()
    if groups.get("math") is not None:
        return RawMath(m.group("math"), "$$", True, m.start(), m.end("math") + 2, m.start("math"))
    if groups.get("math3") is not None:
        return RawMath(
            m.group("math3"), "\\[", True, m.start(), m.end("math3") + 2, m.start("math3")
        )
    return RawMath(m.group("math2"), "\\begin", True, m.start(), m.end("math2"), m.start("math2"))


# ``INLINE_RE`` with each "no backslash before" test moved after the first character, so that
# every branch starts with a literal and the regex engine skips ahead to a ``$`` or ``\``.
# Group ``d`` is the TeX of a ``$`` formula; group ``r`` marks a ``\(`` opener, whose formula
# ``_Brackets`` finds (see there); the backslash runs the renderer consumes as text capture
# nothing. Right after a stashed match the
# renderer sees a placeholder, never a backslash: the second pattern drops those lookbehinds.
# Only the alternatives the site's ``inline_syntax`` registers are included.
_FAST_DOLLAR_RUN = r"\\{nb}\\(?:\\{{2}})*(?=\$)"
_FAST_DOLLAR = r"\${nd}{smart_open}(?P<d>(?:\\.|[^\\$\x02\x03])+?){smart_close}\$"
_FAST_ROUND_RUN = r"\\{nb}\\(?:\\{{2}})*?(?=\\\()"
_FAST_ROUND = r"\\{nb}(?P<r>\()"


@lru_cache(maxsize=32)
def _fast_res(
    dollar: bool, smart: bool, round_: bool
) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The fast pattern and its after-a-stash variant for one set of options (None: no math)."""
    parts = []
    if dollar:
        parts += [_FAST_DOLLAR_RUN, _FAST_DOLLAR]
    if round_:
        parts += [_FAST_ROUND_RUN, _FAST_ROUND]
    if not parts:
        return None
    pattern = (
        "|".join(parts)
        .replace("{smart_open}", r"(?!\s)" if smart else "")
        .replace("{smart_close}", r"(?<!\s)" if smart else "")
    )
    return (
        re.compile(pattern.format(nb=r"(?<!\\\\)", nd=r"(?<!\\\$)"), re.S),
        re.compile(pattern.format(nb="", nd=""), re.S),
    )


_DEFAULT_FAST = _fast_res(True, True, True)
assert _DEFAULT_FAST is not None
# The body of a ``\(`` formula, token by token: a backslash pair other than ``\)``, or any
# character but a backslash or a placeholder edge. It cannot run past a ``\)``, so matching
# it greedily ends where the renderer's lazy match ends.
_BRACKET_BODY_RE = re.compile(r"(?:\\[^)]|[^\\\x02\x03])+", re.S)


class _Brackets:
    r"""Where the ``\(`` formula opened at an offset ends, each stretch of text read once.

    The renderer's pattern reads from every ``\(`` to its ``\)``, or to the end of the
    text when there is none, so a line of unclosed ``\(`` cost time quadratic in its length.
    Inside the body of one ``\(`` the tokens of every later ``\(`` line up with its own, so
    all of them end where it ends: one read answers for all the openers in it.
    """

    __slots__ = ("_known", "_work")

    def __init__(self, work: str) -> None:
        self._work = work
        self._known: list[tuple[int, int, int]] = []  # (body start, body end, closer or -1)

    def end(self, opener: int) -> int:
        r"""Offset after the ``\)`` that closes the ``\(`` at ``opener``; -1 when none does."""
        start = opener + 2
        if self._known:
            body_start, body_end, closer = self._known[-1]
            if body_start <= start <= body_end:
                return closer if closer < 0 or start < body_end else self._read(start)
        return self._read(start)

    def _read(self, start: int) -> int:
        work = self._work
        m = _BRACKET_BODY_RE.match(work, start)
        body_end = m.end() if m else start
        closer = body_end + 2 if body_end > start and work.startswith("\\)", body_end) else -1
        self._known.append((start, body_end, closer))
        return closer


def _stash(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with each range replaced by a same-length placeholder, in order."""
    if not ranges:
        return text
    chars = list(text)
    for start, end in sorted(ranges):
        chars[start:end] = _placeholder(end - start)
    return "".join(chars)


def find_inline_math(
    text: str, skip_ranges: list[tuple[int, int]], flags: MarkdownFlags = DEFAULT_FLAGS
) -> list[RawMath]:
    """Inline formulas, with ``skip_ranges`` (code spans, comments) already stashed.

    The renderer stashes each match and searches again from the start; no new match can
    start before the stashed one, so searching on from its end finds the same matches in
    linear time, provided the character right before the end reads as the placeholder.
    """
    if "$" not in text and "\\(" not in text:
        return []
    if flags is DEFAULT_FLAGS:
        fast_re, after_stash_re = _DEFAULT_FAST
    else:
        syntax = flags.inline_syntax
        res = _fast_res(
            flags.arithmatex and "dollar" in syntax,
            flags.smart_dollar,
            flags.arithmatex and "round" in syntax,
        )
        if res is None:
            return []
        fast_re, after_stash_re = res
    work = _stash(text, skip_ranges)
    brackets = _Brackets(work)
    found: list[RawMath] = []
    pos, after_backslash = 0, False
    while True:
        m = after_stash_re.match(work, pos) if after_backslash else None
        if m is None:
            m = fast_re.search(work, pos + 1 if after_backslash else pos)
        if m is None:
            break
        end = m.end()
        kind = m.lastgroup
        if kind == "d":
            found.append(RawMath(m.group("d"), "$", False, m.start(), end, m.start("d")))
        elif kind == "r":
            end = brackets.end(m.start())
            if end < 0:  # no formula opens here: the renderer reads on from the next character
                pos, after_backslash = m.start() + 1, False
                continue
            tex = work[m.start() + 2 : end - 2]
            found.append(RawMath(tex, "\\(", False, m.start(), end, m.start() + 2))
        pos = end
        after_backslash = work[pos - 1] == "\\"
    return found


def unmatched_openers(
    text: str, skip_ranges: list[tuple[int, int]], flags: MarkdownFlags = DEFAULT_FLAGS
) -> list[tuple[int, str]]:
    """``$``/``\\(`` left as plain text after extraction: (offset, opener).

    Math found by ``find_inline_math`` and ``skip_ranges`` are stashed first; a ``$`` with an
    odd number of backslashes before it is escaped and not reported.
    """
    ranges = list(skip_ranges) + [
        (m.start, m.end) for m in find_inline_math(text, skip_ranges, flags)
    ]
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
