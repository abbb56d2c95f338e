"""What the MkDocs site around a page does: its mkdocs.yml features and its other pages."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qalint.document import Document
    from qalint.site.model import SiteModel

MKDOCS_FILES = ("mkdocs.yml", "mkdocs.yaml")


def page_folder(document: Document) -> Path | None:
    """The folder a page lives in, when the page is a real file (not ``<text>``)."""
    if not document.path or document.path.startswith("<"):
        return None
    folder = Path(document.path).parent
    return folder if folder.is_dir() else None


def _mkdocs_text(folder: Path, consulted: list[Path]) -> str | None:
    for candidate in (folder, *folder.parents):
        for name in MKDOCS_FILES:
            path = candidate / name
            consulted.append(path)
            if path.is_file():
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    return None
                return "\n".join(
                    line.split(" #", 1)[0]
                    for line in text.splitlines()
                    if not line.lstrip().startswith("#")
                )
    return None


def mkdocs_uses(
    document: Document,
    pattern: str,
    cache: dict[Path, str | None],
    consulted: list[Path] | None = None,
) -> bool:
    """True when the nearest mkdocs.yml above the page mentions ``pattern`` (a regex).

    ``cache`` maps folders to the mkdocs.yml text found from there, for one run; the paths
    looked at (present or not) are appended to ``consulted``, as the result depends on them.
    """
    folder = (page_folder(document) or Path.cwd()).resolve()
    if folder not in cache:
        cache[folder] = _mkdocs_text(folder, consulted if consulted is not None else [])
    text = cache[folder]
    return bool(text and re.search(pattern, text))


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
    site: SiteModel | None = None,
) -> Document | None:
    """The parsed page at ``path``: one of this run's documents, else read from disk and
    parsed as ``site`` renders it (the linking page's site: a link stays within its site)."""
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
            found = parse(loaded.source, str(path), site or DEFAULT_SITE)
    cache[path] = found
    return found
