"""Shape ``html-details``: ``<details><summary>Q?</summary> ... </details>``.

The summary is the question and what follows it, up to ``</details>``, the answer. With
``md_in_html`` (and ``markdown`` on the tag) the answer is Markdown; without it, raw HTML:
either way the reader sees a question and a collapsible answer. Read from prose lines only,
so an example inside a code fence is not a question.
"""

from __future__ import annotations

import re

from qalint.diagnostics import Span
from qalint.document import Document, renders_nothing
from qalint.markdown.blocks import Node
from qalint.markdown.source import SrcLine
from qalint.questions._tree import nodes_span, text_lines
from qalint.questions.model import HTML_DETAILS, Question

SUMMARY_RE = re.compile(r"<summary[^>]*>(.*?)</summary>", re.I | re.S)
TAG_RE = re.compile(r"<[^>]+>")


def detect(doc: Document) -> list[Question]:
    """Every ``<details>`` block with a summary, in order (nested ones too).

    With ``md_in_html`` the parser makes ``<details markdown>`` a details node (marker
    ``<details``) whose children are the answer; raw ``<details>`` stays text of its block.
    """
    out = [_md_in_html(doc, node) for node in doc.root.walk() if _is_md_details(node)]
    out.extend(_raw(doc))
    out.sort(key=lambda q: (q.span.line, q.span.column))
    return out


def _is_md_details(node: Node) -> bool:
    return node.kind == "details" and node.marker_symbol == "<details"


def _md_in_html(doc: Document, node: Node) -> Question:
    """A ``<details markdown>`` element the parser opened: its summary and Markdown body."""
    assert node.marker is not None
    text = node.title or ""
    summary_line = node.marker
    following = node.marker.lineno  # index of the next source line
    if (
        "<summary" not in summary_line.text.lower()
        and following < len(doc.lines)
        and "<summary" in doc.lines[following].lower()
    ):
        summary_line = SrcLine(following + 1, 0, doc.lines[following])
    if not text:
        m = SUMMARY_RE.search(summary_line.text)
        text = " ".join(TAG_RE.sub("", m.group(1)).split()) if m else ""
    body = [child for child in node.children if not renders_nothing(child)]
    answer_spans: tuple[Span, ...] = ()
    if body:
        answer_spans = (nodes_span(doc, body),)
    return Question(
        HTML_DETAILS,
        text,
        doc.line_span(summary_line),
        "summary",
        answer_spans,
        answer_empty=not body,
        closed=True,
        hidden=doc.in_comment,
        node=node,
    )


def _raw(doc: Document) -> list[Question]:
    """``<details>`` written as raw HTML inside text blocks (no md_in_html element)."""
    lines = text_lines(doc.root)
    out: list[Question] = []
    i = 0
    while i < len(lines):
        lower = lines[i].text.lower()
        if "<details" not in lower:
            i += 1
            continue
        start = i
        depth = 0
        end = None
        while i < len(lines):
            low = lines[i].text.lower()
            depth += low.count("<details") - low.count("</details>")
            i += 1
            if depth <= 0:
                end = i - 1
                break
        chunk = lines[start : (end if end is not None else len(lines) - 1) + 1]
        out.append(_question(doc, chunk, end is not None))
        if end is None:
            break  # never closed: the rest of the page is inside it
        i = end + 1
    return out


def _question(doc: Document, chunk: list, closed: bool) -> Question:
    joined = "\n".join(line.text for line in chunk)
    m = SUMMARY_RE.search(joined)
    text = " ".join(TAG_RE.sub("", m.group(1)).split()) if m else ""
    summary_line = chunk[joined[: m.start()].count("\n")] if m else chunk[0]
    after = joined[m.end() :] if m else joined[joined.find(">") + 1 :]
    body = after.rsplit("</details>", 1)[0] if closed else after
    answer_text = TAG_RE.sub("", body).strip()
    answer_spans: tuple[Span, ...] = ()
    if answer_text:
        last = chunk[-1]
        answer_spans = (Span(summary_line.lineno, 1, last.lineno, len(last.text) + 1),)
    return Question(
        HTML_DETAILS,
        text,
        doc.line_span(summary_line),
        "summary",
        answer_spans,
        answer_empty=not answer_text,
        closed=closed,
        hidden=doc.in_comment,
    )
