"""The questions of a page, as the outline (document symbols) shows them."""

from __future__ import annotations

from dataclasses import dataclass

from qalint.diagnostics import Span
from qalint.document import Document


@dataclass(frozen=True)
class PageQuestion:
    """One question: the text of its heading (or its first line) and where it is."""

    title: str
    span: Span
    heading: Span | None


def page_questions(doc: Document) -> list[PageQuestion]:
    """Every question block of the page, in order.

    The single place the server asks for a page's questions, so it can switch to
    ``qalint.questions.questions_of`` when that exists.
    """
    headings = {id(h.node): h for h in doc.headings}
    found: list[PageQuestion] = []
    for block in doc.questions:
        if block.in_comment:
            continue
        heading = None
        tabs = sorted(block.tabs, key=lambda t: t.title != "Question")
        for tab in tabs:
            heading = next((headings[id(c)] for c in tab.node.children if id(c) in headings), None)
            if heading is not None:
                break
        if heading is not None and heading.text:
            title = heading.text
        else:
            title = doc.lines[block.span.line - 1].strip() or "question"
        found.append(PageQuestion(title, block.span, heading.span if heading else None))
    return found
