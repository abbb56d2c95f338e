"""M rules as a user sees them: code, position and message for each kind of math defect."""

from __future__ import annotations

from pathlib import Path

import pytest

import qalint
from qalint.config import ConfigError, config_from_mapping

SEED = Path(__file__).resolve().parent / "fixtures" / "seed_verbatim.md"


def findings(text: str, prefix: str = "M", **math: object) -> list[tuple[str, int, int, str]]:
    config = config_from_mapping({"math": math}) if math else None
    return [
        (d.code, d.line, d.column, d.message)
        for d in qalint.lint_text(text, "q.md", config)
        if d.code.startswith(prefix)
    ]


def only(text: str, **math: object) -> tuple[str, int, int, str]:
    found = findings(text, **math)
    assert len(found) == 1, found
    return found[0]


def test_seed_formulas_are_valid_and_empty_superscript_is_info() -> None:
    diagnostics = [
        d
        for d in qalint.lint_text(SEED.read_text(encoding="utf-8"), "seed.md")
        if d.code.startswith("M")
    ]
    assert [(d.code, d.severity.value, d.line) for d in diagnostics] == [("M101", "info", 42)]
    assert diagnostics[0].fix is not None


def test_empty_superscript_fix_removes_it() -> None:
    text = "Entropy: $-\\sum_{i}^{} (p_i \\log p_i)$\n"
    (diagnostic,) = [d for d in qalint.lint_text(text) if d.code == "M101"]
    assert (diagnostic.line, diagnostic.column, diagnostic.span.end_column) == (1, 20, 23)
    (edit,) = diagnostic.fix.edits
    assert text[: edit.start] + edit.replacement + text[edit.end :] == (
        "Entropy: $-\\sum_{i} (p_i \\log p_i)$\n"
    )


def test_undefined_command_with_suggestion() -> None:
    assert only("Ratio $\\farc{a}{b}$.\n") == (
        "M001",
        1,
        8,
        "undefined control sequence \\farc (did you mean \\frac?)",
    )


def test_renderer_specific_command() -> None:
    code, line, column, message = only("$\\bm{x}$\n")
    assert (code, line, column) == ("M001", 1, 2)
    assert "KaTeX knows it but MathJax does not" in message
    assert findings("$\\bm{x}$\n", renderer="katex") == []


def test_config_and_document_macros_are_known() -> None:
    assert findings("$\\R^n$\n", renderer="mathjax", macros={"R": "\\mathbb{R}"}) == []
    assert findings("$\\norm{x}$\n", macros={"\\norm": 1}) == []
    assert findings("$\\newcommand{\\E}{\\mathbb{E}}$ and later $\\E[x]$\n") == []


def test_bad_config_values_are_rejected() -> None:
    with pytest.raises(ConfigError, match=r"math\.renderer"):
        config_from_mapping({"math": {"renderer": "mathml"}})
    with pytest.raises(ConfigError, match=r"math\.macros"):
        config_from_mapping({"math": {"macros": {"R": True}}})


def test_missing_close_brace_names_the_opening_brace() -> None:
    assert only("x\n\nSee $\\frac{a}{b$ here.\n") == (
        "M002",
        3,
        15,
        "missing } for the { opened at 3:14",
    )


def test_extra_close_brace() -> None:
    assert only("$a}$\n") == ("M002", 1, 3, "unmatched }: remove it or add the { it closes")


def test_left_without_right() -> None:
    code, line, column, message = only("$\\left( x$\n")
    assert (code, line, column) == ("M003", 1, 2)
    assert message.startswith("\\left( has no matching \\right")


def test_middle_outside_left_right() -> None:
    assert only("$a \\middle| b$\n")[:3] == ("M003", 1, 4)


def test_environment_mismatch_in_display_block_inside_tab() -> None:
    text = (
        '!!! Question ""\n'
        '    === "Question"\n'
        "        #### Q?\n\n"
        '    === "Answer"\n\n'
        "        $$\n"
        "        \\begin{aligned} a &= b \\end{align}\n"
        "        $$\n"
    )
    assert only(text) == (
        "M004",
        8,
        32,
        "\\begin{aligned} at 8:9 is ended by \\end{align}: make the names match",
    )


