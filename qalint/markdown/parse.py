"""Text → Document: block tree, then the pieces inside each leaf, with file positions."""

from __future__ import annotations

import os
import re

from qalint.diagnostics import Span
from qalint.document import (
    CodeBlock,
    CodeSpan,
    Comment,
    Document,
    Heading,
    Link,
    MathSpan,
    Prose,
    QuestionBlock,
    Tab,
)
from qalint.markdown import arithmatex, automath, inline
from qalint.markdown.blocks import Atom, BlockParser, Node, expand_atom, heading_parts
from qalint.markdown.source import Source, SrcLine
from qalint.markdown.textrun import TextRun
from qalint.site.model import DEFAULT_SITE, SiteModel

FRONT_MATTER_RE = re.compile(r"^---[ \t]*$")
MARKDOWN_HINT_RE = re.compile(r"^\s*(?:!!!|\?\?\?|===|#{1,6}\s)", re.M)


def parse(source: Source, path: str = "<text>", site: SiteModel = DEFAULT_SITE) -> Document:
    """Parse decoded source text into a Document, as the page's site renders it.

    ``site`` is the page's site model (``qalint.site``); the parsers read its ``flags``.
    """
    lines = source.src_lines()
    front_matter = _front_matter(lines)
    if front_matter:  # blanked: line ``n`` is ``lines[n - 1]``
        lines[:front_matter] = [SrcLine(n, 0, "") for n in range(1, front_matter + 1)]
    templates: tuple[Span, ...] = ()
    if site.flags.jinja is not None:
        lines, templates = _without_templates(source, lines, front_matter, path, site)
    parser = BlockParser(site.flags)
    root = parser.parse(lines)
    doc = Document(path=path, source=source, root=root, site=site, templates=templates)
    if front_matter:
        doc.front_matter = Span(1, 1, front_matter, len(source.lines[front_matter - 1]) + 1)
    _collect(doc, parser)
    return doc


def _front_matter(lines: list[SrcLine]) -> int:
    """The last line of a YAML front matter block at the top of the file, or 0."""
    if not lines or not FRONT_MATTER_RE.match(lines[0].text):
        return 0
    for line in lines[1:]:
        if line.text.rstrip() in {"---", "..."}:
            return line.lineno
    return 0


def _without_templates(
    source: Source, lines: list[SrcLine], front_matter: int, path: str, site: SiteModel
) -> tuple[list[SrcLine], tuple[Span, ...]]:
    """The lines with the Jinja tags mkdocs-macros renders blanked (``qalint.markdown.jinja``),
    and the tags' spans."""
    from qalint.markdown import jinja

    syntax = site.flags.jinja
    assert syntax is not None
    meta = "\n".join(source.lines[1 : front_matter - 1]) if front_matter else ""
    docs_dir = os.fspath(site.docs_dir) if site.docs_dir is not None else None
    if not jinja.renders(syntax, meta, path, docs_dir):
        return lines, ()
    lines, where = jinja.mask_lines(lines, front_matter, syntax)
    spans = tuple(
        Span(line, source.column(line, col), end_line, source.column(end_line, end_col))
        for line, col, end_line, end_col in where
    )
    return lines, spans


def _parse_hidden(
    source: Source, path: str, lines: list[SrcLine], site: SiteModel = DEFAULT_SITE
) -> Document:
    parser = BlockParser(site.flags)
    root = parser.parse(lines)
    doc = Document(path=path, source=source, root=root, in_comment=True, site=site)
    _collect(doc, parser)
    return doc


