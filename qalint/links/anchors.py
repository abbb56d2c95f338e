"""Anchors a page offers: heading ids as Python-Markdown's toc makes them, and HTML ids.

``slugify`` and ``unique`` follow ``markdown.extensions.toc`` (the defaults MkDocs uses):
NFKD-normalise, drop non-ASCII, drop everything but word characters, spaces and hyphens,
lower-case, collapse runs of spaces and hyphens into one ``-``; a repeated slug gets ``_1``,
``_2``... Headings inside content tabs get ids too, so every heading counts.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qalint.document import Document

IDCOUNT_RE = re.compile(r"^(.*)_([0-9]+)$")
ATTR_LIST_RE = re.compile(r"\s*\{:?([^}]*)\}\s*$")
ATTR_ID_RE = re.compile(r"(?:^|\s)#([\w:.-]+)")
CLOSING_HASHES_RE = re.compile(r"\s+#+\s*$|^#+\s*$")
INLINE_CODE_RE = re.compile(r"(`+)(.+?)\1")
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK_RE = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
TAG_RE = re.compile(r"<[^>]+>")
EMPHASIS_RE = re.compile(r"(\*{1,3}|(?<!\w)_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
HTML_ID_RE = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def slugify(value: str, separator: str = "-") -> str:
    """The id toc gives a heading whose rendered text is ``value``."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def unique(slug: str, taken: set[str]) -> str:
    """Make ``slug`` unique among ``taken`` the way toc does (``x``, ``x_1``, ``x_2``)."""
    while slug in taken or not slug:
        m = IDCOUNT_RE.match(slug)
        slug = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{slug}_1"
    taken.add(slug)
    return slug


def heading_text(markdown: str) -> tuple[str, str | None]:
    """``(rendered text, explicit id)`` of a heading's Markdown (``## T {#id}`` gives an id)."""
    text = CLOSING_HASHES_RE.sub("", markdown.strip())
    explicit = None
    attrs = ATTR_LIST_RE.search(text)
    if attrs:
        found = ATTR_ID_RE.search(attrs.group(1))
        explicit = found.group(1) if found else None
        text = text[: attrs.start()]
    text = INLINE_CODE_RE.sub(lambda m: m.group(2).strip(), text)
    text = IMAGE_RE.sub("", text)
    text = LINK_RE.sub(lambda m: m.group(1), text)
    text = TAG_RE.sub("", text)
    for _ in range(3):
        text = EMPHASIS_RE.sub(lambda m: m.group(2), text)
    return html.unescape(text), explicit


def document_anchors(doc: Document) -> set[str]:
    """Every id the rendered page has for a ``#fragment`` to land on.

    Heading ids (ATX and setext), explicit ``{#id}`` attributes, and ``id``/``name``
    attributes in raw HTML. Extra candidates only ever prevent findings, never cause one.
    """
    taken: set[str] = set()
    for heading in doc.headings:
        text, explicit = heading_text(heading.text)
        if explicit:
            taken.add(explicit)
        else:
            unique(slugify(text), taken)
    lines = doc.lines
    for index in range(1, len(lines)):
        if SETEXT_RE.match(lines[index]) and lines[index - 1].strip():
            text, explicit = heading_text(lines[index - 1])
            taken.add(explicit or slugify(text))
    for line in lines:
        if "{" in line:
            for attrs in re.finditer(r"\{:?([^}]*)\}", line):
                taken.update(ATTR_ID_RE.findall(attrs.group(1)))
        if "=" in line:
            taken.update(HTML_ID_RE.findall(line))
    return taken


class HtmlAnchors(HTMLParser):
    """Collects ``id`` and ``<a name>`` values from an HTML page fed in chunks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the element's id (and name, for ``<a name=...>``)."""
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)

    handle_startendtag = handle_starttag
