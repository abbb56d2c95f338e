"""Shape ``html-details``: ``<details><summary>Q?</summary> ... </details>``.

The summary is the question and what follows it, up to ``</details>``, the answer. With
``md_in_html`` (and ``markdown`` on the tag) the answer is Markdown; without it, raw HTML:
either way the reader sees a question and a collapsible answer. Read from prose lines only,
so an example inside a code fence is not a question.
"""

from __future__ import annotations

import re

from qalint.diagnostics import Span
from qalint.document import Document
from qalint.questions._tree import text_lines
from qalint.questions.model import HTML_DETAILS, Question

SUMMARY_RE = re.compile(r"<summary[^>]*>(.*?)</summary>", re.I | re.S)
TAG_RE = re.compile(r"<[^>]+>")


def detect(doc: Document) -> list[Question]:
    """Every ``<details>`` block with a summary, in order (nested ones too)."""
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
