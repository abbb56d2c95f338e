"""The real renderer as an oracle: Python-Markdown + pymdown-extensions, set up as Material does.

``render_outline`` reduces the rendered HTML to the container tree (admonitions, details, tab
sets, tabs) with the words that land directly in each container, so a test can compare it
with the outline of qalint's own block tree.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

MATERIAL_EXTENSIONS = [
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.arithmatex",
    "attr_list",
    "md_in_html",
    "toc",
    "tables",
]
MATERIAL_CONFIG = {
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.arithmatex": {"generic": True},
}

Outline = tuple  # (kind, label, words, children)


def render_html(text: str) -> str:
    """HTML exactly as an MkDocs + Material site would render the Markdown body."""
    md = markdown.Markdown(extensions=MATERIAL_EXTENSIONS, extension_configs=MATERIAL_CONFIG)
    return md.convert(text)


class _OutlineBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list = ["root", "", [], []]
        self.stack: list[tuple[str, list | None]] = []
        self.labels: list[str] = []
        self.in_label = False
        self.in_title = False
        self.tabsets: list[list] = []

    def _container(self) -> list:
        for _tag, node in reversed(self.stack):
            if node is not None:
                return node
        return self.root

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = (dict(attrs).get("class") or "").split()
        node: list | None = None
        parent = self._container()
        if tag == "div" and "admonition" in classes:
            node = ["admonition", classes[1] if len(classes) > 1 else "", [], []]
        elif tag == "details":
            node = ["details", classes[0] if classes else "", [], []]
        elif tag == "div" and "tabbed-set" in classes:
            node = ["tabset", "", [], []]
            self.tabsets.append(node)
        elif tag == "div" and "tabbed-block" in classes:
            tabset = self.tabsets[-1]
            node = ["tab", "", [], []]
        elif tag == "label" and self.stack and any(n is not None and n[0] == "tabset" for _t, n in self.stack):
            self.in_label = True
        elif tag == "p" and "admonition-title" in classes or tag == "summary":
            self.in_title = True
        if tag in {"input", "br", "hr", "img"}:
            return
        if node is not None:
            parent[3].append(node)
        self.stack.append((tag, node))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label = False
        if tag in {"p", "summary"}:
            self.in_title = False
        while self.stack:
            open_tag, node = self.stack.pop()
            if node is not None and node[0] == "tabset":
                self.tabsets.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_label:
            tabset = self.tabsets[-1]
            tabset[2].append(data)
            return
        if self.in_title:
            return
        self._container()[2].extend(data.split())


def _freeze(node: list) -> tuple:
    kind, label, words, children = node
    if kind == "tabset":
        titles = list(words)
        tabs = [
            ("tab", titles[i] if i < len(titles) else "", tuple(c[2]), tuple(_freeze(g) for g in c[3]))
            for i, c in enumerate(children)
        ]
        return ("tabset", "", (), tuple(tabs))
    return (kind, label, tuple(words), tuple(_freeze(c) for c in children))


def render_outline(text: str) -> tuple:
    """The rendered container tree: (kind, label, words directly inside, children)."""
    builder = _OutlineBuilder()
    builder.feed(render_html(text))
    return _freeze(builder.root)


WORD_RE = re.compile(r"\S+")
