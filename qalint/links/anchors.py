"""Anchors a page offers: heading ids as Python-Markdown's toc makes them, and HTML ids.

``slugify`` and ``unique`` follow ``markdown.extensions.toc`` (the defaults MkDocs uses):
NFKD-normalise, drop non-ASCII, drop everything but word characters, spaces and hyphens,
lower-case, collapse runs of spaces and hyphens into one ``-``; a repeated slug gets ``_1``,
``_2``... Headings inside content tabs get ids too, so every heading counts.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qalint.document import Document

IDCOUNT_RE = re.compile(r"^(.*)_([0-9]+)$")
ATTR_LIST_RE = re.compile(r"\s*\{:?([^}]*)\}\s*$")
ATTR_ID_RE = re.compile(r"(?:^|\s)#([\w:.-]+)")
CLOSING_HASHES_RE = re.compile(r"\s+#+\s*$|^#+\s*$")
INLINE_CODE_RE = re.compile(r"(`+)(.+?)\1")
CODE_PLACEHOLDER_RE = re.compile("\x00([0-9]+)\x00")
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


def slugify_unicode(value: str, separator: str = "-") -> str:
    """toc's ``slugify_unicode``: as ``slugify`` but keeping non-ASCII letters."""
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def uslugify(value: str, case: str = "none", separator: str = "-") -> str:
    """``pymdownx.slugs.slugify(case=...)``, the Unicode slugs Material's docs recommend."""
    slug = TAG_RE.sub("", unicodedata.normalize("NFC", value)).strip()
    if case == "lower":
        slug = slug.lower()
    elif case == "lower-ascii":
        slug = re.sub(r"[A-Z]", lambda m: m.group(0).lower(), slug)
    elif case == "fold":
        slug = slug.casefold()
    return re.sub(r"[^\w\- ]", "", slug).replace(" ", separator)


# The slug functions a site with a custom ``toc: slugify:`` in mkdocs.yml may use.
UNICODE_SLUGIFIERS: tuple[Callable[[str], str], ...] = (
    slugify_unicode,
    uslugify,
    functools.partial(uslugify, case="lower"),
    functools.partial(uslugify, case="lower-ascii"),
    functools.partial(uslugify, case="fold"),
)


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
    # Code spans are literal: no tags, emphasis or entities inside them (`__init__`, `<div>`).
    codes: list[str] = []

    def stash(m: re.Match[str]) -> str:
        codes.append(m.group(2).strip())
        return f"\x00{len(codes) - 1}\x00"

    text = INLINE_CODE_RE.sub(stash, text)
    text = IMAGE_RE.sub("", text)
    text = LINK_RE.sub(lambda m: m.group(1), text)
    text = TAG_RE.sub("", text)
    for _ in range(3):
        text = EMPHASIS_RE.sub(lambda m: m.group(2), text)
    text = " ".join(html.unescape(text).split())  # the rendered heading has single spaces
    return CODE_PLACEHOLDER_RE.sub(lambda m: codes[int(m.group(1))], text), explicit


def _heading_ids(doc: Document, slug: Callable[[str], str]) -> set[str]:
    """Heading ids (ATX and setext) and explicit ``{#id}`` ids with one slug function."""
    taken: set[str] = set()
    for heading in doc.headings:
        text, explicit = heading_text(heading.text)
        if explicit:
            taken.add(explicit)
        else:
            unique(slug(text), taken)
    lines = doc.lines
    for index in range(1, len(lines)):
        if SETEXT_RE.match(lines[index]) and lines[index - 1].strip():
            text, explicit = heading_text(lines[index - 1])
            taken.add(explicit or slug(text))
    return taken


def document_anchors(doc: Document, unicode_slugs: bool = False) -> set[str]:
    """Every id the rendered page has for a ``#fragment`` to land on.

    Heading ids (ATX and setext), explicit ``{#id}`` attributes, and ``id``/``name``
    attributes in raw HTML. With ``unicode_slugs`` (mkdocs.yml sets a custom toc slugify),
    the ids of every Unicode slug function are candidates too. Extra candidates only ever
    prevent findings, never cause one.
    """
    taken = _heading_ids(doc, slugify)
    if unicode_slugs:
        for slug in UNICODE_SLUGIFIERS:
            taken |= _heading_ids(doc, slug)
    lines = doc.lines
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
