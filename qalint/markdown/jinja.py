"""Jinja template syntax in a page that mkdocs-macros renders before Markdown does.

With the macros plugin on, MkDocs hands each page's Markdown (front matter already taken
off) to Jinja, and Python-Markdown renders what Jinja outputs. What a ``{{ ... }}``
expression prints is unknown to qalint, so the parser reads it as one placeholder
character (``PLACEHOLDER``, so a tab whose body is a macro is not empty: at the start of a
one-line tag, at the end delimiter of a two-line one, alone on the second line of a longer
one, at the tag's column) among blanks: ``mask_lines``
replaces every other character of a tag with a space and keeps the line ends, so every
character outside tags keeps its line and column. ``{% ... %}``
statements and ``{# ... #}`` comments are blanked whole (they print nothing themselves;
the text between ``{% if %}`` and ``{% endif %}`` is read as written). The text between
``{% raw %}`` and ``{% endraw %}`` is output as written, so it stays; only the two tags are
blanked. A line a tag leaves blank is made empty, as Python-Markdown empties such lines.

Tags are found as Jinja's lexer finds them (jinja2 3.x ``lexer.py``): the earliest start
delimiter wins, longer delimiters first at one place; inside a tag, string literals
(``'...'``, ``"..."`` with backslash escapes) and brackets are skipped over, so a ``}}``
inside a quoted string or a nested ``{...}`` does not end the tag. A tag Jinja cannot
lex (an unclosed tag, string or comment, an unexpected character or bracket) makes the
whole template fail: ``template_tags`` reports where, and nothing from there on is masked.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from qalint.markdown.source import SrcLine
from qalint.site.model import JinjaSyntax

_STRING_RE = re.compile(r"'[^'\\]*(?:\\.[^'\\]*)*'|\"[^\"\\]*(?:\\.[^\"\\]*)*\"", re.S)
# Characters Jinja's lexer accepts inside a tag besides names, numbers and strings
# (its operators, and whitespace).
_OPERATOR_CHARS = frozenset("+-/*%~[](){}=!<>.:|,;")
# What the parser reads where an expression prints something unknown: one character, so a
# tab or admonition whose body is a macro is not empty, and no Markdown syntax.
PLACEHOLDER = "x"
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(")]}")
_RENDER_MACROS_RE = re.compile(r"^render_macros[ \t]*:[ \t]*(\S+)[ \t]*$", re.M)
_YAML_TRUE = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}
_YAML_FALSE = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}


@dataclass(frozen=True, slots=True)
class TemplateError:
    """Where Jinja's lexer stops on a page, and why (offsets into the template text)."""

    start: int  # the start delimiter of the tag that fails
    offset: int  # where the lexer gives up
    message: str


@dataclass(frozen=True, slots=True)
class Tags:
    """The tags of one template: ``(start, end)`` ranges to blank, and the lexing error."""

    spans: tuple[tuple[int, int], ...]
    error: TemplateError | None
    # where the placeholder of a ``{{ ... }}`` tag on one or two lines goes (an offset)
    prints: frozenset[int] = frozenset()
    # the starts of the ``{{ ... }}`` tags over three lines or more: their placeholder is a
    # line of its own (``mask_lines``)
    blocks: frozenset[int] = frozenset()


@lru_cache(maxsize=16)
def _start_re(syntax: JinjaSyntax) -> re.Pattern[str]:
    block = re.escape(syntax.block_start)
    raw = rf"(?P<raw>{block}[-+]?\s*raw\s*[-+]?{re.escape(syntax.block_end)})"
    starts = sorted(
        [
            ("variable", syntax.variable_start),
            ("block", syntax.block_start),
            ("comment", syntax.comment_start),
        ],
        key=lambda item: -len(item[1]),
    )
    alternatives = "|".join(f"(?P<{kind}>{re.escape(text)})" for kind, text in starts)
    return re.compile(f"{raw}|{alternatives}")


@lru_cache(maxsize=16)
def _endraw_re(syntax: JinjaSyntax) -> re.Pattern[str]:
    return re.compile(
        rf"{re.escape(syntax.block_start)}[-+]?\s*endraw\s*[-+]?{re.escape(syntax.block_end)}"
    )


def template_tags(text: str, syntax: JinjaSyntax) -> Tags:
    """Every Jinja tag of ``text`` in order, as ranges to blank, and the first lexing error."""
    spans: list[tuple[int, int]] = []
    prints: set[int] = set()
    blocks: set[int] = set()
    find = _start_re(syntax).search
    pos = 0
    while True:
        match = find(text, pos)
        if match is None:
            return Tags(tuple(spans), None, frozenset(prints), frozenset(blocks))
        start, kind = match.start(), match.lastgroup
        if kind == "raw":
            end_tag = _endraw_re(syntax).search(text, match.end())
            if end_tag is None:
                return Tags(tuple(spans), TemplateError(start, len(text), "missing endraw"))
            spans.append((start, match.end()))
            spans.append((end_tag.start(), end_tag.end()))
            pos = end_tag.end()
            continue
        if kind == "comment":
            end = text.find(syntax.comment_end, match.end())
            if end < 0:
                return Tags(tuple(spans), TemplateError(start, len(text), "comment never closed"))
            pos = end + len(syntax.comment_end)
            spans.append((start, pos))
            continue
        closing = syntax.variable_end if kind == "variable" else syntax.block_end
        end_or_error = _tag_end(text, match.end(), closing)
        if isinstance(end_or_error, tuple):
            offset, message = end_or_error
            return Tags(tuple(spans), TemplateError(start, offset, message))
        spans.append((start, end_or_error))
        if kind == "variable":
            # One line: the placeholder at its start. Two: at its end delimiter. Three or
            # more (``{{ f("""\n...\n""") }}``, which most often prints a block on lines
            # of its own): on the tag's second line, blank lines around it, so it is glued
            # neither to the block before the tag nor to the one after.
            newlines = text.count("\n", start, end_or_error)
            if newlines >= 2:
                blocks.add(start)
            else:
                prints.add(end_or_error - len(syntax.variable_end) if newlines else start)
        pos = end_or_error


