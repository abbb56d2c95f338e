"""The real renderer as an oracle: Python-Markdown + pymdown-extensions, set up as Material does.

Test extra only. ``render_tree`` parses the rendered HTML into an ElementTree; ``page_problems``
says why a page is not a clean question bank page; ``token_homes`` maps marker tokens (``t12``)
to the container each one lands in, to compare with qalint's own block tree.

Every function takes the ``MarkdownFlags`` the page is parsed with (default: Material's set);
``renderer_config`` turns them into the extension list and options the renderer is built
with, so qalint and the oracle always describe the same configuration.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import markdown

from qalint.site.model import DEFAULT_FLAGS, MarkdownFlags

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
TOKEN_RE = re.compile(r"\bt\d+\b")


_BLOCK_EXTENSIONS = {
    "admonition": "pymdownx.blocks.admonition",
    "details": "pymdownx.blocks.details",
    "tab": "pymdownx.blocks.tab",
    "html": "pymdownx.blocks.html",
}


def renderer_config(flags: MarkdownFlags = DEFAULT_FLAGS) -> tuple[list[str], dict[str, dict]]:
    """The extensions (and their options) that ``flags`` describe, for ``markdown.Markdown``.

    The default flags give ``MATERIAL_EXTENSIONS`` plus def_list, footnotes and abbr (the rest
    of Material's documented set, which the default flags model).
    """
    if flags == DEFAULT_FLAGS:
        extensions = [*MATERIAL_EXTENSIONS, "def_list", "footnotes", "abbr"]
        return extensions, dict(MATERIAL_CONFIG)
    extensions = ["toc"]
    config: dict[str, dict] = {}
    for name, on in (
        ("tables", flags.tables),
        ("admonition", flags.admonition),
        ("pymdownx.details", flags.details),
        ("attr_list", flags.attr_list),
        ("md_in_html", flags.md_in_html),
        ("def_list", flags.def_list),
        ("footnotes", flags.footnotes),
        ("abbr", flags.abbr),
        ("sane_lists", flags.sane_lists),
    ):
        if on:
            extensions.append(name)
    if flags.superfences:
        extensions.append("pymdownx.superfences")
    elif flags.fenced_code:
        extensions.append("fenced_code")
    if flags.tabbed:
        extensions.append("pymdownx.tabbed")
        config["pymdownx.tabbed"] = {"alternate_style": flags.tabbed_alternate}
    if flags.arithmatex:
        extensions.append("pymdownx.arithmatex")
        config["pymdownx.arithmatex"] = {"generic": flags.arithmatex_generic}
    if flags.truly_sane_lists:
        extensions.append("mdx_truly_sane_lists")
        config["mdx_truly_sane_lists"] = {
            "nested_indent": flags.nested_indent,
            "truly_sane": flags.truly_sane,
        }
    for block, extension in _BLOCK_EXTENSIONS.items():
        if block in flags.blocks:
            extensions.append(extension)
    return extensions, config


def render_html(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> str:
    """HTML exactly as an MkDocs + Material site configured as ``flags`` renders the body."""
    extensions, config = renderer_config(flags)
    md = markdown.Markdown(extensions=extensions, extension_configs=config)
    return md.convert(text)


def render_site_html(text: str, extensions: list | tuple, configs: dict | None = None) -> str:
    """HTML as Python-Markdown renders ``text`` with exactly these extensions and options.

    ``extensions`` may also be a SiteModel's ``(name, options)`` pairs, so a test renders a
    page the way the site model it checks with describes it.
    """
    names: list[str] = []
    options: dict = dict(configs or {})
    for item in extensions:
        if isinstance(item, tuple):
            name, opts = item
            names.append(name)
            if opts:
                options[name] = dict(opts)
        else:
            names.append(item)
    return markdown.Markdown(extensions=names, extension_configs=options).convert(text)


def render_tree(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> ET.Element:
    """The rendered page as an element tree under a synthetic <root>."""
    html = render_html(text, flags).replace("&nbsp;", "&#160;")
    return ET.fromstring("<root>" + html + "</root>")


def _classes(el: ET.Element) -> list[str]:
    return (el.get("class") or "").split()


def _tabs(tabset: ET.Element) -> list[tuple[str, ET.Element]]:
    """(title, body) of each tab, for the alternate style and the legacy one."""
    if "tabbed-alternate" in _classes(tabset):
        labels = [lab.text or "" for lab in tabset.iter("label")]
        content = next(d for d in tabset if "tabbed-content" in _classes(d))
        blocks = [d for d in content if "tabbed-block" in _classes(d)]
    else:  # legacy: input, label, tabbed-content for each tab, as direct children
        labels = ["".join(lab.itertext()) for lab in tabset if lab.tag == "label"]
        blocks = [d for d in tabset if "tabbed-content" in _classes(d)]
    return list(zip(labels, blocks, strict=False))


def _is_block(el: ET.Element) -> bool:
    """An admonition (``!!!``) or collapsible details block (``???``)."""
    return el.tag == "details" or (el.tag == "div" and "admonition" in _classes(el))


def _body(el: ET.Element) -> list[ET.Element]:
    """The children of a block, without its title bar."""
    return [c for c in el if "admonition-title" not in _classes(c) and c.tag != "summary"]


def _is_question_block(el: ET.Element) -> bool:
    """A block of class ``question``, or any block that holds a tab set."""
    return _is_block(el) and (
        "question" in _classes(el) or any("tabbed-set" in _classes(c) for c in _body(el))
    )


def page_problems(
    text: str, heading_tag: str = "h4", flags: MarkdownFlags = DEFAULT_FLAGS
) -> list[str]:
    """Why the rendered page is not made only of proper question blocks (empty when it is).

    A proper block is an admonition or details block of class ``question`` holding exactly one
    tab set with the tabs Question then Answer, one non-empty heading in the first and content
    in the second. Intro content (a note admonition too) may open the page and follow a
    section heading, but nothing else may follow a question block at the top level;
    questions must be unique.
    """
    problems: list[str] = []
    seen: set[str] = set()
    after_question = False
    for el in render_tree(text, flags):
        if el.tag in {"h1", "h2", "h3"}:
            after_question = False
            continue
        if not _is_question_block(el):
            if after_question:
                problems.append(f"stray top-level <{el.tag}>")
            continue
        after_question = True
        problems.extend(_block_problems(el, heading_tag, seen))
    return problems


def _block_problems(el: ET.Element, heading_tag: str, seen: set[str]) -> list[str]:
    """Why one question-like block is not a proper question block."""
    problems: list[str] = []
    classes = _classes(el)
    if "question" not in classes:
        problems.append(f"admonition of class {classes}")
    children = _body(el)
    tabsets = [c for c in children if "tabbed-set" in _classes(c)]
    if len(children) != 1 or len(tabsets) != 1:
        problems.append(f"admonition holds {[c.tag for c in children]}")
        if not tabsets:
            return problems
    tabs = _tabs(tabsets[0])
    titles = [t for t, _ in tabs]
    if titles != ["Question", "Answer"]:
        problems.append(f"tabs {titles}")
        return problems
    question, answer = tabs[0][1], tabs[1][1]
    headings = [c for c in question if c.tag.startswith("h")]
    if (
        len(headings) != 1
        or headings[0].tag != heading_tag
        or not "".join(headings[0].itertext()).strip()
    ):
        problems.append(f"question tab holds {[c.tag for c in question]}")
    else:
        words = re.sub(r"[^\w\s]", " ", "".join(headings[0].itertext()).lower())
        key = " ".join(words.split())
        if key in seen:
            problems.append(f"duplicate question {key!r}")
        seen.add(key)
    if not len(answer) and not (answer.text or "").strip():
        problems.append("empty answer")
    return problems


def token_homes(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> dict[str, str]:
    """For each marker token in the page, a path naming the container it lands in."""
    homes: dict[str, str] = {}

    def visit(el: ET.Element, path: str) -> None:
        classes = _classes(el)
        if el.tag == "div" and "admonition" in classes:
            path = f"{path}/admonition"
        elif el.tag == "details":
            path = f"{path}/details"
        elif el.tag == "div" and "tabbed-set" in classes:
            for title, block in _tabs(el):
                visit(block, f"{path}/tab:{title}")
            return
        for token in TOKEN_RE.findall(el.text or ""):
            homes[token] = path
        for child in el:
            visit(child, path)
            for token in TOKEN_RE.findall(child.tail or ""):
                homes[token] = path

    visit(render_tree(text, flags), "")
    return homes
