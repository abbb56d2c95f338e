"""W rules: each finding where a user sees it, and what its fix writes."""

from __future__ import annotations

import pytest
from conftest import question
from rendered import page_problems, render_html, token_homes

import qalint
from qalint.config import ConfigError, config_from_mapping
from qalint.diagnostics import Applicability
from qalint.fix import apply_edits, fix_text
from qalint.rules.registry import all_rules

W_RULES = [r for r in all_rules() if r.code.startswith("W")]


def findings(text: str, code: str, config=None):
    """The findings of one rule, as (line, column, message)."""
    return [d for d in qalint.lint_text(text, config=config) if d.code == code]


def apply_one(text: str, diagnostic) -> str:
    """The text with only this finding's fix applied."""
    return apply_edits(text, diagnostic.fix.edits)


@pytest.mark.parametrize("rule", W_RULES, ids=lambda r: r.code)
def test_bad_example_is_flagged_and_good_example_is_clean(rule) -> None:
    assert findings(rule.bad, rule.code), f"{rule.code} misses its own bad example"
    assert not [d for d in qalint.lint_text(rule.good) if d.code.startswith("W")]
    assert rule.fixable


@pytest.mark.parametrize("rule", W_RULES, ids=lambda r: r.code)
def test_fixing_the_bad_example_gives_a_clean_text(rule) -> None:
    fixed = fix_text(rule.bad, unsafe=True)
    assert not findings(fixed, rule.code)


def test_well_formed_bank_has_no_w_findings() -> None:
    text = question() + "\n" + question("#### What is weight decay?", "- one\n            - two")
    assert not [d for d in qalint.lint_text(text) if d.code.startswith("W")]


def test_trailing_whitespace_after_a_tab_marker() -> None:
    text = question().replace('=== "Answer"', '=== "Answer" ')
    [d] = findings(text, "W001")
    assert (d.line, d.column) == (5, 17)
    assert "after the marker" in d.message
    assert apply_one(text, d) == question()


def test_whitespace_only_lines_and_tabs_at_the_end() -> None:
    text = "Text.\t \n        \nMore.\n"
    got = [(d.line, d.column, d.message) for d in findings(text, "W001")]
    assert got == [
        (1, 6, "trailing whitespace (2 characters); delete it"),
        (2, 1, "whitespace-only line (8 characters); delete it"),
    ]


def test_hard_line_break_is_not_trailing_whitespace() -> None:
    text = "First line  \nsecond line of the same paragraph.\n"
    assert not findings(text, "W001")
    assert findings("Last line of a paragraph  \n\nNext.\n", "W001")


@pytest.mark.parametrize("tail", ["\t", " \t", "  \t", "\t "])
def test_a_trailing_tab_that_renders_a_line_break_is_kept(tail: str) -> None:
    text = f"First line{tail}\nsecond line.\n"
    assert "<br" in render_html(text)  # Python-Markdown expands the tab to 2+ spaces
    assert not findings(text, "W001")
    assert fix_text(text) == text


def test_a_trailing_tab_that_expands_to_one_space_is_not_a_break() -> None:
    text = "abc\t\nsecond line.\n"
    assert "<br" not in render_html(text)
    assert findings(text, "W001")
    assert fix_text(text) == "abc\nsecond line.\n"


def test_whitespace_first_line_is_left_to_s016() -> None:
    assert not findings(" \n- item\n", "W001")


def test_tab_indentation_expands_like_python_markdown() -> None:
    text = '!!! Question ""\n\t=== "Question"\n\t\t#### What?\n  \t=== "Answer"\n'
    got = findings(text, "W002")
    assert [(d.line, d.column) for d in got] == [(2, 1), (3, 1), (4, 1)]
    assert "indent with 8 spaces" in got[1].message
    fixed = fix_text(text)
    assert fixed.splitlines()[1:4] == [
        '    === "Question"',
        "        #### What?",
        '    === "Answer"',
    ]


def test_tabs_inside_code_blocks_are_left_alone() -> None:
    text = "```make\nall:\n\tgcc x.c\n```\n"
    assert not findings(text, "W002")


@pytest.mark.parametrize("indent", [5, 6, 7])
def test_answer_body_at_5_to_7_spaces_is_reindented(indent: int) -> None:
    text = question(answer="t2 t3\nt4").replace("        t2", " " * indent + "t2")
    text = text.replace("\nt4", "\n" + " " * indent + "t4")
    [d] = findings(text, "W003")
    assert d.line == 7 and d.column == indent + 1
    assert f"indented {indent} spaces" in d.message and "Answer" in d.message
    fixed = fix_text(text)
    assert fixed == question(answer="t2 t3\n        t4")
    assert token_homes(fixed) == {
        "t2": "/admonition/tab:Answer",
        "t3": "/admonition/tab:Answer",
        "t4": "/admonition/tab:Answer",
    }


