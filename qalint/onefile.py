"""Lint or fix one text that may not be on disk (standard input, an editor's buffer).

The command line's ``check -``, the language server and the MkDocs plugin's text path all
come through here, so the way one page is read (its configuration, and its site model once
that is loaded from ``mkdocs.yml``) is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qalint.config import Config, load_config
from qalint.diagnostics import Diagnostic
from qalint.document import Document
from qalint.engine import RunOptions, lint_documents
from qalint.files import display_path, load_bytes
from qalint.markdown.parse import parse
from qalint.site.model import SiteModel


@dataclass
class Linted:
    """One text's findings, and its Document when it could be decoded and parsed."""

    path: str
    diagnostics: list[Diagnostic]
    document: Document | None


def shown_path(filename: str | None, default: str = "-") -> str:
    """How findings name a text: its file name as ``check`` would show it, else ``default``."""
    return display_path(Path(filename)) if filename else default


def config_for(filename: str | None, explicit: Path | None = None) -> Config:
    """The configuration that applies to ``filename`` (the nearest config file above it)."""
    start = Path(filename).parent if filename else Path.cwd()
    while not start.exists() and start != start.parent:
        start = start.parent
    return load_config(explicit, start if start.exists() else Path.cwd())


def site_of(path: str, config: Config) -> SiteModel:
    """The site model that renders the page at ``path`` (a lone text's only site lookup).

    The site whose ``mkdocs.yml`` builds ``path`` (Material's defaults when none does), read
    afresh on each call, so an edited ``mkdocs.yml`` takes effect at the next lint.
    """
    from qalint.site.load import site_for_path

    return site_for_path(path, config)


def parse_page(text: str, path: str, config: Config, had_bom: bool = False) -> Document:
    """Parse one page's decoded text with its site model."""
    from qalint.markdown.source import Source

    return parse(Source(text, had_bom=had_bom), path, site_of(path, config))


def lint_bytes(data: bytes, path: str, config: Config, options: RunOptions | None = None) -> Linted:
    """Decode and lint one page's bytes; an input problem (E003, E004) is its only finding."""
    loaded = load_bytes(path, data)
    if loaded.source is None:
        problems = [loaded.problem] if loaded.problem is not None else []
        return Linted(path, lint_documents([], config, options, problems), None)
    document = parse(loaded.source, path, site_of(path, config))
    return Linted(path, lint_documents([document], config, options or RunOptions()), document)


def lint_string(text: str, path: str, config: Config, options: RunOptions | None = None) -> Linted:
    """Lint one page's decoded text (a leading BOM is kept as the file would have it)."""
    had_bom = text.startswith("\ufeff")
    document = parse_page(text[1:] if had_bom else text, path, config, had_bom)
    return Linted(path, lint_documents([document], config, options or RunOptions()), document)
