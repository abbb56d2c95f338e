"""Shape ``heading``: ``## 2.1-1`` or ``### Q1. ...``, then the question, then the answer.

Only on pages that look like banks: at least two headings of one level carry a question
label (``2.1-1``, ``Q1``, ``Question 3``, ``Exercise 2``), or one carries a textbook label
(``2.1-1``). The question is the heading's own text when it says more than its label,
else the first paragraph or blockquote under it; the answer is the rest, up to the next
heading of the same or a higher level. A section whose answer is a collapsible belongs to
the ``answer-collapsible`` shape instead. A textbook problem page (a file named ``2-1.md``
with no heading, opening with the statement as a blockquote) is one such question: the
theme shows the page's nav title as its heading.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from qalint.document import Document, renders_nothing
from qalint.markdown.blocks import Node, heading_parts
from qalint.questions import vocab
from qalint.questions._tree import node_span, nodes_span
from qalint.questions.model import HEADING, Question

TEXTBOOK_LABEL_RE = re.compile(r"^\s*\d+(?:\.\d+)*-\d+[a-z]?\s*$")


def _level_text(node: Node) -> tuple[int, str]:
    parts = heading_parts(node.lines[0].text) if node.lines else None
    if parts is None:
        return 0, ""
    return parts[0], parts[1].strip().rstrip("#").strip()


def detect(doc: Document, claimed: set[int]) -> list[Question]:
    """Heading-shaped questions of the page's top level (``claimed``: heading ids already
    part of another shape's question)."""
    children = doc.root.children
    labelled: list[tuple[int, int, str]] = []
    for index, node in enumerate(children):
        if node.kind != "heading":
            continue
        level, text = _level_text(node)
        if level and vocab.HEADING_LABEL_RE.match(text):
            labelled.append((index, level, text))
    by_level: dict[int, int] = {}
    for _index, level, _text in labelled:
        by_level[level] = by_level.get(level, 0) + 1
    out: list[Question] = []
    for index, level, text in labelled:
        if by_level[level] < 2 and not TEXTBOOK_LABEL_RE.match(text):
            continue
        if id(children[index]) in claimed:
            continue
        section: list[Node] = []
        for node in children[index + 1 :]:
            if node.kind == "heading" and 0 < _level_text(node)[0] <= level:
                break
            if not renders_nothing(node):
                section.append(node)
        if any(id(n) in claimed for n in section):
            continue
        out.append(_question(doc, children[index], text, section))
    out.extend(_leads(doc, claimed))
    if not out and not claimed:
        problem = _problem_page(doc)
        if problem is not None:
            out.append(problem)
    return out


def _problem_page(doc: Document) -> Question | None:
    """A textbook problem page (CLRS's ``Problems/2-1.md``): the file is named by a problem
    label, the page has no heading of its own (the theme shows the nav title, "2-1
    Insertion sort on small arrays", as its title), and it opens with the problem statement
    as a blockquote, followed by the answer. The reader sees one labelled problem."""
    stem = PurePosixPath(doc.path.replace("\\", "/")).stem
    if not TEXTBOOK_LABEL_RE.match(stem):
        return None
    shown = [n for n in doc.root.children if not renders_nothing(n)]
    if len(shown) < 2 or any(n.kind == "heading" for n in shown):
        return None
    first = shown[0]
    if first.kind != "paragraph" or not first.lines:
        return None
    if not all(ln.text.lstrip().startswith(">") for ln in first.lines if ln.text.strip()):
        return None
    lines = [ln.text.strip().lstrip(">").strip() for ln in first.lines]
    return Question(
        HEADING,
        " ".join(" ".join(lines).split()),
        node_span(doc, first),
        "paragraph",
        (nodes_span(doc, shown[1:]),),
        node=first,
        hidden=doc.in_comment,
    )


def _leads(doc: Document, claimed: set[int]) -> list[Question]:
    """``**Q**: ...?`` paragraphs, answered by what follows up to the next lead or heading;
    an ``**Exercise:**`` lead with no answer collapsible after it is an exercise."""
    children = doc.root.children
    out: list[Question] = []
    for index, node in enumerate(children):
        if node.kind != "paragraph" or id(node) in claimed or not node.lines:
            continue
        m = vocab.LEAD_RE.match(node.lines[0].text)
        if m is None:
            continue
        text = " ".join(ln.text.strip() for ln in node.lines)[m.end() - node.lines[0].indent :]
        text = " ".join(text.split()).strip(" :")
        exercise = vocab.first_word(m.group(0).strip("*_ ")) not in {"q", "question", "questions"}
        answer: list[Node] = []
        if not exercise:
            for follower in children[index + 1 :]:
                if follower.kind == "heading" or (
                    follower.kind == "paragraph"
                    and follower.lines
                    and vocab.LEAD_RE.match(follower.lines[0].text)
                ):
                    break
                if not renders_nothing(follower):
                    answer.append(follower)
        out.append(
            Question(
                HEADING,
                text,
                node_span(doc, node),
                "paragraph",
                (nodes_span(doc, answer),) if answer else (),
                node=node,
                hidden=doc.in_comment,
            )
        )
    return out


def _question(doc: Document, heading: Node, text: str, section: list[Node]) -> Question:
    label = vocab.HEADING_LABEL_RE.match(text)
    rest = text[label.end() :].strip(" .:-") if label else text
    if len(rest.split()) >= 3:
        question_text, span, source, answer = rest, node_span(doc, heading), "heading", section
    elif section and not section[0].is_container and section[0].kind == "paragraph":
        lines = [ln.text.strip().lstrip(">").strip() for ln in section[0].lines]
        question_text = " ".join(" ".join(lines).split())
        span, source, answer = node_span(doc, section[0]), "paragraph", section[1:]
    else:
        question_text, span, source, answer = "", node_span(doc, heading), "heading", section
    return Question(
        HEADING,
        question_text,
        span,
        source,
        (nodes_span(doc, answer),) if answer else (),
        node=heading,
        hidden=doc.in_comment,
    )
