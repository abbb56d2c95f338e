"""``qalint server`` driven by a real LSP client (pytest-lsp's) over the process's stdio."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from conftest import ROOT, SEED
from lsprotocol import types
from pytest_lsp import client_capabilities, make_test_lsp_client

from qalint.fix import apply_edits


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions; the seed is ASCII around them)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    from qalint.diagnostics import Edit

    return apply_edits(
        text, [Edit(offset(e.range.start), offset(e.range.end), e.new_text) for e in edits]
    )


async def _session(folder: Path) -> None:
    page = folder / "content" / "page.md"
    text = page.read_text(encoding="utf-8")
    uri = page.as_uri()
    client = make_test_lsp_client()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "qalint", "server", env=env)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=folder.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="bank")],
            )
        )
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
            )
        )
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60
        )
        found = client.diagnostics[uri]
        codes = {d.code for d in found}
        assert "L001" in codes
        l001 = next(d for d in found if d.code == "L001")
        assert l001.source == "qalint"
        assert l001.code_description is not None
        assert l001.code_description.href.endswith("docs/rules.md#l001")

        # A whitespace finding: its quick fix, applied, removes exactly that problem.
        blank = next(d for d in found if d.code == "W001")
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=blank.range,
                context=types.CodeActionContext(diagnostics=[blank]),
            )
        )
        quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
        assert quick and all("W001" in a.title or a.diagnostics for a in quick)
        mine = next(a for a in quick if "(W001)" in a.title)
        assert mine.is_preferred
        fixed = _apply(text, mine.edit.changes[uri])
        line = blank.range.start.line
        assert text.splitlines()[line].strip() == "" and text.splitlines()[line] != ""
        assert fixed.splitlines()[line] == ""
        assert fixed.splitlines()[:line] == text.splitlines()[:line]

        # Over the whole page: unsafe fixes are offered too, marked and never preferred.
        everything = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(types.Position(0, 0), types.Position(len(text.splitlines()), 0)),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        unsafe = [a for a in everything if "unsafe fix" in a.title]
        assert unsafe and not any(a.is_preferred for a in unsafe)
        fixable = [d for d in found if d.data and d.data["fixable"]]
        assert len([a for a in everything if a.kind == "quickfix"]) == len(fixable)

        fix_all = next(a for a in actions if a.kind == "source.fixAll.qalint")
        from qalint import fix_text

        assert _apply(text, fix_all.edit.changes[uri]) == fix_text(text, "content/page.md")

        # The editor applies the quick fix: the finding is gone from the next diagnostics.
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
            )
        )
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60
        )
        after = client.diagnostics[uri]
        assert len(after) == len(found) - 1
        assert blank.range not in [d.range for d in after if d.code == "W001"]

        # Saving lints again (same text: the same findings).
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60
        )
        assert client.diagnostics[uri] == after

        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=l001.range.start,
            )
        )
        assert hover is not None
        assert "L001" in hover.contents.value and "Bad:" in hover.contents.value

        symbols = await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        names = [s.name for s in symbols]
        assert (
            "What is deep learning and how is it different from traditional machine" in (names[0])
        )
        assert len(names) >= 10

        # The configuration is read again when it changes.
        # (a per-file ignore: the page's path is relative to the workspace root, as for check)
        (folder / "qalint.toml").write_text(
            '[per-file-ignores]\n"content/page.md" = ["L001"]\n', encoding="utf-8"
        )
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=(folder / "qalint.toml").as_uri(), type=types.FileChangeType.Created
                    )
                ]
            )
        )
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60
        )
        assert "L001" not in {d.code for d in client.diagnostics[uri]}

        # A broken configuration is said once, and the page is linted with the defaults.
        (folder / "qalint.toml").write_text('ignore = ["L001"\n', encoding="utf-8")  # bad TOML
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=(folder / "qalint.toml").as_uri(), type=types.FileChangeType.Changed
                    )
                ]
            )
        )
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60
        )
        assert "L001" in {d.code for d in client.diagnostics[uri]}
        assert any("configuration error" in m.message for m in client.messages)
    finally:
        await client.shutdown_session()


def test_language_server_session(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    shutil.copyfile(SEED, tmp_path / "content" / "page.md")
    asyncio.run(_session(tmp_path))


def test_server_without_pygls_says_how_to_install(tmp_path: Path) -> None:
    import subprocess

    # An interpreter where pygls and lsprotocol cannot be imported, as without the extra.
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import importlib.abc, sys\n"
        "class _Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'pygls', 'lsprotocol'}:\n"
        "            raise ModuleNotFoundError(name, name=name)\n"
        "sys.meta_path.insert(0, _Block())\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "qalint", "server"],
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "pip install '.[lsp]'" in done.stderr and "pip install pygls lsprotocol" in done.stderr


def test_other_commands_do_not_load_pygls() -> None:
    import subprocess

    code = (
        "import sys, io\n"
        "from qalint.cli import main\n"
        "main(['check', '-q', sys.argv[1]], io.StringIO(), io.StringIO())\n"
        "assert not {'pygls', 'lsprotocol'} & set(sys.modules), sorted(sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(SEED)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_positions_count_in_the_negotiated_encoding() -> None:
    from qalint.lsp.convert import Positions

    text = "\ufeffa😀b  \r\nnext\n"
    # qalint: line 1, column 4 is the first trailing space (the BOM is not a column);
    # offset 3 is that space in the text without its BOM.
    utf16 = Positions(text, "utf-16")
    assert utf16.at(1, 4) == types.Position(0, 5)  # BOM 1 + a 1 + 😀 2 + b 1
    assert utf16.offset(3) == types.Position(0, 5)
    assert utf16.offset(len("a😀b  \r\n")) == types.Position(1, 0)
    assert utf16.character(types.Position(0, 5)) == (1, 4)
    utf8 = Positions(text, "utf-8")
    assert utf8.at(1, 4) == types.Position(0, 9)  # BOM 3 + a 1 + 😀 4 + b 1
    assert Positions(text, "utf-32").at(1, 4) == types.Position(0, 4)
    assert utf16.end() == types.Position(2, 0)
