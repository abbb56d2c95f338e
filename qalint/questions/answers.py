"""Shape ``answer-collapsible``: a question, then a collapsible that holds its answer.

The question is what comes before the collapsible in the same container, back to the
previous heading (included, as the question's label) or the previous answer: a heading,
a paragraph, a bold ``**Q**:`` or ``**Exercise:**`` lead. The collapsible is ``??? success
"Answer"`` or any admonition titled like an answer ("Solution", "Show Answer", "Correction
Q1", untyped ``??? "Answer"`` or ``??? Answer``). When the question ends with lettered
options (``A. ...``, ``b) ...``) the pair is a multiple-choice quiz whose answer names a
letter.
"""

from __future__ import annotations

import re

from qalint.diagnostics import Span
from qalint.document import Document, renders_nothing
from qalint.markdown.blocks import Atom, Node
from qalint.questions import vocab
from qalint.questions._tree import (
    block_type,
    container_text,
    content,
    is_container,
    leaf_text,
    node_span,
    nodes_span,
    title_span,
)
from qalint.questions.model import ANSWER_COLLAPSIBLE, QUIZ, SINGLE, Option, Question


def is_answer_block(node: Node) -> bool:
    """True for an admonition or details block titled (or, untitled, typed) as an answer."""
    if not is_container(node):
        return False
    if node.title is not None and node.title.strip():
        return vocab.is_answer_title(node.title)
    return vocab.is_answer_title(node.type_name.replace("-", " ").strip())


def detect(
    doc: Document,
    container: Node,
    index: int,
    boundaries: set[int],
    askers: frozenset[int] | set[int] = frozenset(),
) -> Question | None:
    """The question answered by ``container.children[index]`` (an answer block).

    ``boundaries`` holds ids of nodes that end a question upward (other questions' blocks);
    ``askers`` those of open question admonitions (``!!! question "Exercise 1"``): right
    before the answer, such a block is the question. Returns a question with empty text
    when nothing asks it (an orphan answer).
    """
    answer = container.children[index]
    body = content(answer)
    answer_spans = (nodes_span(doc, body),) if body else ()
    asked: list[Node] = []
    children = container.children
    for position in range(index - 1, -1, -1):  # no slice: a page of many answers stays linear
        sibling = children[position]
        if id(sibling) in boundaries or is_answer_block(sibling):
            if not asked and id(sibling) in askers:
                return _asked_by_block(doc, sibling, answer, answer_spans, not body)
            break
        if renders_nothing(sibling):
            continue
        asked.append(sibling)
        if sibling.kind == "heading" or _is_lead(sibling):
            break  # a heading or an "**Exercise:**" lead opens the question
    asked.reverse()
    if not asked:
        if container.kind != "root" and (container.title or "").strip():
            return Question(
                ANSWER_COLLAPSIBLE,
                (container.title or "").strip(),
                title_span(doc, container),
                "title",
                answer_spans,
                answer_empty=not body,
                node=container,
                answer_node=answer,
                hidden=doc.in_comment,
            )
        return Question(
            ANSWER_COLLAPSIBLE,
            "",
            title_span(doc, answer),
            "",
            answer_spans,
            answer_empty=not body,
            node=None,
            answer_node=answer,
            hidden=doc.in_comment,
        )
    options = _options(doc, asked[-1])
    text, source, where = _question_text(asked, options)
    span = node_span(doc, where if options else asked[0])
    if options:
        key = _answer_key(doc, body)
        letters = {k.upper() for k in key[0]} if key else set()
        options = tuple(
            Option(o.text, o.span, o.label.upper() in letters, o.label) for o in options
        )
        return Question(
            QUIZ,
            text,
            span,
            source,
            answer_spans,
            answer_empty=not body,
            options=options,
            kind=SINGLE,
            answer_key=(key[0], key[1]) if key else None,
            node=asked[0],
            answer_node=answer,
            hidden=doc.in_comment,
        )
    return Question(
        ANSWER_COLLAPSIBLE,
        text,
        span,
        source,
        answer_spans,
        answer_empty=not body,
        node=asked[0],
        answer_node=answer,
        hidden=doc.in_comment,
    )


