"""S rules over the question model: every shape of question, and quizzes (S030-S046).

``qalint.questions`` finds the page's questions whatever their shape; these rules check what
every shape shares (a question, an answer that renders), marker typos that turn a block into
text, answers with no question, and the options and blanks of quizzes. The tabs shape keeps
its own rules (S001-S007) for the blocks that use the configured tab titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qalint.diagnostics import Diagnostic, Severity
from qalint.markdown.blocks import ADMONITION_RE, DETAILS_RE
from qalint.questions import QUIZ, TABS, Question, questions_of
from qalint.questions.model import FILL_IN, SINGLE
from qalint.rules._memo import nodes, once, section
from qalint.rules.registry import RuleContext, rule
from qalint.rules.structure import blocks_of, settings_of


def _questions(ctx: RuleContext) -> list[Question]:
    """The document's questions under the run's ``structure`` settings."""
    settings = settings_of(section(ctx, "structure"))
    return questions_of(ctx.document, settings)


def _strict_tab_nodes(ctx: RuleContext) -> set[int]:
    """Blocks that the tab rules (S002, S006, S007) already check."""
    return once(
        ctx, "questions.strict", ctx.document, lambda _d: {id(b.node) for b in blocks_of(ctx)}
    )


def _shape_words(question: Question) -> str:
    return {
        "tabs": "question block",
        "titled-collapsible": "question",
        "answer-collapsible": "question",
        "heading": "question",
        "html-details": "<details> question",
        "quiz": "quiz",
        "blocks": "question block",
    }.get(question.shape, "question")


@rule(
    "S030",
    "missing-question",
    summary="A question block, quiz or answered section has no question text.",
    explanation="""
Every shape of question needs its question where readers look for it: the title of a
`??? question "..."`, the question tab, the text before a quiz's options, the `<summary>` of
a `<details>`, the paragraph under an exercise heading. An empty one shows readers an answer
to nothing. (A question tab with the configured titles is checked by S006.)
""",
    bad="<quiz>\n- [x] Paris\n- [ ] London\n</quiz>\n",
    good="<quiz>\nWhat is the capital of France?\n- [x] Paris\n- [ ] London\n</quiz>\n",
)
def missing_question(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag questions whose text is empty (orphan answers are S033's)."""
    strict = _strict_tab_nodes(ctx)
    for question in _questions(ctx):
        if question.text or question.hidden or not question.question_from:
            continue
        if question.shape == TABS and id(question.node) in strict:
            continue
        yield missing_question(
            ctx,
            question.span,
            f"{_shape_words(question)} has no question text; write the question "
            + _where(question),
        )


def _where(question: Question) -> str:
    return {
        "title": "in its title",
        "tab": "in its question tab",
        "quiz": "between <quiz> and the first option",
        "summary": "in its <summary>",
        "heading": "in the heading or the paragraph under it",
    }.get(question.question_from, "before its answer")


