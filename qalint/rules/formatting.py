"""W rules: whitespace and spelling that ``qalint fix`` can repair mechanically.

Every rule here carries a fix, safe unless it changes what the site renders in a way the
author may not want. Edits are offsets into ``doc.text`` (original line endings, BOM
excluded); an edit that adds a line break copies the break of the line before it, so a CRLF
(or CR) file keeps its line endings. Indentation fixes are checked by re-parsing the fixed
text: a fix is offered only when exactly one way of re-indenting puts the line in the
container it was meant for, with nothing else falling out (``content-escapes-block``, S008,
still explains every escape).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from qalint.config import Option, register_section
from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from qalint.document import Document, QuestionBlock
from qalint.markdown.blocks import (
    ADMONITION_RE,
    DETAILS_RE,
    FENCE_OPEN_RE,
    TAB_RE,
    Atom,
    Escape,
    Node,
    expand_atom,
)
from qalint.markdown.source import TAB_LENGTH, Source
from qalint.rules._memo import nodes, once, section
from qalint.rules.questions import marker_problem
from qalint.rules.registry import RuleContext, rule
from qalint.rules.structure import blocks_of
from qalint.site.wording import unvouched


def _check_marker(value: str) -> str | None:
    if ADMONITION_RE.match(value) or DETAILS_RE.match(value):
        return None
    return 'must be an admonition opener such as `!!! Question ""` or `???+ Question`'


register_section(
    "formatting",
    {
        "admonition-marker": Option(
            "str",
            '!!! Question ""',
            "The canonical spelling of a question admonition's opening line (type and title).",
            validate=_check_marker,
        ),
        "max-blank-lines": Option(
            "int",
            1,
            "Most consecutive blank lines allowed (outside code blocks).",
            validate=lambda v: None if v >= 1 else "must be at least 1",
        ),
    },
)

QUOTES = "\"'“”‘’"
LOOSE_ADMONITION_RE = re.compile(
    rf"^(!!!|\?\?\?\+?)[ \t]*([A-Za-z][\w\-]*)[ \t]*(?:([{QUOTES}])(.*?)([{QUOTES}]))?[ \t]*$"
)
LOOSE_TAB_RE = re.compile(
    rf"^(={{3}}(?:\+!|!\+|\+|!)?)[ \t]*(?:([{QUOTES}])(.*?)([{QUOTES}])|([^{QUOTES}\s=].*?))[ \t]*$"
)
ATX_RE = re.compile(r"^(#{1,6})([ \t]*)")
HEADING_START_RE = re.compile(r"^#{1,6}(?!#)[ \t]*\S")


# --- shared helpers -------------------------------------------------------------------------


def _line_start(doc: Document, lineno: int) -> int:
    return doc.source.line_starts[lineno - 1]


LINE_BREAKS = ("\r\n", "\n", "\r")


def _break_after(doc: Document, lineno: int) -> str:
    """The line break that ends line ``lineno``, or the file's usual one if it has none."""
    if 0 < lineno < len(doc.lines):
        start = _line_start(doc, lineno) + len(doc.lines[lineno - 1])
        written = doc.text[start : doc.source.line_starts[lineno]]
        if written in LINE_BREAKS:
            return written
    return doc.source.newline


