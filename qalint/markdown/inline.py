"""Inline syntax with positions: code spans, arithmatex math, links, images, comments.

The order follows Python-Markdown's inline pattern priorities: code spans (backticks) first,
then arithmatex math (``qalint.markdown.arithmatex``), then links and images, so a ``$``
inside code or a ``[`` inside math is never read as something else.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from qalint._fastinit import fast_frozen_init

# "Not after a backslash" is tested after the first backtick, so the regex starts with a literal.
BACKTICK_RE = re.compile(r"(`(?<!\\`)`*)(.+?)(?<!`)\1(?!`)", re.S)
AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]*)>", re.I)
BARE_URL_RE = re.compile(
    r"(?<![\w/(<\[\"'=])(?:https?://|www\.)[^\s<>()\[\]`]*[^\s<>()\[\]`.,;:!?'\"*_]", re.I
)
# Every bare URL holds "://" or "www." (any case); this finds the second without re.I.
_WWW_RE = re.compile(r"[wW][wW][wW]\.")
DEFINITION_RE = re.compile(
    r"^ {0,3}\[([^\]]+)\]:[ \t]*(<[^>]*>|\S+)(?:[ \t]+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$", re.M
)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class RawLink:
    """A link found in a text run; offsets are into the run's text."""

    kind: str
    image: bool
    text: str
    target: str
    start: int
    end: int
    target_start: int
    target_end: int
    label: str = ""
    title: str | None = None


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class RawMath:
    """A math span found in a text run; offsets are into the run's text."""

    tex: str
    delimiter: str
    display: bool
    start: int
    end: int
    tex_start: int


def code_span_ranges(text: str) -> list[tuple[int, int]]:
    """Ranges of inline code spans (backticks included)."""
    if "`" not in text:
        return []
    return [(m.start(), m.end()) for m in BACKTICK_RE.finditer(text)]


