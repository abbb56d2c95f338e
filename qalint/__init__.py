"""qalint: lint and validate MkDocs + Material question-and-answer banks.

Public API::

    import qalint
    diagnostics = qalint.lint_text(text, path="q.md")
    diagnostics = qalint.lint_paths(["content/"])

Both return a sorted list of ``Diagnostic`` (path, span, code, name, severity, message, fix).
``qalint.fix_text(text)`` returns the text with every safe fix applied.

Each takes the page's site: ``lint_paths`` finds every page's own mkdocs.yml; the text
functions take ``site=`` (a ``qalint.site.SiteModel``, or the path of a mkdocs.yml) and
otherwise use ``[tool.qalint] mkdocs-config``, else the Material default site.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from qalint.config import Config, load_config
from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span

if TYPE_CHECKING:
    from qalint.site.model import SiteModel

    SiteArg = SiteModel | str | os.PathLike[str] | None

__version__ = "0.1.0"
__all__ = [
    "Applicability",
    "Config",
    "Diagnostic",
    "Edit",
    "Fix",
    "FixError",
    "Severity",
    "Span",
    "__version__",
    "fix_text",
    "lint_paths",
    "lint_text",
    "parse_text",
]


def parse_text(text: str, path: str | None = None, site: SiteArg = None):
    """Parse Markdown text into a ``qalint.document.Document``, as ``site`` renders it
    (a SiteModel or a mkdocs.yml path; default: the Material default site)."""
    from qalint.markdown.parse import parse
    from qalint.markdown.source import Source
    from qalint.site.load import given_site

    model = given_site(site, Config())
    if text.startswith("\ufeff"):
        return parse(Source(text[1:], had_bom=True), path or "<text>", model)
    return parse(Source(text), path or "<text>", model)


def lint_text(
    text: str,
    path: str | None = None,
    config: Config | None = None,
    check_urls: bool = False,
    site: SiteArg = None,
) -> list[Diagnostic]:
    """Lint one Markdown text; ``path`` is used in diagnostics and for relative links.

    ``site``: a ``SiteModel`` or the path of the mkdocs.yml that renders the text (default:
    the config's ``mkdocs-config``, else the Material default site).
    """
    from qalint.engine import RunOptions, lint_documents
    from qalint.site.load import given_site

    config = config or Config()
    document = parse_text(text, path, given_site(site, config))
    return lint_documents([document], config, RunOptions(check_urls=check_urls))


def lint_paths(
    paths: list[str | Path], config: Config | None = None, check_urls: bool = False
) -> list[Diagnostic]:
    """Lint files and folders (folders are walked for ``*.md``).

    With no ``config``, the nearest ``qalint.toml`` or ``pyproject.toml`` [tool.qalint] above
    the first path is used.
    """
    from qalint.engine import RunOptions, run

    names = [str(p) for p in paths]
    if config is None:
        config = load_config(None, Path(names[0]) if names else Path.cwd())
    return run(names, config, RunOptions(check_urls=check_urls)).diagnostics


def fix_text(
    text: str,
    path: str | None = None,
    config: Config | None = None,
    unsafe: bool = False,
    site: SiteArg = None,
) -> str:
    """The text with safe fixes (and unsafe ones when asked) applied to a fixed point,
    parsed as ``site`` renders it (as for ``lint_text``).

    Raises ``FixError`` when the text cannot be fixed safely.
    """
    from qalint.fix import fix_text as _fix_text
    from qalint.site.load import given_site

    config = config or Config()
    return _fix_text(text, path, config, unsafe, given_site(site, config))


def __getattr__(name: str):
    if name == "FixError":
        from qalint.fix import FixError

        return FixError
    raise AttributeError(name)
