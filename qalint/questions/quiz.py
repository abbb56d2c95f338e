"""Shape ``quiz``: mkdocs-quiz ``<quiz>`` blocks and the legacy ``<?quiz?>`` form.

Read as the mkdocs-quiz plugin reads them (its ``parsing`` module): the question is what
precedes the first ``- [x]`` / ``- [ ]`` option; options may carry ``>`` feedback lines;
what follows the options is the explanation shown after submitting. A quiz holding
``[[answer]]`` blanks is a fill-in quiz. Only prose lines are read, so a quiz shown inside
a code fence (a syntax demo) is not a quiz.
"""

from __future__ import annotations

import re

from qalint.diagnostics import Span
from qalint.document import Document
from qalint.markdown.blocks import Atom
from qalint.markdown.source import SrcLine
from qalint.questions._tree import text_lines
from qalint.questions.model import FILL_IN, MULTIPLE, QUIZ, SINGLE, Blank, Option, Question

CHECKBOX_RE = re.compile(r"^[-*] \[(.?)\] ?(.*)$")
FEEDBACK_RE = re.compile(r"^\s*>")
BLANK_RE = re.compile(r"\[\[([^\]]*)\]\]")
LEGACY_FIELD_RE = re.compile(r"^(question|answer-correct|answer|content):\s?(.*)$")


def detect(doc: Document) -> list[Question]:
    """Every quiz of the page, in order."""
    lines = text_lines(doc.root) + _comment_lines(doc)
    lines.sort(key=lambda line: (line.lineno, line.col))
    comments = {id(line) for line in lines if isinstance(line, _CommentLine)}
    out: list[Question] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].text.strip()
        if id(lines[i]) in comments:
            i += 1
        elif stripped.startswith("<quiz>"):
            i = _quiz(doc, lines, i, out)
        elif stripped.startswith("<?quiz?>"):
            i = _legacy(doc, lines, i, out)
        else:
            i += 1
    return out


class _CommentLine(SrcLine):
    """A line of an HTML comment: mkdocs-quiz reads it as text (it ends a quiz's options),
    though it never starts a quiz here (a quiz in a comment is not on the page)."""

    __slots__ = ()


def _comment_lines(doc: Document) -> list[SrcLine]:
    """The lines of the comments that stand as blocks of their own (atoms of the tree)."""
    out: list[SrcLine] = []
    for node in doc.root.walk():
        for line in node.lines if not node.is_container else ():
            if isinstance(line, Atom) and line.kind == "comment":
                out.extend(_CommentLine(m.lineno, m.col, m.text) for m in line.members)
    return out


def _span(doc: Document, line: SrcLine, start: int = 0, end: int | None = None) -> Span:
    base = doc.line_span(line)
    if end is None:
        return base
    lead = len(line.text) - len(line.text.lstrip(" "))
    column = base.column + start - lead
    return Span(base.line, column, base.line, column + (end - start))


def _quiz(doc: Document, lines: list[SrcLine], first: int, out: list[Question]) -> int:
    opener = lines[first]
    body: list[SrcLine] = []
    closed = False
    rest = opener.text.strip()[len("<quiz>") :]
    i = first + 1
    if "</quiz>" in rest:
        closed = True
        i = first + 1
    else:
        if rest.strip():
            body.append(SrcLine(opener.lineno, opener.col, rest))
        while i < len(lines):
            text = lines[i].text
            if text.strip().startswith("<quiz>"):
                break
            if "</quiz>" in text:
                before = text[: text.index("</quiz>")]
                if before.strip():
                    body.append(SrcLine(lines[i].lineno, lines[i].col, before))
                closed = True
                i += 1
                break
            body.append(lines[i])
            i += 1
    out.append(_read(doc, opener, body, closed))
    return i


def _read(doc: Document, opener: SrcLine, body: list[SrcLine], closed: bool) -> Question:
    indent = min((ln.indent for ln in body if ln.text.strip()), default=0)
    question: list[SrcLine] = []
    options: list[Option] = []
    blanks: list[Blank] = []
    answer_lines: list[SrcLine] = []
    state = "question"
    for line in body:
        text = line.text[indent:] if line.text[:indent].strip() == "" else line.text.lstrip()
        for m in BLANK_RE.finditer(line.text):
            blanks.append(Blank(m.group(1).strip(), _span(doc, line, m.start(), m.end())))
        m = CHECKBOX_RE.match(text)
        if m and state != "content":
            state = "options"
            mark = m.group(1)
            options.append(Option(m.group(2).strip(), doc.line_span(line), mark in {"x", "X"}))
            continue
        if state == "options":
            if not text.strip() or FEEDBACK_RE.match(text):
                continue
            state = "content"
        if state == "question":
            question.append(line)
        elif text.strip():
            answer_lines.append(line)
    words = [ln.text.strip() for ln in question if ln.text.strip() and ln.text.strip() != "---"]
    text = " ".join(words)
    span = doc.line_span(next((ln for ln in question if ln.text.strip()), opener))
    correct = sum(o.correct for o in options)
    kind = FILL_IN if blanks else (MULTIPLE if correct > 1 else SINGLE)
    answer_spans: tuple[Span, ...] = ()
    if answer_lines:
        answer_spans = (
            Span(
                answer_lines[0].lineno, 1, answer_lines[-1].lineno, 1 + len(answer_lines[-1].text)
            ),
        )
    return Question(
        QUIZ,
        text,
        span,
        "quiz",
        answer_spans,
        options=tuple(options),
        kind=kind,
        blanks=tuple(blanks),
        closed=closed,
        hidden=doc.in_comment,
    )


def _legacy(doc: Document, lines: list[SrcLine], first: int, out: list[Question]) -> int:
    """The v0 form: ``question:``, ``answer-correct:``, ``answer:``, ``content:`` lines."""
    opener = lines[first]
    i = first + 1
    closed = False
    text = ""
    span = doc.line_span(opener)
    options: list[Option] = []
    while i < len(lines):
        stripped = lines[i].text.strip()
        i += 1
        if stripped.startswith("<?/quiz?>"):
            closed = True
            break
        m = LEGACY_FIELD_RE.match(stripped)
        if m is None:
            continue
        field, value = m.group(1), m.group(2).strip()
        if field == "question":
            text, span = value, doc.line_span(lines[i - 1])
        elif field.startswith("answer"):
            options.append(Option(value, doc.line_span(lines[i - 1]), field == "answer-correct"))
    kind = MULTIPLE if sum(o.correct for o in options) > 1 else SINGLE
    out.append(
        Question(
            QUIZ,
            text,
            span,
            "quiz",
            options=tuple(options),
            kind=kind,
            closed=closed,
            hidden=doc.in_comment,
        )
    )
    return i