def _question_text(asked: list[Node], options: tuple[Option, ...]) -> tuple[str, str, Node]:
    """The question's text: the heading's, else the first paragraph's (options left out)."""
    first = asked[0]
    if first.kind == "heading" and not (options and len(asked) > 1):
        text = leaf_text(first).lstrip("#").strip().rstrip("#").strip()
        if text:
            return text, "heading", first
    for node in asked:
        if node.is_container or node.kind == "heading":
            continue
        lines = [ln.text.strip() for ln in node.lines if not isinstance(ln, Atom)]
        if options and node is asked[-1]:
            lines = [ln for ln in lines if not vocab.OPTION_LINE_RE.match(ln)]
        text = " ".join(ln for ln in lines if ln)
        if text:
            return text, "paragraph", node
    if first.kind == "heading":
        return leaf_text(first).lstrip("#").strip().rstrip("#").strip(), "heading", first
    return "", "paragraph", first


def _asked_by_block(
    doc: Document, block: Node, answer: Node, spans: tuple[Span, ...], empty: bool
) -> Question:
    """The question an open question admonition asks, answered by the collapsible after it."""
    title = (block.title or "").strip()
    if title and not vocab.GENERIC_TITLE_RE.match(title):
        text, span, source = title, title_span(doc, block), "title"
    else:
        body = content(block)
        text = container_text(block)
        span = node_span(doc, body[0]) if body else title_span(doc, block)
        source = "paragraph"
    return Question(
        ANSWER_COLLAPSIBLE,
        text,
        span,
        source,
        spans,
        answer_empty=empty,
        node=block,
        answer_node=answer,
        hidden=doc.in_comment,
    )


def _is_lead(node: Node) -> bool:
    """A paragraph opening with a bold lead: ``**Exercise:**``, ``**Q**:``."""
    return (
        node.kind == "paragraph"
        and bool(node.lines)
        and not isinstance(node.lines[0], Atom)
        and vocab.LEAD_RE.match(node.lines[0].text) is not None
    )


def _options(doc: Document, node: Node) -> tuple[Option, ...]:
    """Lettered options at the end of the last leaf before the answer (A, B, C... in order)."""
    if node.is_container or node.kind not in {"paragraph", "list"}:
        return ()
    found: list[Option] = []
    for line in node.lines:
        if isinstance(line, Atom):
            continue
        m = vocab.OPTION_LINE_RE.match(line.text)
        if m is None:
            if found and line.text.strip():
                found = []  # options are the trailing run of lettered lines
            continue
        span = doc.line_span(line)
        found.append(Option(m.group(2).strip(), span, False, m.group(1)))
    labels = [o.label.upper() for o in found]
    if len(found) < 2 or labels != [chr(ord("A") + i) for i in range(len(found))]:
        return ()
    return tuple(found)


def _answer_key(doc: Document, body: list[Node]) -> tuple[str, Span] | None:
    """The letter(s) the answer's first line names ("Answer: B", "**C**", "(a)")."""
    for node in body:
        if node.is_container or not node.lines:
            continue
        line = node.lines[0]
        if isinstance(line, Atom):
            return None
        m = vocab.ANSWER_LETTER_RE.match(line.text.strip())
        if m is None:
            return None
        span = doc.line_span(line)
        group = 1 if m.group(1) else 2
        letters = m.group(group).upper()
        more = MORE_LETTERS_RE.match(line.text.strip()[m.end(group) :])
        if more:
            letters += "".join(re.findall(r"[A-Ha-h]", more.group(0))).upper()
        return letters, span
    return None


MORE_LETTERS_RE = re.compile(r"^(?:[*_)]*\s*(?:,|and|&|/)\s*[*_(]*[A-Ha-h]\b)+")


def answer_type(node: Node) -> str:
    """The answer block's type word (for messages)."""
    return block_type(node)