@rule(
    "S031",
    "empty-answer-block",
    summary="A question's answer block renders empty (often: its body is not indented).",
    explanation="""
The collapsible (`??? question "Q?"`, `??? success "Answer"`, `<details>`) or answer tab that
holds the answer renders with nothing in it. Usually the body is indented less than 4 spaces
past the marker, so Python-Markdown puts it after the block instead of inside it. (Answer tabs
with the configured titles are checked by S007.)
""",
    bad='??? question "What is dropout?"\n\nA regularization technique.\n',
    good='??? question "What is dropout?"\n\n    A regularization technique.\n',
)
def empty_answer_block(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag answer containers with no rendered content."""
    strict = _strict_tab_nodes(ctx)
    doc = ctx.document
    for question in _questions(ctx):
        if not question.answer_empty or question.hidden:
            continue
        if question.shape == TABS and id(question.node) in strict:
            continue
        node = question.answer_node
        span = question.span
        hint = ""
        if node is not None and node.marker is not None:
            span = doc.line_span(node.marker)
            follower = _next_content(node)
            if follower is not None:
                hint = (
                    f"; the text on line {follower} is not indented enough to be in it "
                    f"(it needs column {node.marker.col + node.marker.indent + 5})"
                )
        yield empty_answer_block(ctx, span, f"the answer to this question renders empty{hint}")


def _next_content(node) -> int | None:
    parent = node.parent
    if parent is None:
        return None
    index = parent.children.index(node)
    for follower in parent.children[index + 1 : index + 2]:
        if not follower.is_container and follower.lines:
            return follower.lines[0].lineno
    return None


MARKER_TYPO_RE = re.compile(r"^(?:\?\s*\?|!\s*!|(?:[!?]\s){2,}[!?])")
MARKER_OK_RE = re.compile(r'^(?:!!!|\?\?\?[+-]?)(?: ?[\w-]+(?: +[\w-]+)*)?(?: +"[^"]*")? *$')


@rule(
    "S032",
    "broken-block-marker",
    summary="A line meant to open an admonition or collapsible renders as text.",
    explanation="""
Python-Markdown opens an admonition only for `!!!` and a collapsible only for `???` or `???+`,
followed by a type and an optional title in double quotes with a space before it. `??`, `!!`,
`! ! !`, `???"Title"` (no space before the quote) and an unclosed title quote render the line,
and the indented body under it, as plain text. (`!!!tip` and `???question` without a space
render fine.) When the line is a question opener, the fix writes it in the configured form
(`formatting.admonition-marker`, as W007 would; W007 leaves such a line to this rule).
""",
    bad='??? question"What is dropout?"\n    A regularization technique.\n',
    good='??? question "What is dropout?"\n    A regularization technique.\n',
    fixable=True,
    config_keys=("formatting.admonition-marker", "structure.admonition-types"),
)
def broken_block_marker(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag paragraphs whose first line is a marker the renderer does not accept."""
    doc = ctx.document
    for node in nodes(ctx):
        if node.kind != "paragraph" or not node.lines:
            continue
        line = node.lines[0]
        text = line.text.strip()
        if not text or text[0] not in "!?":
            continue
        why = marker_problem(text)
        if why:
            from qalint.rules.formatting import loose_opener_fix  # formatting imports this module

            yield broken_block_marker(
                ctx,
                doc.line_span(line),
                f"`{text[:40]}` renders as text, not as a block: {why}",
                loose_opener_fix(ctx, line.lineno),
            )


def marker_problem(text: str) -> str:
    """Why a marker-looking line is not a marker, or '' when it is not meant as one."""
    if "\\" in text:  # an escaped quote: text produced by a macro, not a marker
        return ""
    if MARKER_TYPO_RE.match(text) and not text.startswith(("!!!", "???")):
        return "write `!!!` for an admonition or `???` for a collapsible"
    if not text.startswith(("!!!", "???")) or ADMONITION_RE.match(text) or DETAILS_RE.match(text):
        return ""
    rest = text.lstrip("!?+-")
    if not rest.strip() or not (rest[0].isalnum() or rest[0] in " \"'"):
        return ""
    if text.count('"') % 2:
        return "its title's quote is not closed; end the title with `\"`"
    if "'" in text and '"' not in text:
        return "its title is in single quotes; Python-Markdown needs double quotes"
    if re.search(r'\S"', text.split('"', 1)[0] + '"'):
        return 'put a space before the title\'s opening quote (`??? note "Title"`)'
    if text.startswith("!!!") and re.match(r'^!!!\s*"', text):
        return 'an admonition needs a type before its title (`!!! note "Title"`)'
    return 'the line does not read as `!!! type "Title"` or `??? type "Title"`'


@rule(
    "S033",
    "answer-without-question",
    summary="An answer collapsible has no question before it.",
    explanation="""
A `??? success "Answer"` (or Solution, Correction, Show Answer) answers the question written
just before it in the same container. With nothing before it but another answer or a block
of its own, the page shows an answer to nothing: usually the question was deleted, or is
indented into the previous block.
""",
    bad='??? success "Answer"\n    42.\n',
    good='What is six times seven?\n\n??? success "Answer"\n    42.\n',
    severity=Severity.WARNING,
)
def answer_without_question(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag answer collapsibles that no question precedes."""
    for question in _questions(ctx):
        if question.question_from or question.hidden:
            continue
        yield answer_without_question(
            ctx,
            question.span,
            "this answer has no question before it in the same block; write the question "
            "above it, or merge it into the previous answer",
        )


@rule(
    "S034",
    "exercise-without-answer",
    summary='An exercise or question shows no answer (off with ignore = ["S034"]).',
    explanation="""
A question of a bank shape (an `**Exercise:**` lead, a `!!! question` block with a generic
title, a labelled heading with nothing under its question) with no answer after it. Some
banks leave exercises unanswered on purpose: ignore S034 there.
""",
    bad="**Exercise:** Prove that the sum of two even numbers is even.\n",
    good="**Exercise:** Prove that the sum of two even numbers is even.\n\n"
    '??? success "Answer"\n    2a + 2b = 2(a + b).\n',
    severity=Severity.INFO,
)
def exercise_without_answer(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag questions that have no answer at all."""
    for question in _questions(ctx):
        if question.hidden or question.shape in {TABS, QUIZ} or question.has_answer:
            continue
        if not question.text:
            continue
        yield exercise_without_answer(
            ctx,
            question.span,
            f'"{question.text[:60]}" has no answer on the page; add one (e.g. a '
            '`??? success "Answer"` block after it)',
        )


def _quizzes(ctx: RuleContext) -> Iterator[Question]:
    for question in _questions(ctx):
        if question.shape == QUIZ and not question.hidden:
            yield question


@rule(
    "S040",
    "quiz-without-correct-option",
    summary="A quiz marks no option as correct (or has no options at all).",
    explanation="""
mkdocs-quiz marks correct options with `- [x]`; a quiz with only `- [ ]` options can never be
answered right, and one with no options (and no `[[...]]` blank) is not a quiz at all.
""",
    bad="<quiz>\nWhat is 2 + 2?\n- [ ] 3\n- [ ] 5\n</quiz>\n",
    good="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 5\n</quiz>\n",
)
def quiz_without_correct_option(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag quizzes with options but no correct one, or with neither options nor blanks."""
    for quiz in _quizzes(ctx):
        if quiz.kind == FILL_IN or quiz.question_from != "quiz":
            continue
        if not quiz.options:
            yield quiz_without_correct_option(
                ctx, quiz.span, "quiz has no options; add `- [x] right` and `- [ ] wrong` lines"
            )
        elif not any(o.correct for o in quiz.options):
            yield quiz_without_correct_option(
                ctx,
                quiz.options[0].span,
                "no option of this quiz is marked correct; mark the right one `- [x]`",
            )


@rule(
    "S041",
    "quiz-several-correct",
    summary="A single-answer question names more than one correct option.",
    explanation="""
A lettered multiple-choice question whose "Show Answer" block names two letters ("Answer: B,
C") is ambiguous unless the question asks for every correct option. Say "select all that
apply", or name one letter.
""",
    bad='A. 1\nB. 2\nC. 3\n\n??? success "Answer"\n    B, C\n',
    good='A. 1\nB. 2\nC. 3\n\n??? success "Answer"\n    B\n',
    severity=Severity.WARNING,
)
def quiz_several_correct(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag single-answer questions with more than one correct option."""
    for quiz in _quizzes(ctx):
        correct = [o for o in quiz.options if o.correct]
        if quiz.kind != SINGLE or len(correct) < 2 or quiz.question_from == "quiz":
            continue
        if re.search(r"\b(?:all|every|each|several|multiple)\b", quiz.text, re.I):
            continue
        labels = ", ".join(o.label or o.text for o in correct)
        yield quiz_several_correct(
            ctx,
            quiz.span,
            f"this single-answer question names {len(correct)} correct options ({labels}); "
            "name one, or ask for all that apply",
        )


@rule(
    "S042",
    "empty-quiz-option",
    summary="A quiz option has no text.",
    explanation="An option `- [ ]` with nothing after it renders as an empty choice.",
    bad="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ]\n</quiz>\n",
    good="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 5\n</quiz>\n",
)
def empty_quiz_option(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag options with no text."""
    for quiz in _quizzes(ctx):
        for option in quiz.options:
            if not option.text.strip():
                yield empty_quiz_option(
                    ctx, option.span, "quiz option is empty; write its text or delete it"
                )


@rule(
    "S043",
    "duplicate-quiz-option",
    summary="A quiz lists the same option twice.",
    explanation="Two identical options (after folding case and punctuation) confuse readers.",
    bad="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 4\n</quiz>\n",
    good="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 5\n</quiz>\n",
    severity=Severity.WARNING,
)
def duplicate_quiz_option(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag the second of two identical options."""
    for quiz in _quizzes(ctx):
        seen: dict[str, int] = {}
        for option in quiz.options:
            key = " ".join(option.text.casefold().split())  # code options differ by punctuation
            if not key:
                continue
            if key in seen:
                yield duplicate_quiz_option(
                    ctx,
                    option.span,
                    f'option "{option.text}" repeats the option on line {seen[key]}; '
                    "delete or change one",
                )
            else:
                seen[key] = option.span.line


@rule(
    "S044",
    "unclosed-quiz",
    summary="A <quiz> block is never closed with </quiz>.",
    explanation="""
mkdocs-quiz reads a quiz from `<quiz>` to the next `</quiz>`: an unclosed quiz swallows the
next one (or, last on the page, renders as raw text with its `- [x]` markers).
""",
    bad="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 5\n",
    good="<quiz>\nWhat is 2 + 2?\n- [x] 4\n- [ ] 5\n</quiz>\n",
)
def unclosed_quiz(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag quizzes with no closing tag."""
    for quiz in _quizzes(ctx):
        if not quiz.closed:
            yield unclosed_quiz(
                ctx,
                quiz.span,
                "this quiz is never closed, so it runs into what follows; add </quiz> (<?/quiz?> "
                "in the legacy form) after its last line",
            )


@rule(
    "S045",
    "empty-quiz-blank",
    summary="A fill-in blank [[...]] holds no answer.",
    explanation="""
mkdocs-quiz takes the text between `[[` and `]]` as the expected answer. An empty `[[]]` is
not a blank (it renders as text); `[[ ]]` expects a space. Put the answer inside.
""",
    bad="<quiz>\n2 + 2 = [[ ]]\n</quiz>\n",
    good="<quiz>\n2 + 2 = [[4]]\n</quiz>\n",
)
def empty_quiz_blank(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag blanks with nothing in them."""
    for quiz in _quizzes(ctx):
        for blank in quiz.blanks:
            if not blank.text:
                yield empty_quiz_blank(
                    ctx, blank.span, "fill-in blank is empty; write the expected answer in it"
                )


@rule(
    "S046",
    "answer-names-missing-option",
    summary='The "Show Answer" letter names an option the question does not have.',
    explanation="""
A lettered multiple-choice question (A., B., C.) answered by a collapsible that says
"Answer: E" names an option that does not exist: an option was deleted or the letters moved.
""",
    bad='A. 1\nB. 2\n\n??? success "Show Answer"\n    Answer: C\n',
    good='A. 1\nB. 2\n\n??? success "Show Answer"\n    Answer: B\n',
)
def answer_names_missing_option(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag answer letters that match no option."""
    for quiz in _quizzes(ctx):
        if quiz.answer_key is None:
            continue
        letters, span = quiz.answer_key
        known = {o.label.upper() for o in quiz.options}
        missing = [letter for letter in letters if letter.upper() not in known]
        if missing:
            last = quiz.options[-1].label if quiz.options else "?"
            yield answer_names_missing_option(
                ctx,
                span,
                f"the answer names option {missing[0]}, but the options run A to {last}; "
                "fix the letter",
            )
