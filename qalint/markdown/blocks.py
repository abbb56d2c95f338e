"""Block structure as Python-Markdown + pymdown-extensions build it, with source positions.

Why not markdown-it-py's container plugins (mdit-py-plugins ``admon``, mdformat-mkdocs tabs)?
They follow CommonMark's container rules (lazy continuation, any indent deeper than the
marker), while the site is rendered by Python-Markdown, whose containers keep a line only
while it is indented by ``tab_length`` (4) spaces and hand the rest of the block back to the
parent (``BlockProcessor.detab``). A tab body indented by 6 instead of 8 spaces is inside the
tab for markdown-it and outside it on the site. So this module replays Python-Markdown's
block loop for the constructs that decide *where* content lands: blank-line separated blocks,
``!!!`` admonitions, ``???`` details, ``===`` content tabs (alternate style), fenced code
(pymdownx.superfences stashes fences before block parsing), raw HTML comments, indented code,
headings and lists. Leaf content is left as lines for the inline scanner.

Every divergence from the real renderer found so far is pinned by ``tests/test_differential.py``.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field

from qalint.markdown import arithmatex
from qalint.markdown.source import TAB_LENGTH, SrcLine

ADMONITION_RE = re.compile(r'^!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *$')
DETAILS_RE = re.compile(
    r'^\?{3}(\+)? ?(?:([\w\-]+(?: +[\w\-]+)*?)?(?: +"(.*?)")|([\w\-]+(?: +[\w\-]+)*?)) *$'
)
TAB_RE = re.compile(r'^={3}(\+|\+!|!\+|!)? +"(.*?)" *$')
HEADING_RE = re.compile(r"^(#{1,6})(.*?)#*$")
LIST_RE = re.compile(r"^(?:[*+-]|\d+[.)])[ ]+")
LIST_ITEM_RE = re.compile(r"^[ ]{0,3}(?:\d+\.|[*+-])[ ]+")
NESTED_ITEM_RE = re.compile(r"^[ ]{4,7}(?:\d+\.|[*+-])[ ]+")
FENCE_OPEN_RE = re.compile(r"^(?P<ws>[ ]*)(?P<fence>~{3,}|`{3,})(?P<info>[^`\n]*)$")
COMMENT_OPEN_RE = re.compile(r"^ {0,3}<!--")

INDENT = " " * TAB_LENGTH
_MARKERS = frozenset({"!!!", "???", "==="})  # how every admonition, details or tab line starts
_INNER_CONTAINERS = frozenset({"admonition", "details", "tabset", "tab"})
_BLOCK_MATH_STARTS = ("$$", "\\[", "\\begin{")  # how a block that arithmatex takes starts
# Containers and lists nested deeper than this are not parsed further: their lines are kept as
# one paragraph of the innermost node parsed. Python-Markdown itself fails with RecursionError
# a few hundred levels down, and qalint's own recursion must stay far from Python's limit.
MAX_DEPTH = 100


@dataclass(eq=False)
class Node:
    """A node of the rendered block tree.

    ``kind`` is one of: root, admonition, details, tabset, tab (containers); paragraph,
    heading, list, code, fence, comment (leaves). Leaves keep their source lines; containers
    keep their marker line and children.
    """

    kind: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    lines: list[SrcLine] = field(default_factory=list)
    marker: SrcLine | None = None
    marker_symbol: str = ""
    type_name: str = ""
    title: str | None = None
    body_col: int = 0
    item_line: int = 0  # for a list: the line number of its last item's marker line

    def add(self, child: Node) -> Node:
        """Append ``child`` and return it."""
        child.parent = self
        self.children.append(child)
        return child

    @property
    def last(self) -> Node | None:
        """The last child, as Python-Markdown's ``lastChild``."""
        return self.children[-1] if self.children else None

    def walk(self):
        """Yield this node and every descendant in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            if node.children:
                stack.extend(reversed(node.children))

    @property
    def is_container(self) -> bool:
        """True for admonitions, details, tab sets and tabs."""
        return self.kind in {"root", "admonition", "details", "tabset", "tab"}

    @property
    def first_line(self) -> int:
        """The first source line of the node."""
        if self.marker is not None:
            return self.marker.lineno
        if self.lines:
            return self.lines[0].lineno
        return self.children[0].first_line if self.children else 0

    @property
    def last_line(self) -> int:
        """The last source line of the node (leaf lines, atoms included)."""
        if self.children:
            return max(self.children[-1].last_line, self.first_line)
        if self.lines:
            return max(_atom_last(line) for line in self.lines)
        return self.first_line

    def text(self) -> str:
        """The leaf's text lines joined by newlines (atoms expanded)."""
        return "\n".join(member.text for line in self.lines for member in expand_atom(line))