@pytest.mark.parametrize("indent", [5, 6, 7, 9, 10, 11])
def test_question_heading_off_by_one_to_three(indent: int) -> None:
    text = question(heading="#### What is t1?").replace("        ####", " " * indent + "####")
    [d] = findings(text, "W003")
    assert d.line == 3
    fixed = fix_text(text)
    assert fixed == question(heading="#### What is t1?")
    assert page_problems(fixed) == []


def _answer_at(i: int, pad: int) -> str:
    text = question(f"#### What is t{i}?", f"Answer t{i}.")
    return text.replace(f"        Answer t{i}", " " * pad + f"Answer t{i}")


def test_reindenting_many_questions_sees_each_one_whole() -> None:
    """W003 re-parses only the question around a line: joined questions and the page's
    first and last questions must come out as if the whole page had been re-parsed."""
    glued = question("#### What is t3?").rstrip("\n") + "\n"
    moved_tab = question("#### What is t5?").replace('    === "Answer"', '      === "Answer"')
    text = "Intro text.\n\n" + _answer_at(1, 6) + "\n" + _answer_at(2, 7).rstrip("\n") + "\n"
    text += glued + _answer_at(4, 5) + "\n" + moved_tab
    assert [d.line for d in findings(text, "W003")] == [9, 17, 31, 37]
    fixed = fix_text(text)
    blocks = [question(f"#### What is t{i}?", f"Answer t{i}.") for i in (1, 2, 4)]
    blocks[2:2] = [question("#### What is t3?")]
    assert fixed == "Intro text.\n\n" + "\n".join([*blocks, question("#### What is t5?")])
    assert page_problems(fixed) == []


def test_heading_at_twelve_spaces_is_code_and_ambiguous() -> None:
    text = question().replace("        ####", " " * 12 + "####")
    assert not findings(text, "W003")


def test_body_at_the_tab_markers_column_is_not_guessed() -> None:
    text = question().replace("        A regularization", "    A regularization")
    assert not findings(text, "W003")
    assert [d.code for d in qalint.lint_text(text) if d.code in {"S007", "S008"}]


def test_tab_marker_too_deep_becomes_a_sibling_again() -> None:
    text = question().replace('    === "Answer"', '      === "Answer"')
    [d] = findings(text, "W003")
    assert d.line == 5 and "indent it 4 spaces" in d.message
    assert fix_text(text) == question()


def test_blank_line_between_questions() -> None:
    text = question().rstrip("\n") + "\n" + question("#### What is t9?")
    [d] = findings(text, "W004")
    assert (d.line, d.column) == (8, 1)
    assert fix_text(text) == question() + "\n" + question("#### What is t9?")


def test_runs_of_blank_lines_outside_code() -> None:
    text = "A.\n\n\n\nB.\n\n    code\n\n\n    more code\n"
    [d] = findings(text, "W005")
    assert (d.line, d.message) == (3, "3 blank lines in a row (lines 2-4); keep at most 1")
    assert fix_text(text) == "A.\n\nB.\n\n    code\n\n\n    more code\n"


@pytest.mark.parametrize("tag", ["pre", "PRE", "textarea", "script", "style"])
def test_blank_lines_inside_preformatted_html_are_kept(tag: str) -> None:
    text = f"<{tag}>\na\n\n\n\nb\n</{tag}>\n\n\n\nAfter.\n"
    [d] = findings(text, "W005")
    assert d.line == 9
    fixed = fix_text(text)
    assert fixed == f"<{tag}>\na\n\n\n\nb\n</{tag}>\n\nAfter.\n"
    assert render_html(fixed) == render_html(text)


def test_a_pre_tag_named_in_prose_does_not_hold_back_w005() -> None:
    text = "Use `<pre>` for that.\n\n\n\nNext.\n"
    assert len(findings(text, "W005")) == 1
    assert fix_text(text) == "Use `<pre>` for that.\n\nNext.\n"


def test_max_blank_lines_is_configurable() -> None:
    config = config_from_mapping({"formatting": {"max-blank-lines": 2}})
    assert not findings("A.\n\n\nB.\n", "W005", config)
    with pytest.raises(ConfigError, match="max-blank-lines"):
        config_from_mapping({"formatting": {"max-blank-lines": 0}})


def test_final_newline_missing_and_extra() -> None:
    [d] = findings("Text.", "W006")
    assert (d.line, d.column) == (1, 6)
    assert fix_text("Text.") == "Text.\n"
    [d] = findings("Text.\n\n\n", "W006")
    assert "2 blank lines at the end" in d.message
    assert fix_text("Text.\n\n\n") == "Text.\n"
    assert fix_text("Text.\r\nMore.") == "Text.\r\nMore.\r\n"


