"""Shapes ``titled-collapsible`` and ``blocks``: the title asks, the body answers.

``??? question "What is X?"`` (also ``???+``, ``???-``), ``!!! question "What is X?"`` and
pymdownx.blocks' ``/// details | What is X?`` with ``type: question``. A generic title
("Question 3", "Exercise 2") only numbers the question: the body then holds the question
and no answer is shown (an exercise).
"""

from __future__ import annotations

from qalint.document import Document
from qalint.markdown.blocks import Node
from qalint.questions import vocab
from qalint.questions._tree import (
    block_type,
    container_text,
    content,
    is_empty,
    marker_span,
    node_span,
    nodes_span,
    title_span,
)
from qalint.questions.model import BLOCKS, TITLED_COLLAPSIBLE, Question
from qalint.questions.settings import Settings


def is_question_type(node: Node, settings: Settings) -> bool:
    """True for an admonition of a question type (``questions`` too)."""
    kind = block_type(node)
    return kind in settings.question_types or kind.rstrip("s") in settings.question_types


def detect(doc: Document, node: Node) -> Question:
    """The question a question-typed admonition or details block holds."""
    shape = BLOCKS if node.marker_symbol.startswith("///") else TITLED_COLLAPSIBLE
    title = (node.title or "").strip()
    body = content(node)
    if title and not vocab.GENERIC_TITLE_RE.match(title):
        spans = (nodes_span(doc, body),) if body else ()
        return Question(
            shape,
            title,
            title_span(doc, node),
            "title",
            spans,
            answer_empty=not body,
            node=node,
            answer_node=node,
            hidden=doc.in_comment,
        )
    text = container_text(node)
    span = node_span(doc, body[0]) if body else marker_span(doc, node)
    return Question(
        shape,
        text,
        span,
        "paragraph",
        node=node,
        hidden=doc.in_comment,
        answer_empty=False,
    )


def body_is_empty(node: Node) -> bool:
    """True when the block renders no body."""
    return is_empty(node)
