"""The language server: diagnostics, code actions, hover and the outline of a page.

Each open page is linted as ``qalint check`` would lint that file (its configuration, its
selection and severities), from the editor's text rather than the disk: on open, on save,
and 0.3 s after the last change. Linting runs on one worker thread, so the server keeps
answering while a long page is checked. The configuration is looked up again on every lint
and read again when its file changed (``workspace/didChangeWatchedFiles`` also re-lints
every open page), so editing ``pyproject.toml``, ``qalint.toml`` or ``mkdocs.yml`` takes
effect without a restart.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from qalint import __version__
from qalint.config import Config, ConfigError, find_config_file, read_config_file
from qalint.diagnostics import Applicability, Diagnostic
from qalint.document import Document
from qalint.engine import RunOptions
from qalint.files import display_path
from qalint.lsp.convert import (
    FIX_ALL_KIND,
    Positions,
    hover_markdown,
    overlaps,
    text_edits,
    to_lsp,
    to_range,
)
from qalint.lsp.symbols import page_questions
from qalint.onefile import lint_string

DEBOUNCE_SECONDS = 0.3
WATCHED = ("pyproject.toml", "qalint.toml", ".qalint.toml", "mkdocs.yml", "mkdocs.yaml")


@dataclass
class Linted:
    """The findings of one version of one open page."""

    version: int | None
    text: str
    diagnostics: list[Diagnostic]
    document: Document | None
    # What "fix all safe problems" gives (None: nothing to change), once asked for: editors
    # ask for code actions at every cursor move, and fixing takes several lint rounds.
    fixed: str | None = None
    fixed_known: bool = False


class QalintServer(LanguageServer):
    """pygls' server plus what qalint keeps between requests."""

    def __init__(self) -> None:
        super().__init__("qalint", __version__)
        self.results: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.configs: dict[Path, tuple[float | None, Config]] = {}
        self.reported: set[str] = set()
        self.unsaid: list[str] = []
        self.linter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qalint-lint")

    # --- configuration --------------------------------------------------------------------

    def config_for(self, path: Path) -> Config:
        """The configuration of ``path``: the nearest config file, read again when changed."""
        try:
            found = find_config_file(path.parent if path.parent.exists() else Path.cwd())
            if found is None:
                return Config()
            stamp = found.stat().st_mtime_ns
            cached = self.configs.get(found)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            config = read_config_file(found)
            self.configs[found] = (stamp, config)
            return config
        except (ConfigError, OSError) as exc:
            message = f"qalint: configuration error: {exc}; using the defaults"
            if message not in self.reported:
                self.reported.add(message)
                self.unsaid.append(message)  # said from the event loop (this is the lint thread)
            return Config()

    def say_problems(self) -> None:
        """Show the configuration problems found since the last call (once each)."""
        while self.unsaid:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=self.unsaid.pop(0))
            )

    # --- linting ----------------------------------------------------------------------------

    def lint_now(self, uri: str, version: int | None, text: str) -> Linted:
        """Lint one text as the page at ``uri`` (runs on the lint thread)."""
        path = Path(to_fs_path(uri) or uri)
        config = self.config_for(path)
        shown = display_path(path)
        linted = lint_string(text, shown, config, RunOptions(use_cache=False))
        return Linted(version, text, linted.diagnostics, linted.document)

    async def fresh(self, uri: str) -> Linted | None:
        """The findings of the page's current text (linting it now if they are stale)."""
        try:
            document = self.workspace.get_text_document(uri)
        except KeyError:
            return None
        known = self.results.get(uri)
        if (
            known is not None
            and known.version == document.version
            and known.text == (document.source)
        ):
            return known
        loop = asyncio.get_running_loop()
        linted = await loop.run_in_executor(
            self.linter, self.lint_now, uri, document.version, document.source
        )
        self.results[uri] = linted
        return linted

    def positions(self, text: str) -> Positions:
        """Position mapping for ``text`` in the encoding agreed with the client."""
        encoding = self.workspace.position_encoding or "utf-16"
        return Positions(text, getattr(encoding, "value", str(encoding)))

    async def publish(self, uri: str) -> None:
        """Lint the page and send its diagnostics."""
        linted = await self.fresh(uri)
        self.say_problems()
        if linted is None:
            return
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != linted.version:
            return  # changed (or closed) meanwhile: the next lint publishes
        positions = self.positions(linted.text)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=linted.version,
                diagnostics=[to_lsp(d, positions) for d in linted.diagnostics],
            )
        )

    def schedule(self, uri: str, delay: float) -> None:
        """Publish after ``delay`` seconds, replacing a publication already waiting."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()

        async def later() -> None:
            await asyncio.sleep(delay)
            await self.publish(uri)

        self.pending[uri] = asyncio.ensure_future(later())


server = QalintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: QalintServer, params: types.InitializeParams) -> None:
    """Work from the workspace root, as ``qalint check`` run there would."""
    root = None
    if params.workspace_folders:
        root = to_fs_path(params.workspace_folders[0].uri)
    elif params.root_uri:
        root = to_fs_path(params.root_uri)
    elif params.root_path:
        root = params.root_path
    if root and Path(root).is_dir():
        os.chdir(root)


@server.feature(types.INITIALIZED)
async def initialized(ls: QalintServer, params: types.InitializedParams) -> None:
    """Ask the client to tell us when a configuration file or ``mkdocs.yml`` changes."""
    watched = ls.client_capabilities.workspace
    dynamic = watched and watched.did_change_watched_files
    if not (dynamic and dynamic.dynamic_registration):
        return  # the mtime check on every lint still picks changes up
    watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in WATCHED]
    await ls.client_register_capability_async(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="qalint-config-watch",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=watchers
                    ),
                )
            ]
        )
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: QalintServer, params: types.DidOpenTextDocumentParams) -> None:
    """Lint a page as soon as it is opened."""
    await ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: QalintServer, params: types.DidChangeTextDocumentParams) -> None:
    """Lint a page once typing pauses."""
    ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: QalintServer, params: types.DidSaveTextDocumentParams) -> None:
    """Lint a page when it is saved."""
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: QalintServer, params: types.DidCloseTextDocumentParams) -> None:
    """Forget a closed page and clear its diagnostics."""
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: QalintServer, params: types.DidChangeWatchedFilesParams) -> None:
    """A configuration file or ``mkdocs.yml`` changed: read it again, lint every page."""
    ls.configs.clear()
    ls.reported.clear()
    ls.results.clear()
    for uri in list(ls.workspace.text_documents):
        ls.schedule(uri, 0)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND],
        resolve_provider=False,
    ),
)
async def code_action(
    ls: QalintServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    """A quick fix per fixable finding in the range, and "fix all safe problems"."""
    uri = params.text_document.uri
    linted = await ls.fresh(uri)
    if linted is None:
        return None
    positions = ls.positions(linted.text)
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        for diagnostic in linted.diagnostics:
            fix = diagnostic.fix
            if fix is None or not fix.edits:
                continue
            if not overlaps(to_range(diagnostic, positions), params.range):
                continue
            safe = fix.applicability is Applicability.SAFE
            what = fix.description or diagnostic.message
            title = f"qalint: {what} ({diagnostic.code})"
            if not safe:
                title = f"qalint (unsafe fix, check the result): {what} ({diagnostic.code})"
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[to_lsp(diagnostic, positions)],
                    is_preferred=safe,
                    edit=types.WorkspaceEdit(changes={uri: text_edits(fix.edits, positions)}),
                )
            )
    if _wanted(FIX_ALL_KIND, only):
        fix_all = await _fix_all(ls, uri, linted)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def _wanted(kind: str, only: list[str] | None) -> bool:
    """True when the client asked for actions of ``kind`` (or of a kind that contains it)."""
    if not only:
        return True
    return any(
        k == "" or kind == k or kind.startswith(f"{k}.")
        for k in (getattr(k, "value", k) for k in only)
    )


async def _fix_all(ls: QalintServer, uri: str, linted: Linted) -> types.CodeAction | None:
    """One edit that applies every safe fix to a fixed point, as ``qalint fix`` does."""
    safe = [
        d
        for d in linted.diagnostics
        if d.fix is not None and d.fix.applicability is Applicability.SAFE
    ]
    if not safe or linted.document is None:
        return None
    document = linted.document

    def run() -> str | None:
        from qalint.fix import fix_source

        path = Path(to_fs_path(uri) or uri)
        result = fix_source(
            document.text,
            document.path,
            ls.config_for(path),
            RunOptions(use_cache=False),
            unsafe=False,
            had_bom=document.source.had_bom,
        )
        return result.fixed if result.changed else None

    if not linted.fixed_known:
        linted.fixed = await asyncio.get_running_loop().run_in_executor(ls.linter, run)
        linted.fixed_known = True
    fixed = linted.fixed
    if fixed is None:
        return None
    positions = ls.positions(linted.text)
    whole = types.Range(positions.offset(0), positions.end())
    return types.CodeAction(
        title="qalint: fix all safe problems",
        kind=FIX_ALL_KIND,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=fixed)]}),
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: QalintServer, params: types.HoverParams) -> types.Hover | None:
    """On a finding: its message and its rule's explanation, with examples."""
    linted = await ls.fresh(params.text_document.uri)
    if linted is None:
        return None
    positions = ls.positions(linted.text)
    here = types.Range(params.position, params.position)
    found = [(d, r) for d in linted.diagnostics if overlaps(r := to_range(d, positions), here)]
    if not found:
        return None
    text = "\n\n---\n\n".join(hover_markdown(d) for d, _ in found)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=found[0][1],
    )


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbol(
    ls: QalintServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol] | None:
    """The outline of a page: its questions."""
    linted = await ls.fresh(params.text_document.uri)
    if linted is None or linted.document is None:
        return None
    positions = ls.positions(linted.text)
    symbols = []
    for question in page_questions(linted.document):
        span = question.span
        whole = types.Range(
            positions.at(span.line, span.column), positions.at(span.end_line, span.end_column)
        )
        pick = question.heading or span
        selection = types.Range(
            positions.at(pick.line, pick.column), positions.at(pick.end_line, pick.end_column)
        )
        if not _inside(selection, whole):
            selection = types.Range(whole.start, whole.start)
        symbols.append(
            types.DocumentSymbol(
                name=question.title,
                kind=types.SymbolKind.String,
                range=whole,
                selection_range=selection,
                detail=f"line {span.line}",
            )
        )
    return symbols


def _key(position: types.Position) -> tuple[int, int]:
    return (position.line, position.character)


def _inside(inner: types.Range, outer: types.Range) -> bool:
    """True when ``inner`` lies within ``outer`` (LSP wants the selection inside the range)."""
    return _key(outer.start) <= _key(inner.start) and _key(inner.end) <= _key(outer.end)


def serve() -> None:
    """Run the server over standard input and output until the client exits."""
    server.start_io()