def test_final_newline_keeps_cr_and_mixed_line_endings() -> None:
    assert not findings("Old Mac.\rText.\r", "W006")
    assert fix_text("Old Mac.\rText.\r\r\r") == "Old Mac.\rText.\r"
    assert fix_text("Old Mac.\rText.") == "Old Mac.\rText.\r"
    assert fix_text("a\r\nb\nc") == "a\r\nb\nc\n"  # the break of the line before
    [d] = findings("Text.\n   ", "W006")
    assert d.message == "1 blank line at the end of the file; delete it"


def test_blank_line_before_a_question_in_a_cr_file() -> None:
    text = (question().rstrip("\n") + "\n" + question("#### What is t9?")).replace("\n", "\r")
    assert fix_text(text) == (question() + "\n" + question("#### What is t9?")).replace("\n", "\r")


def test_admonition_spelling_is_normalised_safely() -> None:
    for written in ['!!!Question ""', '!!! QUESTION  ""', "!!! Question ''", '!!! Question""']:
        text = question(admonition=written)
        # Openers that render as text are S032's (an error) with this fix; one finding a line.
        breaks = written.endswith(("''", 'n""'))
        [d] = [f for f in qalint.lint_text(text) if f.code in {"W007", "S032"}]
        assert d.code == ("S032" if breaks else "W007"), written
        assert d.fix.applicability is Applicability.SAFE, written
        assert fix_text(text) == question(), written


def test_a_broken_question_opener_is_one_finding_with_the_w007_fix() -> None:
    text = '??? question"What is dropout?"\n    A regularization technique.\n'
    found = [d for d in qalint.lint_text(text) if d.line == 1]
    assert [d.code for d in found] == ["S032"]
    fixed = apply_one(text, found[0])
    assert fixed.startswith('??? Question "What is dropout?"\n')
    assert "<details" in render_html(fixed)


def test_missing_empty_title_is_an_unsafe_fix() -> None:
    text = question(admonition="!!! question")
    [d] = findings(text, "W007")
    assert d.fix.applicability is Applicability.UNSAFE
    assert "title bar" in d.message
    assert fix_text(text) == text
    assert fix_text(text, unsafe=True) == question()


def test_admonition_marker_is_configurable() -> None:
    config = config_from_mapping({"formatting": {"admonition-marker": "!!! question"}})
    assert not findings(question(admonition="!!! question"), "W007", config)
    with pytest.raises(ConfigError, match="admonition-marker"):
        config_from_mapping({"formatting": {"admonition-marker": "Question"}})


def test_a_non_empty_title_and_details_marker_are_kept() -> None:
    assert not findings(question(admonition='!!! Question "Q1"'), "W007")
    assert not findings(question(admonition='???+ Question ""'), "W007")


@pytest.mark.parametrize(
    "written", ["=== 'Answer'", "=== Answer", '==="Answer"', '===   "Answer"', "=== “Answer”"]
)
def test_tab_marker_spelling(written: str) -> None:
    text = question().replace('=== "Answer"', written)
    [d] = findings(text, "W008")
    assert d.line == 5
    fixed = fix_text(text)
    assert fixed == question()
    assert page_problems(fixed) == []


def test_setext_underline_is_not_a_tab_marker() -> None:
    text = '!!! Question ""\n    Title\n    ===\n'
    assert not findings(text, "W008")


def test_question_heading_level_is_fixed_by_s006() -> None:
    text = question(heading="### What is dropout?")
    [d] = findings(text, "S006")
    assert (d.line, d.column, d.span.end_column) == (3, 9, 12)
    assert d.fix is not None and d.fix.applicability.value == "safe"
    assert fix_text(text) == question()
    config = config_from_mapping({"structure": {"heading-level": 3}})
    assert not findings(text, "S006", config)


def test_heading_space_missing_and_extra() -> None:
    [d] = findings("####What is it?\n", "W010")
    assert (d.line, d.column) == (1, 5)
    assert "CommonMark" in d.message
    assert fix_text("####What is it?\n") == "#### What is it?\n"
    [d] = findings("####  Can you?\n", "W010")
    assert (d.column, d.span.end_column) == (5, 7)
    assert fix_text("####  Can you?\n") == "#### Can you?\n"


def test_seed_formatting_findings(seed_text: str) -> None:
    got = {(d.code, d.line) for d in qalint.lint_text(seed_text) if d.code.startswith("W")}
    assert ("W001", 16) in got  # `=== "Answer" `
    assert ("W010", 76) in got  # `####  Can you`
    assert ("W005", 73) in got and ("W005", 141) in got
    assert ("W006", 196) in got
