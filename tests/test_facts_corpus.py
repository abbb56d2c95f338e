"""Precision and recall of the F rules on two corpora of textbook machine-learning statements.

``tests/fixtures/facts/correct.md`` holds correct statements with numbers and formulas (zero
F findings allowed); ``wrong.md`` holds wrong ones (at least 90% must be found). Statements are
separated by blank lines; each is placed in the Answer tab of its own question, as in a bank.
"""

from __future__ import annotations

from pathlib import Path

import qalint
from qalint.config import config_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "facts"
ONLY_F = config_from_mapping({"select": ["F"]})


def _statements(name: str) -> list[str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [block.strip("\n") for block in text.split("\n\n") if block.strip()]


def _bank(statements: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """One question per statement; returns the text and each statement's line range."""
    lines: list[str] = []
    ranges: list[tuple[int, int]] = []
    for number, statement in enumerate(statements, start=1):
        lines += [
            '!!! Question ""',
            '    === "Question"',
            f"        #### Statement {number}?",
            "",
            '    === "Answer"',
            "",
        ]
        first = len(lines) + 1
        lines += ["        " + line for line in statement.split("\n")]
        ranges.append((first, len(lines)))
        lines.append("")
    return "\n".join(lines) + "\n", ranges


def _flagged(name: str) -> tuple[list[str], list[set[str]]]:
    statements = _statements(name)
    text, ranges = _bank(statements)
    found: list[set[str]] = [set() for _ in statements]
    for diagnostic in qalint.lint_text(text, f"{name}", ONLY_F):
        for index, (first, last) in enumerate(ranges):
            if first <= diagnostic.line <= last:
                found[index].add(f"{diagnostic.code}: {diagnostic.message}")
    return statements, found


def test_precision_corpus_has_no_findings() -> None:
    statements, found = _flagged("correct.md")
    assert len(statements) >= 200
    flagged = [(s, f) for s, f in zip(statements, found, strict=True) if f]
    precision_errors = len(flagged)
    print(
        f"\nprecision corpus: {len(statements)} correct statements, "
        f"{precision_errors} with F findings"
    )
    assert flagged == []


def test_recall_corpus_is_found() -> None:
    statements, found = _flagged("wrong.md")
    assert len(statements) >= 100
    hits = sum(1 for f in found if f)
    recall = hits / len(statements)
    print(f"\nrecall corpus: {hits} of {len(statements)} wrong statements found ({recall:.1%})")
    missed = [s for s, f in zip(statements, found, strict=True) if not f]
    assert recall >= 0.90, missed


def test_corpora_also_hold_as_plain_pages() -> None:
    """Without question blocks (one scope for the page), correct statements stay silent."""
    text = (FIXTURES / "correct.md").read_text(encoding="utf-8")
    assert qalint.lint_text(text, "correct.md", ONLY_F) == []
