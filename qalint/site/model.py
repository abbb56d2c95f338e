"""The site model: what a page's own ``mkdocs.yml`` says about how its Markdown renders.

``SiteModel`` is the loaded, normalised picture of one MkDocs configuration (which file, which
extensions with which options, which math renderer, where the docs live). ``MarkdownFlags`` is
the small, hashable projection of it that the block and inline parsers read: parsing is a pure
function of (text, flags), so a Document never depends on anything but its site's flags.

Loading a ``mkdocs.yml`` into a ``SiteModel`` lives in ``qalint.site.load``; this module only
defines the model and the defaults used when a page has no ``mkdocs.yml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The extensions Material for MkDocs documents for admonitions, collapsibles, content tabs,
# math and the rest of what a question bank uses; assumed when a page has no mkdocs.yml.
MATERIAL_DEFAULT_EXTENSIONS: tuple[tuple[str, Mapping[str, Any]], ...] = (
    ("toc", {"permalink": True}),
    ("tables", {}),
    ("fenced_code", {}),
    ("abbr", {}),
    ("admonition", {}),
    ("attr_list", {}),
    ("def_list", {}),
    ("footnotes", {}),
    ("md_in_html", {}),
    ("pymdownx.arithmatex", {"generic": True}),
    ("pymdownx.details", {}),
    ("pymdownx.superfences", {}),
    ("pymdownx.tabbed", {"alternate_style": True}),
)

MATH_RENDERERS = ("mathjax", "katex", "none")


@dataclass(frozen=True, slots=True)
class JinjaSyntax:
    """How the mkdocs-macros plugin reads a page as a Jinja template, before Markdown does.

    The delimiters are Jinja's defaults unless the plugin's ``j2_*_string`` options change
    them. ``render_by_default`` False: only pages whose front matter says
    ``render_macros: true``, or whose path (relative to docs_dir) matches
    ``force_render_paths`` (gitignore lines), are rendered.
    """

    variable_start: str = "{{"
    variable_end: str = "}}"
    block_start: str = "{%"
    block_end: str = "%}"
    comment_start: str = "{#"
    comment_end: str = "#}"
    render_by_default: bool = True
    force_render_paths: str = ""


@dataclass(frozen=True, slots=True)
class MarkdownFlags:
    """What the parsers need to know about a site's Markdown, as plain hashable values.

    Every field has the value it takes under ``MATERIAL_DEFAULT_EXTENSIONS``, so
    ``MarkdownFlags()`` is the default site.
    """

    tab_length: int = 4
    admonition: bool = True
    details: bool = True  # pymdownx.details: ``???`` / ``???+``
    tabbed: bool = True  # pymdownx.tabbed: ``=== "Title"``
    tabbed_alternate: bool = True  # alternate_style
    # pymdownx.blocks.*: the ``///`` block names that are on (admonition, details, tab, html,
    # definition, caption, and the admonition/details types they register)
    blocks: frozenset[str] = frozenset()
    superfences: bool = True  # else fenced_code: fences only at the top level
    fenced_code: bool = True
    sane_lists: bool = False
    truly_sane_lists: bool = False  # mdx_truly_sane_lists
    nested_indent: int = 4  # spaces a nested list item needs past its parent (2 when truly_sane)
    truly_sane: bool = True  # mdx_truly_sane_lists' own ``truly_sane`` option
    md_in_html: bool = True
    attr_list: bool = True
    def_list: bool = True
    footnotes: bool = True
    tables: bool = True
    abbr: bool = True
    arithmatex: bool = True
    arithmatex_generic: bool = True
    smart_dollar: bool = True
    inline_syntax: tuple[str, ...] = ("dollar", "round")
    block_syntax: tuple[str, ...] = ("dollar", "square", "begin")
    magiclink: bool = False
    snippets: bool = False
    snippets_base_path: tuple[str, ...] = (".",)
    snippets_check_paths: bool = False
    toc_slugify: str = "default"  # or "pymdownx.slugs.slugify" (with its options in the name)
    # mkdocs-macros: pages are Jinja templates rendered before Markdown (None: plugin off)
    jinja: JinjaSyntax | None = None


DEFAULT_FLAGS = MarkdownFlags()


@dataclass(frozen=True)
class SiteModel:
    """One site's effective rendering configuration, normalised as MkDocs normalises it.

    ``extensions`` lists ``(name, options)`` in load order, names normalised
    (``markdown.extensions.toc`` → ``toc``), ``toc``, ``tables`` and ``fenced_code`` first,
    a repeated extension merged into its first place. ``origin`` says where the model came
    from: ``"mkdocs.yml"``, ``"default"`` (no mkdocs.yml found) or ``"override"``.
    ``plugins`` lists the ``plugins`` setting as ``(name, options)`` in order (MkDocs'
    default ``search`` when the setting is absent; none for the default site).
    """

    config_path: Path | None = None
    docs_dir: Path | None = None
    exclude_docs: str = ""
    extensions: tuple[tuple[str, Mapping[str, Any]], ...] = MATERIAL_DEFAULT_EXTENSIONS
    math: str = "mathjax"
    origin: str = "default"
    unmodelled: tuple[str, ...] = ()
    inherited_from: tuple[Path, ...] = ()
    flags: MarkdownFlags = field(default=DEFAULT_FLAGS)
    plugins: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    # The page lies outside docs_dir, in a folder pymdownx.snippets includes from: a fragment
    # the site never renders as a page of its own (its relative links resolve from the page
    # that includes it, so they are not checked from its own folder).
    snippet_fragment: bool = False

    def has(self, name: str) -> bool:
        """Whether extension ``name`` (normalised) is on."""
        return any(ext == name for ext, _ in self.extensions)

    def options(self, name: str) -> Mapping[str, Any]:
        """The options extension ``name`` is configured with ({} when absent)."""
        for ext, opts in self.extensions:
            if ext == name:
                return opts
        return {}

    def has_plugin(self, name: str) -> bool:
        """Whether plugin ``name`` is listed and not switched off with ``enabled: false``."""
        return any(
            plugin == name and opts.get("enabled", True) is not False
            for plugin, opts in self.plugins
        )


DEFAULT_SITE = SiteModel()
