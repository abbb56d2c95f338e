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


# -- audit of issue 8: each case below failed before its fix --------------------------------


def test_math_delimiters_inside_a_formula_are_undefined() -> None:
    code, line, column, message = only("$$\n\\[ x^2 ]\n$$\n")
    assert (code, line, column) == ("M001", 2, 1)
    assert "\\[ delimits a formula and cannot appear inside one" in message
    found = findings("Inline $f\\(x\\)$ here.\n", renderer="katex")
    assert [f[:3] for f in found] == [("M001", 1, 10), ("M001", 1, 13)]


def test_katex_accents_are_known_and_need_their_argument() -> None:
    assert findings("$\\'a + \\\"o$\n", renderer="katex") == []
    assert only("$\\'a$\n")[:3] == ("M001", 1, 2)  # MathJax has no text accents in math
    assert only("$x + \\^$\n", renderer="katex")[:3] == ("M006", 1, 6)
    assert only("$a \\= b$\n", renderer="katex")[:3] == ("M006", 1, 4)


def test_prime_or_newline_cannot_be_a_script() -> None:
    assert only("$x^'$\n")[:3] == ("M006", 1, 3)
    assert only("$$\n\\begin{cases} a _\\\\ b \\end{cases}\n$$\n")[:3] == ("M006", 2, 17)


def test_parameter_character_as_an_argument() -> None:
    assert only("$\\frac#{1}{2}$\n")[:3] == ("M010", 1, 7)
    assert only("$\\beta_#1$\n")[:3] == ("M010", 1, 8)


def test_math_inside_text_is_checked_and_must_be_closed() -> None:
    text = "$$\n\\text{if $\\farc{a}{b} > 0$}\n$$\n"
    assert only(text)[:3] == ("M001", 2, 11)
    code, line, column, message = only("$$\n\\text{if $x > 0}\n$$\n")
    assert (code, line, column) == ("M010", 2, 10)
    assert message.startswith("unclosed $ inside the text")


def test_mathjax_reads_percent_in_an_argument_as_text() -> None:
    text = "$$\n\\text{95% of } x\n$$\n"
    assert findings(text) == []
    code, _line, _column, message = only(text, renderer="katex")
    assert code == "M002"
    assert "write \\% for a percent sign" in message


def test_definers_the_renderer_lacks() -> None:
    text = "$\\DeclareMathOperator{\\Tr}{Tr} \\Tr(A)$\n"
    assert findings(text) == []
    code, line, column, message = only(text, renderer="katex")
    assert (code, line, column) == ("M001", 1, 2)
    assert "MathJax knows it but KaTeX does not" in message
    assert only("$\\gdef\\E{x} \\E$\n")[:3] == ("M001", 1, 2)
    assert findings("$\\gdef\\E{x} \\E$\n", renderer="katex") == []


def test_tag_rules() -> None:
    assert findings("$$\na = b \\tag{1}\n$$\n", renderer="katex") == []
    assert only("$a = b \\tag{1}$\n", renderer="katex")[:3] == ("M004", 1, 8)
    assert findings("$a = b \\tag{1}$\n") == []
    code, line, column, message = only("$$\na \\tag{1} \\tag{2}\n$$\n")
    assert (code, line, column) == ("M004", 2, 11)
    assert message.startswith("a second \\tag")
    rows = "$$\n\\begin{align} a \\tag{1} \\\\ b \\tag{2} \\end{align}\n$$\n"
    assert findings(rows) == []
    code, line, column, message = only("$$\n\\begin{aligned} a \\tag{1} \\end{aligned}\n$$\n")
    assert (code, line, column) == ("M004", 2, 19)
    assert "MathJax refuses \\tag inside {aligned}" in message


def test_mathjax_refuses_nested_equation_environments() -> None:
    text = "$$\n\\begin{align} \\begin{align} a \\end{align} \\end{align}\n$$\n"
    code, line, column, message = only(text)
    assert (code, line, column) == ("M004", 2, 15)
    assert "erroneous nesting" in message
    assert findings("$$\n\\begin{align} \\begin{aligned} a \\end{aligned} \\end{align}\n$$\n") == []


def test_newcommand_name_and_parameters() -> None:
    assert only("$\\newcommand{\\E{\\mathbb{E}} \\E[x]$\n")[:3] == ("M002", 1, 13)
    assert only("$\\newcommand{\\E x}{y}$\n")[:3] == ("M011", 1, 2)
    assert only("$\\newcommand{\\E}[x]{y}$\n")[:3] == ("M011", 1, 17)
    optional = "$\\newcommand{\\f}[2][0]{#1 #2} \\f{x} + \\f[1]{y}$\n"
    assert findings(optional) == []
    assert only(optional, renderer="katex")[:3] == ("M011", 1, 20)
    page = "$\\newcommand{\\f}[2][0]{#1 #2}$ and later $\\f{x}$\n"
    assert findings(page) == []


