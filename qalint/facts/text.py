"""The plain view of a prose leaf, cut into list items and sentences.

Fact checks read prose as a reader of the rendered page does: link text without its URL,
inline code with its content (an author writing `` `0.99` for cat `` states a number), no
emphasis markers, no list markers. The plain view keeps every character at its offset (syntax
is blanked out with spaces), so a claim found in it maps straight back to a file span through
the leaf's ``TextRun``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qalint.document import Document, Prose
from qalint.markdown import inline
from qalint.markdown.blocks import Node

LIST_ITEM_RE = re.compile(r"^([ ]*)((?:[*+-]|\d+[.)])[ ]+)", re.M)
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>\n]*>")
ESCAPE_RE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!$%])")
# Math spans that only hold numbers (``$0.7$``, ``$[0.7, 0.2, 0.1]$``) read as prose numbers.
NUMERIC_MATH_RE = re.compile(r"^[\s\d.,\[\]()%\\-]*$")
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
SCOPE_KINDS = {"tab", "admonition", "details", "root"}


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
        return self.text.rstrip().endswith("?")


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(max(0, start), min(end, len(chars))):
        if chars[i] != "\n":
            chars[i] = " "


def plain_view(prose: Prose) -> str:
    """The leaf's text with Markdown syntax blanked out, offsets unchanged."""
    text = prose.run.text
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
        # Keep the content of inline code, drop the backticks around it.
        i = start
        while i < end and text[i] == "`":
            chars[i] = " "
            i += 1
        j = end - 1
        while j > i and text[j] == "`":
            chars[j] = " "
            j -= 1
    skip = code + comments + list(prose.math_spans)
    masked = inline.mask(text, skip)
    for link in prose.links:
        if link.kind in {"autolink", "bare"}:
            _blank(chars, link.start, link.end)
            continue
        label_start = link.start + (2 if link.image else 1)
        _blank(chars, link.start, label_start)
        _blank(chars, label_start + len(link.text), link.end)
    for m in HTML_TAG_RE.finditer(masked):
        _blank(chars, m.start(), m.end())
    for i, char in enumerate(masked):
        if char == "*" or (char == "\\" and ESCAPE_RE.match(masked, i)):
            chars[i] = " "
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
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    if token in ABBREVIATIONS:
        return True
    # A single capital letter followed by a dot is an initial ("J. Smith").
    return len(token) == 1 and token.isalpha() and text[dot - 1].isupper()


def _sentences(plain: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    for m in SENTENCE_END_RE.finditer(plain, start, end):
        if m.group() == "." and _is_abbreviation(plain, m.start()):
            continue
        yield cursor, m.end()
        cursor = m.end()
    if plain[cursor:end].strip():
        yield cursor, end


def _trim(plain: str, start: int, end: int) -> tuple[int, int]:
    while start < end and plain[start].isspace():
        start += 1
    while end > start and plain[end - 1].isspace():
        end -= 1
    return start, end


def sentences_of(prose: Prose, first_index: int = 0) -> list[Sentence]:
    """The sentences of one prose leaf, list items never sharing a sentence."""
    plain = plain_view(prose)
    scope, is_root = _scope_of(prose.node)
    out: list[Sentence] = []
    for unit, (u_start, u_end) in enumerate(_units(prose, plain)):
        for s_start, s_end in _sentences(plain, u_start, u_end):
            s_start, s_end = _trim(plain, s_start, s_end)
            if s_end > s_start:
                out.append(
                    Sentence(
                        prose, plain, s_start, s_end, unit, scope, first_index + len(out), is_root
                    )
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
