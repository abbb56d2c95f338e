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
    """Every question of the page that a reader sees, of every shape, in order.

    ``title`` is the question's text; ``span`` runs from the question to the end of its
    answer; ``heading`` is where the question itself is written.
    """
    from qalint.questions import questions_of

    found: list[PageQuestion] = []
    for question in questions_of(doc):
        if question.hidden:
            continue
        last = max(
            (question.span, *question.answer_spans), key=lambda s: (s.end_line, s.end_column)
        )
        whole = Span(question.span.line, question.span.column, last.end_line, last.end_column)
        title = question.text or doc.lines[question.span.line - 1].strip() or "question"
        found.append(PageQuestion(title, whole, question.span))
    return found
