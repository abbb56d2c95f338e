"""Small readers over the block tree shared by the shape detectors."""

from __future__ import annotations

from qalint.diagnostics import Span
from qalint.document import Document, renders_nothing
from qalint.markdown.blocks import Atom, Node, expand_atom


def block_type(node: Node) -> str:
    """An admonition's type word, lowered; ``???- question`` has type ``question``."""
    words = [w for w in node.type_name.split() if w != "-"]
    return words[0].lower() if words else ""


def node_span(doc: Document, node: Node) -> Span:
    """From the node's first line to the end of its last line."""
    first, last = node.first_line, node.last_line
    line = node.marker if node.marker is not None else _first_src(node)
    start = doc.line_span(line).column if line is not None else 1
    return Span(first, start, last, len(doc.lines[last - 1]) + 1 if last else 1)


def nodes_span(doc: Document, nodes: list[Node]) -> Span:
    """The span from the first node's start to the last node's end."""
    first, last = node_span(doc, nodes[0]), node_span(doc, nodes[-1])
    return Span(first.line, first.column, last.end_line, last.end_column)


def _first_src(node: Node):
    if node.lines:
        return expand_atom(node.lines[0])[0]
    if node.children:
        child = node.children[0]
        return child.marker if child.marker is not None else _first_src(child)
    return None


def marker_span(doc: Document, node: Node) -> Span:
    """The span of a container's marker line."""
    assert node.marker is not None
    return doc.line_span(node.marker)


def title_span(doc: Document, node: Node) -> Span:
    """The span of the quoted title on a container's marker line (the marker line if none)."""
    span = marker_span(doc, node)
    line = doc.lines[span.line - 1]
    start = line.find('"')
    end = line.rfind('"')
    if start < 0 or end <= start:
        return span
    return Span(span.line, start + 1, span.line, end + 2)


def content(node: Node) -> list[Node]:
    """The children of a container that render something."""
    return [c for c in node.children if not renders_nothing(c)]


def is_empty(node: Node) -> bool:
    """True when nothing inside the container renders."""
    return all(renders_nothing(c) for c in node.children)


def leaf_text(node: Node) -> str:
    """A leaf's text on one line, atoms (fences, comments) left out."""
    parts = [line.text.strip() for line in node.lines if not isinstance(line, Atom)]
    return " ".join(p for p in parts if p)


def container_text(node: Node) -> str:
    """The text of the first leaf inside a container (a heading or paragraph), one line."""
    for child in node.walk():
        if child is node or child.is_container:
            continue
        if child.kind in {"heading", "paragraph", "list"} and not renders_nothing(child):
            text = leaf_text(child)
            if child.kind == "heading":
                text = text.lstrip("#").strip().rstrip("#").strip()
            if text:
                return text
    return ""


def text_lines(root: Node) -> list:
    """Every source line of the tree's prose leaves, in order: what is neither code nor a
    comment (fences and comments are atoms, indented code is its own kind)."""
    out = []
    for node in root.walk():
        if node.kind in {"paragraph", "list", "heading"} or (
            not node.is_container and node.kind not in {"code", "fence", "comment"}
        ):
            out.extend(line for line in node.lines if not isinstance(line, Atom))
    out.sort(key=lambda line: (line.lineno, line.col))
    return out


def is_container(node: Node) -> bool:
    """An admonition or details block (``!!!``, ``???``, ``///``)."""
    return node.kind in {"admonition", "details"}
