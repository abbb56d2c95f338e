"""The Document: what a question file renders to, with exact source positions.

Rules read a Document and never the raw text alone: it knows which lines belong to which
tab on the rendered site (``qalint.markdown.blocks``), where every heading, link, image,
math span, code block and comment is, and which admonitions are questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from qalint._fastinit import fast_frozen_init
from qalint.diagnostics import Span
from qalint.markdown.blocks import Atom, Escape, LiteralItem, Node
from qalint.markdown.inline import RawLink, find_comments
from qalint.markdown.source import Source, SrcLine
from qalint.markdown.textrun import TextRun
from qalint.site.model import DEFAULT_SITE, SiteModel


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Heading:
    """An ATX heading as Python-Markdown reads it (``####What`` is a heading there too)."""

    level: int
    text: str
    span: Span
    node: Node
    space_after_hashes: bool
    setext: bool = False  # underlined with === or --- instead of written with #


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Link:
    """A link, image, autolink, bare URL or reference definition, as written in the source.

    ``kind`` is ``inline`` (``[t](url)``), ``reference`` (``[t][ref]``, ``[t][]``, ``[t]``
    when a definition exists), ``autolink`` (``<url>``), ``bare`` (a URL in prose) or
    ``definition`` (``[ref]: url``). ``target`` is the destination exactly as written.
    """

    kind: str
    text: str
    target: str
    span: Span
    target_span: Span | None
    image: bool = False
    label: str = ""
    title: str | None = None
    start: int = 0
    end: int = 0
    node: Node | None = None
    in_comment: bool = False


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class MathSpan:
    """A math formula as pymdownx.arithmatex finds it; ``tex`` excludes the delimiters."""

    tex: str
    delimiter: str
    display: bool
    span: Span
    tex_span: Span
    run: TextRun
    tex_start: int
    node: Node | None = None
    in_comment: bool = False


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class CodeSpan:
    """Inline code (backticks) inside prose."""

    text: str
    span: Span


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced (superfences, mermaid included) or indented code block."""

    info: str
    text: str
    span: Span
    fenced: bool
    node: Node


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Comment:
    """An HTML comment; ``inner`` parses its body when it holds Markdown (a hidden question)."""

    text: str
    span: Span
    closed: bool
    inner: Document | None = None


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Prose:
    """One paragraph, list or heading leaf: its text and the map back to the file."""

    node: Node
    run: TextRun
    code_spans: tuple[tuple[int, int], ...]
    math_spans: tuple[tuple[int, int], ...]
    in_comment: bool = False
    comment_spans: tuple[tuple[int, int], ...] = ()
    links: tuple[RawLink, ...] = ()  # links, images and bare URLs, offsets into run.text


def renders_nothing(node: Node) -> bool:
    """True for a comment, or a paragraph made only of HTML comments."""
    if node.kind == "comment":
        return True
    if node.kind != "paragraph":
        return False
    if node.lines and not isinstance(node.lines[0], Atom):
        first = node.lines[0].text.lstrip()
        if first and first[0] != "<":  # text before any comment could start: it renders
            return False
    text = node.text()
    for start, end, _body in reversed(find_comments(text)):
        text = text[:start] + text[end:]
    return not text.strip()


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Tab:
    """A content tab (``=== "Title"``) of a question block."""

    title: str
    node: Node
    span: Span

    @property
    def is_empty(self) -> bool:
        """True when nothing renders inside the tab (an HTML comment renders nothing)."""
        return all(renders_nothing(child) for child in self.node.children)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class QuestionBlock:
    """An admonition or details block and its content tabs."""

    node: Node
    span: Span
    tabs: tuple[Tab, ...]
    in_comment: bool = False

    def tab(self, title: str) -> Tab | None:
        """The first tab with this title (case-sensitive), if any."""
        return next((t for t in self.tabs if t.title == title), None)


@dataclass
class Document:
    """A parsed question file: its source, block tree and the pieces rules look at."""

    path: str
    source: Source
    root: Node
    escapes: list[Escape] = field(default_factory=list)
    questions: list[QuestionBlock] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    math: list[MathSpan] = field(default_factory=list)
    code_spans: list[CodeSpan] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    prose: list[Prose] = field(default_factory=list)
    front_matter: Span | None = None
    in_comment: bool = False
    too_deep: Span | None = None  # the first line nested past blocks.MAX_DEPTH, if any
    site: SiteModel = DEFAULT_SITE  # the page's site model: how its mkdocs.yml renders it
    # Values derived from the document alone, computed once (``qalint.questions``' model)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # lines written as list items that render as plain text (blocks.LiteralItem)
    literal_items: list[LiteralItem] = field(default_factory=list)
    # Jinja tags a plugin (mkdocs-macros) replaces before Markdown: the parser read them as
    # blank, and the engine drops findings that start inside one (their output is unknown)
    templates: tuple[Span, ...] = ()

    @property
    def text(self) -> str:
        """The decoded text (BOM removed, line endings as in the file)."""
        return self.source.text

    @property
    def lines(self) -> list[str]:
        """The original lines, without line endings."""
        return self.source.lines

    def line_span(self, line: SrcLine) -> Span:
        """The span of a positioned line's visible text (from its first non-space)."""
        text = line.text
        start = line.col + len(text) - len(text.lstrip(" "))
        end = line.col + len(text.rstrip())
        lineno = line.lineno
        source = self.source
        if (
            not source.tabs
            or not 0 < lineno <= len(source.lines)
            or source.expanded[lineno - 1] is source.lines[lineno - 1]
        ):
            return Span(lineno, start + 1, lineno, max(end, start + 1) + 1)  # no tab on the line
        column = self.source.column(line.lineno, start)
        end_column = self.source.column(line.lineno, max(end, start + 1))
        return Span(line.lineno, column, line.lineno, end_column)

    def hidden_documents(self) -> Iterator[Document]:
        """Documents parsed from Markdown inside HTML comments (a commented-out question)."""
        for comment in self.comments:
            if comment.inner is not None:
                yield comment.inner
                yield from comment.inner.hidden_documents()

    def all_prose(self, include_hidden: bool = True) -> Iterator[Prose]:
        """Prose of the page, then prose hidden in comments when asked."""
        yield from self.prose
        if include_hidden:
            for inner in self.hidden_documents():
                yield from inner.prose

    def all_math(self, include_hidden: bool = True) -> Iterator[MathSpan]:
        """Math spans of the page, then those hidden in comments when asked."""
        yield from self.math
        if include_hidden:
            for inner in self.hidden_documents():
                yield from inner.math

    def all_links(self, include_hidden: bool = False) -> Iterator[Link]:
        """Links of the page, then (when asked) those hidden in comments."""
        yield from self.links
        if include_hidden:
            for inner in self.hidden_documents():
                yield from inner.links
