"""What the MkDocs site around a page does: its mkdocs.yml features and its other pages."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qalint.document import Document
    from qalint.site.model import SiteModel


def page_folder(document: Document) -> Path | None:
    """The folder a page lives in, when the page is a real file (not ``<text>``)."""
    if not document.path or document.path.startswith("<"):
        return None
    folder = Path(document.path).parent
    return folder if folder.is_dir() else None


def site_plugins(site: SiteModel, cache: dict[Path, frozenset[str]]) -> frozenset[str]:
    """The names of the MkDocs plugins the site's own config turns on (its ``plugins``
    setting, INHERIT merged), or none for a page no mkdocs.yml builds.

    ``cache`` maps config files to their plugin names, for one run. (Read from the site's
    config file, not the model, until the model carries ``plugins`` itself.)
    """
    path = site.config_path
    if path is None:
        return frozenset()
    if path not in cache:
        from qalint.site.yamlconfig import MkDocsConfigError, load_mkdocs_yaml

        try:
            value = load_mkdocs_yaml(path).data.get("plugins")
        except MkDocsConfigError:
            value = None
        items = value.items() if isinstance(value, dict) else value or []
        names = set()
        for item in items:
            name = item[0] if isinstance(item, tuple) else item
            if isinstance(item, dict) and len(item) == 1:
                name = next(iter(item))
            if isinstance(name, str):
                names.add(name.strip())
        cache[path] = frozenset(names)
    return cache[path]


def resolve_target(document: Document, path: str) -> Path | None:
    """The file a relative link names, resolved against the page's folder; None if unknown."""
    folder = page_folder(document)
    if folder is None or not path:
        return None
    return (folder / path).resolve()


INDEX_PAGES = {"index.md", "readme.md"}
PAGE_SUFFIXES = (".md", ".markdown")


def url_base_path(document: Document, path: str) -> str | None:
    """``path`` as a browser resolves it on the built page, relative to the page's folder.

    MkDocs rewrites a relative link that names a Markdown file (``x.md``); any other relative
    link is left as written, and the browser resolves it from the page's URL. With
    ``use_directory_urls`` (MkDocs' default) the page ``a/b.md`` is served at ``a/b/``, one
    folder deeper than its file: ``../c/`` written there means the page ``a/c.md``. Returns
    that reading (``b/../c/``), or None when it is the file reading (an index page, a
    Markdown target).
    """
    name = os.path.basename(document.path)
    target = path.split("#", 1)[0].split("?", 1)[0]
    if name.lower() in INDEX_PAGES or target.lower().endswith(PAGE_SUFFIXES):
        return None
    stem = os.path.splitext(name)[0]
    return f"{stem}/{path}"


def target_exists(path: Path) -> bool:
    """True when the link target exists as written, as a folder, or as ``path.md``."""
    if path.exists():
        return True
    return path.with_name(path.name + ".md").is_file()


def find_document(
    path: Path,
    documents: list[Document],
    cache: dict[Path, Document | None],
    site_for: Callable[[Path], SiteModel] | None = None,
) -> Document | None:
    """The parsed page at ``path``: one of this run's documents, else read from disk and
    parsed as its own site renders it (``site_for(path)``; the default site without one)."""
    if path in cache:
        return cache[path]
    found = None
    for document in documents:
        if not document.path.startswith("<") and Path(document.path).resolve() == path:
            found = document
            break
    if found is None and path.is_file() and path.suffix.lower() in {".md", ".markdown"}:
        from qalint.files import load
        from qalint.markdown.parse import parse
        from qalint.site.model import DEFAULT_SITE

        loaded = load(path, 10_000_000)
        if loaded.source is not None:
            found = parse(loaded.source, str(path), site_for(path) if site_for else DEFAULT_SITE)
    cache[path] = found
    return found