@dataclass(frozen=True, slots=True)
class Escape:
    """A line that was meant for a container but lands outside it on the rendered site."""

    line: SrcLine
    container: Node
    needed_col: int
    reason: str  # "detab": a continuation line with too little indent; "block": a new block


@dataclass(frozen=True, slots=True)
class Atom(SrcLine):
    """A fence or raw HTML comment that Python-Markdown stashes as one line before block parsing."""

    kind: str = ""
    members: tuple[SrcLine, ...] = ()
    closed: bool = True

    def dedent(self, n: int) -> Atom:
        """Dedent the placeholder line, keeping the members' absolute positions."""
        return Atom(self.lineno, self.col + n, self.text[n:], self.kind, self.members, self.closed)


def heading_parts(text: str) -> tuple[int, str] | None:
    """What ``HEADING_RE`` finds in a line: (level, text between the hashes), or None."""
    if not text.startswith("#"):
        return None
    if "\n" in text:  # the regex's ``.`` and ``$`` treat a newline specially
        m = HEADING_RE.match(text)
        return (len(m.group(1)), m.group(2)) if m else None
    level = min(6, len(text) - len(text.lstrip("#")))
    return level, text[level:].rstrip("#")


def expand_atom(line: SrcLine) -> tuple[SrcLine, ...]:
    """The source lines a (possibly atomic) line stands for."""
    return line.members if isinstance(line, Atom) else (line,)


def _atom_last(line: SrcLine) -> int:
    return line.members[-1].lineno if isinstance(line, Atom) and line.members else line.lineno


def stash_atoms(lines: list[SrcLine]) -> list[SrcLine]:
    """Replace fenced code blocks and top-level HTML comments by single atom lines.

    pymdownx.superfences finds fences at any indentation before block parsing, so blank lines
    inside a fence never split blocks; Python-Markdown's HTML preprocessor does the same for
    a comment starting at the beginning of a line (up to three spaces in).
    """
    out: list[SrcLine] = []
    index: _LineIndex | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        fence = FENCE_OPEN_RE.match(text) if "```" in text or "~~~" in text else None
        if fence:
            if index is None:
                index = _LineIndex(lines)
            end = index.fence_end(i, len(fence.group("ws")), fence.group("fence"))
            if end is not None:
                members = tuple(lines[i : end + 1])
                out.append(Atom(line.lineno, line.col, line.text, "fence", members))
                i = end + 1
                continue
        if "<!--" in text and COMMENT_OPEN_RE.match(text):
            if index is None:
                index = _LineIndex(lines)
            end = index.comment_end(i)
            if end is not None:
                members = tuple(lines[i : end + 1])
                out.append(Atom(line.lineno, line.col, line.text, "comment", members))
                i = end + 1
                continue
        out.append(line)
        i += 1
    return out


