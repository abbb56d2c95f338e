"""L021/L022: a ``pymdownx.snippets`` include names a file that does not exist.

With ``check_paths: true`` the extension stops the build (``SnippetMissingError``): L021, an
error. Otherwise the include silently renders nothing where the reader expects content: L022,
a warning. Includes are found and resolved by ``qalint.markdown.snippets`` against the site's
``base_path`` (relative to the mkdocs.yml folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from qalint.diagnostics import Diagnostic, Severity, Span
from qalint.document import Document
from qalint.markdown.snippets import Include, find_includes, resolve
from qalint.rules._memo import once
from qalint.rules.registry import RuleContext, rule

PAGE_DIR = "!relative"  # a base_path entry meaning the folder of the page being rendered


def _bases(doc: Document) -> list[Path]:
    """The site's ``base_path`` folders, from the folder MkDocs runs in (mkdocs.yml's).

    Entries may be absolute already (the site loader resolves them); a plain ``!relative``
    entry is the page's own folder.
    """
    root = doc.site.config_path.parent if doc.site.config_path is not None else Path.cwd()
    page = Path(doc.path).parent if doc.path and not doc.path.startswith("<") else root
    return [page if base == PAGE_DIR else root / base for base in doc.site.flags.snippets_base_path]


def _missing(ctx: RuleContext, doc: Document) -> list[tuple[Include, list[Path]]]:
    """Includes of the page that resolve to no file, with the folders looked in."""
    if not doc.site.flags.snippets or "8<" not in doc.text:
        return []
    options = doc.site.options("pymdownx.snippets")
    restrict = bool(options.get("restrict_base_path", True))
    download = bool(options.get("url_download", False))
    bases = _bases(doc)
    skip = doc.front_matter.end_line if doc.front_matter is not None else 0
    out: list[tuple[Include, list[Path]]] = []
    for include in find_includes(doc.lines):
        if include.line <= skip:
            continue
        if download and include.path.lower().startswith(("https://", "http://")):
            continue  # fetched at build time; not checked offline
        for base in bases:
            ctx.depends_on(base / include.path)
        if resolve(include.path, bases, restrict) is None:
            out.append((include, bases))
    return out


def _message(include: Include, bases: list[Path], root: Path | None) -> str:
    def shown(base: Path) -> str:
        if root is not None:
            try:
                return base.relative_to(root).as_posix() or "."
            except ValueError:
                pass
        return base.as_posix()

    where = ", ".join(f"'{shown(base)}'" for base in bases) or "no base_path folder"
    return f"snippet '{include.written}' not found (looked in {where}, from base_path)"


def _report(ctx: RuleContext, strict: bool) -> Iterator[tuple[Span, str]]:
    doc = ctx.document
    if doc.site.flags.snippets_check_paths != strict:
        return
    root = doc.site.config_path.parent if doc.site.config_path is not None else None
    for include, bases in once(ctx, "snippets.missing", doc, lambda d: _missing(ctx, d)):
        span = Span(include.line, include.column, include.line, include.end_column)
        yield span, _message(include, bases, root)


@rule(
    "L021",
    "snippet-missing-file-build-fails",
    summary="A `--8<--` snippet names a missing file and `check_paths` stops the build.",
    explanation="pymdownx.snippets looks the path up in each `base_path` folder (relative to "
    "the folder of mkdocs.yml). With `check_paths: true` a missing file raises "
    "`SnippetMissingError` and `mkdocs build` fails. Fix the path or add the file.",
    bad='--8<-- "includes/exercice_1.md"   (no such file under base_path)',
    good='--8<-- "includes/exercise_1.md"',
    severity=Severity.ERROR,
)
def check_missing_snippet_strict(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Missing snippet files on a site with ``check_paths: true``."""
    for span, message in _report(ctx, True):
        yield check_missing_snippet_strict(
            ctx, span, message + "; with check_paths: true the build fails: fix the path"
        )


@rule(
    "L022",
    "snippet-missing-file",
    summary="A `--8<--` snippet names a missing file, so it renders nothing.",
    explanation="pymdownx.snippets looks the path up in each `base_path` folder (relative to "
    "the folder of mkdocs.yml). Without `check_paths` a missing file is skipped silently: the "
    "page shows nothing where the included content should be (an empty question or answer "
    "tab, for instance). Fix the path or add the file; set `check_paths: true` in mkdocs.yml "
    "to make the build catch it (L021).",
    bad='--8<-- "includes/exercice_1.md"   (no such file under base_path)',
    good='--8<-- "includes/exercise_1.md"',
    severity=Severity.WARNING,
)
def check_missing_snippet(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Missing snippet files on a site without ``check_paths``."""
    for span, message in _report(ctx, False):
        yield check_missing_snippet(
            ctx, span, message + ", so nothing renders here: fix the path or add the file"
        )
