"""Shape ``blocks``: pymdownx.blocks ``/// details | Q?`` with ``type: question``.

When the block parser builds ``///`` blocks as admonition or details nodes (marker ``///``),
``collapsible`` reads them like ``???`` blocks. Until then, and for a parser that keeps them
as text, this module reads them from the prose lines: the header ``/// details | Title``,
its indented options (``type: question``), the body, and the closing ``///``.
"""

from __future__ import annotations

import re

from qalint.diagnostics import Span
from qalint.document import Document
from qalint.questions import vocab
from qalint.questions._tree import text_lines
from qalint.questions.model import BLOCKS, Question
from qalint.questions.settings import Settings

HEADER_RE = re.compile(r"^/{3,}\s*(details|admonition)\s*(?:\|\s*(.*?))?\s*$")
OPTION_RE = re.compile(r"^\s{2,}(\w+)\s*:\s*(.*?)\s*$")
CLOSE_RE = re.compile(r"^/{3,}\s*$")


def detect(doc: Document, settings: Settings) -> list[Question]:
    """``/// details`` blocks of a question type, read from the prose lines."""
    lines = text_lines(doc.root)
    out: list[Question] = []
    i = 0
    while i < len(lines):
        m = HEADER_RE.match(lines[i].text.strip() if lines[i].indent < 4 else "")
        if m is None:
            i += 1
            continue
        header = lines[i]
        title = (m.group(2) or "").strip()
        options: dict[str, str] = {}
        i += 1
        while i < len(lines) and (o := OPTION_RE.match(lines[i].text)):
            options[o.group(1).lower()] = o.group(2).lower()
            i += 1
        body = []
        while i < len(lines) and not CLOSE_RE.match(lines[i].text.strip()):
            body.append(lines[i])
            i += 1
        i += 1
        kind = options.get("type", "")
        if kind not in settings.question_types and kind.rstrip("s") not in settings.question_types:
            continue
        text_body = [ln for ln in body if ln.text.strip()]
        span = doc.line_span(header)
        answer = ()
        if text_body:
            last = text_body[-1]
            answer = (Span(text_body[0].lineno, 1, last.lineno, len(last.text) + 1),)
        generic = not title or vocab.GENERIC_TITLE_RE.match(title)
        out.append(
            Question(
                BLOCKS,
                title if not generic else " ".join(ln.text.strip() for ln in text_body[:1]),
                span,
                "title" if not generic else "paragraph",
                answer if not generic else (),
                answer_empty=not generic and not text_body,
                hidden=doc.in_comment,
            )
        )
    return out