class _Taken:
    """Ranges already claimed by a link, kept merged so that membership is a bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        """Claim ``[start, end)``, merging it with the claimed ranges it touches."""
        if end <= start:
            return
        low = bisect_left(self.ends, start)
        high = bisect_right(self.starts, end)
        if low < high:
            start = min(start, self.starts[low])
            end = max(end, self.ends[high - 1])
        self.starts[low:high] = [start]
        self.ends[low:high] = [end]

    def __contains__(self, pos: int) -> bool:
        index = bisect_right(self.starts, pos) - 1
        return index >= 0 and pos < self.ends[index]


def mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """Replace each range by spaces (newlines kept) so offsets stay valid."""
    if not ranges:
        return text
    ranges = sorted(ranges)
    if ranges[0][0] < 0:
        return _mask_chars(text, ranges)
    size = len(text)
    parts: list[str] = []
    done = 0
    for start, end in ranges:
        start, end = max(start, done), min(end, size)
        if end <= start:
            continue
        parts.append(text[done:start])
        piece = text[start:end]
        if "\n" in piece:
            parts.append("\n".join(" " * len(line) for line in piece.split("\n")))
        else:
            parts.append(" " * len(piece))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _mask_chars(text: str, ranges: list[tuple[int, int]]) -> str:
    """``mask`` one character at a time, for ranges that start before the text (negative)."""
    chars = list(text)
    for start, end in ranges:
        for i in range(start, min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


_PAIR_TOKENS: dict[tuple[str, str, bool], re.Pattern[str]] = {}


def _pairs(text: str, opener: str, closer: str, paragraph: bool = False) -> dict[int, int]:
    """Map the index of every ``opener`` to the index of the ``closer`` that balances it.

    One pass with a stack, so a page of unclosed brackets costs linear time. A backslash
    escapes the next character; with ``paragraph`` a blank line (``\\n\\n``) closes nothing
    and drops every opener still open. Unbalanced openers are absent from the map.
    """
    tokens = _PAIR_TOKENS.get((opener, closer, paragraph))
    if tokens is None:
        pattern = r"\\[\s\S]|" + re.escape(opener) + "|" + re.escape(closer)
        if paragraph:
            pattern += r"|\n\n"
        tokens = _PAIR_TOKENS[(opener, closer, paragraph)] = re.compile(pattern)
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in tokens.finditer(text):
        token = m.group()
        if token == opener:
            stack.append(m.start())
        elif token == closer:
            if stack:
                pairs[stack.pop()] = m.start()
        elif token == "\n\n":
            stack.clear()
    return pairs


TITLE_RE = re.compile(
    r"^(?P<dest><[^>]*>|\S*)(?:\s+(?P<title>\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*$", re.S
)


def find_links(text: str) -> list[RawLink]:
    """Links, images, reference links and autolinks in ``text`` (code and math masked out)."""
    first = _first_url_start(text)
    if first < 0 and "[" not in text and "<" not in text:
        return []
    links: list[RawLink] = []
    taken = _Taken()
    if "[" in text:
        _bracket_links(text, links, taken)
    if "<" in text:
        for m in AUTOLINK_RE.finditer(text):
            if m.start() not in taken:
                links.append(
                    RawLink(
                        "autolink",
                        False,
                        m.group(1),
                        m.group(1),
                        m.start(),
                        m.end(),
                        m.start(1),
                        m.end(1),
                    )
                )
                taken.add(m.start(), m.end())
    if first >= 0:
        bare = list(BARE_URL_RE.finditer(text, first))
        if bare and "]:" in text:
            for m in DEFINITION_RE.finditer(text):
                taken.add(m.start(), m.end())
        for m in bare:
            if m.start() not in taken:
                links.append(
                    RawLink(
                        "bare",
                        False,
                        m.group(0),
                        m.group(0),
                        m.start(),
                        m.end(),
                        m.start(),
                        m.end(),
                    )
                )
    if len(links) > 1:
        links.sort(key=_start)
    return links


def _start(link: RawLink) -> int:
    return link.start


def _first_url_start(text: str) -> int:
    """No bare URL starts before this offset (-1: there is none), so the search starts here.

    A bare URL holds ``://`` at most 5 characters after its start, or starts with ``www.``.
    """
    colon = text.find("://")
    if "w." not in text and "W." not in text:  # how every "www." ends
        www = None
    else:
        www = _WWW_RE.search(text, 0, colon) if colon >= 0 else _WWW_RE.search(text)
    if colon < 0:
        return www.start() if www else -1
    first = max(colon - 5, 0)
    return min(www.start(), first) if www else first


def _bracket_links(text: str, links: list[RawLink], taken: _Taken) -> None:
    """``[...]`` links and images: inline, reference and shortcut, in order."""
    brackets = _pairs(text, "[", "]")
    parens: dict[int, int] | None = None
    size = len(text)
    i = 0
    while True:
        i = text.find("[", i)
        if i < 0:
            break
        if i > 0 and text[i - 1] == "\\":
            i += 1
            continue
        image = i > 0 and text[i - 1] == "!"
        close = brackets.get(i, -1)
        if close < 0:
            i += 1
            continue
        start = i - 1 if image else i
        label_text = text[i + 1 : close]
        after = close + 1
        # Python-Markdown renders `[t] (url)` as text; the link is still recorded so that
        # L002 can report the space and offer to remove it.
        probe = after
        while probe < size and text[probe] in " \t":
            probe += 1
        if probe < size and text[probe] == "(":
            if parens is None:
                parens = _pairs(text, "(", ")", paragraph=True)
            end = parens.get(probe, -2) + 1
            if end > 0:
                inner = text[probe + 1 : end - 1]
                m = TITLE_RE.match(inner)
                dest = m.group("dest") if m else inner.strip()
                title = m.group("title") if m and m.group("title") else None
                dest_start = probe + 1 + (len(inner) - len(inner.lstrip()))
                if not m:
                    dest = inner
                    dest_start = probe + 1
                links.append(
                    RawLink(
                        "inline",
                        image,
                        label_text,
                        dest,
                        start,
                        end,
                        dest_start,
                        dest_start + len(dest),
                        title=title,
                    )
                )
                taken.add(start, end)
                i = end
                continue
        if after < size and text[after] == "[":
            ref_close = text.find("]", after)
            if ref_close > 0 and text.find("\n\n", after, ref_close) < 0:
                ref = text[after + 1 : ref_close] or label_text
                links.append(
                    RawLink(
                        "reference",
                        image,
                        label_text,
                        "",
                        start,
                        ref_close + 1,
                        after + 1,
                        ref_close,
                        label=ref,
                    )
                )
                taken.add(start, ref_close + 1)
                i = ref_close + 1
                continue
        if after < size and text[after] == ":" and (start == 0 or text[start - 1] == "\n"):
            i = after
            continue
        links.append(
            RawLink("shortcut", image, label_text, "", start, after, i + 1, close, label=label_text)
        )
        i = i + 1


def find_definitions(text: str) -> list[RawLink]:
    """Reference definitions ``[label]: url "title"`` (one per line)."""
    found = []
    for m in DEFINITION_RE.finditer(text):
        dest = m.group(2)
        found.append(
            RawLink(
                "definition",
                False,
                m.group(1),
                dest.strip("<>"),
                m.start(),
                m.end(),
                m.start(2),
                m.end(2),
                label=m.group(1),
                title=m.group(3),
            )
        )
    return found


def find_comments(text: str) -> list[tuple[int, int, str]]:
    """Inline HTML comments ``<!-- ... -->``: (start, end, inner text).

    Scanned with ``str.find`` rather than a lazy regex, so that many ``<!--`` without a
    closing ``-->`` cost linear time: once one is unclosed, no later one can close either.
    """
    found: list[tuple[int, int, str]] = []
    start = text.find("<!--")
    while start >= 0:
        close = text.find("-->", start + 4)
        if close < 0:
            break
        found.append((start, close + 3, text[start + 4 : close]))
        start = text.find("<!--", close + 3)
    return found