def _collect(doc: Document, parser: BlockParser) -> None:
    if parser.too_deep is not None:
        doc.too_deep = doc.line_span(parser.too_deep)
    seen: set[int] = set()
    for escape in parser.escapes:
        if escape.line.lineno not in seen:
            seen.add(escape.line.lineno)
            doc.escapes.append(escape)
    doc.literal_items = parser.literal_items
    definitions: dict[str, Link] = {}
    pending: list[tuple[TextRun, list[inline.RawLink], Node]] = []
    for node in doc.root.walk():
        if node.kind in {"admonition", "details"}:
            doc.questions.append(_question(doc, node))
        elif node.kind in {"paragraph", "list", "heading"}:
            text_lines = [line for line in node.lines if not isinstance(line, Atom)]
            run = TextRun(doc.source, text_lines)
            pending.append((run, _scan_leaf(doc, node, run, definitions), node))
            if len(text_lines) < len(node.lines):
                for line in node.lines:
                    if isinstance(line, Atom) and line.kind == "fence":
                        _code_block(doc, node, [line])
                    elif isinstance(line, Atom) and line.kind == "comment":
                        _comment_atom(doc, line)
        elif node.kind in {"fence", "code"}:
            _code_block(doc, node, node.lines)
        elif node.kind == "comment":
            _comment_atom(doc, node.lines[0])
    for run, raw_links, node in pending:
        for raw in raw_links:
            if raw.kind == "shortcut" and raw.label.lower() not in definitions:
                continue
            kind = "reference" if raw.kind == "shortcut" else raw.kind
            doc.links.append(_link(run, raw, kind, node, doc.in_comment))
    doc.links.extend(definitions.values())
    doc.links.sort(key=lambda link: (link.span.line, link.span.column))


def _question(doc: Document, node: Node) -> QuestionBlock:
    tabs: list[Tab] = []
    for child in node.children:
        if child.kind == "tabset":
            for tab in child.children:
                assert tab.marker is not None
                tabs.append(Tab(tab.title or "", tab, doc.line_span(tab.marker)))
    assert node.marker is not None
    span = doc.line_span(node.marker)
    return QuestionBlock(node, span, tuple(tabs), doc.in_comment)


def _scan_leaf(doc: Document, node: Node, run: TextRun, definitions: dict[str, Link]) -> list:
    text = run.text
    code = inline.code_span_ranges(text)
    comments = inline.find_comments(text) if "<!--" in text else []
    skip = code + [(s, e) for s, e, _ in comments] if comments else code
    for start, end in code:
        doc.code_spans.append(CodeSpan(text[start:end].strip("`").strip(), run.span(start, end)))
    for start, end, body in comments:
        doc.comments.append(
            Comment(body, run.span(start, end), True, _hidden_from_run(doc, run, start + 4, body))
        )
    maths = _find_math(doc, node, text, skip)
    for raw in maths:
        doc.math.append(
            MathSpan(
                raw.tex,
                raw.delimiter,
                raw.display,
                run.span(raw.start, raw.end),
                run.span(raw.tex_start, raw.tex_start + len(raw.tex)),
                run,
                raw.tex_start,
                node,
                doc.in_comment,
            )
        )
    math_ranges = [(m.start, m.end) for m in maths] if maths else []
    masked = inline.mask(text, skip + math_ranges if math_ranges else skip)
    if node.kind == "heading":
        _heading(doc, node, run)
    if "]:" in masked:
        for raw in inline.find_definitions(masked):
            key = raw.label.lower()
            if key not in definitions:
                definitions[key] = _link(run, raw, "definition", node, doc.in_comment)
    links = inline.find_links(masked)
    comment_spans = tuple([(s, e) for s, e, _ in comments]) if comments else ()
    doc.prose.append(
        Prose(
            node, run, tuple(code), tuple(math_ranges), doc.in_comment, comment_spans, tuple(links)
        )
    )
    return links


def _find_math(
    doc: Document, node: Node, text: str, skip: list[tuple[int, int]]
) -> list[inline.RawMath]:
    """The formulas of one leaf as the site renders math (``doc.site``).

    With arithmatex, its own patterns for the site's options; without it but with a math
    script on the site, what a browser renderer certainly finds (``automath``); else none.
    """
    flags = doc.site.flags
    if flags.arithmatex:
        block = arithmatex.find_block_math(text, flags) if node.kind == "paragraph" else None
        if block is not None:
            return [block]
        return arithmatex.find_inline_math(text, skip, flags)
    if doc.site.math == "none":
        return []
    return automath.find_auto_math(text, skip)


