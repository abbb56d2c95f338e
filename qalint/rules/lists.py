"""S rules about lists, as the site's own list extension nests them.

Python-Markdown nests a list item 4 spaces past its parent; ``sane_lists`` keeps that but
makes an item of the other list type text; ``mdx_truly_sane_lists`` nests at ``nested_indent``
spaces (2 by default), and an item indented more than that continues its parent as text. The
block parser (``qalint.markdown.blocks``) replays the site's rule; these checks read its tree
and word each finding with the configuration it depends on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from qalint.document import Document
from qalint.markdown.blocks import LiteralItem
from qalint.markdown.source import TAB_LENGTH
from qalint.rules._memo import nodes
from qalint.rules.registry import RuleContext, rule
from qalint.site.wording import list_rule, unvouched

LIST_RE = re.compile(r"^(?:[*+-]|\d+[.)])[ ]+")
MARKER_RE = re.compile(r"^(?:[*+-]|\d+\.)")


@rule(
    "S015",
    "flat-nested-list",
    summary="A nested list item is indented less than the site's nesting step, so it renders flat.",
    explanation="""
Python-Markdown (and sane_lists) needs 4 spaces of indentation for a nested list;
mdx_truly_sane_lists needs its `nested_indent` (2 by default). An item indented less (2 spaces
is enough for CommonMark) renders as a sibling of its parent, losing the nesting. The message
names the rule the site uses; the fix (unsafe) indents the items by exactly that step. On a
site that enables an extension qalint does not model, the fix is withheld (the finding says so).
""",
    bad="- Ways to regularize:\n  - dropout\n  - weight decay\n",
    good="- Ways to regularize:\n    - dropout\n    - weight decay\n",
    severity=Severity.WARNING,
    fixable=True,
)
def flat_nested_list(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag each run of list items indented less than one nesting step past the list's own."""
    doc = ctx.document
    who, step = list_rule(doc.site)
    literal = {item.line.lineno for item in doc.literal_items}
    for node in nodes(ctx):
        if node.kind != "list" or not node.lines or node.marker_symbol == ":":
            continue
        base = node.lines[0].indent
        shallow = [
            line
            for line in node.lines[1:]
            if base < line.indent < base + step
            and line.lineno not in literal
            and LIST_RE.match(line.text[line.indent :])
        ]
        if not shallow:
            continue
        first = shallow[0]
        depth = first.indent - base
        edits = []
        for line in shallow:
            if "\t" in doc.lines[line.lineno - 1]:
                edits = []
                break
            start = doc.source.offset(line.lineno, line.col + base + 1)
            edits.append(Edit(start, start + line.indent - base, " " * step))
        withheld = unvouched(doc.site)
        fix = (
            Fix(tuple(edits), Applicability.UNSAFE, f"indent the nested items by {step} spaces")
            if edits and not withheld
            else None
        )
        lines = ", ".join(str(line.lineno) for line in shallow)
        column = doc.source.column(first.lineno, first.col + first.indent)
        span = Span(first.lineno, column, first.lineno, column + 1)
        plural = "s" if len(shallow) > 1 else ""
        yield flat_nested_list(
            ctx,
            span,
            f"nested list item{plural} (line{plural} {lines}) indented {depth} spaces render "
            f"flat on the site: with {who} a nested item needs {step} spaces past its parent; "
            f"indent them {step} spaces past their parent item"
            + (f" ({withheld})" if withheld else ""),
            fix,
        )