class _LineIndex:
    """Where fences may close and comments end, found in one pass over the lines.

    A fence opened at indent ``w`` closes at the first later line made of ``w`` spaces and at
    least as many of its fence characters (then only spaces), unless a non-blank line with
    less indent comes first. Looking these up instead of scanning ahead from every opener
    keeps a file full of unclosed fences or comments linear.
    """

    def __init__(self, lines: list[SrcLine]) -> None:
        self.lines = lines
        self.closers: dict[tuple[int, str], list[tuple[int, int]]] = {}
        self.comment_ends: list[int] = []
        self._dedents: dict[int, list[int]] = {}
        for j, line in enumerate(lines):
            text = line.text
            if "-->" in text:
                self.comment_ends.append(j)
            stripped = text.lstrip(" ")
            char = stripped[:1]
            if char in ("`", "~"):
                run = stripped.rstrip(" ")
                if not run.strip(char):
                    self.closers.setdefault((len(text) - len(stripped), char), []).append(
                        (j, len(run))
                    )

    def fence_end(self, start: int, width: int, fence: str) -> int | None:
        """The line closing the fence opened on line ``start`` at indent ``width``, or None."""
        limit = self._next_dedent(width)[start + 1] if width else len(self.lines)
        candidates = self.closers.get((width, fence[0]), [])
        k = bisect_right(candidates, (start, sys.maxsize))
        while k < len(candidates) and candidates[k][0] < limit:
            if candidates[k][1] >= len(fence):
                return candidates[k][0]
            k += 1
        return None

    def comment_end(self, start: int) -> int | None:
        """The line holding the ``-->`` that closes the comment opened on line ``start``."""
        first = self.lines[start].text
        if "-->" in first[first.index("<!--") + 4 :]:
            return start
        k = bisect_right(self.comment_ends, start)
        return self.comment_ends[k] if k < len(self.comment_ends) else None

    def _next_dedent(self, width: int) -> list[int]:
        """For each line, the first line from there on that is non-blank and indented less."""
        found = self._dedents.get(width)
        if found is None:
            found = [len(self.lines)] * (len(self.lines) + 1)
            for j in range(len(self.lines) - 1, -1, -1):
                text = self.lines[j].text
                dedented = bool(text.strip()) and not text.startswith(" " * width)
                found[j] = j if dedented else found[j + 1]
            self._dedents[width] = found
        return found


def loose_detab(lines: list[SrcLine], length: int = TAB_LENGTH) -> list[SrcLine]:
    """Python-Markdown's ``looseDetab``: dedent the lines that are indented, keep the others."""
    return [line.dedent(length) if line.text.startswith(" " * length) else line for line in lines]


def split_blocks(lines: list[SrcLine]) -> list[list[SrcLine]]:
    """Split lines into blank-line separated blocks, as ``text.split('\\n\\n')`` does."""
    blocks: list[list[SrcLine]] = []
    current: list[SrcLine] = []
    for line in lines:
        if isinstance(line, Atom) and line.kind == "comment":
            # The HTML preprocessor stashes the comment and puts a blank line after it; a blank
            # line before it only when it starts in column 0 (else it joins the text above).
            if current and line.text.startswith(" "):
                blocks.append([*current, line])
            else:
                if current:
                    blocks.append(current)
                blocks.append([line])
            current = []
        elif isinstance(line, Atom) or line.text.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def detab(block: list[SrcLine], length: int = TAB_LENGTH) -> tuple[list[SrcLine], list[SrcLine]]:
    """Python-Markdown's ``detab``: dedent while lines are indented, hand back the rest."""
    prefix = " " * length
    kept: list[SrcLine] = []
    for index, line in enumerate(block):
        if line.text.startswith(prefix):
            kept.append(line.dedent(length))
        elif line.blank and not isinstance(line, Atom):
            kept.append(SrcLine(line.lineno, line.col, ""))
        else:
            return kept, block[index:]
    return kept, []


def _detab_blocks(block: list[SrcLine]) -> tuple[list[list[SrcLine]], list[SrcLine]]:
    """``detab(block)`` with the kept lines split into blocks, in one pass over the lines.

    Lines that hold no blank line and no comment stay one block, so they are not split again.
    """
    kept: list[SrcLine] = []
    one_block = True
    for index, line in enumerate(block):
        text = line.text
        if text.startswith(INDENT):
            if isinstance(line, Atom):
                one_block = one_block and line.kind != "comment"
            elif text.isspace():
                one_block = False
            kept.append(line.dedent(TAB_LENGTH))
        elif isinstance(line, Atom) or text.strip():
            rest = block[index:]
            break
        else:
            one_block = False
            kept.append(SrcLine(line.lineno, line.col, ""))
    else:
        rest = []
    if one_block:
        return ([kept] if kept else []), rest
    return split_blocks(kept), rest