def test_unknown_command_in_a_macro_body() -> None:
    assert only("$\\newcommand{\\E}{\\mathbbb{E}} \\E[x]$\n")[:3] == ("M001", 1, 18)
    assert findings("$\\newcommand{\\a}{\\b} \\newcommand{\\b}{x} \\a$\n") == []


def test_command_with_arguments_as_a_bare_argument() -> None:
    code, line, column, message = only("$\\hat\\vec{x}$\n")
    assert (code, line, column) == ("M006", 1, 6)
    assert "write \\hat{\\vec...}" in message
    assert findings("$\\sqrt\\frac12 + \\mathbf\\alpha$\n") == []


def test_functions_as_unbraced_scripts() -> None:
    assert only("$h_\\tanh(x)$\n")[:3] == ("M006", 1, 4)
    assert findings("$x_\\max$\n") == []
    assert only("$x_\\max$\n", renderer="katex")[:3] == ("M006", 1, 4)


def test_infix_fractions_and_misplaced_cr() -> None:
    assert only("$a \\over b \\over c$\n")[:3] == ("M006", 1, 12)
    assert findings("${a \\over b} \\over c$\n") == []
    assert only("$a \\cr b$\n")[:3] == ("M005", 1, 4)
    assert findings("$\\begin{matrix} a \\cr b \\end{matrix}$\n") == []


def test_missing_argument_counts_only_braced_arguments() -> None:
    assert only("$\\sqrt$\n")[3] == "\\sqrt needs 1 argument in braces; argument 1 is missing"


def test_mathjax_shows_commands_in_text_as_they_are() -> None:
    assert findings("$\\text{\\ma}$\n") == []
    assert only("$\\text{\\ma}$\n", renderer="katex")[:3] == ("M001", 1, 8)


def test_prices_next_to_code_identifiers_and_escapes_are_not_math() -> None:
    assert findings("It costs $5, see `my_var` and file_name here.\n") == []
    assert findings("Another $10 price with a \\$ escape and x^2 later.\n") == []


def test_unclosed_display_dollars_point_at_the_opening_pair() -> None:
    code, line, column, message = only("$$\n\\frac{a}{b}\n\nMore text.\n")
    assert (code, line, column) == ("M008", 1, 1)
    assert message.startswith("unclosed $$")
    code, line, column, message = only("Spaced $$ \\frac{a}{b} $$ here.\n")
    assert (code, line, column) == ("M008", 1, 8)
    assert message.endswith("write $\\frac{a}{b}$ inline")


def test_brackets_and_environments_outside_display_blocks() -> None:
    code, line, column, message = only("Inline display \\[x^2\\] in a sentence.\n")
    assert (code, line, column) == ("M008", 1, 16)
    assert "display math must be a paragraph of its own" in message
    assert only("\\[\nx^2\n\nText.\n")[:3] == ("M008", 1, 1)
    assert findings("See reference \\[1\\] and `\\[x^2\\]` in code.\n") == []
    code, line, column, message = only("\\begin{Bmatrix}\na & b\n\\end{Bmatrix}\n")
    assert (code, line, column) == ("M008", 1, 1)
    assert message.startswith("\\begin{Bmatrix} outside a formula")
    assert findings("\\begin{aligned}\na &= b\n\\end{aligned}\n") == []


def test_nested_dollars_in_inline_text() -> None:
    code, line, column, message = only("Cases: $\\text{if $x>0$}$, done.\n")
    assert (code, line, column) == ("M008", 1, 8)
    assert message.startswith("a $...$ formula cannot hold another $...$")


def test_positions_in_an_indented_tab_body_with_crlf_and_tabs() -> None:
    text = (
        '!!! Question ""\r\n    === "Question"\r\n        #### Q?\r\n\r\n'
        '    === "Answer"\r\n\r\n        $$\r\n        \\frac{a}{b}\r\n'
        "        + \\farc{c}{d} + \\left( x\r\n        $$\r\n\r\n"
        "        Inline \\t$x^a^b$ and \\(\\frac{a}{b\\).\r\n"
    ).replace("\\t", "\t")
    assert [f[:3] for f in findings(text)] == [
        ("M001", 9, 11),
        ("M003", 9, 25),
        ("M007", 12, 21),
        ("M002", 12, 40),
    ]


def test_a_run_of_primes_after_a_superscript_is_one_finding() -> None:
    assert only("$x^a''$\n")[:3] == ("M007", 1, 5)


def test_too_deep_nesting_is_one_info_note_not_an_error() -> None:
    for depth in (201, 500):
        text = "$" + "{" * depth + "x" + "}" * depth + "$\n"
        found = qalint.lint_text(text)
        assert [(d.code, d.severity.value) for d in found] == [("M030", "info")]
        assert "nested more than 200 groups deep" in found[0].message
    assert qalint.lint_text("$" + "{" * 199 + "x" + "}" * 199 + "$\n") == []
