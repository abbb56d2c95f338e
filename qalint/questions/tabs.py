"""Shape ``tabs``: an admonition holding a question tab and answer tabs.

``!!! Question ""`` with ``=== "Question"`` / ``=== "Answer"`` (the configured titles), or
translated titles (``=== "Énoncé"`` / ``=== "Correction"``) in any admonition. A tab body may
be a snippet line (``--8<-- "file.md"``): it renders the included file, so it is content.
"""

from __future__ import annotations

from qalint.document import Document
from qalint.markdown.blocks import Node
from qalint.questions import vocab
from qalint.questions._tree import block_type, container_text, is_empty, marker_span, node_span
from qalint.questions.model import TABS, Question
from qalint.questions.settings import Settings


def tabs_of(node: Node) -> list[Node]:
    """The tabs of a container's tab sets, in order."""
    return [tab for child in node.children if child.kind == "tabset" for tab in child.children]


def roles(tabs: list[Node], settings: Settings) -> tuple[Node | None, list[Node]]:
    """The question tab and the answer tabs, by configured title or known word."""
    question = next(
        (
            t
            for t in tabs
            if (t.title or "") == settings.tabs[0]
            or vocab.first_word(t.title or "") in vocab.QUESTION_TAB_WORDS
        ),
        None,
    )
    answers = [
        t
        for t in tabs
        if t is not question
        and (
            (t.title or "") in settings.tabs[1:]
            or vocab.first_word(t.title or "") in vocab.ANSWER_TAB_WORDS
        )
    ]
    return question, answers


def is_tabs_question(node: Node, settings: Settings) -> bool:
    """True when the container is a question of the tabs shape."""
    tabs = tabs_of(node)
    if not tabs:
        return _escaped_tabs(node, settings)
    if block_type(node) in settings.question_types:
        return True
    question, answers = roles(tabs, settings)
    configured = any((t.title or "") in settings.tabs for t in tabs)
    return configured or (question is not None and bool(answers))


def _escaped_tabs(node: Node, settings: Settings) -> bool:
    """A question admonition titled ``""`` (the tabs shape's own), or one whose tab markers
    follow it unindented: a tabs question whose tabs are missing."""
    if block_type(node) not in settings.question_types or node.marker_symbol[:3] != "!!!":
        return False
    if node.title == "":
        return True
    parent = node.parent
    if parent is None or not is_empty(node):  # the cheap test first: most blocks have a body
        return False
    index = parent.children.index(node)
    follower = parent.children[index + 1] if index + 1 < len(parent.children) else None
    return follower is not None and follower.kind == "tabset"


def detect(doc: Document, node: Node, settings: Settings) -> Question:
    """The question a tabs-shaped container holds."""
    tabs = tabs_of(node)
    question_tab, answers = roles(tabs, settings)
    if question_tab is None and tabs and not answers:
        question_tab = tabs[0]
    text = container_text(question_tab) if question_tab is not None else ""
    span = marker_span(doc, question_tab if question_tab is not None else node)
    answer_spans = tuple(node_span(doc, t) for t in answers if not is_empty(t))
    return Question(
        TABS,
        text,
        span,
        "tab",
        answer_spans,
        answer_empty=bool(answers) and not answer_spans,
        node=node,
        answer_node=answers[0] if answers else None,
        hidden=doc.in_comment,
    )
