"""Golden findings on the verbatim seed bank: every code and line, pinned.

Update this list deliberately when a rule family changes what it reports on the seed.
"""

from __future__ import annotations

from conftest import CONTENT, SEED

import qalint

EXPECTED = [
    ("S016", 1),
    ("W001", 9),
    ("W001", 11),
    ("W001", 16),
    ("W001", 17),
    ("M101", 42),
    ("W001", 50),
    ("S015", 51),
    ("L001", 51),
    ("F008", 52),
    ("F001", 52),
    ("F002", 52),
    ("S015", 68),
    ("W005", 73),
    ("W010", 76),
    ("W001", 79),
    ("W001", 87),
    ("S015", 89),
    ("W001", 98),
    ("S011", 101),
    ("W001", 106),
    ("F008", 107),
    ("W001", 114),
    ("W001", 122),
    ("W001", 130),
    ("W001", 138),
    ("W005", 141),
    ("W001", 147),
    ("W001", 155),
    ("W001", 163),
    ("W001", 171),
    ("W001", 179),
    ("W001", 187),
    ("W001", 195),
    ("W006", 196),
]


def test_seed_findings_are_pinned() -> None:
    found = [(d.code, d.line) for d in qalint.lint_paths([SEED])]
    assert found == EXPECTED


def test_seed_defects_named_by_the_issues_are_reported_where_they_are() -> None:
    by_code = {(d.code, d.line, d.column): d.message for d in qalint.lint_paths([SEED])}
    assert ("L001", 51, 171) in by_code
    assert by_code[("F001", 52, 266)].startswith("softmax outputs 0.99 + 0.1 sum to 1.09, not 1")
    assert ("S011", 101, 1) in by_code and any(k[:2] == ("F008", 107) for k in by_code)


def test_fixing_the_seed_removes_every_w_finding_and_the_doubled_parentheses() -> None:
    fixed = qalint.fix_text(SEED.read_text(encoding="utf-8"), str(SEED))
    left = {d.code for d in qalint.lint_text(fixed, str(SEED))}
    assert not {c for c in left if c.startswith("W")}
    assert "L001" not in left and "M101" not in left


def test_content_bank_is_clean() -> None:
    assert qalint.lint_paths([CONTENT]) == []