def _indent_of(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _code_lines(doc: Document) -> set[int]:
    """Line numbers inside fenced or indented code blocks (fence lines included)."""
    lines: set[int] = set()
    for block in doc.code_blocks:
        lines.update(range(block.span.line, block.span.end_line + 1))
    return lines


def _comment_lines(doc: Document) -> set[int]:
    lines: set[int] = set()
    for comment in doc.comments:
        lines.update(range(comment.span.line, comment.span.end_line + 1))
    return lines


PRE_OPEN_RE = re.compile(r"^[ \t]*<(pre|textarea|script|style)\b", re.IGNORECASE)
PRE_TAG_RE = re.compile(r"<(?:pre|textarea|script|style)\b", re.IGNORECASE)


def _preformatted_lines(doc: Document) -> set[int]:
    """Lines of raw ``<pre>``-like HTML blocks (their blank lines are content), tags included.

    Only a line that starts with the tag opens one (as a raw HTML block does, so `<pre>` in
    prose is not one); an element left open runs to the end of the file; code is skipped.
    """
    lines: set[int] = set()
    if not PRE_TAG_RE.search(doc.text):
        return lines  # no line can open one (one search instead of a match per line)
    code = _code_lines(doc)
    closing: re.Pattern[str] | None = None
    for index, text in enumerate(doc.lines):
        lineno = index + 1
        if closing is None:
            opened = None if lineno in code else PRE_OPEN_RE.match(text)
            if opened is None:
                continue
            closing = re.compile(rf"</{opened.group(1)}\s*>", re.IGNORECASE)
            text = text[opened.end() :]
        lines.add(lineno)
        if closing.search(text):
            closing = None
    return lines


def _visible_questions(ctx: RuleContext) -> list[QuestionBlock]:
    return once(
        ctx,
        "formatting.visible-questions",
        ctx.document,
        lambda _doc: [b for b in blocks_of(ctx) if not b.in_comment],
    )


def _question_nodes(ctx: RuleContext) -> set[int]:
    """ids of question admonitions and of every container inside them."""
    ids: set[int] = set()
    stack = [block.node for block in _visible_questions(ctx)]
    while stack:
        node = stack.pop()
        if node.is_container:
            ids.add(id(node))
        stack.extend(node.children)
    return ids


def _marker_text(doc: Document, marker) -> tuple[int, str]:
    """Offset of a marker line's first visible character, and its text up to trailing spaces."""
    column = doc.source.column(marker.lineno, marker.col)
    start = doc.source.offset(marker.lineno, column)
    raw = doc.lines[marker.lineno - 1][column - 1 :]
    return start, raw.rstrip(" \t")


# --- W001 trailing whitespace ---------------------------------------------------------------


def _hard_break_lines(doc: Document) -> set[int]:
    """Lines whose 2+ trailing spaces make a <br> (not the last line of their paragraph)."""
    lines: set[int] = set()
    for prose in doc.prose:
        if prose.node.kind not in {"paragraph", "list"}:
            continue
        numbers = [m.lineno for line in prose.node.lines for m in expand_atom(line)]
        lines.update(numbers[:-1])
    return lines


def _break_width(doc: Document, lineno: int) -> int:
    """Trailing spaces of a line as Python-Markdown sees them, after expanding its tabs."""
    expanded = doc.source.expanded[lineno - 1]
    return len(expanded) - len(expanded.rstrip(" "))


@rule(
    "W001",
    "trailing-whitespace",
    summary="A line ends with spaces or tabs (tab and admonition markers included).",
    explanation="""
Trailing whitespace is invisible in an editor, makes noisy diffs and, on a marker line such as
`=== "Answer" `, hides in the one place where the line's spelling matters. Two or more spaces
ending a line inside a paragraph are a Markdown hard line break and are left alone; so is a
trailing tab that Python-Markdown expands to two or more spaces there. A first line of only
spaces is reported by S016 instead.
""",
    bad='    === "Answer"   \n',
    good='    === "Answer"\n',
    severity=Severity.WARNING,
    fixable=True,
)
def trailing_whitespace(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag trailing spaces and tabs, with a fix that deletes them."""
    doc = ctx.document
    breaks: set[int] | None = None  # made at the first line that could be a hard break
    for index, line in enumerate(doc.lines):
        lineno = index + 1
        stripped = line.rstrip(" \t")
        if stripped == line or (lineno == 1 and not stripped):
            continue
        tail = line[len(stripped) :]
        if stripped and _break_width(doc, lineno) >= 2:
            if breaks is None:
                breaks = _hard_break_lines(doc)
            if lineno in breaks:
                continue  # a hard line break (a trailing tab counts as the spaces it expands to)
        start = _line_start(doc, lineno) + len(stripped)
        what = "whitespace-only line" if not stripped else "trailing whitespace"
        marker = stripped.strip()
        if TAB_RE.match(marker) or ADMONITION_RE.match(marker):
            what = "trailing whitespace after the marker"
        span = Span(lineno, len(stripped) + 1, lineno, len(line) + 1)
        fix = Fix(
            (Edit(start, start + len(tail), ""),),
            Applicability.SAFE,
            "delete the trailing whitespace",
        )
        yield trailing_whitespace(
            ctx,
            span,
            f"{what} ({len(tail)} character{'s' if len(tail) != 1 else ''}); delete it",
            fix,
        )


# --- W002 tabs in indentation ---------------------------------------------------------------


@rule(
    "W002",
    "tab-indentation",
    summary="A line is indented with tab characters.",
    explanation="""
Python-Markdown expands a tab to the next multiple of 4 columns before it parses, so a tab
in the indentation decides which container a line lands in while editors show it at another
width. The fix writes the same indentation with spaces (tab stop 4), so the page renders
exactly as before. Code blocks are left alone.
""",
    bad='!!! Question ""\n\t=== "Question"\n',
    good='!!! Question ""\n    === "Question"\n',
    severity=Severity.WARNING,
    fixable=True,
)
def tab_indentation(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag tabs in leading whitespace; the fix expands them as Python-Markdown does."""
    doc = ctx.document
    code = _code_lines(doc)
    for index, line in enumerate(doc.lines):
        if "\t" not in line:
            continue
        lineno = index + 1
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" not in leading or not line.strip() or lineno in code:
            continue
        width = len(leading.expandtabs(TAB_LENGTH))
        start = _line_start(doc, lineno)
        fix = Fix(
            (Edit(start, start + len(leading), " " * width),),
            Applicability.SAFE,
            f"indent with {width} spaces",
        )
        yield tab_indentation(
            ctx,
            Span(lineno, 1, lineno, len(leading) + 1),
            f"indentation uses tab characters; indent with {width} spaces (what the site renders)",
            fix,
        )


# --- W003 question indentation --------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """A candidate re-indentation: line number -> change of indentation."""

    shifts: tuple[tuple[int, int], ...]

    def edits(self, doc: Document) -> tuple[Edit, ...]:
        out = []
        for lineno, delta in self.shifts:
            start = _line_start(doc, lineno)
            if delta > 0:
                out.append(Edit(start, start, " " * delta))
            elif delta < 0:
                out.append(Edit(start, start - delta, ""))
        return tuple(out)


def _apply(text: str, edits: tuple[Edit, ...]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def _blocks_of(doc: Document, first: int, last: int) -> list[list[int]]:
    """Blank-line separated blocks of lines ``first..last``; a closed fence stays one block."""
    expanded = doc.source.expanded
    blocks: list[list[int]] = []
    current: list[int] = []
    lineno = first
    while lineno <= last:
        text = expanded[lineno - 1]
        if not text.strip():
            if current:
                blocks.append(current)
                current = []
            lineno += 1
            continue
        fence = FENCE_OPEN_RE.match(text)
        end = _fence_close(expanded, lineno, last, fence) if fence else None
        if end is not None:
            current.extend(range(lineno, end + 1))
            lineno = end + 1
            continue
        current.append(lineno)
        lineno += 1
    if current:
        blocks.append(current)
    return blocks


def _fence_close(expanded: list[str], start: int, last: int, fence: re.Match) -> int | None:
    ws, mark = fence.group("ws"), fence.group("fence")
    closing = re.compile(f"^{re.escape(ws)}{re.escape(mark[0])}{{{len(mark)},}}[ ]*$")
    for lineno in range(start + 1, last + 1):
        text = expanded[lineno - 1]
        if closing.match(text):
            return lineno
        if text.strip() and not text.startswith(ws):
            return None
    return None


def _region_end(doc: Document, start: int, boundary: int) -> int:
    """The last non-blank line from ``start`` before a line indented ``boundary`` or less."""
    expanded = doc.source.expanded
    last = start
    for lineno in range(start + 1, len(expanded) + 1):
        text = expanded[lineno - 1]
        if not text.strip():
            continue
        if _indent_of(text) <= boundary:
            break
        last = lineno
    return last


def _node_at(root: Node, lineno: int) -> Node | None:
    """The deepest node whose marker or own lines include ``lineno``."""
    found: Node | None = None
    for node in root.walk():
        on_marker = node.marker is not None and node.marker.lineno == lineno
        if (on_marker and node.kind != "tabset") or any(
            m.lineno == lineno for line in node.lines for m in expand_atom(line)
        ):
            found = node
    return found


def _misaligned(root: Node, lineno: int) -> bool:
    """True when a block's first line sits 1-3 spaces past its container's body column."""
    for node in root.walk():
        if node.kind in {"code", "fence", "comment"}:
            continue
        for line in node.lines:
            if line.lineno == lineno and not isinstance(line, Atom):
                return line.indent % TAB_LENGTH > 0
    return False


def _plans(
    doc: Document, line: int, indent: int, target: int, boundary: int
) -> tuple[list[int], list[_Plan]]:
    """Candidate shifts: the whole region, the blocks that start at ``indent``, the line alone."""
    last = _region_end(doc, line, boundary)
    expanded = doc.source.expanded
    delta = target - indent
    inner = _fence_inner(doc, line, last)
    region = [n for n in range(line, last + 1) if expanded[n - 1].strip()]
    if any(_indent_of(expanded[n - 1]) < indent for n in region if n not in inner):
        return region, []
    if any("\t" in doc.lines[n - 1][: _indent_of(expanded[n - 1])] for n in region):
        return region, []  # W002 first
    blocks = _blocks_of(doc, line, last)
    at_indent = [n for b in blocks if _indent_of(expanded[b[0] - 1]) == indent for n in b]
    plans = [
        _Plan(tuple((n, delta) for n in region)),
        _Plan(tuple((n, delta) for n in at_indent if expanded[n - 1].strip())),
        _Plan(((line, delta),)),
    ]
    unique: list[_Plan] = []
    for plan in plans:
        if plan.shifts and plan not in unique:
            unique.append(plan)
    return region, unique


def _fence_inner(doc: Document, first: int, last: int) -> set[int]:
    """Lines inside closed fences between ``first`` and ``last`` (their indent is content)."""
    expanded = doc.source.expanded
    inner: set[int] = set()
    for lineno in range(first, last + 1):
        fence = FENCE_OPEN_RE.match(expanded[lineno - 1])
        if fence and lineno not in inner:
            end = _fence_close(expanded, lineno, last, fence)
            if end is not None:
                inner.update(range(lineno + 1, end + 1))
    return inner


def _home(node: Node | None, marker_line: int) -> bool:
    """True when ``node`` sits in the container whose marker is on ``marker_line`` (0: page)."""
    if marker_line == 0:
        return node is not None and node.parent is not None and node.parent.kind == "root"
    while node is not None:
        if node.marker is not None and node.marker.lineno == marker_line and node.kind != "tabset":
            return True
        node = node.parent
    return False


@dataclass(frozen=True)
class _Excerpt:
    """The question block (lines ``first``..``last``) that re-indenting some of its lines can
    change; re-parsing only it keeps W003 linear in the size of the page."""

    first: int
    last: int

    @classmethod
    def around(cls, doc: Document, line: int, region_end: int) -> _Excerpt:
        """From the page-level question opening at or before ``line`` to the next one after
        ``region_end``; each must start a fresh block (column 0, after a blank line)."""
        first, last = 1, len(doc.lines)
        for child in doc.root.children:
            start = child.first_line
            if child.kind not in {"admonition", "details"} or not _fresh_block(doc, start):
                continue
            if start <= line:
                first = start
            elif start > region_end:
                last = start - 1
                break
        return cls(first, last)

    def parse(self, doc: Document, edits: tuple[Edit, ...]) -> tuple[str, Document]:
        """The excerpt's text with ``edits`` (offsets into ``doc.text``) applied, parsed."""
        from qalint.markdown.parse import parse

        base = _line_start(doc, self.first)
        end = _line_start(doc, self.last + 1) if self.last < len(doc.lines) else len(doc.text)
        moved = tuple(Edit(e.start - base, e.end - base, e.replacement) for e in edits)
        text = _apply(doc.text[base:end], moved)
        return text, parse(Source(text, had_bom=doc.source.had_bom), doc.path, doc.site)

    def local(self, lineno: int) -> int:
        """A page line number as a line number of the excerpt (0, the page, stays 0)."""
        return lineno - self.first + 1 if lineno else 0


def _fresh_block(doc: Document, lineno: int) -> bool:
    """True when line ``lineno`` starts at column 0 after a blank line (or opens the page)."""
    text = doc.source.expanded[lineno - 1]
    return not text[:1].isspace() and (lineno == 1 or not doc.lines[lineno - 2].strip())


def _choose(
    doc: Document, found: tuple[list[int], list[_Plan]], line: int, home: int, old_escapes: set[int]
) -> tuple[Edit, ...] | None:
    """The one plan that puts ``line`` in its home container with nothing else falling out."""
    region, plans = found
    excerpt = _Excerpt.around(doc, line, max([line, *region]))
    old = {excerpt.local(n) for n in old_escapes if excerpt.first <= n <= excerpt.last}
    good: list[tuple[str, tuple[Edit, ...]]] = []
    for plan in plans:
        edits = plan.edits(doc)
        text, fixed = excerpt.parse(doc, edits)
        escapes = {e.line.lineno for e in fixed.escapes}
        shifted = {excerpt.local(n) for n, _ in plan.shifts}
        here = excerpt.local(line)
        if here in escapes or escapes & shifted or not escapes <= old:
            continue
        homes = [excerpt.local(n) for n in [line, *region]]
        if not all(_home(_node_at(fixed.root, n), excerpt.local(home)) for n in homes):
            continue
        if any(_misaligned(fixed.root, n) for n in shifted):
            continue
        if text not in (t for t, _ in good):
            good.append((text, edits))
    return good[0][1] if len(good) == 1 else None


def _escape_fix(doc: Document, escape: Escape, old_escapes: set[int]) -> tuple[str, Fix] | None:
    """A safe re-indentation for an escaping line, when exactly one is clean."""
    container = escape.container
    marker = container.marker
    line = escape.line
    if marker is None:
        return None
    indent = line.col + line.indent
    own_col = marker.col
    if not own_col < indent < container.body_col:
        return None
    text = line.text.strip()
    is_tab = bool(TAB_RE.match(text))
    is_admonition = bool(ADMONITION_RE.match(text) or DETAILS_RE.match(text))
    if (container.kind == "tab" and is_tab) or (container.kind != "tab" and is_admonition):
        parent = container.parent.parent if container.kind == "tab" else container.parent
        if parent is None:
            return None
        home = parent.marker.lineno if parent.marker is not None else 0
        target, like = own_col, f"the marker on line {marker.lineno}"
    elif container.kind == "tab" and is_admonition:
        return None
    else:
        home, target, like = marker.lineno, container.body_col, "the rest of its body"
    edits = _choose(
        doc, _plans(doc, line.lineno, indent, target, own_col), line.lineno, home, old_escapes
    )
    if not edits:
        return None
    count = len(edits)
    message = (
        f"line {line.lineno} is indented {indent} spaces and falls out of the "
        f"{_describe(container)}; indent it {target} spaces, like {like}"
    )
    description = f"re-indent {count} line{'s' if count != 1 else ''} to {target} spaces"
    return message, Fix(edits, Applicability.SAFE, description)


def _unreported_escapes(ctx: RuleContext, known: set[int]) -> Iterator[Escape]:
    """Blocks after a question's last tab, indented toward its body (a fence, for instance)."""
    for block in _visible_questions(ctx):
        children = block.node.children
        for index, child in enumerate(children[:-1]):
            tab = child.last if child.kind == "tabset" else None
            follower = children[index + 1]
            if tab is None or tab.marker is None or not follower.lines:
                continue
            first = follower.lines[0]
            if first.lineno not in known and first.indent:
                yield Escape(first, tab, tab.body_col, "block")


def _describe(node: Node) -> str:
    if node.kind == "tab":
        return f'"{node.title}" tab (line {node.first_line})'
    return f"'{node.type_name}' admonition (line {node.first_line})"


def _indented_question_heading(ctx: RuleContext) -> Iterator[tuple[int, int, str]]:
    """Question tabs whose heading is indented 1-3 spaces, so it renders as plain text."""
    doc = ctx.document
    options = section(ctx, "structure")
    title = options["tabs"][0] if options["tabs"] else "Question"
    by_node = {id(h.node) for h in doc.headings}
    for block in _visible_questions(ctx):
        tab = block.tab(title)
        if tab is None or any(id(c) in by_node for c in tab.node.children):
            continue
        for child in tab.node.children:
            if child.kind != "paragraph" or not child.lines:
                continue
            first = child.lines[0]
            if 0 < first.indent < TAB_LENGTH and HEADING_START_RE.match(first.text.lstrip(" ")):
                yield first.lineno, first.indent, tab.node.title or title
                break


@rule(
    "W003",
    "question-indentation",
    summary="A line of a question block is indented 1-3 spaces off, and the fix is unambiguous.",
    explanation="""
Question blocks use 4-space steps: the admonition body (tab markers) 4 spaces in, a tab body
8 spaces in. A tab body at 6 or 7 spaces, or a question heading at 7 or 9 spaces, renders
outside its tab or as plain text on the site. When exactly one way of re-indenting puts the
line back where it belongs, with nothing else falling out, the fix re-indents it (and the
lines that share its indentation). S008 explains every escaping line, fixable or not. On a site
that enables an extension qalint does not model, the fix is withheld (the finding says so).
""",
    bad='!!! Question ""\n    === "Question"\n        #### What is dropout?\n\n'
    '    === "Answer"\n\n      Dropout is a regularization technique.\n',
    good='!!! Question ""\n    === "Question"\n        #### What is dropout?\n\n'
    '    === "Answer"\n\n        Dropout is a regularization technique.\n',
    severity=Severity.WARNING,
    fixable=True,
    config_keys=("structure.tabs",),
)
def question_indentation(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Re-indent lines that fall out of a question's admonition or tab by 1-3 spaces."""
    doc = ctx.document
    escapes = doc.escapes + list(_unreported_escapes(ctx, {e.line.lineno for e in doc.escapes}))
    old = {e.line.lineno for e in escapes}
    done: set[int] = set()
    scope = _question_nodes(ctx) if escapes else set()
    withheld = unvouched(doc.site)
    note = f" ({withheld})" if withheld else ""
    for escape in escapes:
        if id(escape.container) not in scope or escape.line.lineno in done:
            continue
        found = _escape_fix(doc, escape, old)
        if found is None:
            continue
        message, fix = found
        done.add(escape.line.lineno)
        yield question_indentation(
            ctx, doc.line_span(escape.line), message + note, None if withheld else fix
        )
    for lineno, extra, title in _indented_question_heading(ctx):
        start = _line_start(doc, lineno)
        column = len(doc.lines[lineno - 1]) - len(doc.lines[lineno - 1].lstrip(" ")) + 1
        fix = Fix(
            (Edit(start, start + extra, ""),),
            Applicability.SAFE,
            f"remove {extra} space{'s' if extra != 1 else ''} of indentation",
        )
        yield question_indentation(
            ctx,
            Span(lineno, column, lineno, column + 1),
            f"the heading on line {lineno} is indented {extra} space{'s' if extra != 1 else ''} "
            f'past the "{title}" tab\'s body, so it renders as plain text with its #; '
            f"indent it {column - 1 - extra} spaces{note}",
            None if withheld else fix,
        )


# --- W004 blank line between questions ------------------------------------------------------


@rule(
    "W004",
    "blank-line-before-question",
    summary="A question block starts right after the previous one, with no blank line between.",
    explanation="""
Question blocks are separated by one blank line. Without it the file is hard to read, and the
last line of the previous answer looks as if it belonged to the next question.
""",
    bad='!!! Question ""\n    === "Answer"\n        The previous answer.\n!!! Question ""\n',
    good='!!! Question ""\n    === "Answer"\n        The previous answer.\n\n!!! Question ""\n',
    severity=Severity.WARNING,
    fixable=True,
)
def blank_line_before_question(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag a question marker whose previous line is the previous question's content."""
    doc = ctx.document
    questions = {id(b.node) for b in _visible_questions(ctx)}
    previous_sibling: dict[int, int] = {}  # node id -> id of the sibling before it (one pass)
    for block in _visible_questions(ctx):
        node = block.node
        parent = node.parent
        if parent is None or node.marker is None:
            continue
        if id(node) not in previous_sibling:
            children = parent.children
            previous_sibling.update((id(child), id(before)) for before, child in pairwise(children))
            previous_sibling.setdefault(id(children[0]), 0)
        if previous_sibling.get(id(node), 0) not in questions:
            continue
        lineno = node.marker.lineno
        previous = doc.lines[lineno - 2] if lineno > 1 else ""
        if not previous.strip() or "qalint:" in previous:
            continue
        start = _line_start(doc, lineno)
        fix = Fix(
            (Edit(start, start, _break_after(doc, lineno - 1)),),
            Applicability.SAFE,
            "insert a blank line",
        )
        yield blank_line_before_question(
            ctx,
            block.span,
            f"question block on line {lineno} "
            "starts right after the previous one; "
            "add a blank line before it",
            fix,
        )


# --- W005 runs of blank lines ---------------------------------------------------------------


@rule(
    "W005",
    "multiple-blank-lines",
    summary="More consecutive blank lines than allowed (default 1), outside code blocks.",
    explanation="""
Extra blank lines change nothing on the site and make the source uneven. Blank lines inside
fenced or indented code, HTML comments and raw `<pre>`, `<textarea>`, `<script>` or `<style>`
elements (where they are shown or matter) are left alone; blank lines at the end of the file
are W006's. The limit is `formatting.max-blank-lines`.
""",
    bad="First answer.\n\n\n\nSecond paragraph.\n",
    good="First answer.\n\nSecond paragraph.\n",
    severity=Severity.WARNING,
    fixable=True,
    config_keys=("formatting.max-blank-lines",),
)
def multiple_blank_lines(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag each run of blank lines longer than the limit; the fix deletes the extra lines."""
    doc = ctx.document
    limit = section(ctx, "formatting")["max-blank-lines"]
    protected: set[int] | None = None  # made when a run is too long
    lines = doc.lines
    last_content = next((i + 1 for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), 0)
    run: list[int] = []
    for lineno in range(1, last_content + 1):
        if not lines[lineno - 1].strip():
            run.append(lineno)
            continue
        if len(run) > limit:
            if protected is None:
                protected = _blank_runs_allowed(doc)
            if not protected & set(run):
                extra = run[limit:]
                start = _line_start(doc, extra[0])
                end = _line_start(doc, lineno)
                fix = Fix(
                    (Edit(start, end, ""),),
                    Applicability.SAFE,
                    f"delete {len(extra)} blank line{'s' if len(extra) != 1 else ''}",
                )
                yield multiple_blank_lines(
                    ctx,
                    Span(extra[0], 1, extra[0], 2),
                    f"{len(run)} blank lines in a row (lines {run[0]}-{run[-1]}); "
                    f"keep at most {limit}",
                    fix,
                )
        run = []


def _blank_runs_allowed(doc: Document) -> set[int]:
    """Lines where blank lines are content: code, comments, ``<pre>`` and front matter."""
    protected = _code_lines(doc) | _comment_lines(doc) | _preformatted_lines(doc)
    if doc.front_matter is not None:
        protected.update(range(1, doc.front_matter.end_line + 1))
    return protected


# --- W006 final newline ---------------------------------------------------------------------


@rule(
    "W006",
    "final-newline",
    summary="The file does not end with exactly one line break.",
    explanation="""
A file should end with one line break: without it, `cat`, diffs and concatenating tools
misbehave; with blank lines after the last line, the end of the file is uneven.
""",
    bad="Last line of the answer.",
    good="Last line of the answer.\n",
    severity=Severity.WARNING,
    fixable=True,
)
def final_newline(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag a missing final line break or blank lines at the end of the file."""
    doc = ctx.document
    lines = doc.lines
    content = [i + 1 for i, t in enumerate(lines) if t.strip()]
    if not content:
        return
    last = content[-1]
    end = _line_start(doc, last) + len(lines[last - 1])
    tail = doc.text[end:]
    if tail in LINE_BREAKS:
        return
    if not tail:
        newline = _break_after(doc, last - 1)
        fix = Fix((Edit(end, end, newline),), Applicability.SAFE, "add a line break at the end")
        column = len(lines[last - 1]) + 1
        yield final_newline(
            ctx,
            Span(last, column, last, column + 1),
            "the file does not end with a line break; add one",
            fix,
        )
        return
    pieces = tail.splitlines(keepends=True)
    keep = pieces[0] if pieces[0] in LINE_BREAKS else _break_after(doc, last - 1)
    fix = Fix(
        (Edit(end, len(doc.text), keep),), Applicability.SAFE, "delete the blank lines at the end"
    )
    extra = len(pieces) - 1
    yield final_newline(
        ctx,
        Span(last + 1, 1, last + 1, 2),
        f"{extra} blank line{'s' if extra != 1 else ''} at the end of the file; "
        f"delete {'them' if extra != 1 else 'it'}",
        fix,
    )


# --- W007 admonition marker spelling --------------------------------------------------------


def _configured_marker(ctx: RuleContext) -> tuple[str, str | None]:
    """(type, title) of the configured question opener."""
    value = section(ctx, "formatting")["admonition-marker"]
    m = ADMONITION_RE.match(value)
    if m:
        return m.group(1), m.group(2)
    m = DETAILS_RE.match(value)
    assert m is not None
    return (m.group(2) if m.group(2) is not None else (m.group(4) or "")), m.group(3)


def _canonical_admonition(
    symbol: str, type_name: str, title: str | None, configured: tuple[str, str | None]
) -> str:
    want_type, _ = configured
    if type_name.lower() == want_type.lower():
        type_name = want_type
    text = f"{symbol} {' '.join(type_name.split())}"
    return text if title is None else f'{text} "{title}"'


def _loose_admonitions(ctx: RuleContext) -> Iterator[tuple[int, re.Match]]:
    """Paragraph lines that were meant as question openers but do not parse as one."""
    types = {t.lower() for t in section(ctx, "structure")["admonition-types"]}
    for node in nodes(ctx):
        if node.kind != "paragraph":
            continue
        for line in node.lines:
            if line.indent or isinstance(line, Atom) or not line.text.startswith(("!!!", "???")):
                continue
            m = LOOSE_ADMONITION_RE.match(line.text)
            if not m or ADMONITION_RE.match(line.text) or DETAILS_RE.match(line.text):
                continue
            if m.group(2).lower() not in types or (m.group(3) is None) != (m.group(5) is None):
                continue
            yield line.lineno, m


@rule(
    "W007",
    "admonition-marker-style",
    summary="A question's opening line is not spelled in the configured form.",
    explanation="""
Question blocks open with the line set by `formatting.admonition-marker` (default
`!!! Question ""`). Differences of case, spacing or quotes are fixed safely; a line such as
`!!! Question ''` or `!!! Question""` does not open an admonition at all, and is fixed to one.
Adding the empty title to `!!! question` also removes the "Question" title bar the site shows,
so that fix is unsafe. The `!!!`/`???` choice and a non-empty title are left as written.
""",
    bad='!!! question\n    === "Question"\n        #### What is dropout?\n',
    good='!!! Question ""\n    === "Question"\n        #### What is dropout?\n',
    severity=Severity.WARNING,
    fixable=True,
    config_keys=("formatting.admonition-marker", "structure.admonition-types", "structure.tabs"),
)
def admonition_marker_style(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Compare each question opener with the configured spelling."""
    doc = ctx.document
    configured = _configured_marker(ctx)
    for block in _visible_questions(ctx):
        node = block.node
        if node.marker is None or node.marker_symbol[:1] not in ("!", "?"):
            continue  # a pymdownx.blocks (///) or md_in_html block is spelled another way
        start, written = _marker_text(doc, node.marker)
        title = node.title
        applicability = Applicability.SAFE
        if title is None and configured[1] is not None:
            title, applicability = configured[1], Applicability.UNSAFE
        want = _canonical_admonition(node.marker_symbol, node.type_name, title, configured)
        if written == want:
            continue
        fix = Fix((Edit(start, start + len(written), want),), applicability, f"write `{want}`")
        unsafe = applicability is Applicability.UNSAFE
        note = " (this removes the default title bar)" if unsafe else ""
        yield admonition_marker_style(
            ctx,
            block.span,
            f"question opener `{written}` is not in the configured form; write `{want}`{note}",
            fix,
        )
    for lineno, m in _loose_admonitions(ctx):
        if marker_problem(doc.lines[lineno - 1].strip()):
            continue  # S032 reports the line (an error) and carries this fix
        span, message, fix = _loose_fix(ctx, lineno, m, configured)
        yield admonition_marker_style(ctx, span, message, fix)


def _loose_fix(
    ctx: RuleContext, lineno: int, m: re.Match, configured: tuple[str, str | None]
) -> tuple[Span, str, Fix | None]:
    """The span of a loose question opener, the message, and the fix writing the configured
    spelling (None when the rewritten line would not open a valid question)."""
    doc = ctx.document
    raw = doc.lines[lineno - 1]
    column = len(raw) - len(raw.lstrip(" \t")) + 1
    written = raw[column - 1 :].rstrip(" \t")
    want = _canonical_admonition(
        m.group(1), m.group(2), m.group(4) if m.group(3) else None, configured
    )
    start = doc.source.offset(lineno, column)
    edit = Edit(start, start + len(written), want)
    fix = None
    message = f"`{written}` does not open an admonition (the site shows it as text); "
    if _opens_valid_question(ctx, edit, lineno):
        fix = Fix((edit,), Applicability.SAFE, f"write `{want}`")
        message += f"write `{want}`"
    else:
        message += (
            f"write `{want}` and indent the question's tabs under it (as it stands, "
            "the rewritten line would open a question block without its tabs)"
        )
    return Span(lineno, column, lineno, column + len(written)), message, fix


def loose_opener_fix(ctx: RuleContext, lineno: int) -> Fix | None:
    """W007's fix for a question opener on ``lineno`` that renders as text (for S032, which
    reports such a line in W007's place), or None when the line is not one."""
    for number, m in once(
        ctx, "formatting.loose", ctx.document, lambda _: list(_loose_admonitions(ctx))
    ):
        if number == lineno:
            return _loose_fix(ctx, lineno, m, _configured_marker(ctx))[2]
    return None


def _opens_valid_question(ctx: RuleContext, edit: Edit, lineno: int) -> bool:
    """True when the page with ``edit`` applied has, at ``lineno``, a valid question: a tabs
    block with every required tab (an empty one is other rules' business), or a titled
    collapsible with an answer in it. Only then does rewriting a loose marker make a valid
    question (a bare ``!!!Question""`` would become an empty block, a new S002 error)."""
    from qalint.markdown.parse import parse
    from qalint.questions import questions_of
    from qalint.questions.model import TITLED_COLLAPSIBLE

    doc = ctx.document
    text = doc.text[: edit.start] + edit.replacement + doc.text[edit.end :]
    fixed = parse(Source(text, had_bom=doc.source.had_bom), doc.path, doc.site)
    required = [t.lower() for t in section(ctx, "structure")["tabs"]]
    for block in fixed.questions:
        if block.span.line == lineno and block.tabs:
            titles = {t.title.lower() for t in block.tabs}
            titles.update(_loose_tab_titles(block))  # W008 fixes those in the next round
            return all(r in titles for r in required)
    return any(
        q.shape == TITLED_COLLAPSIBLE and q.span.line == lineno and q.text and not q.answer_empty
        for q in questions_of(fixed)
    )


def _loose_tab_titles(block: QuestionBlock) -> set[str]:
    """Titles of the misspelt tab markers directly in a block (``=== 'Answer'``)."""
    found: set[str] = set()
    for child in block.node.children:
        if child.kind == "paragraph":
            for line in child.lines:
                m = None if line.indent else LOOSE_TAB_RE.match(line.text)
                if m:
                    found.add((m.group(3) if m.group(2) else (m.group(5) or "")).lower())
    return found


# --- W008 tab marker spelling ---------------------------------------------------------------


def _loose_tabs(ctx: RuleContext) -> Iterator[tuple[int, str, str]]:
    """Lines directly in a question admonition meant as tab markers that do not parse."""
    options = section(ctx, "structure")
    allowed = {t.lower() for t in options["tabs"] + options["optional-tabs"]}
    for block in _visible_questions(ctx):
        for child in block.node.children:
            if child.kind != "paragraph":
                continue
            for line in child.lines:
                if line.indent or TAB_RE.match(line.text):
                    continue
                m = LOOSE_TAB_RE.match(line.text)
                if not m:
                    continue
                title = m.group(3) if m.group(2) else (m.group(5) or "")
                if not title.strip() or '"' in title:
                    continue
                if m.group(5) is not None and title.lower() not in allowed:
                    continue
                yield line.lineno, m.group(1), title


@rule(
    "W008",
    "tab-marker-style",
    summary='A tab marker is not spelled `=== "Title"` (one space, double quotes).',
    explanation="""
pymdownx.tabbed only knows `=== "Title"` with double quotes: `=== 'Answer'`, `=== Answer` or
`==="Answer"` are shown as text and the tab is lost. Inside a question block the intent is
clear, so the fix writes the marker properly; extra spaces in a working marker are tidied too.
""",
    bad="!!! Question \"\"\n    === 'Answer'\n        A regularization technique.\n",
    good='!!! Question ""\n    === "Answer"\n        A regularization technique.\n',
    severity=Severity.WARNING,
    fixable=True,
    config_keys=("structure.tabs", "structure.optional-tabs"),
)
def tab_marker_style(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag tab markers that do not parse or are not spelled canonically."""
    doc = ctx.document
    for block in _visible_questions(ctx):
        for tab in block.tabs:
            marker = tab.node.marker
            if marker is None or tab.node.marker_symbol == "///":
                continue
            start, written = _marker_text(doc, marker)
            want = f'{tab.node.marker_symbol} "{tab.title}"'
            if written == want:
                continue
            fix = Fix(
                (Edit(start, start + len(written), want),), Applicability.SAFE, f"write `{want}`"
            )
            yield tab_marker_style(
                ctx,
                tab.span,
                f"tab marker `{written}` is not spelled canonically; write `{want}`",
                fix,
            )
    for lineno, symbol, title in _loose_tabs(ctx):
        raw = doc.lines[lineno - 1]
        column = len(raw) - len(raw.lstrip(" \t")) + 1
        written = raw[column - 1 :].rstrip(" \t")
        want = f'{symbol} "{title}"'
        start = doc.source.offset(lineno, column)
        fix = Fix((Edit(start, start + len(written), want),), Applicability.SAFE, f"write `{want}`")
        yield tab_marker_style(
            ctx,
            Span(lineno, column, lineno, column + len(written)),
            f"`{written}` is not a tab marker (pymdownx.tabbed needs double quotes), so the "
            f"tab is lost; write `{want}`",
            fix,
        )


# --- W010 space after the heading's hashes --------------------------------------------------


@rule(
    "W010",
    "heading-space",
    summary="An ATX heading has no space, or more than one, after its `#` signs.",
    explanation="""
Python-Markdown renders `####What` as a heading, but CommonMark (GitHub, editor previews,
most other tools) shows it as text; extra spaces (`####  What`) are noise. The fix writes
exactly one space, which renders the same heading on the site.
""",
    bad="####What is dropout?\n",
    good="#### What is dropout?\n",
    severity=Severity.WARNING,
    fixable=True,
)
def heading_space(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag headings whose hashes are not followed by exactly one space."""
    doc = ctx.document
    for heading in doc.headings:
        if not heading.text:
            continue
        line = doc.lines[heading.span.line - 1]
        rest = line[heading.span.column - 1 :]
        m = ATX_RE.match(rest)
        if m is None or m.group(2) == " ":
            continue
        start = doc.source.offset(heading.span.line, heading.span.column) + len(m.group(1))
        gap = m.group(2)
        column = heading.span.column + len(m.group(1))
        if not gap:
            message = (
                f"no space after `{m.group(1)}`: CommonMark shows this heading as text; "
                f"write `{m.group(1)} {heading.text}`"
            )
        else:
            message = f"{len(gap)} whitespace characters after `{m.group(1)}`; use one space"
        fix = Fix(
            (Edit(start, start + len(gap), " "),), Applicability.SAFE, "write one space after the #"
        )
        yield heading_space(
            ctx,
            Span(heading.span.line, column, heading.span.line, column + max(1, len(gap))),
            message,
            fix,
        )
