"""``markdown_extensions`` as MkDocs normalises it, and the parser flags it implies.

MkDocs 1.6 (``config_options.MarkdownExtensions``): each item is a name or a one-key mapping
``{name: options}`` (the whole setting may also be a mapping); ``toc``, ``tables`` and
``fenced_code`` are loaded first; a repeated name keeps its first place, and the options of
its last occurrence that has options replace earlier ones (MkDocs keeps one options dict per
name). qalint also folds ``markdown.extensions.toc`` into ``toc`` (and drops a
``:ClassName`` suffix), so both spellings are one extension.

``flags_from_extensions`` reads every option with the extension's own default, taken from
the installed sources (Python-Markdown 3, pymdown-extensions 10, mdx_truly_sane_lists 1.3).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from qalint.site.model import MarkdownFlags
from qalint.site.tags import PythonTag, RelativePath

BUILTINS = ("toc", "tables", "fenced_code")  # MkDocs loads these whatever the config says

# What Python-Markdown's and pymdown-extensions' "extra" bundles turn on.
EXTRA = ("abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "tables")
PYMDOWNX_EXTRA = (
    "pymdownx.betterem",
    "pymdownx.superfences",
    "footnotes",
    "attr_list",
    "def_list",
    "tables",
    "abbr",
    "md_in_html",
)

# The ``///`` block names each pymdownx.blocks extension registers by default.
BLOCK_NAMES: dict[str, tuple[str, ...]] = {
    "pymdownx.blocks.admonition": (
        "admonition",
        "note",
        "attention",
        "caution",
        "danger",
        "error",
        "tip",
        "hint",
        "warning",
        "important",
    ),
    "pymdownx.blocks.details": ("details",),
    "pymdownx.blocks.tab": ("tab",),
    "pymdownx.blocks.html": ("html",),
    "pymdownx.blocks.definition": ("define",),
    "pymdownx.blocks.caption": ("caption", "figure-caption", "table-caption"),
}

# Extensions whose effect on the page qalint models (block structure, math, links, snippets).
MODELLED = frozenset(
    {
        "toc",
        "tables",
        "fenced_code",
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "footnotes",
        "md_in_html",
        "sane_lists",
        "mdx_truly_sane_lists",
        "extra",
        "pymdownx.extra",
        "pymdownx.arithmatex",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.tabbed",
        "pymdownx.magiclink",
        "pymdownx.snippets",
        *BLOCK_NAMES,
    }
)

# Extensions that change only inline rendering or styling, never which block a line is in,
# where math is, or where a link points: nothing for qalint to model. (Not ``meta``: it
# swallows a page's first lines when they look like ``Key: value``, as "Question: ..." does.)
HARMLESS = frozenset(
    {
        "codehilite",
        "legacy_attrs",
        "legacy_em",
        "nl2br",
        "smarty",
        "pymdownx.betterem",
        "pymdownx.caret",
        "pymdownx.emoji",
        "pymdownx.escapeall",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.keys",
        "pymdownx.mark",
        "pymdownx.progressbar",
        "pymdownx.smartsymbols",
        "pymdownx.striphtml",
        "pymdownx.tasklist",
        "pymdownx.tilde",
        "material.extensions.emoji",
    }
)


def normalise_name(name: str) -> str:
    """``markdown.extensions.toc`` (or ``...toc:TocExtension``) → ``toc``."""
    name = name.strip()
    if name.startswith("markdown.extensions."):
        name = name[len("markdown.extensions.") :].partition(":")[0]
    return name


class ExtensionsError(ValueError):
    """``markdown_extensions`` is not a list of names and one-key mappings."""


def normalise_extensions(value: Any) -> tuple[tuple[str, dict[str, Any]], ...]:
    """The ``(name, options)`` list MkDocs would load, in load order (see the module doc)."""
    if value is None:
        value = []
    items: list[tuple[Any, Any]] = []
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping):
                if len(item) != 1:
                    raise ExtensionsError(
                        f"an item of markdown_extensions has {len(item)} keys; write one "
                        "extension per item (`- name:` with its options indented below)"
                    )
                items.append(next(iter(item.items())))
            elif isinstance(item, str):
                items.append((item, None))
            else:
                raise ExtensionsError(
                    f"markdown_extensions: {item!r} is not an extension name or a mapping"
                )
    else:
        raise ExtensionsError("markdown_extensions must be a list of extension names")
    order: dict[str, None] = dict.fromkeys(BUILTINS)
    options: dict[str, dict[str, Any]] = {}
    for name, opts in items:
        if not isinstance(name, str):
            raise ExtensionsError(f"markdown_extensions: {name!r} is not an extension name")
        if opts and not isinstance(opts, Mapping):
            raise ExtensionsError(
                f"markdown_extensions: the options of '{name}' must be a mapping, got {opts!r}"
            )
        key = normalise_name(name)
        order.setdefault(key, None)
        if opts:
            options[key] = dict(opts)
    return tuple((name, options.get(name, {})) for name in order)


def math_renderer(extra_javascript: Any) -> str:
    """``katex`` when a KaTeX script is loaded, else ``mathjax`` when a MathJax script (its
    name says mathjax, or it is one of MathJax 3's ``tex-*.js`` components), else ``none``."""
    paths: list[str] = []
    for item in extra_javascript if isinstance(extra_javascript, list | tuple) else []:
        if isinstance(item, Mapping):
            item = item.get("path", "")
        if isinstance(item, str | os.PathLike):
            paths.append(os.fspath(item).lower())
    if any("katex" in p for p in paths):
        return "katex"
    for p in paths:
        name = p.rsplit("/", 1)[-1].partition("?")[0]
        if "mathjax" in p or (name.startswith("tex-") and name.endswith(".js")):
            return "mathjax"
    return "none"


def _strings(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return default


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):  # Python-Markdown's parseBoolValue
        lowered = value.lower()
        if lowered in {"true", "yes", "y", "on", "1"}:
            return True
        if lowered in {"false", "no", "n", "off", "0", "none"}:
            return False
    if isinstance(value, int):
        return bool(value)
    return default


def slugify_name(value: Any) -> str:
    """A toc ``slugify`` option as text: ``pymdownx.slugs.slugify`` (with ``(case=lower)``
    when it is called with arguments through ``!!python/object/apply``)."""
    if isinstance(value, PythonTag):
        if value.kind == "name":
            return value.name
        args = value.value
        if isinstance(args, Mapping):
            kwds = args.get("kwds", {})
            positional = args.get("args", [])
        else:
            kwds, positional = {}, args if isinstance(args, list) else []
        parts = [repr(a) for a in positional] + [
            f"{k}={v}" for k, v in (kwds.items() if isinstance(kwds, Mapping) else [])
        ]
        return f"{value.name}({', '.join(parts)})" if parts else value.name
    if value is None or value == "":
        return "default"
    return str(value)


PAGE_DIR = "!relative"  # a snippets base path that is the folder of the page being rendered


def _base_paths(value: Any, config_dir: Path | None, docs_dir: Path | None) -> tuple[str, ...]:
    """Snippets' base paths as absolute folders (relative ones are relative to the folder
    mkdocs runs in: the config file's folder); a plain ``!relative`` stays ``PAGE_DIR``."""
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, RelativePath):
            if item.base == "page":
                out.append(PAGE_DIR)
                continue
            root = config_dir if item.base == "config_dir" else docs_dir
            if root is None:
                continue
            out.append(os.path.normpath(os.path.join(root, item.suffix)))
        elif isinstance(item, str | os.PathLike):
            text = os.fspath(item)
            base = config_dir or Path.cwd()
            out.append(os.path.normpath(os.path.join(base, text)))
    return tuple(out)


