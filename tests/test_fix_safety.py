"""The fixer's safety net and the fixes the issue found eating words (M101, W007).

Each case is checked the way a user sees it: ``qalint fix`` on a file (or ``fix_source`` on
a text), then the words kept, the findings after the fix, and the renderer's page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import qalint
from qalint import fixcheck
from qalint.config import Config
from qalint.diagnostics import Edit, Fix, Severity, Span
from qalint.fix import fix_source, select_fixes
from qalint.fixcheck import check_edits, tokens
from qalint.rules import registry

ROOT = Path(__file__).resolve().parent.parent


def _fix(text: str) -> str:
    result = fix_source(text, "x.md", Config())
    assert result.problem is None
    return result.fixed


def _errors(text: str) -> list[str]:
    return sorted(d.code for d in qalint.lint_text(text) if d.severity is Severity.ERROR)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("$\\alpha^{}b + \\sin_{}x$\n", "$\\alpha b + \\sin x$\n"),
        ("$x^{}2$\n", "$x 2$\n"),
        ("$-\\sum_{i}^{} p_i$\n", "$-\\sum_{i} p_i$\n"),
        ("$x^{} + 1$\n", "$x + 1$\n"),
        ("$R^{D$\n", "$R^{D$\n"),
        ("$a^{b_{}$\n", "$a^{b_{}$\n"),
    ],
)
def test_m101_fix_keeps_tokens_apart_and_unclosed_groups_whole(text: str, fixed: str) -> None:
    assert _fix(text) == fixed
    if "{}$" not in text:  # every word and symbol kept, but the empty group itself
        assert tokens(fixed) == tokens(text.replace("^{}", " ").replace("_{}", " "))
    new = set(_errors(fixed)) - set(_errors(text))
    assert not new


def test_an_unclosed_group_is_not_an_empty_script() -> None:
    codes = [d.code for d in qalint.lint_text("$R^{D$\n")]
    assert "M101" not in codes
    assert "M002" in codes


def test_w007_leaves_a_marker_with_nothing_under_it_alone() -> None:
    text = 'Intro.\n\n!!!Question""\n'
    assert _fix(text) == text
    # The line renders as text: S032 reports it (in W007's place) and offers no fix, since
    # the rewritten marker would open an empty question block.
    assert [d.code for d in qalint.lint_text(text)] == ["S032"]
    (finding,) = qalint.lint_text(text)
    assert finding.fix is None


def test_w007_rewrites_a_marker_over_a_whole_question() -> None:
    body = '    === "Question"\n        #### What is X?\n\n    === "Answer"\n\n        X is y.\n'
    fixed = _fix('!!!Question""\n' + body)
    assert fixed == '!!! Question ""\n' + body
    assert _errors(fixed) == []


def test_a_fix_that_glues_words_is_withheld_and_the_others_apply(extra_rule) -> None:
    def glue(ctx):
        text = ctx.document.text
        if "tab key" in text:
            start = text.index("tab key") + 3
            yield this(
                ctx,
                Span(1, 1, 1, 2),
                "glue",
                Fix((Edit(start, start + 1, ""),), description="squeeze"),
            )

    extra_rule("W992", glue)
    this = registry.get_rule("W992")
    result = fix_source("Press the tab key.  \n", "x.md", Config(select=["W992", "W001"]))
    assert result.fixed == "Press the tab key.\n"
    assert result.applied == {"W001": 1}
    assert result.withheld == [
        "1:1: withheld the W992 fix (squeeze): it would change the words "
        "('tab' lost, 'key' lost, 'tabkey' added)"
    ]


def test_a_fix_that_adds_symbols_its_rule_does_not_name_is_withheld() -> None:
    diagnostic = qalint.Diagnostic(
        "x.md",
        Span(1, 1, 1, 2),
        "W001",
        "trailing-whitespace",
        Severity.WARNING,
        "m",
        Fix((Edit(1, 1, "!"),)),
    )
    kept, refused = check_edits("a b\n", [diagnostic])
    assert kept == []
    assert "it would change !" in refused[0][1]


def test_a_fix_that_brings_a_new_error_where_it_edits_is_withheld(extra_rule, monkeypatch) -> None:
    # A marker fix that writes a question block with no tabs: S002 would appear on its line.
    def opener(ctx):
        text = ctx.document.text
        if text.startswith("Question:"):
            yield this(
                ctx,
                Span(1, 1, 1, 2),
                "open",
                Fix((Edit(0, len("Question:"), '!!! Question ""'),), description="open a block"),
            )

    extra_rule("W993", opener)
    monkeypatch.setitem(fixcheck.ALLOWANCES, "W993", fixcheck.Allowance(None, words=True))
    this = registry.get_rule("W993")
    config = Config(select=["W993", "S002"])
    result = fix_source("Question:\n\nSome text.\n", "x.md", config)
    assert result.fixed == "Question:\n\nSome text.\n"
    assert "new S002 error where it edits" in result.withheld[0]


def test_select_fixes_is_linear_in_the_number_of_fixes() -> None:
    # 20,000 one-character edits: the overlap test bisects instead of scanning (this would take
    # minutes with a scan of every taken edit; it is not a timing test, just a big input).
    found = [
        qalint.Diagnostic(
            "x.md",
            Span(1, 1, 1, 2),
            "W001",
            "w",
            Severity.WARNING,
            "m",
            Fix((Edit(i * 2, i * 2 + 1, ""),)),
        )
        for i in range(20_000)
    ]
    found.append(found[5])  # the same edit again overlaps
    assert len(select_fixes(found, unsafe=False, length=40_000)) == 20_000


def test_qalint_fix_names_the_withheld_fix_on_stderr(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('Intro.\n\n!!!Question""\n$\\alpha^{}b$  \n', encoding="utf-8")
    (tmp_path / "qalint.toml").write_text("", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "qalint", "fix", "page.md", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert page.read_text(encoding="utf-8") == 'Intro.\n\n!!!Question""\n$\\alpha b$\n'
    assert "Traceback" not in run.stderr


def test_an_encoded_space_in_a_link_counts_as_white_space() -> None:
    diagnostic = qalint.Diagnostic(
        "x.md",
        Span(1, 1, 1, 2),
        "L002",
        "link-space-before-target",
        Severity.ERROR,
        "m",
        Fix((Edit(9, 10, "%20"),)),
    )
    kept, refused = check_edits("[t](a://b c)\n", [diagnostic])
    assert kept == [diagnostic] and refused == []
    gluing = qalint.Diagnostic(
        "x.md",
        Span(1, 1, 1, 2),
        "L002",
        "link-space-before-target",
        Severity.ERROR,
        "m",
        Fix((Edit(9, 10, ""),)),
    )
    kept, refused = check_edits("[t](a://b c)\n", [gluing])
    assert kept == [] and "'bc' added" in refused[0][1]


def test_every_fixable_rule_declares_what_its_fix_may_change() -> None:
    """A fixable rule with no allowance may only change white space, so a fix that moves a
    word would be withheld on every page (L020's was, until this test): each one is listed."""
    from qalint.fixcheck import ALLOWANCES
    from qalint.rules.registry import all_rules

    missing = [r.code for r in all_rules() if r.fixable and r.code not in ALLOWANCES]
    assert missing == []