def test_katex_display_only_environment_inline() -> None:
    text = "$\\begin{align} a &= b \\end{align}$\n"
    assert findings(text) == []
    code, line, column, message = only(text, renderer="katex")
    assert (code, line, column) == ("M004", 1, 2)
    assert "only in display math" in message


def test_misplaced_ampersand() -> None:
    assert only("$a & b$\n")[:3] == ("M005", 1, 4)


def test_missing_argument() -> None:
    assert only("$\\frac{a}$\n") == (
        "M006",
        1,
        2,
        "\\frac needs 2 arguments in braces; argument 2 is missing",
    )


def test_double_superscript_and_subscript() -> None:
    assert only("$x^a^b$\n")[:3] == ("M007", 1, 5)
    assert only("$x_a_b$\n")[:3] == ("M007", 1, 5)
    assert findings("$x^{a^b}$ and ${x_a}_b$ and $x'^2$\n") == []


def test_space_inside_dollars_is_not_math() -> None:
    assert only("The loss $ \\sum_i x_i $ here.\n") == (
        "M008",
        1,
        10,
        "not rendered as math: arithmatex needs no space right after the "
        "opening $ and right before the closing $; write $\\sum_i x_i$",
    )


def test_unclosed_dollar() -> None:
    code, line, column, message = only("Loss $\\sum_i x_i here.\n")
    assert (code, line, column) == ("M008", 1, 6)
    assert message.startswith("unclosed $")


def test_prices_are_not_math() -> None:
    assert findings("It costs $5 and $10 per month.\n") == []
    assert findings("Escaped \\$x^2$ is text.\n") == []


def test_inline_double_dollar_leaves_stray_dollars() -> None:
    found = findings("Inline $$x^2$$ here.\n")
    assert [(c, ln, col) for c, ln, col, _ in found] == [("M008", 1, 8), ("M008", 1, 14)]


def test_empty_formula() -> None:
    assert only("Empty \\( \\) here.\n")[:3] == ("M009", 1, 9)


def test_refused_characters() -> None:
    assert only("$a # b$\n")[:3] == ("M010", 1, 4)
    assert findings("$\\text{a_b}$\n") == []
    assert only("$\\text{a_b}$\n", renderer="katex")[:3] == ("M010", 1, 9)


def test_katex_refuses_newcommand_of_existing_name() -> None:
    text = "$\\newcommand{\\R}{\\mathbb{R}} \\R$\n"
    assert findings(text) == []
    assert only(text, renderer="katex")[:3] == ("M011", 1, 2)


def test_italic_words() -> None:
    found = findings("$mean(x) + Std(x) + \\log x + ab$\n")
    assert [(c, col) for c, _ln, col, _m in found] == [("M102", 2), ("M102", 12)]
    assert "\\operatorname{mean}" in found[0][3]
    assert findings("$\\operatorname{mean}(x) + \\text{Std}$\n") == []
    assert only("$log x$\n")[3].endswith("write \\log")


def test_star_multiplication() -> None:
    assert only("$2 * x$\n") == (
        "M103",
        1,
        4,
        "* renders as an asterisk: write \\cdot or "
        "\\times for multiplication (\\ast for convolution)",
    )
    assert findings("$x^*$ and $x^{*}$ and $f \\ast g$\n") == []


def test_commented_out_question_is_checked_with_clear_wording() -> None:
    text = 'Intro.\n\n<!--\n!!! Question ""\n    === "Answer"\n\n        bad $\\farc{1}{2}$\n-->\n'
    code, line, column, message = only(text)
    assert (code, line, column) == ("M001", 7, 14)
    assert message.startswith("in a commented-out formula")


def test_code_spans_and_fences_are_not_math() -> None:
    text = "Use `$\\farc$` in code.\n\n```\n$\\farc{a}$\n```\n"
    assert findings(text) == []


def test_multiline_block_positions() -> None:
    text = "$$\n\\frac{a}{b}\n+ \\farc{c}{d}\n$$\n"
    assert only(text)[:3] == ("M001", 3, 3)
