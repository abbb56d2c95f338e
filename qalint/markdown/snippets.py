r"""``pymdownx.snippets`` include lines: where they are, what they name, where that file is.

The extension is a preprocessor: it reads the raw page line by line before any block parsing,
so an include inside a code fence, a tab or an HTML comment is processed too (only YAML front
matter, which MkDocs removes first, is not). It recognises, as ``SnippetPreprocessor.
parse_snippets`` does:

- a whole line ``--8<-- "path"`` (any run of ``-`` around ``8<``, indentation kept);
- a block: a line ``--8<--``, one path per line, a line ``--8<--``;
- ``;--8<-- ...`` (escaped: shown as written), and a path starting with ``;`` (commented out).

A path may end in line ranges (``file.md:3:9``) or a section (``file.md:intro``). It is looked
up in each ``base_path`` folder in turn (relative to the folder MkDocs runs in, the
mkdocs.yml folder), never outside the folder when ``restrict_base_path`` is on (the default);
a ``base_path`` entry that is a file only supplies that file. ``find_includes`` is pure;
``resolve`` touches the file system.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ALL_SNIPPETS_RE = re.compile(
    r"""(?x)
    ^(?P<space>[ \t]*)
    (?P<escape>;*)
    (?P<all>
        (?P<inline_marker>-{1,}8<-{1,}[ \t]+)
        (?P<snippet>(?:"(?:\\"|[^"\n\r])+?"|'(?:\\'|[^'\n\r])+?'))(?![ \t]) |
        (?P<block_marker>-{1,}8<-{1,})(?![ \t])
    )\r?$
    """
)
# The reference pattern pymdownx documents for splitting a path from its ranges or section.
SNIPPET_FILE_RE = re.compile(
    r"(?i)(.*?)(?:((?::-?[0-9]*){1,2}(?:(?:,(?=[-0-9:])-?[0-9]*)(?::-?[0-9]*)?)*)|(:[a-z][-_0-9a-z]*))?$"
)


@dataclass(frozen=True)
class Include:
    """One file a page includes: its line, the columns of the written path, and the path."""

    line: int
    column: int  # 1-based column of the first character of the written path
    end_column: int
    path: str  # without line ranges or section
    written: str  # as written between the quotes (or on the block line)


def _target(written: str) -> str:
    m = SNIPPET_FILE_RE.match(written.strip())
    return (m.group(1) if m else written).strip()


def find_includes(lines: Iterable[str], first_line: int = 1) -> list[Include]:
    """Every include of the page's lines (``first_line``: the number of the first one)."""
    found: list[Include] = []
    block = False
    for lineno, line in enumerate(lines, start=first_line):
        if "8<" not in line and not block:
            continue
        m = ALL_SNIPPETS_RE.match(line)
        inline = False
        if m:
            if m.group("escape"):
                continue
            if block and m.group("inline_marker"):
                continue
            if m.group("inline_marker"):
                inline = True
            else:
                block = not block
                continue
        elif not block:
            continue
        if inline:
            assert m is not None
            quoted = m.group("snippet")
            written = quoted[1:-1]
            start = m.start("snippet") + 1
        else:
            written = line.rstrip("\r")
            start = 0
        stripped = written.strip()
        if not stripped or stripped.startswith(";"):
            continue
        start += len(written) - len(written.lstrip())
        path = _target(stripped)
        if not path:
            continue
        found.append(Include(lineno, start + 1, start + len(stripped) + 1, path, stripped))
    return found


def resolve(path: str, bases: Iterable[Path], restrict: bool = True) -> Path | None:
    """The file ``path`` names, looked up in ``bases`` as the extension does; None: missing."""
    for base in bases:
        base_text = os.path.abspath(base)
        if os.path.isdir(base_text):
            filename = os.path.abspath(os.path.join(base_text, path))
            if restrict:
                prefix = base_text if base_text.endswith(os.sep) else base_text + os.sep
                if not filename.startswith(prefix):
                    continue
            else:
                filename = os.path.join(base_text, path)
            if os.path.exists(filename):
                return Path(filename)
        elif os.path.exists(base_text):
            filename = os.path.join(os.path.dirname(base_text), path)
            if os.path.exists(filename) and os.path.samefile(filename, base_text):
                return Path(filename)
    return None