@rule(
    "S020",
    "list-item-shown-as-text",
    summary="A line written as a list item renders as plain text, marker included.",
    explanation="""
Python-Markdown starts a list only where its list processor looks: at the start of a block,
or as a nested item exactly one nesting step past its parent (4 spaces; 2 with
mdx_truly_sane_lists). A sub-item indented more than that (4 spaces or a tab under
mdx_truly_sane_lists), an item of the other list type under sane_lists, or an item glued to
the paragraph or closing fence above it without a blank line, continues the text above: the
page shows a literal "- ..." line. When the line was meant as a nested item, the fix
re-indents it (and the items below it) to the site's own nesting step, unless the site enables
an extension qalint does not model (then no fix is offered, and the finding says so).
""",
    bad="Ways to regularize:\n- dropout\n- weight decay\n",
    good="Ways to regularize:\n\n- dropout\n- weight decay\n",
    fixable=True,
)
def list_item_shown_as_text(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report each list-item line that the renderer keeps as text."""
    doc = ctx.document
    if not doc.literal_items:
        return
    who, step = list_rule(doc.site)
    covered = _inline_covered_lines(doc) | _quiz_lines(doc)
    items = [item for item in doc.literal_items if item.line.lineno not in covered]
    withheld = unvouched(doc.site)
    fixes = {} if withheld else _nest_fixes(doc, items, step)
    for item in items:
        line = item.line
        span = doc.line_span(line)
        marker = MARKER_RE.match(line.text.lstrip(" "))
        shown = marker.group(0) if marker else "-"
        indent = line.col + line.indent
        fix = fixes.get(line.lineno)
        parent = item.item.col + item.item.indent if item.item is not None else 0
        if item.item is not None and indent == parent + step:
            message = _paragraph_message(doc, line, shown)  # placed right, glued to text above
        elif item.item is not None:
            if indent > parent:
                message = (
                    f"line {line.lineno} is indented {indent - parent} spaces past the list item "
                    f"on line {item.item.lineno}, so it continues that item as text and the page "
                    f'shows "{shown} ..." literally: with {who} a nested item needs {step} spaces '
                    f"past its parent; indent it {parent + step} spaces"
                )
            else:
                message = (
                    f"line {line.lineno} starts with `{shown}`, a marker of the other list type, "
                    f"so with {who} it continues the item on line {item.item.lineno} as text; "
                    "put a blank line before it to start a new list"
                )
        else:
            message = _paragraph_message(doc, line, shown)
        if withheld and item.item is not None and indent > parent:
            message += f" ({withheld})"  # the re-indent this message asks for is not offered
        yield list_item_shown_as_text(ctx, span, message, fix)


def _paragraph_message(doc: Document, line, shown: str) -> str:
    """Why a list-item line inside a paragraph is text: glued to what is above, or indented."""
    above = doc.source.expanded[line.lineno - 2].strip() if line.lineno > 1 else ""
    if not above:
        return (
            f'line {line.lineno} renders as the literal text "{shown} ..." : indented '
            f"{line.col + line.indent} spaces it is not where the site starts a list; move it "
            "under a list item or to the start of the line"
        )
    what = "closing code fence" if above.startswith(("```", "~~~")) else "line"
    return (
        f"line {line.lineno} is glued to the {what} above it with no blank line, so it "
        f'continues that text and the page shows "{shown} ..." literally; put a blank line '
        "before the list"
    )


def _inline_covered_lines(doc: Document) -> set[int]:
    """Lines that start inside an inline math or code span (their marker is not text)."""
    covered: set[int] = set()
    for math in doc.math:
        if math.span.end_line > math.span.line:
            covered.update(range(math.span.line + 1, math.span.end_line + 1))
    return covered


def _quiz_lines(doc: Document) -> set[int]:
    """Lines inside mkdocs-quiz ``<quiz>`` blocks: the plugin turns their ``- [x]`` lines
    into answers before Markdown sees them."""
    if "<quiz" not in doc.text:
        return set()
    inside: set[int] = set()
    start = 0
    for number, text in enumerate(doc.lines, 1):
        if "<quiz" in text:
            start = number
        if start:
            inside.add(number)
        if "</quiz>" in text:
            start = 0
    return inside


def _nest_fixes(doc: Document, items: list[LiteralItem], step: int) -> dict[int, Fix]:
    """Re-indentations that make over-indented sub-items nest under their parent item.

    Consecutive literal lines under one parent item are one group; the least indented of them
    moves to ``parent + step`` and deeper ones keep their depth in tab-length units, each unit
    becoming one ``step``. A group whose indents are not whole units below the first is left
    without a fix, as is a line with tab characters inside a container's indentation.
    """
    groups: dict[int, list[LiteralItem]] = {}
    for item in items:
        if item.item is None:
            continue
        parent = item.item.col + item.item.indent
        indent = item.line.col + item.line.indent
        if indent > parent and indent != parent + step:
            groups.setdefault(item.item.lineno, []).append(item)
    fixes: dict[int, Fix] = {}
    for group in groups.values():
        parent_line = group[0].item
        assert parent_line is not None
        parent = parent_line.col + parent_line.indent
        least = min(item.line.col + item.line.indent for item in group)
        edits: list[Edit] = []
        for item in group:
            indent = item.line.col + item.line.indent
            if (indent - least) % TAB_LENGTH:
                edits = []
                break
            target = parent + step + (indent - least) // TAB_LENGTH * step
            original = doc.lines[item.line.lineno - 1]
            leading = len(original) - len(original.lstrip(" \t"))
            start = doc.source.offset(item.line.lineno, 1)
            edits.append(Edit(start, start + leading, " " * target))
        if not edits:
            continue
        fix = Fix(
            tuple(edits),
            Applicability.SAFE,
            f"indent the nested item{'s' if len(edits) > 1 else ''} {step} spaces past the parent",
        )
        for item in group:
            fixes[item.line.lineno] = fix
    return fixes
