"""The plain view of a prose leaf, cut into list items and sentences.

Fact checks read prose as a reader of the rendered page does: link text without its URL,
inline code with its content (an author writing `` `0.99` for cat `` states a number), no
emphasis markers, no list markers. The plain view keeps every character at its offset (syntax
is blanked out with spaces), so a claim found in it maps straight back to a file span through
the leaf's ``TextRun``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qalint._fastinit import fast_frozen_init
from qalint.document import Document, Prose
from qalint.markdown import inline
from qalint.markdown.blocks import Node

LIST_ITEM_RE = re.compile(r"^([ ]*)((?:[*+-]|\d+[.)])[ ]+)", re.M)
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]*>")
ESCAPE_RE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!$%])")
# An emphasis star, or a backslash escaping punctuation: blanked in the plain view.
EMPHASIS_OR_ESCAPE_RE = re.compile(r"\*|" + ESCAPE_RE.pattern)
# Math spans that only hold numbers (``$0.7$``, ``$[0.7, 0.2, 0.1]$``) read as prose numbers.
NUMERIC_MATH_RE = re.compile(r"^[\s\d.,\[\]()%\\-]*$")
# Inline code holding only numbers is values cited in prose: `0.99`, `[0.9, 0.7]`, `95%`.
CODE_NUMBER_RE = re.compile(r"[\s.,\[\]()%\-\u2212]*\d[\s\d.,\[\]()%\-\u2212]*$")
SENTENCE_END_RE = re.compile(r"[.!?](?=[\s)\]*_\"']*(?:\s|$))")
ABBREVIATIONS = (
    "e.g",
    "i.e",
    "etc",
    "vs",
    "al",
    "cf",
    "fig",
    "eq",
    "approx",
    "resp",
    "no",
    "ca",
    "incl",
    "viz",
    "ref",
    "sec",
    "ch",
    "p",
)
ABBREVIATION_SET = frozenset(ABBREVIATIONS)
WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")
SCOPE_KINDS = {"tab", "admonition", "details", "root"}


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a prose leaf: offsets into the leaf's text and its plain view."""

    prose: Prose
    plain: str  # the whole leaf's plain view (same length as prose.run.text)
    start: int
    end: int
    unit: int  # index of the list item (or 0 for a paragraph) inside the leaf
    scope: int  # identity of the enclosing tab / admonition, for looking at nearby sentences
    index: int  # position among all sentences of the document, in reading order
    scope_is_root: bool = False  # True when the sentence is in no tab or admonition

    @property
    def text(self) -> str:
        """The sentence's plain text (offsets of the leaf preserved by slicing)."""
        return self.plain[self.start : self.end]

    @property
    def is_question(self) -> bool:
        """True when the sentence asks rather than states (ends with a question mark)."""
        if self.end <= self.start:
            return False
        last = self.plain[self.end - 1]  # sentences are trimmed: this is the last character
        return last == "?" or (last.isspace() and self.text.rstrip().endswith("?"))


def _blank(chars: list[str], start: int, end: int) -> None:
    start, end = max(0, start), min(end, len(chars))
    if start < end:
        span = chars[start:end]
        if "\n" in span:
            chars[start:end] = [c if c == "\n" else " " for c in span]
        else:
            chars[start:end] = [" "] * (end - start)


