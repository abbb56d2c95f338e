"""S rules: the structure of question blocks as the rendered site shows it.

A question block is an admonition (``!!! Question ""``, or ``???``/``???+`` details) holding
content tabs: a Question tab with one heading, then an Answer tab with content. Every check
here reads the block tree that ``qalint.markdown.blocks`` builds the way Python-Markdown does,
so "inside the tab" means inside it on the real page.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator

from qalint.config import Option, register_section
from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from qalint.document import Document, Heading, QuestionBlock, Tab, renders_nothing
from qalint.markdown.blocks import (
    FENCE_OPEN_RE,
    MAX_DEPTH,
    Atom,
    Escape,
    Node,
    heading_parts,
    opens_superfence,
)
from qalint.questions import QUIZ, TABS, Question, questions_of
from qalint.questions import settings as shape_settings
from qalint.questions import tabs as tab_shape
from qalint.questions import vocab as question_vocab
from qalint.rules._memo import once, section
from qalint.rules.registry import RuleContext, rule
from qalint.site.wording import config_name

MARKERS = ("!!!", "???", "???+")


def _non_empty_subset(values: list[str], allowed: tuple[str, ...]) -> str | None:
    """A config problem when ``values`` is empty or holds something outside ``allowed``."""
    if not values:
        return f"must name at least one of {', '.join(allowed)}"
    wrong = [v for v in values if v not in allowed]
    return f"unknown value {wrong[0]!r}; use {', '.join(allowed)}" if wrong else None


def _distinct_titles(titles: list[str], required: bool) -> str | None:
    """A config problem when tab titles are missing, blank or repeated."""
    if required and not titles:
        return "must name at least one tab (the first holds the question)"
    if any(not t.strip() for t in titles):
        return "tab titles must not be blank"
    repeated = [t for i, t in enumerate(titles) if t in titles[:i]]
    return f"tab title {repeated[0]!r} is listed twice" if repeated else None


register_section(
    "structure",
    {
        "shapes": Option(
            "list[str]",
            ["auto"],
            "Shapes of question detected: auto (all), or a list of tabs, titled-collapsible, "
            "answer-collapsible, heading, html-details, quiz, blocks; auto with -NAME turns one "
            "off. A page narrows it with <!-- qalint: shapes=... -->.",
            validate=shape_settings.shape_problem,
        ),
        "admonition-types": Option(
            "list[str]",
            ["question"],
            "Admonition types that mark a question block (case-insensitive).",
            validate=lambda v: None if v else "must name at least one admonition type",
        ),
        "titles": Option(
            "list[str]",
            [],
            'Accepted admonition titles (e.g. [""] for `!!! Question ""`); empty accepts any.',
        ),
        "markers": Option(
            "list[str]",
            ["!!!", "???", "???+"],
            "Accepted admonition markers: !!! (admonition), ??? and ???+ (collapsible details).",
            validate=lambda v: _non_empty_subset(v, MARKERS),
        ),
        "tabs": Option(
            "list[str]",
            ["Question", "Answer"],
            "Required tab titles, in order (a translated bank uses its own words).",
            validate=lambda v: _distinct_titles(v, required=True),
        ),
        "optional-tabs": Option(
            "list[str]",
            [],
            "Tab titles also allowed after the required ones (e.g. Hint).",
            validate=lambda v: _distinct_titles(v, required=False),
        ),
        "heading-level": Option(
            "int",
            4,
            "Level of the heading in the question tab.",
            validate=lambda v: None if 1 <= v <= 6 else "must be between 1 and 6",
        ),
        "question-words": Option(
            "list[str]",
            [
                "what",
                "why",
                "how",
                "when",
                "where",
                "which",
                "who",
                "whom",
                "whose",
                "is",
                "are",
                "can",
                "could",
                "do",
                "does",
                "did",
                "should",
                "would",
                "will",
                "explain",
                "describe",
                "compare",
                "define",
                "list",
                "name",
                "give",
                "state",
                "derive",
                "show",
                "prove",
                "discuss",
                "outline",
                "contrast",
                "write",
                "implement",
                "calculate",
                "compute",
                "suppose",
                "consider",
                "please",
                "tell",
                "in",
                "if",
                "for",
            ],
            "First words that make a heading read as a question when it lacks a '?'.",
        ),
    },
)


def _options(ctx: RuleContext) -> dict:
    return section(ctx, "structure")


def admonition_type(node: Node) -> str:
    """The type of an admonition: its first class (``question`` in ``!!! question inline``).

    Further words are modifiers (Material's ``inline``, ``inline end``), not the type.
    """
    words = node.type_name.split()
    return words[0] if words else ""


def question_blocks(doc: Document, options: dict) -> Iterator[QuestionBlock]:
    """Question blocks of the tabs shape that the configured tab rules (S001-S007) check.

    An admonition holding tabs is one when it is of a question type or uses a configured tab
    title; a ``!!! Question ""`` whose tabs fell out of it is one too. A bank with translated
    titles (``Énoncé`` / ``Correction``) in another admonition is a tabs question of the model
    but not one of these: the shape rules (S030...) check it. Other shapes (``??? question
    "What?"`` whose body is the answer) are never tabs blocks.
    """
    settings = settings_of(options)
    if TABS not in settings.shapes:
        return
    configured = set(settings.tabs) | set(settings.optional_tabs)
    for block in doc.questions:
        node = block.node
        if not tab_shape.is_tabs_question(node, settings):
            continue
        if block.tabs and not any(t.title in configured for t in block.tabs):
            question, answers = tab_shape.roles([t.node for t in block.tabs], settings)
            if question is not None or answers:
                continue
        yield block


_SETTINGS: dict[int, tuple[dict, shape_settings.Settings]] = {}


def settings_of(options: dict) -> shape_settings.Settings:
    """The question-model settings of a ``structure`` section (computed once per section:
    the entry keeps the section alive, so its id is not reused for another)."""
    entry = _SETTINGS.get(id(options))
    if entry is None or entry[0] is not options:
        if len(_SETTINGS) > 64:
            _SETTINGS.clear()
        entry = _SETTINGS[id(options)] = (options, shape_settings.from_options(options))
    return entry[1]


def blocks_of(ctx: RuleContext, doc: Document | None = None) -> list[QuestionBlock]:
    """``question_blocks`` of ``doc`` (the rule's document by default), computed once."""
    return once(
        ctx,
        "structure.blocks",
        doc if doc is not None else ctx.document,
        lambda d: list(question_blocks(d, _options(ctx))),
    )


def _marker_span(doc: Document, block: QuestionBlock) -> Span:
    return block.span


def _headings_by_node(ctx: RuleContext, doc: Document) -> dict[int, Heading]:
    return once(ctx, "structure.headings", doc, lambda d: {id(h.node): h for h in d.headings})


def _renders_nothing(node: Node) -> bool:
    """``document.renders_nothing``, without joining a paragraph that starts with text.

    A paragraph whose first character is not ``<`` cannot be only HTML comments.
    """
    if node.kind == "paragraph" and node.lines and not isinstance(node.lines[0], Atom):
        first = node.lines[0].text.lstrip()
        if first and first[0] != "<":
            return False
    return renders_nothing(node)


def _is_empty(tab: Tab) -> bool:
    """``Tab.is_empty``: nothing inside the tab renders."""
    return all(_renders_nothing(child) for child in tab.node.children)


def _tab_title_span(doc: Document, tab: Tab) -> Span:
    line = doc.lines[tab.span.line - 1]
    index = line.find('"')
    if index < 0:
        return tab.span
    end = line.find('"', index + 1)
    return Span(tab.span.line, index + 1, tab.span.line, (end if end > index else index) + 2)


@rule(
    "S001",
    "not-a-question-admonition",
    summary="An admonition that holds question tabs is not of an accepted question type or title.",
    explanation="""
Question blocks are admonitions of a configured type (`structure.admonition-types`, default
`question`) and, when `structure.titles` is set, one of those titles. A block with Question and
Answer tabs inside a `!!! note` or a misspelt `!!! Questoin` renders with the wrong colour and
icon, and tools that collect questions miss it. Accepted markers are set by `structure.markers`
(a `///` block of pymdownx.blocks, parsed only where the site enables it, is always accepted).
""",
    bad='!!! Questoin ""\n    === "Question"\n        #### What is dropout?\n',
    good='!!! Question ""\n    === "Question"\n        #### What is dropout?\n',
    config_keys=("structure.admonition-types", "structure.titles", "structure.markers"),
)
def not_a_question_admonition(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag question-like admonitions with a wrong type, title or marker."""
    options = _options(ctx)
    types = [t.lower() for t in options["admonition-types"]]
    for block in blocks_of(ctx):
        node = block.node
        if node.marker_symbol.startswith("<"):
            continue  # an md_in_html element (<details class="question" markdown>): no admonition
        span = _marker_span(ctx.document, block)
        kind = admonition_type(node)
        if kind.lower() not in types:
            close = difflib.get_close_matches(kind.lower(), types, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            yield not_a_question_admonition(
                ctx,
                span,
                f"admonition type '{kind}' holds question tabs but is not a question "
                f"type{hint}; accepted: {', '.join(options['admonition-types'])}",
            )
            continue
        titles = options["titles"]
        if titles and (node.title or "") not in titles:
            shown = ", ".join(f'"{t}"' for t in titles)
            yield not_a_question_admonition(
                ctx, span, f'question title "{node.title or ""}" is not one of {shown}'
            )
        # ``///`` is pymdownx.blocks' own syntax (parsed only when the site enables it), not
        # one of the admonition spellings ``structure.markers`` chooses between.
        if node.marker_symbol not in options["markers"] and node.marker_symbol != "///":
            yield not_a_question_admonition(
                ctx,
                span,
                f"marker '{node.marker_symbol}' is not accepted for questions; use "
                f"{' or '.join(options['markers'])}",
            )


def _tab_rules_for(block: QuestionBlock, options: dict):
    required = options["tabs"]
    allowed = required + options["optional-tabs"]
    return required, allowed


@rule(
    "S002",
    "missing-tab",
    summary="A question block lacks a required tab (Question or Answer).",
    explanation="""
Every question block needs the tabs named in `structure.tabs` (default `Question` then
`Answer`). A block with no tabs at all usually means the tab markers are not indented under
the admonition, so they render outside it.
""",
    bad='!!! Question ""\n    === "Question"\n        #### What is dropout?\n',
    good='!!! Question ""\n    === "Question"\n        #### What is dropout?\n\n'
    '    === "Answer"\n\n        A regularization technique.\n',
    config_keys=("structure.tabs",),
)
def missing_tab(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag question blocks without one of the required tabs."""
    options = _options(ctx)
    for block in blocks_of(ctx):
        required, allowed = _tab_rules_for(block, options)
        titles = [t.title for t in block.tabs]
        span = _marker_span(ctx.document, block)
        if not titles:
            follower = _next_sibling(block.node)
            why = ""
            if follower is not None and follower.kind == "tabset" and follower.marker is not None:
                why = (
                    f"; the tab marker on line {follower.marker.lineno} is not indented under "
                    f"the admonition (indent it by {follower.marker.col + 4} spaces)"
                )
            yield missing_tab(ctx, span, f"question block has no content tabs{why}")
            continue
        for name in required:
            if name in titles:
                continue
            near = _close(name, [t for t in titles if t not in allowed])
            if near:
                continue  # reported as a misnamed tab (S004)
            yield missing_tab(
                ctx, span, f'question block has no "{name}" tab; add === "{name}" with its content'
            )


def _next_sibling(node: Node) -> Node | None:
    parent = node.parent
    if parent is None:
        return None
    index = parent.children.index(node)
    return parent.children[index + 1] if index + 1 < len(parent.children) else None


def _close(name: str, candidates: list[str]) -> str | None:
    lowered = {c.lower().strip(): c for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


@rule(
    "S003",
    "duplicate-tab",
    summary="A question block has two tabs with the same title.",
    explanation="""
Two tabs with the same title show two identical labels; readers cannot tell them apart and
the second is usually a copy-paste slip.
""",
    bad='    === "Answer"\n        First.\n\n    === "Answer"\n        Second.\n',
    good='    === "Answer"\n        First. Second.\n',
)
def duplicate_tab(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag a second tab with a title already used in the same block."""
    for block in blocks_of(ctx):
        seen: dict[str, Tab] = {}
        for tab in block.tabs:
            if tab.title in seen:
                first = seen[tab.title]
                yield duplicate_tab(
                    ctx,
                    tab.span,
                    f'tab "{tab.title}" appears twice in this '
                    f"question (first on line {first.span.line}); "
                    "merge or rename it",
                )
            else:
                seen[tab.title] = tab


@rule(
    "S004",
    "misnamed-tab",
    summary="A tab title is not one the configuration allows (with a did-you-mean).",
    explanation="""
Tab titles are fixed by `structure.tabs` and `structure.optional-tabs`. A misspelt title
(`Anwser`, `answer`) renders a wrong label and breaks tools that look for the answer. When
exactly one allowed title is close, an unsafe fix renames the tab.
""",
    bad='    === "Anwser"\n        A regularization technique.\n',
    good='    === "Answer"\n        A regularization technique.\n',
    fixable=True,
    config_keys=("structure.tabs", "structure.optional-tabs"),
)
def misnamed_tab(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag tab titles that are not allowed, suggesting the close one."""
    options = _options(ctx)
    doc = ctx.document
    for block in blocks_of(ctx):
        _required, allowed = _tab_rules_for(block, options)
        present = {t.title for t in block.tabs}
        for tab in block.tabs:
            if tab.title in allowed:
                continue
            candidates = [a for a in allowed if a not in present] or allowed
            near = difflib.get_close_matches(
                tab.title.lower().strip(), [a.lower() for a in candidates], n=2, cutoff=0.6
            )
            span = _tab_title_span(doc, tab)
            if len(near) == 1:
                target = next(a for a in candidates if a.lower() == near[0])
                start = doc.source.offset(span.line, span.column)
                fix = Fix(
                    (Edit(start, start + span.end_column - span.column, f'"{target}"'),),
                    Applicability.UNSAFE,
                    f'rename the tab to "{target}"',
                )
                yield misnamed_tab(
                    ctx,
                    span,
                    f'tab title "{tab.title}" is not allowed (did you mean "{target}"?)',
                    fix,
                )
            else:
                yield misnamed_tab(
                    ctx,
                    span,
                    f'tab title "{tab.title}" is not allowed; use one '
                    f"of {', '.join(repr(a) for a in allowed)}",
                )


@rule(
    "S005",
    "tab-order",
    summary="Tabs are not in the configured order (Question before Answer).",
    explanation="""
The first tab is the one a reader sees; with the Answer first the answer is shown before the
question. The order is that of `structure.tabs`.
""",
    bad='    === "Answer"\n        A technique.\n\n    === "Question"\n        #### What is it?\n',
    good='    === "Question"\n        #### What is it?\n\n    === "Answer"\n        A technique.\n',
    config_keys=("structure.tabs",),
)
def tab_order(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag a required tab that comes after a tab meant to follow it."""
    options = _options(ctx)
    required = options["tabs"]
    for block in blocks_of(ctx):
        order = [t for t in block.tabs if t.title in required]
        expected = sorted(order, key=lambda t: required.index(t.title))
        if [t.title for t in order] != [t.title for t in expected]:
            wrong = next(a for a, b in zip(order, expected, strict=True) if a.title != b.title)
            yield tab_order(
                ctx,
                wrong.span,
                f'tab "{wrong.title}" is out of order; tabs must '
                f"come in the order {' → '.join(required)}",
            )


@rule(
    "S006",
    "question-heading",
    summary="The question tab does not hold exactly one non-empty heading at the configured level.",
    explanation="""
The question tab holds the question as one heading (`structure.heading-level`, default 4,
`####`). No heading, two headings, an empty one or one at another level break the table of
contents and the look of the bank. A lone heading at another level is fixed safely by
changing its number of `#`.
""",
    bad='    === "Question"\n        What is dropout?\n',
    good='    === "Question"\n        #### What is dropout?\n',
    fixable=True,
    config_keys=("structure.heading-level",),
)
def question_heading(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Check the heading inside each question tab."""
    options = _options(ctx)
    level = options["heading-level"]
    doc = ctx.document
    by_node = _headings_by_node(ctx, doc)
    question_title = options["tabs"][0] if options["tabs"] else "Question"
    for block in blocks_of(ctx):
        tab = block.tab(question_title)
        if tab is None:
            continue
        headings = [by_node[id(c)] for c in tab.node.children if id(c) in by_node]
        hashes = "#" * level
        if not headings:
            if _is_empty(tab):
                message = (
                    f'the "{question_title}" tab is empty; put the question in it as '
                    f"`{hashes} ...` indented 4 spaces past the tab marker"
                )
            else:
                message = (
                    f'the "{question_title}" tab has no heading; write the question as '
                    f"`{hashes} ...`"
                )
            yield question_heading(ctx, tab.span, message)
            continue
        for extra in headings[1:]:
            yield question_heading(
                ctx,
                extra.span,
                f'the "{question_title}" tab has more than '
                f"one heading (first on line "
                f"{headings[0].span.line}); keep one question "
                "per block",
            )
        heading = headings[0]
        if not heading.text:
            yield question_heading(ctx, heading.span, "the question heading is empty")
        elif heading.level != level:
            fix = None
            if len(headings) == 1 and not heading.setext:
                start = doc.source.offset(heading.span.line, heading.span.column)
                fix = Fix(
                    (Edit(start, start + heading.level, hashes),),
                    Applicability.SAFE,
                    f"use {hashes}",
                )
            span = Span(
                heading.span.line,
                heading.span.column,
                heading.span.line,
                heading.span.column + heading.level,
            )
            yield question_heading(
                ctx,
                span,
                f"the question heading is level {heading.level} "
                f"({'#' * heading.level}); use level {level} "
                f"({hashes})",
                fix,
            )


@rule(
    "S007",
    "empty-answer",
    summary="The answer tab renders empty.",
    explanation="""
An answer tab with nothing in it (often because its text is not indented enough and falls out
of the tab) shows readers an empty panel.
""",
    bad='    === "Answer"\n\n    Dropout is a regularization technique.\n',
    good='    === "Answer"\n\n        Dropout is a regularization technique.\n',
    config_keys=("structure.tabs",),
)
def empty_answer(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag answer tabs (every required tab after the first) with no content."""
    options = _options(ctx)
    for block in blocks_of(ctx):
        for title in options["tabs"][1:]:
            tab = block.tab(title)
            if tab is not None and _is_empty(tab):
                follower = _content_after(tab.node)
                hint = ""
                if follower is not None:
                    hint = (
                        f"; the text on line {follower} is not indented enough to be in it "
                        f"(it needs column {tab.node.body_col + 1})"
                    )
                yield empty_answer(ctx, tab.span, f'the "{title}" tab is empty{hint}')


def _content_after(tab: Node) -> int | None:
    """The first line of content right after a tab's set, if it sits in the admonition."""
    tabset = tab.parent
    if tabset is None or tabset.last is not tab:
        return None
    follower = _next_sibling(tabset)
    if follower is not None and not follower.is_container and follower.lines:
        return follower.lines[0].lineno
    return None


@rule(
    "S008",
    "content-escapes-block",
    summary="A line meant for a tab or admonition is indented so that it falls out of it.",
    explanation="""
Python-Markdown keeps a line inside an admonition or tab only while it is indented 4 spaces
past the marker (8 spaces for a tab body inside a question); the first line with less ends the
container and everything after it renders outside, although a CommonMark viewer (GitHub, an
editor preview) shows it inside. This is the defect general Markdown linters cannot see.
""",
    bad='!!! Question ""\n    === "Answer"\n        First line.\n      Second line escapes.\n',
    good='!!! Question ""\n    === "Answer"\n        First line.\n        Second line stays.\n',
)
def content_escapes_block(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report each line that escapes its container, and why."""
    doc = ctx.document
    escapes = list(doc.escapes)
    seen = {escape.line.lineno for escape in escapes}
    for escape in _after_tab_set(blocks_of(ctx)):
        if escape.line.lineno not in seen:
            seen.add(escape.line.lineno)
            escapes.append(escape)
    for escape in escapes:
        line = escape.line
        actual = line.col + line.indent
        what = _describe(escape.container)
        body = "tab's" if escape.container.kind == "tab" else "admonition's"
        if escape.reason == "detab":
            why = (
                f"it continues the {body} text but is indented {actual} spaces; the body "
                f"needs {escape.needed_col}, so this line and what follows render outside it"
            )
        else:
            why = (
                f"it starts a new block indented {actual} spaces; the {body} body needs "
                f"{escape.needed_col}, so it renders outside it"
            )
        yield content_escapes_block(
            ctx, doc.line_span(line), f"line {line.lineno} falls out of the {what}: {why}"
        )


def _after_tab_set(blocks: list[QuestionBlock]) -> Iterator[Escape]:
    """Blocks of a question block that follow one of its tab sets, outside every tab.

    Indented for the question block but not for the tab, they were meant for the tab above
    (usually the answer) and render below the tab bar instead.
    """
    for block in blocks:
        tabset: Node | None = None
        for child in block.node.children:
            if child.kind == "tabset":
                tabset = child
            elif tabset is not None and tabset.last is not None and not _renders_nothing(child):
                first = child.marker if child.marker is not None else child.lines[0]
                yield Escape(first, tabset.last, tabset.last.body_col, "block")
                tabset = None


def _describe(node: Node) -> str:
    if node.kind == "tab":
        return f'"{node.title}" tab (line {node.first_line})'
    if node.kind in {"admonition", "details"}:
        return f"'{node.type_name}' admonition (line {node.first_line})"
    return f"{node.kind} (line {node.first_line})"


@rule(
    "S009",
    "stray-content",
    summary="Content sits between question blocks, outside any question.",
    explanation="""
Text (or a note, tip or other admonition that is not a question) right after a question block
at the top level belongs to no question: usually the end of an answer whose indentation was
lost. Section headings, and what follows them, are fine.
""",
    bad='!!! Question ""\n    === "Answer"\n        The answer.\n\nMore of the answer.\n',
    good='!!! Question ""\n    === "Answer"\n        The answer.\n\n        More of the answer.\n',
    severity=Severity.WARNING,
)
def stray_content(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag top-level leaves that directly follow a question block."""
    doc = ctx.document
    questions = {id(b.node) for b in blocks_of(ctx)}
    # A question of another shape (a ``/// details`` block, a ``<details markdown>`` element,
    # a ``??? question "..."``) is not stray, though only tabs blocks are checked for followers.
    asked: list[int] | None = None  # computed for the first candidate only
    previous: Node | None = None
    for node in doc.root.children:
        if node.kind == "comment":
            continue
        stray = node.kind in {"paragraph", "list", "code", "fence", "tabset"} or (
            node.kind in {"admonition", "details"} and id(node) not in questions
        )
        if stray and previous is not None and id(previous) in questions:
            if asked is None:
                asked = _question_lines(ctx)
            stray = not any(node.first_line <= line <= node.last_line for line in asked)
        if previous is not None and id(previous) in questions and stray:
            first = node.marker if node.marker is not None else node.lines[0]
            yield stray_content(
                ctx,
                doc.line_span(first),
                f"line {first.lineno} is outside any "
                "question block; indent it into the "
                "answer above or remove it",
            )
        previous = node


def _question_lines(ctx: RuleContext) -> list[int]:
    """The lines where the page's questions (of every shape the run detects) are asked."""
    settings = settings_of(_options(ctx))
    return sorted({q.span.line for q in questions_of(ctx.document, settings)})


LINK_TEXT_RE = re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
MARKUP_RE = re.compile(r"[`*_~\[\]()]")
PUNCTUATION_RE = re.compile(r"[^\w\s]")


def normalise_question(text: str) -> str:
    """Question text for duplicate detection: case, accents, markup and punctuation folded."""
    if not text.isascii():  # NFKD leaves ASCII as it is, with no combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    if "[" in text:
        text = LINK_TEXT_RE.sub(r"\1", text)
    text = MARKUP_RE.sub("", text)
    text = PUNCTUATION_RE.sub(" ", text)
    return " ".join(text.split())


def _question_headings(
    ctx: RuleContext, doc: Document | None = None
) -> list[tuple[QuestionBlock, Heading]]:
    """Each question block of ``doc`` with the first non-empty heading of its question tab."""
    doc = doc if doc is not None else ctx.document
    return once(ctx, "structure.question-headings", doc, lambda d: _find_headings(ctx, d))


def _find_headings(ctx: RuleContext, doc: Document) -> list[tuple[QuestionBlock, Heading]]:
    options = _options(ctx)
    by_node = _headings_by_node(ctx, doc)
    title = options["tabs"][0] if options["tabs"] else "Question"
    found: list[tuple[QuestionBlock, Heading]] = []
    for block in blocks_of(ctx, doc):
        tab = block.tab(title)
        if tab is None:
            continue
        for child in tab.node.children:
            if id(child) in by_node and by_node[id(child)].text:
                found.append((block, by_node[id(child)]))
                break
    return found


def _question_summary(ctx: RuleContext) -> list[list]:
    """Each question of the file as [normalised text, heading text, span]."""
    out = []
    for _block, heading in _question_headings(ctx):
        key = normalise_question(heading.text)
        if key:
            span = heading.span
            out.append(
                [key, heading.text, [span.line, span.column, span.end_line, span.end_column]]
            )
    settings = settings_of(_options(ctx))
    for question in questions_of(ctx.document, settings):
        if question.shape == TABS or question.question_from not in QUESTION_SOURCES:
            continue
        key = normalise_question(question.text)
        if len(key.split()) >= 3:  # a bare label ("Exercise 2") is not a question to compare
            span = question.span
            out.append(
                [key, question.text, [span.line, span.column, span.end_line, span.end_column]]
            )
    out.sort(key=lambda entry: entry[2])
    return out


QUESTION_SOURCES = frozenset({"title", "heading", "paragraph", "summary", "quiz"})


@rule(
    "S010",
    "duplicate-question",
    summary="The same question appears twice, in one file or across the files checked.",
    explanation="""
Questions are compared after folding case, accents, punctuation and inline markup, across
every shape (a tab's heading, a collapsible's title, a quiz's question...) and every file
checked; questions of fewer than three words (a bare "Exercise 2" label) are not compared. A
duplicate usually means two answers drift apart over time; keep one.
""",
    bad="#### What is dropout?\n...\n#### What is Dropout ?\n",
    good="#### What is dropout?\n...\n#### What is weight decay?\n",
    scope="project",
    severity=Severity.WARNING,
    summarize=_question_summary,
)
def duplicate_question(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag every later occurrence of a question already asked.

    Files are read in path order, files under review (pull-request mode) last, so the
    finding lands on the new copy in the change rather than on the unchanged original.
    """
    first_seen: dict[str, tuple[str, int]] = {}
    focus = ctx.options.focus if ctx.options is not None else frozenset()
    for path in sorted(ctx.summaries, key=lambda p: (p in focus, p)):
        for key, text, span in ctx.summaries[path] or []:
            if key in first_seen:
                first_path, first_line = first_seen[key]
                where = f"line {first_line}" if first_path == path else f"{first_path}:{first_line}"
                yield duplicate_question(
                    ctx, Span(*span), f'question "{text}" is already asked at {where}', path=path
                )
            else:
                first_seen[key] = (path, span[0])


@rule(
    "S011",
    "commented-out-question",
    summary="A whole question block is commented out inside <!-- -->.",
    explanation="""
A commented-out question is invisible on the site but still in the source, where it rots: its
claims are still checked by the other rule families. Delete it, or restore it.
""",
    bad='<!-- !!! Question ""\n    === "Question"\n        #### What is X?\n-->\n',
    good='!!! Question ""\n    === "Question"\n        #### What is X?\n',
    severity=Severity.WARNING,
)
def commented_out_question(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag comments whose body parses as a question block."""
    for comment in ctx.document.comments:
        inner = comment.inner
        if inner is None:
            continue
        if not blocks_of(ctx, inner):
            hidden = [q for q in questions_of(inner, settings_of(_options(ctx))) if q.text]
            if not hidden:
                continue
            headings = [hidden[0].text]
        else:
            headings = [h.text for _b, h in _question_headings(ctx, inner)]
        what = f' "{headings[0]}"' if headings else ""
        yield commented_out_question(
            ctx,
            Span(
                comment.span.line, comment.span.column, comment.span.line, comment.span.column + 4
            ),
            f"question{what} is commented out (lines "
            f"{comment.span.line}-{comment.span.end_line}); delete it "
            "or restore it",
        )


EMPHASIS_MARKS_RE = re.compile(r"[*_`]")
WORD_BREAK_RE = re.compile(r"[\s,:]+")


@rule(
    "S012",
    "heading-not-a-question",
    summary="A question heading does not read as a question.",
    explanation="""
A question heading ends with `?` or starts with a question or instruction word (What, How,
Explain, Compare...; `structure.question-words`). A heading such as `Dropout` reads as a topic,
not a question.

This holds for every shape whose question is a heading, a title or a summary: the heading of
a question tab, the title of `??? question "..."` or `/// details | ...`, the heading before
an answer collapsible, a `### Q1. ...` heading, a `<summary>`. Quizzes are left alone, and so
are exercises: a numbered label (`## 2.1-1`, `Exercice 3`, `Question 2`) or a title starting
with an exercise word (`Exercise`, `Problem`, `Task`...) names an exercise, not a question.
""",
    bad="#### Dropout\n",
    good="#### What is dropout?\n",
    severity=Severity.INFO,
    config_keys=("structure.question-words",),
)
def heading_not_a_question(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag question headings, titles and summaries with no '?' and no question word."""
    options = _options(ctx)
    words = {w.lower() for w in options["question-words"]}
    for _block, heading in _question_headings(ctx):
        text = heading.text.strip()
        if _reads_as_question(text, words):
            continue
        yield heading_not_a_question(
            ctx,
            heading.span,
            f"heading \"{text}\" does not read as a question; end it with '?' or phrase it as one",
        )
    for question in questions_of(ctx.document, settings_of(options)):
        if question.shape in (TABS, QUIZ) or question.hidden:
            continue
        what = TOPIC_SOURCES.get(question.question_from)
        text = question.text.strip()
        if what is None or not text:
            continue
        if _titles_a_statement(question):
            continue
        if question.node is not None and question.node.kind == "heading":
            whole = (
                heading_parts(question.node.lines[0].text.lstrip()) if question.node.lines else None
            )
            if whole is not None and _is_exercise(whole[1].strip().rstrip("#").strip()):
                continue
        asked = _unlabelled(text)
        if asked is None or _reads_as_question(asked, words):
            continue
        yield heading_not_a_question(
            ctx,
            question.span,
            f"question {what} \"{text}\" does not read as a question; end it with '?' or "
            "phrase it as one",
        )


# Where a question's text comes from, for the shapes S012 reads, and what to call it.
TOPIC_SOURCES = {"heading": "heading", "title": "title", "summary": "summary"}
QUESTION_LABEL_WORDS = frozenset({"q", "question"})
LABEL_WORD_RE = re.compile(r"[^\W\d_]*")  # the word of a label ("q" in "Q1."), or none
EXERCISE_WORDS = frozenset(
    {
        "exercise",
        "exercises",
        "exercice",
        "exercices",
        "ex",
        "problem",
        "problems",
        "problème",
        "problèmes",
        "task",
        "tasks",
        "aufgabe",
        "ejercicio",
        "esercizio",
        "lab",
        "hands-on",
    }
)


def _reads_as_question(text: str, words: set[str]) -> bool:
    """True when ``text`` asks ('?' in it: "Prefer a video? (example)") or starts with one
    of ``words``."""
    plain = EMPHASIS_MARKS_RE.sub("", text).strip()
    first = WORD_BREAK_RE.split(plain, maxsplit=1)[0].lower() if plain else ""
    return "?" in plain or first in words


def _titles_a_statement(question: Question) -> bool:
    """True when the question is a heading over a statement that the answer collapsible
    follows (``### Represent a graph`` + paragraphs + ``??? success "Answer"``): the heading
    titles an exercise whose statement is the question."""
    heading, answer = question.node, question.answer_node
    if heading is None or heading.kind != "heading" or answer is None:
        return False
    siblings = heading.parent.children if heading.parent is not None else []
    between = _between(siblings, heading, answer)
    return any(not renders_nothing(node) for node in between)


def _between(nodes: list[Node], first: Node, last: Node) -> list[Node]:
    """The nodes strictly between ``first`` and ``last`` in ``nodes`` (empty if either is
    missing)."""
    ids = [id(n) for n in nodes]
    if id(first) not in ids or id(last) not in ids:
        return []
    return nodes[ids.index(id(first)) + 1 : ids.index(id(last))]


def _is_exercise(text: str) -> bool:
    """True for a text that names an exercise rather than asks: an exercise word first
    (``Exercise 3 ...``, ``Problem``) or a numbered label that is not a question's
    (``2.1-1``, ``Exercice 3``)."""
    plain = EMPHASIS_MARKS_RE.sub("", text).strip()
    label = question_vocab.HEADING_LABEL_RE.match(plain)
    if label and LABEL_WORD_RE.match(label.group().strip()).group().lower() not in (
        QUESTION_LABEL_WORDS
    ):
        return True
    return question_vocab.first_word(plain) in EXERCISE_WORDS


def _unlabelled(text: str) -> str | None:
    """``text`` without a leading question label (``Q1.``, ``Question 3:``); ``None`` when
    nothing is left (a bare label only numbers the question) or it names an exercise."""
    plain = EMPHASIS_MARKS_RE.sub("", text).strip()
    if _is_exercise(plain) or question_vocab.GENERIC_TITLE_RE.match(plain):
        return None
    label = question_vocab.HEADING_LABEL_RE.match(plain)
    rest = plain[label.end() :].strip(" .:-)") if label else plain
    return rest or None


@rule(
    "S013",
    "unclosed-comment",
    summary="An HTML comment is opened with <!-- and never closed.",
    explanation="""
Python-Markdown renders an unclosed `<!--` and everything after it on that line as literal
text, so readers see the markup. Close it with `-->` or remove it.
""",
    bad="<!-- TODO: rewrite this answer\n",
    good="<!-- TODO: rewrite this answer -->\n",
)
def unclosed_comment(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag ``<!--`` in prose with no ``-->`` after it."""
    for prose in ctx.document.prose:
        text = prose.run.text
        start = 0
        while (index := text.find("<!--", start)) >= 0:
            if any(a <= index < b for a, b in prose.code_spans):
                start = index + 4
                continue
            if text.find("-->", index + 4) < 0:
                yield unclosed_comment(
                    ctx,
                    prose.run.span(index, index + 4),
                    "HTML comment is never closed and renders as text; add -->",
                )
                break
            start = index + 4


@rule(
    "S014",
    "unclosed-fence",
    summary="A code fence is opened and never closed, so it renders as text.",
    explanation="""
pymdownx.superfences makes a code block of a fence only when a line of the *same* fence (same
character, same length) closes it at the opening line's indentation before any line indented
less; otherwise the backticks and the code render as a paragraph. Without superfences (plain
fenced_code), only fences at column 0 are code blocks: a fence inside a list or admonition
renders as text. A fence that the site's renderer closes is never reported.
""",
    bad="```python\nx = 1\n",
    good="```python\nx = 1\n```\n",
)
def unclosed_fence(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag fence openers left as text (a closed fence is a stashed atom, never text)."""
    doc = ctx.document
    flags = doc.site.flags
    for prose in doc.prose:
        if prose.node.kind not in {"paragraph", "list"}:
            continue
        for line in prose.node.lines:
            if isinstance(line, Atom):
                continue  # a fence the renderer closed, inside the paragraph's text
            m = FENCE_OPEN_RE.match(line.text)
            if m and line.text.strip().startswith(("```", "~~~")):
                fence = m.group("fence")
                if flags.superfences and opens_superfence(line.text.strip()) is None:
                    why = (
                        f"has a header ({m.group('info').strip()}) that pymdownx.superfences does "
                        "not accept (a language, {attributes}, or title/hl_lines/linenums options)"
                    )
                elif flags.superfences:
                    why = (
                        f"is never closed by a {fence} line at its indentation "
                        f"({line.col + line.indent} spaces); add one"
                    )
                else:
                    why = (
                        "is not a code block: without pymdownx.superfences "
                        f"({config_name(doc.site)}) only fences at column 0 that a same-length "
                        f"{fence} line closes are code"
                    )
                yield unclosed_fence(
                    ctx,
                    doc.line_span(line),
                    f"code fence {fence} opened on line {line.lineno} {why}, so it renders as text",
                )
                break


@rule(
    "S016",
    "leading-blank-line-with-spaces",
    summary="The file starts with a line of only spaces, which glues itself to the next block.",
    explanation="""
Python-Markdown empties whitespace-only lines except the very first one. A first line of
spaces therefore joins the block below it, which then renders as a plain paragraph: a list
shows its `-` markers as text, a heading its `#`. Delete the spaces (or the line).
""",
    bad=" \n- Here are some questions.\n",
    good="- Here are some questions.\n",
    severity=Severity.WARNING,
    fixable=True,
)
def leading_blank_line_with_spaces(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag a whitespace-only first line that Python-Markdown keeps."""
    doc = ctx.document
    first = doc.root.children[0] if doc.root.children else None
    if first is None or not first.lines or not isinstance(first.lines[0], Atom):
        return
    if first.lines[0].kind != "leading-space":
        return
    original = doc.lines[0]
    fix = Fix((Edit(0, len(original), ""),), Applicability.SAFE, "delete the spaces on line 1")
    follower = first.lines[1].lineno if len(first.lines) > 1 else None
    what = f"line {follower} renders as a plain paragraph" if follower else "it renders as text"
    yield leading_blank_line_with_spaces(
        ctx,
        Span(1, 1, 1, len(original) + 1),
        f"line 1 holds only whitespace, which Python-Markdown keeps: {what}; delete the spaces",
        fix,
    )


@rule(
    "S017",
    "content-outside-tabs",
    summary="A question block holds content before its tabs, or its tabs are split into two sets.",
    explanation="""
A question block renders as one tab bar (Question, Answer). Content indented for the block but
placed before the first tab marker renders above the tab bar, outside both tabs. A tab that
starts with `===!`, or that follows anything other than another tab (a paragraph or comment
indented for the block), starts a second tab set: the site shows two separate tab bars, and
the Answer is no longer a tab next to the Question. (Content after a tab, indented for the
block rather than the tab, falls out of that tab: S008.)
""",
    bad='!!! Question ""\n    === "Question"\n        #### What is dropout?\n\n'
    '    ===! "Answer"\n        A regularization technique.\n',
    good='!!! Question ""\n    === "Question"\n        #### What is dropout?\n\n'
    '    === "Answer"\n        A regularization technique.\n',
)
def content_outside_tabs(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag content before the first tab set of a question block, and every later tab set."""
    doc = ctx.document
    for block in blocks_of(ctx):
        children = [c for c in block.node.children if c.kind == "tabset" or not _renders_nothing(c)]
        sets = [i for i, child in enumerate(children) if child.kind == "tabset"]
        if not sets:
            continue
        if sets[0] > 0:
            first = children[0]
            line = first.marker if first.marker is not None else first.lines[0]
            yield content_outside_tabs(
                ctx,
                doc.line_span(line),
                f"line {line.lineno} is inside the question block but before its tabs, so it "
                "renders above the tab bar; move it into a tab",
            )
        for index in sets[1:]:
            yield _second_tab_set(ctx, block.node.children, children[index])


def _second_tab_set(ctx: RuleContext, siblings: list[Node], tabset: Node) -> Diagnostic:
    """The finding for a tab set that is not the first of its question block."""
    doc = ctx.document
    tab = tabset.children[0]
    assert tab.marker is not None
    before = siblings[siblings.index(tabset) - 1]
    if "!" in tab.marker_symbol:
        why = f"its `{tab.marker_symbol}` marker starts a new set; write `===`"
    elif before.kind == "tabset":
        why = "the tab set above it ends there"
    else:
        what = "comment" if _renders_nothing(before) else "content"
        why = (
            f"the {what} on line {before.first_line} ends the set above; remove it or indent "
            "it into a tab"
        )
    return content_outside_tabs(
        ctx,
        _tab_title_span(doc, Tab(tab.title or "", tab, doc.line_span(tab.marker))),
        f'tab "{tab.title}" starts a second tab set, so the site shows it on a tab bar of its '
        f"own: {why}",
    )


@rule(
    "S018",
    "nesting-too-deep",
    summary="Blocks are nested more than 100 levels deep; qalint does not look deeper.",
    explanation="""
Admonitions, tabs and lists nested more than 100 levels deep are almost always generated or
broken input. qalint keeps the deeper lines as plain text and reports the first one, instead
of failing; Python-Markdown itself fails with a RecursionError a few hundred levels down, so
the site may not build at all. Flatten the nesting.
""",
    bad="- a\n    - b\n        - c\n            - ... (more than 100 levels)\n",
    good="- a\n    - b\n        - c\n",
    severity=Severity.INFO,  # a limit of qalint's, not an error of the page
)
def nesting_too_deep(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Report the first line nested past the parser's depth limit."""
    doc = ctx.document
    for document in (doc, *doc.hidden_documents()):
        if document.too_deep is not None:
            yield nesting_too_deep(
                ctx,
                document.too_deep,
                f"line {document.too_deep.line} is nested more than {MAX_DEPTH} blocks deep; "
                "qalint checks it as plain text (Python-Markdown may fail on it); flatten the "
                "nesting",
            )