class BlockParser:
    """Replays Python-Markdown's block loop over positioned lines."""

    def __init__(self) -> None:
        self.escapes: list[Escape] = []
        self.detabbed = False
        self.too_deep: SrcLine | None = None

    def parse(self, lines: list[SrcLine]) -> Node:
        """Parse whole-document lines into a tree rooted at a ``root`` node."""
        root = Node("root")
        lines = stash_atoms(lines)
        if lines and lines[0].text and lines[0].blank:
            # NormalizeWhitespace only empties whitespace-only lines that follow a newline, so
            # a first line of spaces stays and glues itself to the block below it.
            first = lines[0]
            lines[0] = Atom(first.lineno, first.col, first.text, "leading-space", (first,))
        self.parse_chunk(root, lines)
        return root

    def parse_chunk(self, parent: Node, lines: list[SrcLine]) -> None:
        """Split ``lines`` into blocks and parse them into ``parent``."""
        self.parse_blocks(parent, split_blocks(lines))

    def parse_blocks(self, parent: Node, blocks: list[list[SrcLine]]) -> None:
        """Run the processors over ``blocks`` in order, as ``BlockParser.parseBlocks``."""
        if _depth(parent) >= MAX_DEPTH:
            self._flatten(parent, blocks)
            return
        while blocks:
            block = blocks.pop(0)
            if not block:
                continue
            if self._container_start(parent, block, blocks):
                continue
            if self._container_continue(parent, block, blocks):
                continue
            self._leaf(parent, block, blocks)

    def _flatten(self, parent: Node, blocks: list[list[SrcLine]]) -> None:
        """Keep the lines of blocks nested too deep as one paragraph, and note the first."""
        lines = [line for block in blocks for line in block]
        if not lines:
            return
        if self.too_deep is None or lines[0].lineno < self.too_deep.lineno:
            self.too_deep = lines[0]
        parent.add(Node("paragraph", lines=lines))

    def _container_start(self, parent: Node, block: list[SrcLine], blocks: list) -> bool:
        for index, line in enumerate(block):
            if line.text[:3] not in _MARKERS or isinstance(line, Atom):
                continue
            node = _marker_node(line)
            if node is None:
                continue
            if index:
                self.parse_blocks(parent, [block[:index]])
            body, rest = _detab_blocks(block[index + 1 :])
            node.body_col = line.col + TAB_LENGTH
            if node.kind == "tab":
                tabset = parent.last
                if tabset is None or tabset.kind != "tabset" or "!" in node.marker_symbol:
                    tabset = parent.add(Node("tabset", marker=line))
                tabset.add(node)
            else:
                parent.add(node)
            if rest:
                self._note_detab_escape(node, rest[0])
            self.parse_blocks(node, body)
            if rest:
                blocks.insert(0, rest)
            return True
        return False

    def _container_continue(self, parent: Node, block: list[SrcLine], blocks: list) -> bool:
        sibling = parent.last
        if sibling is None or not block[0].text.startswith(INDENT):
            return False
        if sibling.kind == "tabset":
            target = sibling.last
        elif sibling.kind in {"admonition", "details"}:
            target = sibling
        else:
            return False
        assert target is not None
        body, rest = _detab_blocks(block)
        if rest:
            self._note_detab_escape(target, rest[0])
        self.parse_blocks(target, body)
        if rest:
            blocks.insert(0, rest)
        return True

    def _note_detab_escape(self, container: Node, line: SrcLine) -> None:
        if not isinstance(line, Atom) or line.text.strip():
            self.escapes.append(Escape(line, container, container.body_col, "detab"))

    def _leaf(self, parent: Node, block: list[SrcLine], blocks: list) -> None:
        first = block[0]
        previous = parent.children[-1] if parent.children else None
        if previous is not None and previous.kind in _INNER_CONTAINERS:
            self._note_block_escape(parent, previous, first)
        if isinstance(first, Atom) and first.kind == "leading-space":
            parent.add(Node("paragraph", lines=list(block)))
            return
        if (
            first.text.startswith(INDENT)
            and previous is not None
            and previous.kind == "list"
            and not self.detabbed
        ):
            self._list_indent(previous, block)
            return
        if isinstance(first, Atom) and (first.kind == "comment" or len(block) == 1):
            parent.add(Node(first.kind, lines=[first]))
            if len(block) > 1:
                blocks.insert(0, block[1:])
            return
        if first.text.startswith(INDENT):
            code, rest = detab(block)
            if previous is not None and previous.kind == "code":
                previous.lines.extend(code)
            else:
                parent.add(Node("code", lines=code))
            if rest:
                blocks.insert(0, rest)
            return
        if first.text.startswith(_BLOCK_MATH_STARTS) and arithmatex.is_block_math(
            "\n".join(line.text for line in block)
        ):
            # arithmatex's block processor (priority 79.9) takes the whole block before the
            # heading and list processors can split it.
            parent.add(Node("paragraph", lines=list(block)))
            return
        for index, line in enumerate(block):
            # A stashed fence or comment inside a block is text of that block, as its
            # placeholder is for Python-Markdown.
            text = line.text
            if text[:1] == "#" and not isinstance(line, Atom) and heading_parts(text) is not None:
                if index:
                    self.parse_blocks(parent, [block[:index]])
                parent.add(Node("heading", lines=[line]))
                if block[index + 1 :]:
                    blocks.insert(0, block[index + 1 :])
                return
        if LIST_ITEM_RE.match(first.text):
            self._list(parent, block)
        else:
            parent.add(Node("paragraph", lines=list(block)))

    def _list(self, parent: Node, block: list[SrcLine]) -> None:
        """A list block: item lines stay on the list; indented lines nest inside the last item.

        As ``OListProcessor.get_items``: a line starting with a marker (up to 3 spaces in) is a
        new item, a marker indented 4 to 7 spaces opens a nested list inside the last item, and
        any other line continues the current item as lazy text.
        """
        node = parent.add(Node("list"))
        nested: list[SrcLine] = []
        for line in block:
            if LIST_ITEM_RE.match(line.text) and not line.text.startswith(INDENT):
                if nested:
                    self._nest(node, nested)
                    nested = []
                node.lines.append(line)
                node.item_line = line.lineno
            elif NESTED_ITEM_RE.match(line.text) or nested:
                nested.append(line)
            else:
                node.lines.append(line)
        if nested:
            self._nest(node, nested)

    def _nest(self, node: Node, lines: list[SrcLine]) -> None:
        """Parse lines indented under a list item inside it (``ListIndentProcessor``)."""
        saved = self.detabbed
        self.detabbed = False
        self.parse_blocks(node, [loose_detab(lines)])
        self.detabbed = saved

    def _list_indent(self, node: Node, block: list[SrcLine]) -> None:
        """An indented block after a list continues an item (``ListIndentProcessor``).

        Each 4 spaces of indent go one nesting level deeper, as far as nested lists exist in
        the last item (``get_level`` walks ``lastChild`` of the last ``li``): a list nested
        under an earlier item does not count.
        """
        indent_level = block[0].indent // TAB_LENGTH
        level = 1
        while indent_level > level and _last_item_ends_in_list(node):
            node = node.last
            level += 1
        saved = self.detabbed
        self.detabbed = True
        self.parse_chunk(node, loose_detab(block, level * TAB_LENGTH))
        self.detabbed = saved

    def _note_block_escape(self, parent: Node, previous: Node, first: SrcLine) -> None:
        """A new block right after a container, indented past ``parent``'s own content."""
        target = previous.last if previous.kind == "tabset" else previous
        if target is None or (isinstance(first, Atom) and first.kind != "fence"):
            return
        indented = first.text.startswith(" ")
        if indented or (previous.kind == "tabset" and not target.children):
            self.escapes.append(Escape(first, target, target.body_col, "block"))


