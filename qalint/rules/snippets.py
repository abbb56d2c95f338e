"""L021/L022: a ``pymdownx.snippets`` include names a file that does not exist; L023: it
closes the code fence it is written in.

With ``check_paths: true`` the extension stops the build (``SnippetMissingError``): L021, an
error. Otherwise the include silently renders nothing where the reader expects content: L022,
a warning. Includes are found and resolved by ``qalint.markdown.snippets`` against the site's
``base_path`` (relative to the mkdocs.yml folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qalint.diagnostics import Diagnostic, Severity, Span
from qalint.document import Document
from qalint.markdown.blocks import opens_superfence
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


# --------------------------------------------------------------------------- L023


@dataclass(frozen=True)
class _Closer:
    """An included line that closes the page's fence around its include."""

    include: Include
    line: int  # 1-based line of the included file
    text: str  # that line as written in the file
    opener: int  # page line of the fence it closes
    column: int  # 1-based column of that fence
    fence: str  # that fence (```, ~~~~, ...)
    end_line: int  # page line of the fence's own closer, which then shows as text


def _included_closer(
    include: Include, indent: str, ws: int, fence: str, bases: list[Path], restrict: bool
) -> tuple[int, str] | None:
    """The first line of ``include``'s file that, indented like the include, closes ``fence``.

    superfences closes a fence on a line indented exactly as the opener (``ws`` spaces) and
    made of the same fence and spaces; a non-blank line indented less abandons the fence
    (no closer then). Includes with line ranges or a section are not read.
    """
    if include.written != include.path:
        return None
    found = resolve(include.path, bases, restrict)
    if found is None or not found.is_file():
        return None
    try:
        text = found.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    prefix = " " * ws
    for number, raw in enumerate(text.splitlines(), start=1):
        line = indent + raw
        if not line.strip():
            continue
        if not line.startswith(prefix):
            return None  # abandoned, not closed: another defect
        content = line[ws:]
        if content.startswith(fence) and not content[len(fence) :].strip(" \t"):
            return number, raw
    return None


def _closers(ctx: RuleContext, doc: Document) -> list[_Closer]:
    """Fenced code blocks of the page whose included text closes them early."""
    flags = doc.site.flags
    if not (flags.snippets and flags.superfences) or "8<" not in doc.text:
        return []
    if "```" not in doc.text and "~~~" not in doc.text:
        return []
    blocks = [b for b in doc.code_blocks if b.fenced and b.span.end_line > b.span.line + 1]
    if not blocks:
        return []
    skip = doc.front_matter.end_line if doc.front_matter is not None else 0
    includes = [i for i in find_includes(doc.lines) if i.line > skip]
    if not includes:
        return []
    options = doc.site.options("pymdownx.snippets")
    restrict = bool(options.get("restrict_base_path", True))
    bases = _bases(doc)
    lines = doc.lines
    out: list[_Closer] = []
    for block in blocks:
        start, end = block.span.line, block.span.end_line
        inside = [i for i in includes if start < i.line < end]
        if not inside:
            continue
        opener = lines[start - 1]
        stripped = opener.lstrip(" ")
        m = opens_superfence(stripped)
        if m is None:
            continue
        ws, fence = len(opener) - len(stripped), m.group("fence")
        for include in inside:
            for base in bases:
                ctx.depends_on(base / include.path)
            page_line = lines[include.line - 1]
            indent = page_line[: len(page_line) - len(page_line.lstrip(" \t"))]
            hit = _included_closer(include, indent.expandtabs(4), ws, fence, bases, restrict)
            if hit is not None:
                out.append(_Closer(include, hit[0], hit[1], start, ws + 1, fence, end))
                break  # the fence is closed: the later includes render outside it
    return out


@rule(
    "L023",
    "snippet-closes-fence",
    summary="A `--8<--` snippet inside a code fence includes a line that closes the fence.",
    explanation="pymdownx.snippets inserts the included file before any block parsing, "
    "indented like the `--8<--` line. When the include sits inside a fenced code block (to "
    "show a file's Markdown source, say) and the file holds its own fences, its closing "
    "fence line closes the outer fence early: the rest of the file renders as Markdown and "
    "the outer fence's own closer shows as a literal fence. Use a longer outer fence than "
    "any fence in the included file.",
    bad='```md\n--8<-- "exercise.md"   (exercise.md holds a ```python ... ``` block)\n```',
    good='````md\n--8<-- "exercise.md"\n````',
    severity=Severity.ERROR,
)
def check_snippet_closes_fence(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Includes whose text closes the code fence they are written in."""
    doc = ctx.document
    for hit in once(ctx, "snippets.closers", doc, lambda d: _closers(ctx, d)):
        include = hit.include
        longer = hit.fence[0] * (len(hit.fence) + 1)
        # from the fence to change to its closer, which shows as text on the page
        span = Span(hit.opener, hit.column, hit.end_line, len(doc.lines[hit.end_line - 1]) + 1)
        yield check_snippet_closes_fence(
            ctx,
            span,
            f"line {hit.line} of '{include.written}' ({hit.text.strip()!r}), included on line "
            f"{include.line}, closes this {hit.fence} fence: the rest of the include renders "
            f"as Markdown and the fence's closer on line {hit.end_line} shows "
            f"as text; use a longer outer fence ({longer}) than any fence in the included file",
        )
