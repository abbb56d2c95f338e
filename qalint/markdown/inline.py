"""Inline syntax with positions: code spans, arithmatex math, links, images, comments.

The order follows Python-Markdown's inline pattern priorities: code spans (backticks) first,
then arithmatex math (``qalint.markdown.arithmatex``), then links and images, so a ``$``
inside code or a ``[`` inside math is never read as something else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BACKTICK_RE = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.S)
COMMENT_RE = re.compile(r"<!--(.*?)-->", re.S)
AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]*)>", re.I)
BARE_URL_RE = re.compile(r"(?<![\w/(<\[\"'=])(?:https?://|www\.)[^\s<>()\[\]`]*[^\s<>()\[\]`.,;:!?'\"*_]", re.I)
DEFINITION_RE = re.compile(r"^ {0,3}\[([^\]]+)\]:[ \t]*(<[^>]*>|\S+)(?:[ \t]+(\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*$", re.M)


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
    return [(m.start(), m.end()) for m in BACKTICK_RE.finditer(text)]


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= pos < end for start, end in ranges)


def mask(text: str, ranges: list[tuple[int, int]]) -> str:
    """Replace each range by spaces (newlines kept) so offsets stay valid."""
    chars = list(text)
    for start, end in ranges:
        for i in range(start, min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _matching_bracket(text: str, start: int) -> int:
    """Index of the ``]`` closing the ``[`` at ``start``, or -1."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _destination_end(text: str, start: int) -> int:
    """Index just past the ``)`` closing an inline destination opened at ``start`` (the ``(``)."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif char == "\n" and i + 1 < len(text) and text[i + 1] == "\n":
            return -1
        i += 1
    return -1


TITLE_RE = re.compile(r"^(?P<dest><[^>]*>|\S*)(?:\s+(?P<title>\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*$", re.S)


def find_links(text: str) -> list[RawLink]:
    """Links, images, reference links and autolinks in ``text`` (code and math masked out)."""
    links: list[RawLink] = []
    taken: list[tuple[int, int]] = []
    i = 0
    while True:
        i = text.find("[", i)
        if i < 0:
            break
        if i > 0 and text[i - 1] == "\\":
            i += 1
            continue
        image = i > 0 and text[i - 1] == "!"
        close = _matching_bracket(text, i)
        if close < 0:
            i += 1
            continue
        start = i - 1 if image else i
        label_text = text[i + 1 : close]
        after = close + 1
        # Python-Markdown renders `[t] (url)` as text; the link is still recorded so that
        # L002 can report the space and offer to remove it.
        probe = after
        while probe < len(text) and text[probe] in " \t":
            probe += 1
        if probe < len(text) and text[probe] == "(":
            end = _destination_end(text, probe)
            if end > 0:
                inner = text[probe + 1 : end - 1]
                m = TITLE_RE.match(inner)
                dest = m.group("dest") if m else inner.strip()
                title = m.group("title") if m and m.group("title") else None
                dest_start = probe + 1 + (len(inner) - len(inner.lstrip()))
                if not m:
                    dest = inner
                    dest_start = probe + 1
                links.append(RawLink("inline", image, label_text, dest, start, end, dest_start,
                                     dest_start + len(dest), title=title))
                taken.append((start, end))
                i = end
                continue
        if after < len(text) and text[after] == "[":
            ref_close = text.find("]", after)
            if ref_close > 0 and "\n\n" not in text[after:ref_close]:
                ref = text[after + 1 : ref_close] or label_text
                links.append(RawLink("reference", image, label_text, "", start, ref_close + 1,
                                     after + 1, ref_close, label=ref))
                taken.append((start, ref_close + 1))
                i = ref_close + 1
                continue
        if after < len(text) and text[after] == ":" and (start == 0 or text[start - 1] == "\n"):
            i = after
            continue
        links.append(RawLink("shortcut", image, label_text, "", start, after, i + 1, close,
                             label=label_text))
        i = i + 1
    for m in AUTOLINK_RE.finditer(text):
        if not _inside(m.start(), taken):
            links.append(RawLink("autolink", False, m.group(1), m.group(1), m.start(), m.end(),
                                 m.start(1), m.end(1)))
            taken.append((m.start(), m.end()))
    for m in DEFINITION_RE.finditer(text):
        taken.append((m.start(), m.end()))
    for m in BARE_URL_RE.finditer(text):
        if not _inside(m.start(), taken):
            links.append(RawLink("bare", False, m.group(0), m.group(0), m.start(), m.end(),
                                 m.start(), m.end()))
    links.sort(key=lambda r: r.start)
    return links


def find_definitions(text: str) -> list[RawLink]:
    """Reference definitions ``[label]: url "title"`` (one per line)."""
    found = []
    for m in DEFINITION_RE.finditer(text):
        dest = m.group(2)
        found.append(RawLink("definition", False, m.group(1), dest.strip("<>"), m.start(),
                             m.end(), m.start(2), m.end(2), label=m.group(1),
                             title=m.group(3)))
    return found


def find_comments(text: str) -> list[tuple[int, int, str]]:
    """Inline HTML comments ``<!-- ... -->``: (start, end, inner text)."""
    return [(m.start(), m.end(), m.group(1)) for m in COMMENT_RE.finditer(text)]
