"""Block structure as Python-Markdown + pymdown-extensions build it, with source positions.

Why not markdown-it-py's container plugins (mdit-py-plugins ``admon``, mdformat-mkdocs tabs)?
They follow CommonMark's container rules (lazy continuation, any indent deeper than the
marker), while the site is rendered by Python-Markdown, whose containers keep a line only
while it is indented by ``tab_length`` (4) spaces and hand the rest of the block back to the
parent (``BlockProcessor.detab``). A tab body indented by 6 instead of 8 spaces is inside the
tab for markdown-it and outside it on the site. So this module replays Python-Markdown's
block loop for the constructs that decide *where* content lands: blank-line separated blocks,
``!!!`` admonitions, ``???`` details, ``===`` content tabs, ``///`` pymdownx.blocks, fenced
code (stashed before block parsing, as the fence preprocessor does), raw HTML comments,
md_in_html elements, indented code, ATX and setext headings, lists, definition lists and
footnotes. Leaf content is left as lines for the inline scanner.

The replay is a function of the page's ``MarkdownFlags`` (``BlockParser(flags)``): which of
those extensions are on, superfences or plain fenced_code, and how lists nest
(Python-Markdown's lists, sane_lists, mdx_truly_sane_lists with its ``nested_indent``).

Every divergence from the real renderer found so far is pinned by ``tests/test_differential.py``
(run under a matrix of configurations) and ``tests/test_site_blocks.py``.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from qalint.markdown import arithmatex
from qalint.markdown.source import TAB_LENGTH, SrcLine
from qalint.site.model import DEFAULT_FLAGS, MarkdownFlags

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
# pymdownx.superfences' opening line (RE_NESTED_FENCE_START), matched after the indentation.
SUPERFENCE_START_RE = re.compile(
    r"""(?x)
    (?P<fence>~{3,}|`{3,})
    (?:[ \t]*\.?(?P<lang>[\w#.+-]+)(?=[\t ]|$))?
    (?:
        [ \t]*(\{(?P<attrs>[^\n]*)\}) |
        (?P<options>
            (?:
                (?:[ \t]*[a-zA-Z][a-zA-Z0-9_]*(?:=(?P<quot>"|').*?(?P=quot))?)(?=[\t ]|$)
            )+
        ) |
        (?P<unrecognized>
            (?:([ \t]*[^\s]+)(?=[\t ]|$))+
        )
    )?[ \t]*$
    """
)
# Python-Markdown's fenced_code opening line: at column 0 only, with an optional {attrs} or lang.
FENCED_CODE_START_RE = re.compile(
    r"""^(?P<fence>~{3,}|`{3,})[ ]*((\{[^\n]*\})|(\.?[\w#.+-]*[ ]*)?(hl_lines=("|').*?\6[ ]*)?)$"""
)
COMMENT_OPEN_RE = re.compile(r"^ {0,3}<!--")
SETEXT_UNDERLINE_RE = re.compile(r"^(?:=+|-+)[ ]*$")
# A line that would be a list item if it stood where a list can start: as text, readers see it.
LIST_MARKER_TEXT_RE = re.compile(r"^[ ]*(?:[*+-]|\d+\.)[ ]+\S")
# Searched in "\n" + text: a line start, found as fast as the regex engine finds a newline.
LIST_MARKER_LINE_RE = re.compile(r"\n[ ]*(?:[*+-]|\d+\.)[ ]+\S")
DEF_LIST_LINE_RE = re.compile(r"\n[ ]{0,3}:[ ]{1,3}")
# pymdownx.blocks: ``/// name | argument`` opens, a line of as many slashes closes.
BLOCKS_START_RE = re.compile(r"^[ ]{0,3}(/{3,})[ ]*([\w-]+)[ ]*(?:\|[ ]*(.*?)[ ]*)?$")
BLOCKS_END_RE = re.compile(r"^[ ]{0,3}(/{3,})[ ]*$")
BLOCKS_OPTION_RE = re.compile(r"^[ ]{4,}(?!\s)")
# md_in_html: a block-level tag with a markdown attribute opens a container parsed as Markdown.
MD_IN_HTML_OPEN_RE = re.compile(
    r"""^<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b(?=[^>]*\smarkdown(?:=["']?(?:1|block)["']?)?[\s>/])[^>]*>(?P<rest>.*)$"""
)
FOOTNOTE_DEF_RE = re.compile(r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$")
DEF_LIST_RE = re.compile(r"^[ ]{0,3}:[ ]{1,3}")

INDENT = " " * TAB_LENGTH
_MARKERS = frozenset({"!!!", "???", "==="})  # how every admonition, details or tab line starts
_INNER_CONTAINERS = frozenset({"admonition", "details", "tabset", "tab"})
# html: an md_in_html element or a ``/// html`` block; footnote: a footnote definition's body
_CONTAINER_KINDS = frozenset({"root", "admonition", "details", "tabset", "tab", "html", "footnote"})
_BLOCK_MATH_STARTS = ("$$", "\\[", "\\begin{")  # how a block that arithmatex takes starts
# Containers and lists nested deeper than this are not parsed further: their lines are kept as
# one paragraph of the innermost node parsed. Python-Markdown itself fails with RecursionError
# a few hundred levels down, and qalint's own recursion must stay far from Python's limit.
MAX_DEPTH = 100


@dataclass(eq=False)
class Node:
    """A node of the rendered block tree.

    ``kind`` is one of: root, admonition, details, tabset, tab, html, footnote (containers);
    paragraph, heading, list, code, fence, comment (leaves). Leaves keep their source lines;
    containers keep their marker line and children. ``marker_symbol`` is how a container was
    written (``!!!``, ``???+``, ``===!``, ``///`` for pymdownx.blocks, ``<div`` for md_in_html);
    on a leaf it notes a variant: ``setext`` heading, ``math`` block, ``:`` definition list.
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
        return self.kind in _CONTAINER_KINDS

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


def stash_atoms(lines: list[SrcLine], flags: MarkdownFlags = DEFAULT_FLAGS) -> list[SrcLine]:
    """Replace fenced code blocks and top-level HTML comments by single atom lines.

    Fences come first, as the fence preprocessor runs before the HTML one: with
    pymdownx.superfences (``stash_superfences``) at any indentation, with plain fenced_code
    (``stash_fenced_code``) at column 0 only. Then Python-Markdown's HTML preprocessor stashes
    a comment starting at the beginning of a line (up to three spaces in). Blank lines inside
    a stashed block never split blocks.
    """
    if flags.superfences:
        lines = stash_superfences(lines)
    elif flags.fenced_code:
        lines = stash_fenced_code(lines)
    return _stash_comments(lines)


def stash_superfences(lines: list[SrcLine]) -> list[SrcLine]:
    """Fences as ``SuperFencesBlockPreprocessor.search_nested`` finds them, in one pass.

    An opening line is any indentation and a fence with a header superfences accepts. Then,
    line by line: a blank line is code; a line indented less than the opener abandons the
    fence (that line is not looked at again, nor are the lines it held); a line indented
    exactly as the opener and made of the *same* fence (same character, same length) and
    spaces closes it; anything else is code. An abandoned or unclosed fence stays as text.
    """
    candidates = [i for i, line in enumerate(lines) if "```" in line.text or "~~~" in line.text]
    if not candidates:
        return lines
    out: list[SrcLine] = []
    emitted = 0  # lines before this index are in ``out`` (as themselves or in an atom)
    resume = 0  # candidates before this index were taken or passed over by a fence
    for i in candidates:
        if i < resume:
            continue
        text = lines[i].text
        stripped = text.lstrip(" ")
        if stripped[:1] == ">":
            continue  # fences in block quotes are not modelled: left as text
        m = opens_superfence(stripped)
        if m is None:
            continue
        ws, fence = len(text) - len(stripped), m.group("fence")
        prefix = " " * ws
        for j in range(i + 1, len(lines)):
            other = lines[j].text
            if not other or other.isspace():
                continue
            if not other.startswith(prefix):
                resume = j + 1  # abandoned: this line is not looked at again
                break
            if other.startswith(fence, ws) and not other[ws + len(fence) :].strip(" \t"):
                out.extend(lines[emitted:i])
                first = lines[i]
                members = tuple(lines[i : j + 1])
                out.append(Atom(first.lineno, first.col, first.text, "fence", members))
                emitted = resume = j + 1
                break
        else:
            break  # never closed: everything after the opener stays text
    if not emitted:
        return lines
    out.extend(lines[emitted:])
    return out


_FENCE_OPTION_RE = re.compile(
    r"""(?P<key>[a-zA-Z][a-zA-Z0-9_]*)(?:=(?P<quot>"|')(?P<value>.*?)(?P=quot))?"""
)
_FENCE_OPTIONS = {
    "hl_lines": re.compile(r"^\d+(?:-\d+)?(?:[ \t]+\d+(?:-\d+)?)*$"),
    "linenums": re.compile(r"[\d]+(?:[ \t]+[\d]+)?(?:[ \t]+[\d]+)?"),
    "title": None,
    "title_mode": None,
}


def opens_superfence(stripped: str) -> re.Match | None:
    """The match of superfences' opening line on ``stripped`` (no indentation), if it opens one.

    The header must be a language, ``{attrs}`` or options the highlight validator accepts.
    """
    m = SUPERFENCE_START_RE.match(stripped)
    if m is None or m.group("unrecognized") or not _superfence_options_ok(m):
        return None
    return m


def _superfence_options_ok(m: re.Match) -> bool:
    """Whether superfences' highlight validator accepts the ``key="value"`` options.

    Only ``hl_lines``, ``linenums``, ``title`` and ``title_mode`` with a valid value are
    options; any other key makes the opening line an ordinary line of text.
    """
    string = m.group("options")
    if not string:
        return True
    for option in _FENCE_OPTION_RE.finditer(string):
        key, value = option.group("key"), option.group("value")
        check = _FENCE_OPTIONS.get(key, False)
        if check is False:
            return False
        value = key if value is None else value
        if check is not None and check.match(value) is None:
            return False
    return True


def stash_fenced_code(lines: list[SrcLine]) -> list[SrcLine]:
    """Fences as Python-Markdown's own fenced_code finds them: opener and closer at column 0.

    The closer is the first later line made of the same fence (same character, same length)
    and spaces; fences inside lists or admonitions are not code blocks without superfences.
    """
    closers: dict[str, list[int]] = {}
    for j, line in enumerate(lines):
        text = line.text
        if text[:3] in ("```", "~~~"):
            run = text.rstrip(" ")
            if not run.strip(run[0]):
                closers.setdefault(run, []).append(j)
    if not closers:
        return lines
    out: list[SrcLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCED_CODE_START_RE.match(line.text) if line.text[:3] in ("```", "~~~") else None
        if m is not None:
            candidates = closers.get(m.group("fence"), [])
            k = bisect_right(candidates, i)
            if k < len(candidates):
                end = candidates[k]
                out.append(
                    Atom(line.lineno, line.col, line.text, "fence", tuple(lines[i : end + 1]))
                )
                i = end + 1
                continue
        out.append(line)
        i += 1
    return out


def _stash_comments(lines: list[SrcLine]) -> list[SrcLine]:
    """Replace each top-level HTML comment (``<!--`` up to three spaces in) by an atom."""
    if not any("<!--" in line.text for line in lines):
        return lines
    ends: list[int] | None = None
    out: list[SrcLine] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if "<!--" in text and not isinstance(line, Atom) and COMMENT_OPEN_RE.match(text):
            if "-->" in text[text.index("<!--") + 4 :]:
                end: int | None = i
            else:
                if ends is None:
                    ends = [
                        j
                        for j, other in enumerate(lines)
                        if not isinstance(other, Atom) and "-->" in other.text
                    ]
                k = bisect_right(ends, i)
                end = ends[k] if k < len(ends) else None
            if end is not None:
                members = tuple(m for ln in lines[i : end + 1] for m in expand_atom(ln))
                out.append(Atom(line.lineno, line.col, line.text, "comment", members))
                i = end + 1
                continue
        out.append(line)
        i += 1
    return out


def loose_detab(lines: list[SrcLine], length: int = TAB_LENGTH) -> list[SrcLine]:
    """Python-Markdown's ``looseDetab``: dedent the lines that are indented, keep the others."""
    return [line.dedent(length) if line.text.startswith(" " * length) else line for line in lines]


def split_blocks(lines: list[SrcLine]) -> list[list[SrcLine]]:
    """Split lines into blank-line separated blocks, as ``text.split('\\n\\n')`` does."""
    blocks: list[list[SrcLine]] = []
    current: list[SrcLine] = []
    for line in lines:
        if not isinstance(line, Atom):
            if line.text and not line.text.isspace():
                current.append(line)
            elif current:
                blocks.append(current)
                current = []
        elif line.kind == "comment":
            # The HTML preprocessor stashes the comment and puts a blank line after it; a blank
            # line before it only when it starts in column 0 (else it joins the text above).
            if current and line.text.startswith(" "):
                blocks.append([*current, line])
            else:
                if current:
                    blocks.append(current)
                blocks.append([line])
            current = []
        else:
            current.append(line)
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
        elif isinstance(line, Atom) or (text and not text.isspace()):
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


@dataclass(frozen=True, slots=True)
class LiteralItem:
    """A line written as a list item that the site renders as plain text ("- ..." shown).

    ``item`` is the list item line it follows as lazy text (it was meant to nest under it),
    or None when the line sits in a paragraph.
    """

    line: SrcLine
    item: SrcLine | None


# pymdownx.blocks names and the node kind each one makes (other names are admonition types).
_BLOCK_KINDS = {"details": "details", "tab": "tab", "html": "html", "definition": "html"}


@lru_cache(maxsize=8)
def _markers(admonition: bool, details: bool, tabbed: bool) -> tuple[str, ...]:
    """The container markers that exist with these extensions on (for ``str.startswith``)."""
    pairs = (("!!!", admonition), ("???", details), ("===", tabbed))
    return tuple(marker for marker, on in pairs if on)


@lru_cache(maxsize=16)
def _list_patterns(step: int) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """The list processors' patterns for a list step: item (either type), nested item,
    ordered item, unordered item (``OListProcessor`` with ``tab_length = step``)."""
    if step == TAB_LENGTH:
        item, nested = LIST_ITEM_RE, NESTED_ITEM_RE
    else:
        item = re.compile(rf"^[ ]{{0,{step - 1}}}(?:\d+\.|[*+-])[ ]+")
        nested = re.compile(rf"^[ ]{{{step},{2 * step - 1}}}(?:\d+\.|[*+-])[ ]+")
    ordered = re.compile(rf"^[ ]{{0,{step - 1}}}\d+\.[ ]+")
    unordered = re.compile(rf"^[ ]{{0,{step - 1}}}[*+-][ ]+")
    return item, nested, ordered, unordered


def block_kind(name: str) -> str:
    """The node kind a ``/// name`` block makes: admonition, details, tab or html."""
    if name in _BLOCK_KINDS:
        return _BLOCK_KINDS[name]
    if name.startswith("details-") or name.endswith("-details"):
        return "details"
    if name == "caption":
        return "html"
    return "admonition"


class BlockParser:
    """Replays Python-Markdown's block loop over positioned lines, as ``flags`` configure it.

    ``flags`` (the page's ``MarkdownFlags``) decide which container markers exist (``!!!``
    admonition, ``???`` details, ``===`` tabbed, ``///`` pymdownx.blocks), how fences are found
    (superfences or fenced_code) and how lists nest: Python-Markdown's own lists, sane_lists
    (an item of the other list type is text) and mdx_truly_sane_lists (``nested_indent``
    spaces, default 2, nest an item; the list processors work in those units).
    """

    def __init__(self, flags: MarkdownFlags = DEFAULT_FLAGS) -> None:
        self.flags = flags
        self.escapes: list[Escape] = []
        self.literal_items: list[LiteralItem] = []
        self.detabbed = False
        self.too_deep: SrcLine | None = None
        self.markers = _markers(flags.admonition, flags.details, flags.tabbed)
        step = max(1, flags.nested_indent) if flags.truly_sane_lists else TAB_LENGTH
        self.list_tab = step
        self.list_indent = " " * step
        self.sane = flags.sane_lists or flags.truly_sane_lists
        self.truly_sane = flags.truly_sane_lists and flags.truly_sane
        self.item_re, self.nested_re, self.ol_re, self.ul_re = _list_patterns(step)
        self.blocks = flags.blocks
        self.hungry: list[tuple[Node, int]] = []  # unclosed ``///`` blocks and their lengths
        self.md_in_html = flags.md_in_html
        self.footnotes = flags.footnotes
        self.def_list = flags.def_list
        self.root: Node | None = None
        self.footnote_nodes: dict[str, Node] = {}
        self.footnote_bodies: list[tuple[Node, list[list[SrcLine]]]] = []
        self.in_footnote = False

    def parse(self, lines: list[SrcLine]) -> Node:
        """Parse whole-document lines into a tree rooted at a ``root`` node."""
        root = self.root = Node("root")
        lines = stash_atoms(lines, self.flags)
        if lines and lines[0].text and lines[0].blank:
            # NormalizeWhitespace only empties whitespace-only lines that follow a newline, so
            # a first line of spaces stays and glues itself to the block below it.
            first = lines[0]
            lines[0] = Atom(first.lineno, first.col, first.text, "leading-space", (first,))
        self.parse_chunk(root, lines)
        if self.footnote_bodies:
            self._parse_footnotes()
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
            if self.hungry and self._blocks_hungry(parent, block, blocks):
                continue
            if self.blocks and self._blocks_start(parent, block, blocks):
                continue
            if self.md_in_html and self._html_start(parent, block, blocks):
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
        markers = self.markers
        for index, line in enumerate(block):
            if not line.text.startswith(markers) or isinstance(line, Atom):
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
                if (
                    tabset is None
                    or tabset.kind != "tabset"
                    or tabset.marker_symbol == "///"
                    or "!" in node.marker_symbol
                ):
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
        # Each processor continues the element it makes, however it was written: the
        # admonition processor any admonition <div> (a ``/// admonition`` too), the details
        # processor any <details> (``/// details`` and md_in_html's too).
        kind = sibling.kind
        if kind == "tabset" and sibling.marker_symbol != "///":
            target = sibling.last
        elif (kind == "admonition" and self.flags.admonition) or (
            kind == "details" and self.flags.details
        ):
            target = sibling
        else:
            return False
        assert target is not None
        body, rest = _detab_blocks(block)
        if rest and target.marker_symbol[:1] in ("!", "?", "="):
            self._note_detab_escape(target, rest[0])
        self.parse_blocks(target, body)
        if rest:
            blocks.insert(0, rest)
        return True

    def _note_detab_escape(self, container: Node, line: SrcLine) -> None:
        if isinstance(line, Atom) and not line.text.strip():
            return
        if not line.text.startswith(" ") and self._starts_own_block(line):
            # At the marker's own indentation, a heading, list item, marker or fence is the
            # next block after the container, not a line of it that lost its indentation.
            return
        self.escapes.append(Escape(line, container, container.body_col, "detab"))

    def _starts_own_block(self, line: SrcLine) -> bool:
        """Whether an unindented line opens a block of its own (not text that continues one)."""
        if isinstance(line, Atom):
            return line.kind == "fence"
        text = line.text
        if text.startswith(self.markers) or text.startswith(("#", "///", "</")):
            return True  # (a closing tag ends an HTML or plugin element the container sat in)
        return bool(self.item_re.match(text))

    def _leaf(self, parent: Node, block: list[SrcLine], blocks: list) -> None:
        first = block[0]
        previous = parent.children[-1] if parent.children else None
        if previous is not None and previous.kind in _INNER_CONTAINERS:
            self._note_block_escape(parent, previous, first)
        if isinstance(first, Atom) and first.kind == "leading-space":
            parent.add(Node("paragraph", lines=list(block)))
            return
        if (
            first.text.startswith(self.list_indent)
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
        if (
            first.text.startswith(_BLOCK_MATH_STARTS)
            and self.flags.arithmatex
            and arithmatex.is_block_math("\n".join(line.text for line in block), self.flags)
        ):
            # arithmatex's block processor (priority 79.9) takes the whole block before the
            # heading and list processors can split it.
            parent.add(Node("paragraph", lines=list(block), marker_symbol="math"))
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
        if (
            len(block) > 1
            and not isinstance(first, Atom)
            and not isinstance(block[1], Atom)
            and block[1].text[:1] in ("=", "-")
            and SETEXT_UNDERLINE_RE.match(block[1].text)
        ):
            parent.add(Node("heading", lines=block[:2], marker_symbol="setext"))
            if block[2:]:
                blocks.insert(0, block[2:])
            return
        if self.item_re.match(first.text) and (
            not self.sane or self.ol_re.match(first.text) or self.ul_re.match(first.text)
        ):
            self._list(parent, block)
            return
        joined = "\n".join([line.text for line in block]) if len(block) > 1 else first.text
        if (
            self.def_list
            and ":" in joined
            and (previous is not None or not DEF_LIST_RE.match(first.text))
            and DEF_LIST_LINE_RE.search("\n" + joined)
        ):
            lines = list(block)
            if self.footnotes and "[^" in joined:
                for index, line in enumerate(lines[1:], 1):
                    if (
                        "[^" in line.text
                        and not isinstance(line, Atom)
                        and FOOTNOTE_DEF_RE.match(line.text)
                    ):
                        blocks.insert(0, lines[index:])
                        lines = lines[:index]
                        break
            parent.add(Node("list", lines=lines, marker_symbol=":"))
            return
        if self.footnotes and "[^" in joined:
            for index, line in enumerate(block):
                if (
                    "[^" in line.text
                    and not isinstance(line, Atom)
                    and FOOTNOTE_DEF_RE.match(line.text)
                    and self._footnote(block[index:], blocks)
                ):
                    if index:
                        blocks.insert(0, block[:index])
                    return
        self._paragraph(parent, block, joined)

    def _paragraph(self, parent: Node, block: list[SrcLine], text: str | None = None) -> None:
        """A paragraph; a line in it written as a list item shows its marker as text."""
        parent.add(Node("paragraph", lines=list(block)))
        head = block[0].text.lstrip(" ")[:1]
        if head == "<":
            return  # raw HTML, or a plugin's tag (mkdocs-quiz's <quiz>): not Markdown text
        if len(block) == 1 and head not in ("*", "+", "-") and not head.isdecimal():
            return  # one line that does not start as LIST_MARKER_TEXT_RE does (``\d``: isdecimal)
        joined = text if text is not None else "\n".join([line.text for line in block])
        if LIST_MARKER_LINE_RE.search("\n" + joined) is None or "{{" in joined or "{%" in joined:
            return  # (a paragraph with template markup is a mkdocs-macros call: it decides)
        item = None
        if parent.kind == "list" and parent.marker_symbol != ":":
            # inside a list item: the item it was meant to nest under is that item
            item = next((ln for ln in parent.lines if ln.lineno == parent.item_line), None)
        self.literal_items.extend(
            LiteralItem(line, item)
            for line in block
            if not isinstance(line, Atom) and LIST_MARKER_TEXT_RE.match(line.text)
        )

    def _list(self, parent: Node, block: list[SrcLine]) -> None:
        """A list block: item lines stay on the list; indented lines nest inside the last item.

        As ``OListProcessor.get_items``: a line starting with a marker (less than one list
        step in) is a new item, a marker indented one step (up to two steps less one) opens a
        nested list inside the last item, and any other line continues the current item as
        lazy text. With sane lists, a marker of the other list type is lazy text too.
        """
        node = parent.add(Node("list"))
        item_re = self.item_re
        if self.sane:
            item_re = self.ol_re if self.ol_re.match(block[0].text) else self.ul_re
        nested: list[SrcLine] = []
        footnote: list[SrcLine] = []  # a footnote definition in an item's text, and what follows
        literal: list[LiteralItem] = []
        item: SrcLine | None = None
        for line in block:
            text = line.text
            if item_re.match(text) and not isinstance(line, Atom):
                if nested:
                    self._nest(node, nested)
                    nested = []
                if footnote:
                    self._footnote(footnote, [])
                    footnote = []
                node.lines.append(line)
                node.item_line = line.lineno
                item = line
            elif nested or self.nested_re.match(text):
                nested.append(line)
            elif footnote or (
                self.footnotes and "[^" in text and FOOTNOTE_DEF_RE.match(text) and item
            ):
                footnote.append(line)
            else:
                node.lines.append(line)
                if not isinstance(line, Atom) and LIST_MARKER_TEXT_RE.match(text):
                    literal.append(LiteralItem(line, item))
        if literal and not any("{{" in ln.text or "{%" in ln.text for ln in block):
            self.literal_items.extend(literal)  # (template markup: a mkdocs-macros call decides)
        if nested:
            self._nest(node, nested)
        if footnote:
            self._footnote(footnote, [])

    def _nest(self, node: Node, lines: list[SrcLine]) -> None:
        """Parse lines indented under a list item inside it (``ListIndentProcessor``)."""
        saved = self.detabbed
        self.detabbed = False
        self.parse_blocks(node, [loose_detab(lines, self.list_tab)])
        self.detabbed = saved

    def _list_indent(self, node: Node, block: list[SrcLine]) -> None:
        """An indented block after a list continues an item (``ListIndentProcessor``).

        Each list step of indent goes one nesting level deeper, as far as nested lists exist
        in the last item (``get_level`` walks ``lastChild`` of the last ``li``): a list nested
        under an earlier item does not count.
        """
        indent_level = block[0].indent // self.list_tab
        level = 1
        while indent_level > level and _last_item_ends_in_list(node):
            node = node.last
            level += 1
        saved = self.detabbed
        self.detabbed = True
        self.parse_chunk(node, loose_detab(block, level * self.list_tab))
        self.detabbed = saved

    def _parse_footnotes(self) -> None:
        """Parse footnote bodies after the page, as Python-Markdown does when it renders them.

        By then pymdownx.blocks no longer opens ``///`` blocks, and a footnote defined inside
        a footnote is dropped.
        """
        bodies, self.footnote_bodies = self.footnote_bodies, []
        saved_blocks, saved_hungry = self.blocks, self.hungry
        self.blocks, self.hungry, self.in_footnote = frozenset(), [], True
        for node, content in bodies:
            self.parse_blocks(node, content)
        self.blocks, self.hungry, self.in_footnote = saved_blocks, saved_hungry, False

    def _footnote(self, block: list[SrcLine], blocks: list) -> bool:
        """A footnote definition (``[^1]: text``, then blocks indented 4): parsed into a
        ``footnote`` node at the end of the page, where Python-Markdown renders it."""
        m = FOOTNOTE_DEF_RE.match(block[0].text)
        if m is None or self.root is None:
            return False
        if self.in_footnote:
            return True  # defined while footnotes render: too late, it never shows
        label = m.group(1)
        earlier = self.footnote_nodes.get(label)
        if earlier is not None and earlier in self.root.children:
            self.root.children.remove(earlier)  # a later definition replaces the earlier one
        node = self.root.add(Node("footnote", marker=block[0], body_col=block[0].col + TAB_LENGTH))
        self.footnote_nodes[label] = node
        rest: list[SrcLine] = []
        body = [block[0].dedent(m.start(2))]
        for index, line in enumerate(block[1:], 1):
            if not isinstance(line, Atom) and FOOTNOTE_DEF_RE.match(line.text):
                rest = block[index:]
                break
            body.append(line.dedent(TAB_LENGTH) if line.text.startswith(INDENT) else line)
        content = [body]
        while not rest and blocks and blocks[0] and blocks[0][0].text.startswith(INDENT):
            kept, after = detab(blocks.pop(0))
            content.extend(split_blocks(kept))
            if after:
                blocks.insert(0, after)
                break
        self.footnote_bodies.append((node, content))
        if rest:
            blocks.insert(0, rest)
        return True

    def _blocks_start(self, parent: Node, block: list[SrcLine], blocks: list) -> bool:
        """A pymdownx.blocks container (``/// name | title``) up to its closing ``///``.

        Its content is not indented: the blocks up to a line of as many slashes (nested
        blocks of that length counted) are parsed inside it; indented option lines right
        after the opening line (``type: note``) are options, not content.
        """
        for index, line in enumerate(block):
            if "///" not in line.text or isinstance(line, Atom):
                continue
            m = BLOCKS_START_RE.match(line.text)
            if m is None or m.group(2).lower() not in self.blocks:
                continue
            rest = block[index + 1 :]
            taken = 0
            for option in rest:
                if not BLOCKS_OPTION_RE.match(option.text):
                    break
                taken += 1
            options = _block_options(rest[:taken])
            name = m.group(2).lower()
            if options is None or not _block_valid(name, m.group(3), options):
                continue
            if index:
                self.parse_blocks(parent, [block[:index]])
            node = self._block_node(parent, line, name, m.group(3), options)
            length = len(m.group(1))
            content, after, closed = _until_blocks_end([rest[taken:], *blocks], length, self.blocks)
            blocks[:] = after
            self.parse_blocks(node, content)
            if not closed:
                self.hungry.append((node, length))
            return True
        return False

    def _blocks_hungry(self, parent: Node, block: list[SrcLine], blocks: list) -> bool:
        """Blocks after an unclosed ``///`` block go into it (pymdownx.blocks' "hungry" stack).

        The open block is found from ``parent`` down the chain of last children, as
        ``BlocksProcessor.get_parent`` finds it; the last child that leaked out of it (an old
        style admonition or tab that took part of its text) is moved back in first.
        """
        node, length = self.hungry[-1]
        own = node.parent if node.kind == "tab" else node
        holder = own.parent if own is not None else None
        temp: Node | None = parent
        while temp is not None and temp is not holder:
            temp = temp.last
        if temp is None or holder is None:
            return False
        self.hungry.pop()
        last = holder.last
        if last is not None and last is not own:
            holder.children.pop()
            node.add(last)
        content, after, closed = _until_blocks_end([block, *blocks], length, self.blocks)
        blocks[:] = after
        self.parse_blocks(node, content)
        if not closed:
            self.hungry.append((node, length))
        return True

    def _block_node(
        self, parent: Node, line: SrcLine, name: str, title: str | None, options: dict[str, str]
    ) -> Node:
        kind = block_kind(name)
        if kind == "tab":
            node = Node("tab", marker=line, marker_symbol="///", title=title or "")
            tabset = parent.last
            new = options.get("new", "").lower() in {"true", "yes", "1"}
            if tabset is None or tabset.kind != "tabset" or tabset.marker_symbol != "///" or new:
                tabset = parent.add(Node("tabset", marker=line, marker_symbol="///"))
            node.body_col = line.col
            return tabset.add(node)
        if kind == "html":
            return parent.add(Node("html", marker=line, marker_symbol="///", title=title))
        if name in {"admonition", "details"}:
            type_name = options.get("type", "note" if kind == "admonition" else "")
        else:
            type_name = options.get("type", name)
        node = Node(kind, marker=line, marker_symbol="///", type_name=type_name, title=title)
        node.body_col = line.col
        return parent.add(node)

    def _html_start(self, parent: Node, block: list[SrcLine], blocks: list) -> bool:
        """An md_in_html block (``<div markdown>`` ... ``</div>``) at the top of the page.

        Python-Markdown's HTML preprocessor finds it in the raw text (blank lines inside do
        not end it) and parses its content as Markdown inside the element.
        """
        if parent.kind != "root" and parent.marker_symbol[:1] != "<":
            return False  # (inside an md_in_html element, its content is raw text too)
        m = None
        index = 0
        for first in block:
            # The HTML preprocessor reads the raw text: an opening tag at the start of any
            # line ends the paragraph or list above it.
            if first.text[:1] == "<" and "markdown" in first.text and not isinstance(first, Atom):
                m = MD_IN_HTML_OPEN_RE.match(first.text)
                if m is not None:
                    break
            index += 1
        if m is None:
            return False
        tag = m.group("tag").lower()
        opener, closer = f"<{tag}", f"</{tag}>"
        depth = 1 + m.group("rest").lower().count(opener) - m.group("rest").lower().count(closer)
        if depth <= 0:
            return False
        if index:
            self.parse_blocks(parent, [block[:index]])
            block = block[index:]
        kind = "details" if tag == "details" else "html"
        node = parent.add(Node(kind, marker=first, marker_symbol="<" + tag, body_col=first.col))
        lines: list[SrcLine] = []
        for b in [block[1:], *blocks]:
            if lines and b:
                lines.append(SrcLine(lines[-1].lineno, 0, ""))  # the blank line between blocks
            lines.extend(b)
        content: list[SrcLine] = []
        after: list[SrcLine] = []
        for index, line in enumerate(lines):
            if not isinstance(line, Atom) and "<" in line.text:
                low = line.text.lower()
                depth += low.count(opener) - low.count(closer)
                if depth <= 0:
                    after = lines[index + 1 :]
                    break
                if tag == "details" and low.lstrip().startswith("<summary"):
                    node.title = re.sub(r"<[^>]*>", "", line.text).strip()
                    continue
            content.append(line)
        blocks[:] = split_blocks(after)
        self.parse_chunk(node, content)
        return True

    def _note_block_escape(self, parent: Node, previous: Node, first: SrcLine) -> None:
        """A new block right after a container, indented past ``parent``'s own content."""
        if previous.marker_symbol == "///":
            return  # pymdownx.blocks content is not indented
        target = previous.last if previous.kind == "tabset" else previous
        if target is None or (isinstance(first, Atom) and first.kind != "fence"):
            return
        indented = first.text.startswith(" ")
        if indented or (previous.kind == "tabset" and not target.children):
            self.escapes.append(Escape(first, target, target.body_col, "block"))


def _block_options(lines: list[SrcLine]) -> dict[str, str] | None:
    """The YAML options of a ``///`` block (its indented lines right after the opener).

    As ``get_frontmatter``: YAML that is empty or a mapping gives options; anything else
    (a list, a scalar, a stashed fence) means no block starts here. PyYAML decides when it is
    installed; otherwise ``key: value`` lines are read by hand.
    """
    if not lines:
        return {}
    if any(isinstance(line, Atom) for line in lines):
        return None
    text = textwrap.dedent("\n".join(line.text for line in lines))
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is installed with qalint's site model
        options: dict[str, str] = {}
        for line in text.split("\n"):
            key, colon, value = line.partition(":")
            if not colon or not key.strip() or value[:1] not in "\t ":
                return None
            options[key.strip()] = value.strip().strip("\"'")
        return options
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        return None
    return {str(key): "" if value is None else str(value) for key, value in loaded.items()}


# pymdownx.blocks' validation: options each block accepts, and whether its argument (the
# text after ``|``) is required (True), optional (None) or refused (False).
_BLOCK_SPECS: dict[str, tuple[frozenset[str], bool | None]] = {
    "admonition": (frozenset({"type", "attrs"}), None),
    "details": (frozenset({"type", "open", "attrs"}), None),
    "tab": (frozenset({"new", "select", "attrs"}), True),
    "html": (frozenset({"markdown", "attrs"}), True),
}


def _block_valid(name: str, argument: str | None, options: dict[str, str]) -> bool:
    """Whether pymdownx.blocks accepts the block's argument and options (else no block)."""
    kind = block_kind(name)
    if name in _BLOCK_SPECS:
        allowed, needs = _BLOCK_SPECS[name]
    elif kind == "details":
        allowed, needs = frozenset({"open", "attrs"}), None
    else:
        allowed, needs = frozenset({"attrs"}), None
    if needs is True and not argument:
        return False
    if needs is False and argument:
        return False
    return all(key in allowed for key in options)


def _until_blocks_end(
    blocks: list[list[SrcLine]], length: int, names: frozenset[str]
) -> tuple[list[list[SrcLine]], list[list[SrcLine]], bool]:
    """Split ``blocks`` at the line closing a ``///`` block of ``length`` slashes.

    Returns the content blocks, the blocks after the closing line and whether one was found.
    Blocks of the same length opened inside are counted, so their closing lines do not end
    this one.
    """
    depth = 0
    for b_index, block in enumerate(blocks):
        for index, line in enumerate(block):
            if "///" not in line.text or isinstance(line, Atom):
                continue
            end = BLOCKS_END_RE.match(line.text)
            if end is not None and len(end.group(1)) == length:
                if depth:
                    depth -= 1
                    continue
                content = [*blocks[:b_index], block[:index]]
                after = [block[index + 1 :], *blocks[b_index + 1 :]]
                return [b for b in content if b], [b for b in after if b], True
            start = BLOCKS_START_RE.match(line.text)
            if start is not None and len(start.group(1)) == length and start.group(2) in names:
                depth += 1
    return [b for b in blocks if b], [], False


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