def _tag_end(text: str, pos: int, closing: str) -> int | tuple[int, str]:
    """The offset just past ``closing`` that ends a tag whose body starts at ``pos``, or
    ``(offset, message)`` where Jinja's lexer fails."""
    stack: list[str] = []
    size = len(text)
    while pos < size:
        char = text[pos]
        if not stack and text.startswith(closing, pos):
            return pos + len(closing)
        if char in "'\"":
            string = _STRING_RE.match(text, pos)
            if string is None:
                return pos, "string never closed"
            pos = string.end()
            continue
        if char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in _CLOSERS:
            if not stack or stack[-1] != char:
                return pos, f"unexpected '{char}'"
            stack.pop()
        elif not (char.isspace() or char.isalnum() or char == "_" or char in _OPERATOR_CHARS):
            return pos, f"unexpected character '{char}'"
        pos += 1
    return size, f"'{closing}' never comes"


def renders(syntax: JinjaSyntax, front_matter: str, path: str, docs_dir: str | None) -> bool:
    """Whether mkdocs-macros renders this page: ``render_macros`` in its front matter
    decides when set; else ``render_by_default``, or ``force_render_paths`` matching the
    page's path relative to docs_dir."""
    found = _RENDER_MACROS_RE.search(front_matter) if front_matter else None
    if found is not None:
        value = found.group(1).strip("'\"")
        if value in _YAML_FALSE:
            return False
        if value in _YAML_TRUE:
            return True
    if syntax.render_by_default:
        return True
    if not syntax.force_render_paths.strip() or docs_dir is None:
        return False
    try:
        inner = os.path.relpath(os.path.realpath(path), os.path.realpath(docs_dir))
    except ValueError:
        return False
    if inner.startswith(".."):
        return False
    from qalint.site.load import gitignore_spec

    spec = gitignore_spec(syntax.force_render_paths.splitlines(), "force_render_paths")
    return spec.match_file(inner.replace(os.sep, "/"))


def mask(
    text: str, spans: tuple[tuple[int, int], ...], prints: frozenset[int] = frozenset()
) -> str:
    """``text`` with every character of ``spans`` but line ends turned into a space, and a
    ``PLACEHOLDER`` at each offset of ``prints``."""
    if not spans:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        pos = end
    pieces.append(text[pos:])
    masked = "".join(pieces)
    if prints:
        chars = list(masked)
        for offset in prints:
            chars[offset] = PLACEHOLDER
        masked = "".join(chars)
    return masked


def mask_lines(
    lines: list[SrcLine], first: int, syntax: JinjaSyntax
) -> tuple[list[SrcLine], list[tuple[int, int, int, int]]]:
    """``lines`` (each starting at column 0) with the Jinja tags of ``lines[first:]`` (the
    template: the page after its front matter) blanked, and where each tag was as
    ``(line, expanded column, end line, end expanded column)`` (0-based columns, end
    exclusive). Lines without a tag are returned as they are; a line left blank is empty."""
    body = lines[first:]
    text = "\n".join(line.text for line in body)
    starts = (syntax.variable_start, syntax.block_start, syntax.comment_start)
    if not any(start in text for start in starts):
        return lines, []
    tags = template_tags(text, syntax)
    if not tags.spans:
        return lines, []
    line_starts = [0]
    for line in body[:-1]:
        line_starts.append(line_starts[-1] + len(line.text) + 1)

    def position(offset: int) -> tuple[int, int]:
        index = bisect_right(line_starts, offset) - 1
        return body[index].lineno, offset - line_starts[index]

    where = [(*position(start), *position(end)) for start, end in tags.spans]
    masked = mask(text, tags.spans, tags.prints).split("\n")
    for start in tags.blocks:
        index = bisect_right(line_starts, start) - 1
        # the whole of the next line is inside the tag: it may take any length
        masked[index + 1] = " " * (start - line_starts[index]) + PLACEHOLDER
    out = lines[:first]
    for line, new in zip(body, masked, strict=True):
        if new == line.text:
            out.append(line)
        else:
            # A line left with spaces only is blank for Python-Markdown (it empties such
            # lines, but not a first line): make it empty, as a tag printing nothing does.
            out.append(SrcLine(line.lineno, line.col, new if new.strip() else ""))
    return out, where
