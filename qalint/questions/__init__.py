"""Questions of every shape of question bank, found once per Document.

``questions_of(doc)`` returns the page's questions (``qalint.questions.model.Question``) in
source order, whatever their shape: content tabs, a titled collapsible, a question followed
by an answer collapsible, heading-based sections, HTML ``<details>``, quizzes, and
pymdownx.blocks ``///`` details. Detectors read the site model (no admonition shapes without
the ``admonition`` extension, no tabs without ``pymdownx.tabbed``...), the ``structure``
configuration (``shapes``, ``admonition-types``, ``tabs``) and the page's own
``<!-- qalint: shapes=... -->`` directive. The result is memoised on the Document.
"""

from __future__ import annotations

from qalint.document import Document
from qalint.markdown.blocks import Node
from qalint.questions.model import (
    ANSWER_COLLAPSIBLE,
    BLOCKS,
    HEADING,
    HTML_DETAILS,
    QUIZ,
    SHAPES,
    TABS,
    TITLED_COLLAPSIBLE,
    Blank,
    Option,
    Question,
)
from qalint.questions.settings import DEFAULT_SETTINGS, Settings, page_shapes

__all__ = [
    "SHAPES",
    "Blank",
    "Option",
    "Question",
    "Settings",
    "questions_of",
]

_MEMO_KEY = "questions"


def questions_of(doc: Document, settings: Settings = DEFAULT_SETTINGS) -> list[Question]:
    """The questions of ``doc`` in source order (computed once per document and settings)."""
    memo = doc.memo.setdefault(_MEMO_KEY, {})
    found = memo.get(settings)
    if found is None:
        found = memo[settings] = _detect(doc, settings)
    return found


def _shape_allowed(doc: Document, settings: Settings) -> frozenset[str]:
    shapes = settings.shapes
    page = page_shapes(c.text for c in doc.comments if "qalint" in c.text)
    if page is not None:
        shapes = shapes & page
    flags = doc.site.flags
    off: set[str] = set()
    if not flags.tabbed:
        off.add(TABS)
    if not (flags.admonition or flags.details):
        off.update({TITLED_COLLAPSIBLE, ANSWER_COLLAPSIBLE})
    if not flags.blocks:
        off.add(BLOCKS)
    return shapes - off


def _marker_on(doc: Document, node: Node) -> bool:
    """Whether the site renders this container's marker as a block at all."""
    flags = doc.site.flags
    symbol = node.marker_symbol
    if symbol.startswith("!!!"):
        return flags.admonition
    if symbol.startswith("???"):
        return flags.details
    if symbol.startswith("///"):
        return bool(flags.blocks)
    return True


def _detect(doc: Document, settings: Settings) -> list[Question]:
    from qalint.questions import answers, blocks, collapsible, headings, html_details, quiz, tabs

    shapes = _shape_allowed(doc, settings)
    out: list[Question] = []
    boundaries: set[int] = set()  # nodes that are questions of their own
    claimed: set[int] = set()  # headings and sections already read as part of a question
    askers: set[int] = set()  # open question admonitions (!!!): a collapsible after may answer
    answered: set[int] = set()  # ... and those that are answered so
    containers: list[Node] = []  # containers that may hold answer collapsibles
    stack = [doc.root]  # doc.root.walk(), but a tabs question's inside is not entered
    while stack:
        node = stack.pop()
        if node.kind in {"admonition", "details"} and _marker_on(doc, node):
            if tabs.is_tabs_question(node, settings):
                # nothing inside is a question of its own: its tabs hold its answer
                boundaries.add(id(node))
                claimed.add(id(node))
                if TABS in shapes:
                    out.append(tabs.detect(doc, node, settings))
                continue
            if collapsible.is_question_type(node, settings) and not any(
                answers.is_answer_block(c) for c in node.children
            ):
                boundaries.add(id(node))
                claimed.add(id(node))
                shape = BLOCKS if node.marker_symbol.startswith("///") else TITLED_COLLAPSIBLE
                if node.marker_symbol == "!!!":
                    askers.add(id(node))
                if shape in shapes:
                    out.append(collapsible.detect(doc, node))
                stack.extend(reversed(node.children))
                continue
        if node.children:
            stack.extend(reversed(node.children))
            if node.is_container:
                containers.append(node)
    if ANSWER_COLLAPSIBLE not in shapes and QUIZ not in shapes:
        containers = []
    for node in containers:  # once every question block is known: answers come after them
        for index, child in enumerate(node.children):
            if not answers.is_answer_block(child) or not _marker_on(doc, child):
                continue
            question = answers.detect(doc, node, index, boundaries, askers)
            if question is None or question.shape not in shapes:
                continue
            if question.node is not None and id(question.node) in askers:
                answered.add(id(question.node))  # its own entry gives way to this one
            boundaries.add(id(child))
            claimed.add(id(child))
            if question.node is not None:
                claimed.add(id(question.node))
            out.append(question)
    if HEADING in shapes:
        out.extend(headings.detect(doc, claimed))
    text = doc.text  # the line scanners run only on pages that hold their tags at all
    if HTML_DETAILS in shapes and ("<details" in text or "<DETAILS" in text):
        # a <details markdown> holding Question/Answer tabs is that tabs question, once
        tabbed = {id(q.node) for q in out if q.shape == TABS and q.node is not None}
        out.extend(
            q for q in html_details.detect(doc) if q.node is None or id(q.node) not in tabbed
        )
    if QUIZ in shapes and ("<quiz>" in text or "<?quiz?>" in text):
        out.extend(quiz.detect(doc))
    if BLOCKS in shapes and "///" in text and not any(q.shape == BLOCKS for q in out):
        out.extend(blocks.detect(doc, settings))
    if answered:
        out = [
            q
            for q in out
            if q.shape == ANSWER_COLLAPSIBLE or q.node is None or id(q.node) not in answered
        ]
    out.sort(key=lambda q: (q.span.line, q.span.column))
    return out