def _link(run: TextRun, raw: inline.RawLink, kind: str, node: Node, hidden: bool) -> Link:
    target_span = (
        run.span(raw.target_start, raw.target_end) if raw.target_end > raw.target_start else None
    )
    return Link(
        kind,
        raw.text,
        raw.target,
        run.span(raw.start, raw.end),
        target_span,
        raw.image,
        raw.label,
        raw.title,
        raw.start,
        raw.end,
        node,
        hidden,
    )


def _heading(doc: Document, node: Node, run: TextRun) -> None:
    line = node.lines[0]
    if node.marker_symbol == "setext":
        text = line.text.strip()
        level = 1 if node.lines[1].text.startswith("=") else 2
        start = len(line.text) - len(line.text.lstrip())
        doc.headings.append(
            Heading(level, text, run.span(start, len(line.text.rstrip())), node, True, True)
        )
        return
    parts = heading_parts(line.text)
    if parts is None:
        return
    level, body = parts
    doc.headings.append(
        Heading(
            level,
            body.strip(),
            run.span(0, len(line.text.rstrip())),
            node,
            body.startswith((" ", "\t")) or not body.strip(),
        )
    )


def _code_block(doc: Document, node: Node, lines: list[SrcLine]) -> None:
    members: list[SrcLine] = [m for line in lines for m in expand_atom(line)]
    if not members:
        return
    first, last = members[0], members[-1]
    span = Span(
        first.lineno,
        doc.source.column(first.lineno, first.col + first.indent),
        last.lineno,
        len(doc.source.lines[last.lineno - 1]) + 1,
    )
    if isinstance(lines[0], Atom) and lines[0].kind == "fence":
        opener = first.text.strip()
        info = opener.lstrip("`~").strip()
        body = "\n".join([m.text for m in members[1:-1]])
        doc.code_blocks.append(CodeBlock(info, body, span, True, node))
    else:
        text = "\n".join([m.text for m in members])
        doc.code_blocks.append(CodeBlock("", text, span, False, node))


def _comment_atom(doc: Document, atom: SrcLine) -> None:
    assert isinstance(atom, Atom)
    members = list(atom.members)
    run = TextRun(doc.source, members)
    text = run.text
    start = text.index("<!--")
    end = text.find("-->", start + 4)
    end = len(text) if end < 0 else end + 3
    body = text[start + 4 : max(start + 4, end - 3)]
    doc.comments.append(
        Comment(
            body, run.span(start, end), atom.closed, _hidden_from_run(doc, run, start + 4, body)
        )
    )


def _hidden_from_run(doc: Document, run: TextRun, body_start: int, body: str) -> Document | None:
    """Parse a comment's body as Markdown when it looks like question-bank content."""
    if not MARKDOWN_HINT_RE.search(body):
        return None
    lines = _positioned_lines(run, body_start, body)
    return _parse_hidden(doc.source, doc.path, lines, doc.site)


def _positioned_lines(run: TextRun, start: int, body: str) -> list[SrcLine]:
    """Lines of ``body`` (which starts at ``start`` in ``run``) with their file positions.

    The first line keeps the column it has after ``<!--`` and the spaces that follow it, so
    ``<!-- !!! Question ""`` parses as an admonition starting at column 0 of its own block.
    """
    out: list[SrcLine] = []
    offset = start
    for index, piece in enumerate(body.split("\n")):
        lineno, expanded_col = run.expanded_position(offset)
        if index == 0:
            stripped = piece.lstrip(" ")
            out.append(SrcLine(lineno, expanded_col + len(piece) - len(stripped), stripped))
        else:
            out.append(SrcLine(lineno, expanded_col, piece))
        offset += len(piece) + 1
    return out
