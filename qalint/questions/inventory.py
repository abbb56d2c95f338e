"""``qalint questions``: the inventory of every question found, as text or JSON.

One record per question: path, line, shape, question text, the answer's lines and, for
quizzes, the kind and the options (with which are correct). Feeds an index page, a
flashcard export or an editor's outline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from qalint.config import Config
from qalint.questions.model import Question
from qalint.questions.settings import from_options


def record(path: str, question: Question) -> dict[str, Any]:
    """The JSON-safe record of one question."""
    lines = question.answer_lines()
    out: dict[str, Any] = {
        "path": path,
        "line": question.span.line,
        "column": question.span.column,
        "shape": question.shape,
        "question": question.text,
        "answer_lines": list(lines) if lines else None,
    }
    if question.options or question.kind:
        out["kind"] = question.kind
        out["options"] = [
            {"text": o.text, "line": o.span.line, "correct": o.correct, "label": o.label}
            for o in question.options
        ]
    if question.blanks:
        out["blanks"] = [{"text": b.text, "line": b.span.line} for b in question.blanks]
    return out


def collect(paths: list[str], config: Config) -> list[dict[str, Any]]:
    """Records of every question in the Markdown files under ``paths``, in path order."""
    from qalint.files import discover_shown, load
    from qalint.markdown.parse import parse
    from qalint.questions import questions_of
    from qalint.site.load import SiteResolver

    settings = from_options(config.section("structure"))
    resolver = SiteResolver(config)  # each page as its own mkdocs.yml renders it
    found, _problems = discover_shown(
        paths, config.exclude, config.respect_gitignore, skip=resolver.skipped_in
    )
    records: list[dict[str, Any]] = []
    for path, shown in found:
        loaded = load(path, config.max_file_size, shown=shown)
        if loaded.source is None:
            continue
        doc = parse(loaded.source, shown, resolver.site_for(path))
        records.extend(record(shown, q) for q in questions_of(doc, settings) if not q.hidden)
    return records


def render_text(records: Iterable[dict[str, Any]]) -> str:
    """One line per question (``path:line: [shape] text``), options indented below."""
    out: list[str] = []
    count = 0
    for rec in records:
        count += 1
        lines = rec["answer_lines"]
        answer = f" (answer: lines {lines[0]}-{lines[1]})" if lines else " (no answer)"
        if rec.get("kind") and not lines:
            answer = f" ({rec['kind']})"
        text = rec["question"] or "<no question text>"
        out.append(f"{rec['path']}:{rec['line']}: [{rec['shape']}] {text}{answer}")
        for option in rec.get("options", []):
            mark = "x" if option["correct"] else " "
            label = f"{option['label']}. " if option["label"] else ""
            out.append(f"    [{mark}] {label}{option['text']}")
        for blank in rec.get("blanks", []):
            out.append(f"    [[{blank['text']}]]")
    out.append(f"{count} question{'s' if count != 1 else ''}")
    return "\n".join(out) + "\n"


def render_json(records: list[dict[str, Any]]) -> str:
    """The records as a JSON array."""
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
