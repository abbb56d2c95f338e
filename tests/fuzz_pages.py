"""Mutated real pages and the properties qalint must keep on them (shared by the bounded fuzz
test in the suite and the longer campaign in ``benchmarks/fuzz.py``).

Pages are the seed (defects included), ``content/`` and question pages of the real sites in
``../shared/realsites`` (when present), cut to their first ``MAX_LINES`` lines so each example
stays fast. A mutation inserts constructs that once broke the fixer or cost quadratic time
(empty scripts next to letters, unclosed groups, loose markers, doubled link parentheses,
runs of openers), deletes or duplicates a slice, or changes indentation and line endings.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

import qalint
from qalint.config import Config
from qalint.diagnostics import Severity
from qalint.fix import FixResult, fix_source
from qalint.fixcheck import tokens
from qalint.report import ReportContext, get_reporter

ROOT = Path(__file__).resolve().parent.parent
REALSITES = ROOT.parent / "shared" / "realsites"
MAX_LINES = 60
PIECES = [
    "$\\alpha^{}b$",
    "$\\sin_{}x$",
    "$R^{D$",
    "$a^{b_{}$",
    "$x^{}$",
    '!!!Question""',
    '!!! Question ""',
    '    === "Answer"',
    "    === 'Question'",
    "[a]((https://b.c))",
    "[t] (https://e.org)",
    "http://example.com",
    "\\(",
    "\\)",
    "$$",
    "$",
    "\\[",
    "\\begin{aligned}",
    "{",
    "}",
    "`",
    "<!--",
    "-->",
    "#### ",
    "- ",
    "0.7 and 0.6",
    "probability of 1.5",
    "\t",
    "   ",
    "\n",
    "\n\n\n",
    "\r\n",
]


@cache
def pages() -> tuple[str, ...]:
    """The page texts mutants start from (each cut to ``MAX_LINES`` lines)."""
    paths = [ROOT / "tests" / "fixtures" / "seed_verbatim.md", *sorted(ROOT.glob("content/*.md"))]
    if REALSITES.is_dir():
        real = sorted(p for p in REALSITES.rglob("*.md") if p.stat().st_size > 200)
        paths.extend(real[:: max(1, len(real) // 40)])  # about 40 spread over the sites
    texts = []
    for path in paths:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        for start in range(0, min(len(lines), 4 * MAX_LINES), MAX_LINES):
            texts.append("".join(lines[start : start + MAX_LINES]))
    return tuple(t for t in texts if t.strip())


@st.composite
def mutants(draw: st.DrawFn) -> str:
    """A real page with a few mutations."""
    text = draw(st.sampled_from(pages()))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "repeat"]))
        if kind == "insert":
            text = text[:where] + draw(st.sampled_from(PIECES)) + text[where:]
        elif kind == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 40)) :]
        elif kind == "duplicate":
            size = draw(st.integers(1, 80))
            text = text[:where] + text[where : where + size] * 2 + text[where + size :]
        else:
            piece = draw(st.sampled_from(PIECES))
            text = text[:where] + piece * draw(st.integers(2, 30)) + text[where:]
    return text


def _words(text: str) -> list[str]:
    """Words (letters and digits) with the one word a safe fix may change: http -> https."""
    return ["http" if t == "https" else t for t in tokens(text) if t[0].isalnum()]


def _errors(diagnostics: list[qalint.Diagnostic]) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            out[d.code] = out.get(d.code, 0) + 1
    return out


def check_page(text: str) -> None:
    """The properties: no internal error, JSON that parses, a fix that is idempotent, keeps
    every word and adds no error."""
    config = Config()
    found = qalint.lint_text(text, "page.md", config)
    report = get_reporter("json")(found, ReportContext(files_checked=1))
    assert isinstance(json.loads(report), list)
    result: FixResult = fix_source(text, "page.md", config)
    assert result.problem is None, result.problem
    fixed = result.fixed
    again = fix_source(fixed, "page.md", config)
    assert again.problem is None and again.fixed == fixed, "fix is not idempotent"
    assert _words(fixed) == _words(text), "fix changed the words"
    if fixed != text:
        after = _errors(qalint.lint_text(fixed, "page.md", config))
        before = _errors(found)
        grown = {code: n for code, n in after.items() if n > before.get(code, 0)}
        assert not grown, f"fix added errors: {grown}"
