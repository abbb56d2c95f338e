"""qalint: lint and validate MkDocs + Material question-and-answer banks.

Public API::

    import qalint
    diagnostics = qalint.lint_text(text, path="q.md")
    diagnostics = qalint.lint_paths(["content/"])

Both return a sorted list of ``Diagnostic`` (path, span, code, name, severity, message, fix).
``qalint.fix_text(text)`` returns the text with every safe fix applied.
"""

from __future__ import annotations

from pathlib import Path

from qalint.config import Config, load_config
from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span

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


def parse_text(text: str, path: str | None = None):
    """Parse Markdown text into a ``qalint.document.Document``."""
    from qalint.markdown.parse import parse
    from qalint.markdown.source import Source

    if text.startswith("\ufeff"):
        return parse(Source(text[1:], had_bom=True), path or "<text>")
    return parse(Source(text), path or "<text>")


def lint_text(
    text: str, path: str | None = None, config: Config | None = None, check_urls: bool = False
) -> list[Diagnostic]:
    """Lint one Markdown text; ``path`` is used in diagnostics and for relative links."""
    from qalint.engine import RunOptions, lint_documents

    document = parse_text(text, path)
    return lint_documents([document], config or Config(), RunOptions(check_urls=check_urls))


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
    text: str, path: str | None = None, config: Config | None = None, unsafe: bool = False
) -> str:
    """The text with safe fixes (and unsafe ones when asked) applied to a fixed point.

    Raises ``FixError`` when the text cannot be fixed safely.
    """
    from qalint.fix import fix_text as _fix_text

    return _fix_text(text, path, config, unsafe)


def __getattr__(name: str):
    if name == "FixError":
        from qalint.fix import FixError

        return FixError
    raise AttributeError(name)