def _block_names(extensions: Mapping[str, Mapping[str, Any]]) -> frozenset[str]:
    names: set[str] = set()
    for ext, defaults in BLOCK_NAMES.items():
        if ext not in extensions:
            continue
        opts = extensions[ext]
        types = opts.get("types")
        if types is not None and ext == "pymdownx.blocks.admonition":
            defaults = defaults[:1]  # the base block stays; the types replace the default ones
        elif types is not None and ext == "pymdownx.blocks.caption":
            defaults = ()  # caption registers only its types
        names.update(defaults)
        if ext == "pymdownx.blocks.html":
            for custom in opts.get("custom", []) or []:
                if isinstance(custom, Mapping) and isinstance(custom.get("tag"), str):
                    names.add(custom["tag"])
        for item in types or []:
            if isinstance(item, Mapping) and isinstance(item.get("name"), str):
                names.add(item["name"])
            elif isinstance(item, str):
                names.add(item)
    return frozenset(names)


def flags_from_extensions(
    extensions: Iterable[tuple[str, Mapping[str, Any]]],
    config_dir: Path | None = None,
    docs_dir: Path | None = None,
) -> MarkdownFlags:
    """Every ``MarkdownFlags`` field from a normalised extension list and its options.

    ``config_dir`` (where mkdocs runs: the mkdocs.yml's folder) anchors relative snippets
    base paths; ``docs_dir`` resolves ``!relative $docs_dir``.
    """
    exts: dict[str, Mapping[str, Any]] = {}
    for name, opts in extensions:
        exts.setdefault(normalise_name(name), opts or {})
    on = set(exts)
    if "extra" in on:
        on.update(EXTRA)
    if "pymdownx.extra" in on:
        on.update(PYMDOWNX_EXTRA)

    def opt(ext: str, key: str, default: Any) -> Any:
        return exts.get(ext, {}).get(key, default)

    truly = "mdx_truly_sane_lists" in on
    arith = "pymdownx.arithmatex"
    snippets = "pymdownx.snippets"
    return MarkdownFlags(
        tab_length=4,  # MkDocs never changes Python-Markdown's tab_length
        admonition="admonition" in on,
        details="pymdownx.details" in on,
        tabbed="pymdownx.tabbed" in on,
        tabbed_alternate=_bool(opt("pymdownx.tabbed", "alternate_style", False), False),
        blocks=_block_names(exts),
        superfences="pymdownx.superfences" in on,
        fenced_code="fenced_code" in on,
        sane_lists="sane_lists" in on,
        truly_sane_lists=truly,
        nested_indent=_int(opt("mdx_truly_sane_lists", "nested_indent", 2), 2) if truly else 4,
        truly_sane=_bool(opt("mdx_truly_sane_lists", "truly_sane", True), True),
        md_in_html="md_in_html" in on,
        attr_list="attr_list" in on,
        def_list="def_list" in on,
        footnotes="footnotes" in on,
        tables="tables" in on,
        abbr="abbr" in on,
        arithmatex=arith in on,
        arithmatex_generic=_bool(opt(arith, "generic", False), False),
        smart_dollar=_bool(opt(arith, "smart_dollar", True), True),
        inline_syntax=_strings(opt(arith, "inline_syntax", None), ("dollar", "round")),
        block_syntax=_strings(opt(arith, "block_syntax", None), ("dollar", "square", "begin")),
        magiclink="pymdownx.magiclink" in on,
        snippets=snippets in on,
        snippets_base_path=_base_paths(opt(snippets, "base_path", ["."]), config_dir, docs_dir)
        if snippets in on
        else (".",),
        snippets_check_paths=_bool(opt(snippets, "check_paths", False), False),
        toc_slugify=slugify_name(opt("toc", "slugify", None)),
    )


def _int(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except ValueError:
        return default


def unmodelled(extensions: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[str, ...]:
    """Extensions on the list that qalint neither models nor knows to be harmless to
    block structure, math and links (where its findings may be off)."""
    return tuple(
        name
        for name, _ in extensions
        if normalise_name(name) not in MODELLED and normalise_name(name) not in HARMLESS
    )