def plain_view(prose: Prose) -> str:
    """The leaf's text with Markdown syntax blanked out, offsets unchanged."""
    text = prose.run.text
    # Without these marks no HTML tag, emphasis star or escape can need blanking.
    marked = "<" in text or "*" in text or "\\" in text
    syntax = marked or prose.code_spans or prose.math_spans or prose.comment_spans or prose.links
    if not syntax and prose.node.kind not in {"list", "heading"}:
        return text  # plain text already: nothing to blank (most paragraphs)
    chars = list(text)
    code = list(prose.code_spans)
    comments = list(prose.comment_spans)
    for start, end in comments:
        _blank(chars, start, end)
    for start, end in prose.math_spans:
        body = text[start:end].strip("$").removeprefix("\\(").removesuffix("\\)")
        if NUMERIC_MATH_RE.match(body) and any(c.isdigit() for c in body):
            for i in range(start, end):
                if text[i] in "$\\" or (text[i] in "()" and text[i - 1 : i] == "\\"):
                    chars[i] = " "
        else:
            _blank(chars, start, end)
    for start, end in code:
        # Numbers in inline code are values cited in prose ("`0.99` for cat"): keep them, drop
        # the backticks. Other inline code is code, not a claim (``0-00:10:00 = 10``).
        i = start
        while i < end and text[i] == "`":
            i += 1
        j = end
        while j > i and text[j - 1] == "`":
            j -= 1
        if CODE_NUMBER_RE.match(text, i, j):
            _blank(chars, start, i)
            _blank(chars, j, end)
        else:
            _blank(chars, start, end)
    for link in prose.links:
        if link.kind in {"autolink", "bare"}:
            _blank(chars, link.start, link.end)
            continue
        label_start = link.start + (2 if link.image else 1)
        _blank(chars, link.start, label_start)
        _blank(chars, label_start + len(link.text), link.end)
    if marked:
        skip = code + comments + list(prose.math_spans)
        masked = inline.mask(text, skip) if skip else text
        if "<" in masked:  # the marks are often all inside math or code
            for m in HTML_TAG_RE.finditer(masked):
                _blank(chars, m.start(), m.end())
        if "*" in masked or "\\" in masked:
            for m in EMPHASIS_OR_ESCAPE_RE.finditer(masked):
                chars[m.start()] = " "
    if prose.node.kind == "list":
        for m in LIST_ITEM_RE.finditer(text):
            _blank(chars, m.start(2), m.end(2))
    if prose.node.kind == "heading":
        m = re.match(r"#+", text)
        if m:
            _blank(chars, 0, m.end())
    return "".join(chars)


def _scope_of(node: Node) -> tuple[int, bool]:
    current: Node | None = node.parent
    while current is not None and current.kind not in SCOPE_KINDS:
        current = current.parent
    if current is None:
        return id(node), True
    return id(current), current.kind == "root"


def _units(prose: Prose, plain: str) -> list[tuple[int, int]]:
    """(start, end) of each list item of a list leaf, or the whole leaf for a paragraph."""
    if prose.node.kind != "list":
        return [(0, len(plain))]
    starts = [m.start(2) for m in LIST_ITEM_RE.finditer(prose.run.text)]
    if not starts:
        return [(0, len(plain))]
    bounds = [*starts[1:], len(plain)]
    return list(zip(starts, bounds, strict=True))


def _is_abbreviation(text: str, dot: int) -> bool:
    # The run of ASCII letters and dots ending at the dot (or at a newline right before it).
    end = dot - 1 if dot > 0 and text[dot - 1] == "\n" else dot
    start = end
    while start > 0 and text[start - 1] in WORD_CHARS:
        start -= 1
    if start == end:
        return False
    token = text[start:end].lower().rstrip(".")
    if token in ABBREVIATION_SET:
        return True
    # A single capital letter followed by a dot is an initial ("J. Smith").
    return len(token) == 1 and token.isalpha() and text[dot - 1].isupper()


def _sentences(plain: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``plain[start:end]``, without surrounding spaces."""
    bounds: list[tuple[int, int]] = []
    cursor = start
    for m in SENTENCE_END_RE.finditer(plain, start, end):
        mark = m.start()
        if plain[mark] == "." and _is_abbreviation(plain, mark):
            continue
        # The sentence starts at the first character after the cursor that is not a space.
        bounds.append((mark - len(plain[cursor:mark].lstrip()), mark + 1))
        cursor = mark + 1
    rest = plain[cursor:end].lstrip()
    if rest:  # the rest, when it is more than spaces
        first = end - len(rest)
        bounds.append((first, first + len(rest.rstrip())))
    return bounds


def sentences_of(prose: Prose, first_index: int = 0) -> list[Sentence]:
    """The sentences of one prose leaf, list items never sharing a sentence."""
    plain = plain_view(prose)
    scope, is_root = _scope_of(prose.node)
    out: list[Sentence] = []
    for unit, (u_start, u_end) in enumerate(_units(prose, plain)):
        for s_start, s_end in _sentences(plain, u_start, u_end):
            out.append(
                Sentence(prose, plain, s_start, s_end, unit, scope, first_index + len(out), is_root)
            )
    return out


def document_sentences(doc: Document) -> list[Sentence]:
    """Every sentence of the page and of Markdown hidden in its comments, in reading order."""
    out: list[Sentence] = []
    for prose in doc.all_prose(include_hidden=True):
        if prose.node.kind == "heading":
            continue
        out.extend(sentences_of(prose, len(out)))
    return out