def _last_item_ends_in_list(node: Node) -> bool:
    """Whether the last item of list ``node`` ends with a nested list, as Python-Markdown sees it.

    The list node keeps its item lines and, as children, what is nested in any item; the
    last child belongs to the last item only if it comes after that item's marker line.
    """
    last = node.last
    return last is not None and last.kind == "list" and last.first_line > node.item_line


def _depth(node: Node) -> int:
    """How many nodes enclose ``node`` (the root is at depth 0)."""
    depth = 0
    while node.parent is not None:
        node = node.parent
        depth += 1
    return depth


def _marker_node(line: SrcLine) -> Node | None:
    text = line.text
    if text.startswith("!!!"):
        m = ADMONITION_RE.match(text)
        if m:
            return Node(
                "admonition",
                marker=line,
                marker_symbol="!!!",
                type_name=m.group(1),
                title=m.group(2),
            )
    elif text.startswith("???"):
        m = DETAILS_RE.match(text)
        if m:
            type_name = m.group(2) if m.group(2) is not None else (m.group(4) or "")
            return Node(
                "details",
                marker=line,
                marker_symbol="???" + (m.group(1) or ""),
                type_name=type_name,
                title=m.group(3),
            )
    elif text.startswith("==="):
        m = TAB_RE.match(text)
        if m:
            return Node(
                "tab", marker=line, marker_symbol="===" + (m.group(1) or ""), title=m.group(2)
            )
    return None
