"""The question model: one ``Question`` for every shape of question bank.

A detector per shape (``qalint.questions.tabs``, ``collapsible``, ``answers``, ``headings``,
``html_details``, ``quiz``) reads a Document's block tree and its site model and returns
``Question`` values; rules, the fact checks and ``qalint questions`` read only these.
"""

from __future__ import annotations

from dataclasses import dataclass

from qalint.diagnostics import Span
from qalint.markdown.blocks import Node

TABS = "tabs"
TITLED_COLLAPSIBLE = "titled-collapsible"
ANSWER_COLLAPSIBLE = "answer-collapsible"
HEADING = "heading"
HTML_DETAILS = "html-details"
QUIZ = "quiz"
BLOCKS = "blocks"
SHAPES = (TABS, TITLED_COLLAPSIBLE, ANSWER_COLLAPSIBLE, HEADING, HTML_DETAILS, QUIZ, BLOCKS)

SINGLE = "single"
MULTIPLE = "multiple"
FILL_IN = "fill-in"


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a multiple-choice question: its text, where it is, and if it is correct.

    ``label`` is the option's letter (``B`` in ``B. Adam``) when it has one.
    """

    text: str
    span: Span
    correct: bool
    label: str = ""


@dataclass(frozen=True, slots=True)
class Blank:
    """A fill-in blank ``[[answer]]`` of a quiz; ``text`` is what is inside the brackets."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Question:
    """One question as a reader of the rendered page sees it, whatever its shape.

    ``text`` is the question (a title, heading, paragraph or tab's text; empty when missing)
    and ``span`` where it is written (for a missing question: the block that should hold it).
    ``question_from`` says which: ``title``, ``heading``, ``paragraph``, ``tab``, ``summary``
    or ``quiz``. ``answer_spans`` are the source spans of the answer (empty when there is
    none); ``answer_empty`` is true when an answer container exists but renders nothing.
    For quizzes: ``options``, ``kind`` (``single``, ``multiple`` or ``fill-in``), ``blanks``,
    ``closed`` (the ``</quiz>`` was found) and ``answer_key`` (the letter a "Show Answer"
    collapsible names, with its span). ``node`` is the container the question was found in
    (an admonition, details, tab or the heading) when there is one.
    """

    shape: str
    text: str
    span: Span
    question_from: str
    answer_spans: tuple[Span, ...] = ()
    answer_empty: bool = False
    options: tuple[Option, ...] = ()
    kind: str = ""
    blanks: tuple[Blank, ...] = ()
    closed: bool = True
    answer_key: tuple[str, Span] | None = None
    node: Node | None = None
    answer_node: Node | None = None
    hidden: bool = False

    @property
    def line(self) -> int:
        """The line the question starts on."""
        return self.span.line

    @property
    def has_answer(self) -> bool:
        """True when an answer container (or a correct option) exists, empty or not."""
        return bool(self.answer_spans) or self.answer_empty or any(o.correct for o in self.options)

    def answer_lines(self) -> tuple[int, int] | None:
        """The first and last line of the answer, if there is one."""
        if not self.answer_spans:
            return None
        return self.answer_spans[0].line, max(s.end_line for s in self.answer_spans)
