"""W020: list items written right under a sentence, with no blank line, render as text.

Python-Markdown starts a list only at the start of a block: a ``- item`` line that continues a
paragraph is paragraph text (with plain Python-Markdown, ``sane_lists`` and
``mdx_truly_sane_lists`` alike), so the page shows one paragraph with literal ``-`` or ``1.``
markers run together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from qalint.markdown.inline import mask
from qalint.rules.registry import RuleContext, rule

# Python-Markdown's HRProcessor line (3+ of one of -, _, * with at most 2 spaces between),
# written without nested quantifiers so that a long line of dashes cannot backtrack.
_HR_RE = re.compile(r"[ ]{0,3}([-_*])(?:[ ]{0,2}\1){2,}[ ]*")


_QUIZ_OPEN_RE = re.compile(r"^\s*<quiz\b", re.I)
_QUIZ_CLOSE_RE = re.compile(r"</quiz\s*>", re.I)


_QUIZ_TAG_RE = re.compile(r"<quiz", re.I)


def _has_quiz_tag(text: str) -> bool:
    """``"<quiz" in text.lower()``; the search (a superset: it also takes the Turkish
    dotted capital I) spares lowering the text of the pages without one."""
    return _QUIZ_TAG_RE.search(text) is not None and "<quiz" in text.lower()


def _quiz_lines(lines: list[str]) -> set[int]:
    """Line numbers inside mkdocs-quiz ``<quiz>`` blocks: the plugin reads their ``- [x]``
    options from the raw text before Markdown, so they are not list items at all."""
    inside: set[int] = set()
    open_at = 0
    for number, line in enumerate(lines, start=1):
        if not open_at and _QUIZ_OPEN_RE.match(line):
            open_at = number
        if open_at:
            inside.add(number)
            if _QUIZ_CLOSE_RE.search(line):
                open_at = 0
    return inside


def _marker_re(tab_length: int) -> re.Pattern[str]:
    return re.compile(rf"^{_marker(tab_length)}")


def _later_marker_re(tab_length: int) -> re.Pattern[str]:
    """A list marker starting any line but the first (one search instead of one per line)."""
    return re.compile(rf"\n{_marker(tab_length)}")


def _marker(tab_length: int) -> str:
    return rf"[ ]{{0,{tab_length - 1}}}(?:[*+-]|\d+\.)[ ]+\S"


@rule(
    "W020",
    "list-without-blank-line",
    summary="List items right below a sentence, with no blank line, render as plain text.",
    explanation="A Markdown list starts only after a blank line: `- a` on the line right "
    "after a sentence continues that paragraph, so the page shows `Intro: - a - b` as one "
    "line of text (with or without `sane_lists` and `mdx_truly_sane_lists`). Reported when "
    "the sentence ends with `:` or two or more item lines follow it. The fix adds the blank "
    "line. Options of mkdocs-quiz `<quiz>` blocks are left alone (the plugin reads them).",
    bad="The three steps are:\n- split the data\n- fit the model\n",
    good="The three steps are:\n\n- split the data\n- fit the model\n",
    severity=Severity.ERROR,
    fixable=True,
)
def check_list_without_blank_line(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Paragraph lines after the first that are list markers."""
    doc = ctx.document
    marker = _marker_re(doc.site.flags.tab_length)
    later_marker = _later_marker_re(doc.site.flags.tab_length)
    quiz = _quiz_lines(doc.lines) if _has_quiz_tag(doc.text) else set()
    for prose in doc.all_prose(include_hidden=False):
        if prose.node.kind != "paragraph":
            continue
        text = prose.run.text
        if "\n" not in text:
            continue
        masked = mask(text, [*prose.code_spans, *prose.math_spans, *prose.comment_spans])
        if not later_marker.search(masked):
            continue
        lines = masked.split("\n")
        items = [i for i in range(1, len(lines)) if marker.match(lines[i])]
        if not items:
            continue
        if any(_HR_RE.fullmatch(line) for line in lines):
            continue  # a rule line splits the block: not this defect
        first = items[0]
        lead = lines[first - 1].rstrip()
        if marker.match(lines[first - 1]) or not (lead.endswith(":") or len(items) >= 2):
            continue
        start = sum(len(line) + 1 for line in lines[:first])
        line_no, column = prose.run.position(start)
        if line_no in quiz:
            continue
        fix = None
        source_line = doc.source.lines[line_no - 1]
        if not source_line[: column - 1].strip():  # plain indentation before it (no "> ")
            offset = doc.source.offset(line_no, 1)
            fix = Fix((Edit(offset, offset, "\n"),), Applicability.UNSAFE, "add a blank line")
        yield check_list_without_blank_line(
            ctx,
            prose.run.span(start, start + len(lines[first].rstrip())),
            f"these {len(items)} list item line(s) follow '{lead[-40:].strip()}' with no blank "
            "line, so they render as plain text in that paragraph (literal markers); add a "
            "blank line before the list",
            fix,
        )
