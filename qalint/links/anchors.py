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


def site_slugifier(name: str, separator: str = "-") -> Callable[[str], str] | None:
    """The slug function a site's ``toc: slugify:`` names (``MarkdownFlags.toc_slugify``).

    ``default`` and toc's own ``slugify``/``slugify_unicode`` are known, and so is
    ``pymdownx.slugs.slugify(case=..., normalize=..., percent_encode=...)`` (the factory
    called with its keywords through ``!!python/object/apply``). None for anything else: the
    caller then accepts the ids of every candidate, so an unknown function never causes a
    finding.
    """
    m = re.fullmatch(r"\s*([\w.]+)\s*(?:\((.*)\))?\s*", name or "default")
    if m is None:
        return None
    func, args = m.group(1), m.group(2)
    if func in {"default", "markdown.extensions.toc.slugify", "toc.slugify"} and not args:
        return functools.partial(slugify, separator=separator)
    if func in {"markdown.extensions.toc.slugify_unicode", "toc.slugify_unicode"} and not args:
        return functools.partial(slugify_unicode, separator=separator)
    if func == "pymdownx.slugs.slugify" and args is not None:
        options: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in args.split(","))):
            key, eq, value = part.partition("=")
            if not eq:
                return None  # positional arguments: not pymdownx's signature
            options[key.strip()] = value.strip().strip("'\"")
        if set(options) - {"case", "percent_encode", "normalize"}:
            return None
        if options.get("percent_encode", "False") not in {"False", "false", "0"}:
            return None
        case = options.get("case", "none")
        normalize = options.get("normalize", "NFC")
        if normalize not in {"NFC", "NFD", "NFKC", "NFKD"}:
            return None
        return functools.partial(uslugify, case=case, separator=separator, normalize=normalize)
    return None


def slugify(value: str, separator: str = "-") -> str:
    """The id toc gives a heading whose rendered text is ``value``."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def slugify_unicode(value: str, separator: str = "-") -> str:
    """toc's ``slugify_unicode``: as ``slugify`` but keeping non-ASCII letters."""
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def uslugify(value: str, case: str = "none", separator: str = "-", normalize: str = "NFC") -> str:
    """``pymdownx.slugs.slugify(case=...)``, the Unicode slugs Material's docs recommend."""
    form = normalize if normalize in {"NFC", "NFD", "NFKC", "NFKD"} else "NFC"
    slug = TAG_RE.sub("", unicodedata.normalize(form, value)).strip()  # type: ignore[arg-type]
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


def heading_text(markdown: str, attr_list: bool = True) -> tuple[str, str | None]:
    """``(rendered text, explicit id)`` of a heading's Markdown (``## T {#id}`` gives an id,
    when the site has ``attr_list``; without it the braces are heading text)."""
    text = CLOSING_HASHES_RE.sub("", markdown.strip())
    explicit = None
    attrs = ATTR_LIST_RE.search(text) if attr_list else None
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


def _heading_ids(doc: Document, slug: Callable[[str], str], attr_list: bool = True) -> set[str]:
    """Heading ids (ATX and setext) and explicit ``{#id}`` ids with one slug function."""
    taken: set[str] = set()
    for heading in doc.headings:
        text, explicit = heading_text(heading.text, attr_list)
        if explicit:
            taken.add(explicit)
        else:
            unique(slug(text), taken)
    lines = doc.lines
    for index in range(1, len(lines)):
        if SETEXT_RE.match(lines[index]) and lines[index - 1].strip():
            text, explicit = heading_text(lines[index - 1], attr_list)
            taken.add(explicit or slug(text))
    return taken


def document_anchors(
    doc: Document,
    unicode_slugs: bool = False,
    slug: Callable[[str], str] | None = None,
    attr_list: bool = True,
) -> set[str]:
    """Every id the rendered page has for a ``#fragment`` to land on.

    Heading ids (ATX and setext), explicit ``{#id}`` attributes (with ``attr_list``), and
    ``id``/``name`` attributes in raw HTML. ``slug`` is the site's slug function when it is
    known (``site_slugifier``); else toc's default, plus, with ``unicode_slugs`` (mkdocs.yml
    sets a custom toc slugify qalint does not know), the ids of every Unicode slug function.
    Extra candidates only ever prevent findings, never cause one.
    """
    if slug is not None:
        taken = _heading_ids(doc, slug, attr_list)
    else:
        taken = _heading_ids(doc, slugify, attr_list)
        if unicode_slugs:
            for candidate in UNICODE_SLUGIFIERS:
                taken |= _heading_ids(doc, candidate, attr_list)
    lines = doc.lines
    for line in lines:
        if attr_list and "{" in line:
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
