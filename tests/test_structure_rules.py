"""Structure rules: each fires on its defect, with line and column, and stays quiet otherwise."""

from __future__ import annotations

import pytest
from conftest import CONTENT, question

import qalint
from qalint.config import ConfigError, config_from_mapping


def findings(text: str, code: str, config: dict | None = None) -> list[tuple[int, int, str]]:
    cfg = config_from_mapping(config or {})
    return [
        (d.line, d.column, d.message) for d in qalint.lint_text(text, "q.md", cfg) if d.code == code
    ]


def test_good_question_has_no_structure_findings() -> None:
    assert [d for d in qalint.lint_text(question()) if d.code.startswith("S")] == []


def test_s001_wrong_type_with_did_you_mean() -> None:
    (hit,) = findings(question(admonition='!!! Questoin ""'), "S001")
    assert hit[:2] == (1, 1)
    assert "did you mean 'question'" in hit[2]


def test_s001_titles_and_markers_from_config() -> None:
    cfg = {"structure": {"titles": ["Q"], "markers": ["!!!"]}}
    assert findings(question(admonition='!!! question "Q"'), "S001", cfg) == []
    (hit,) = findings(question(admonition='!!! question "X"'), "S001", cfg)
    assert 'title "X"' in hit[2]
    (hit,) = findings(question(admonition='??? question "Q"'), "S001", cfg)
    assert "marker '???'" in hit[2]


def test_s001_modifiers_after_the_type_are_not_part_of_it() -> None:
    assert findings(question(admonition='!!! question inline end ""'), "S001") == []
    (hit,) = findings(question(admonition='!!! note inline ""'), "S001")
    assert "type 'note'" in hit[2]


def test_s001_plain_note_without_tabs_is_not_a_question() -> None:
    assert findings("!!! note\n    Just a note.\n", "S001") == []


def test_s002_missing_answer_tab() -> None:
    text = '!!! Question ""\n    === "Question"\n        #### What?\n'
    (hit,) = findings(text, "S002")
    assert hit[:2] == (1, 1) and '"Answer"' in hit[2]


def test_s002_tab_markers_not_indented_explains_why() -> None:
    text = '!!! Question ""\n\n=== "Question"\n    #### What?\n\n=== "Answer"\n    A.\n'
    (hit,) = findings(text, "S002")
    assert "no content tabs" in hit[2] and "line 3" in hit[2]


def test_s003_duplicate_tab() -> None:
    text = question() + '\n    === "Answer"\n\n        Again.\n'
    (hit,) = findings(text, "S003")
    assert hit[0] == 9 and "first on line 5" in hit[2]


def test_s004_misnamed_tab_suggests_and_carries_unsafe_fix() -> None:
    text = question(tabs=("Question", "Anwser"))
    found = [d for d in qalint.lint_text(text) if d.code == "S004"]
    (d,) = found
    assert (d.line, d.column) == (5, 9)
    assert 'did you mean "Answer"' in d.message
    assert d.fix is not None and d.fix.applicability.value == "unsafe"
    edit = d.fix.edits[0]
    assert text[: edit.start] + edit.replacement + text[edit.end :] == question()
    assert findings(text, "S002") == []  # not also reported as missing


def test_s004_translated_bank_uses_configured_titles() -> None:
    cfg = {"structure": {"tabs": ["Pregunta", "Respuesta"]}}
    text = question(tabs=("Pregunta", "Respuesta"), heading="#### ¿Qué es dropout?")
    assert [
        d for d in qalint.lint_text(text, config=config_from_mapping(cfg)) if d.code.startswith("S")
    ] == []


def test_s005_tab_order() -> None:
    text = (
        '!!! Question ""\n    === "Answer"\n        A.\n\n    === "Question"\n        #### Why?\n'
    )
    (hit,) = findings(text, "S005")
    assert hit[0] == 2


def test_s006_heading_missing_wrong_level_and_two_headings() -> None:
    (hit,) = findings(question(heading="What is dropout?"), "S006")
    assert "no heading" in hit[2]
    (hit,) = findings(question(heading="### What is dropout?"), "S006")
    assert hit[:2] == (3, 9) and "level 3 (###); use level 4 (####)" in hit[2]
    (hit,) = findings(question(heading="#### What?\n\n        #### Why?"), "S006")
    assert hit[0] == 5 and "more than one heading" in hit[2]
    assert (
        findings(question(heading="### What?"), "S006", {"structure": {"heading-level": 3}}) == []
    )


def test_s007_empty_answer_names_the_line_that_escaped() -> None:
    text = question().replace("        A regularization", "    A regularization")
    (hit,) = findings(text, "S007")
    assert hit[0] == 5 and "line 7" in hit[2] and "column 9" in hit[2]


def test_s008_continuation_line_escapes_the_tab() -> None:
    text = question(answer="First line.\n      Second line.")
    (hit,) = findings(text, "S008")
    assert hit[:2] == (8, 7)
    assert '"Answer" tab' in hit[2] and "indented 6 spaces" in hit[2] and "needs 8" in hit[2]


def test_s008_not_on_well_indented_blocks() -> None:
    text = question(answer="First.\n\n        Second.\n\n            code")
    assert findings(text, "S008") == []


def test_s009_stray_content_after_a_question_but_not_after_a_section_heading() -> None:
    text = (
        question() + "\nStray.\n\n## Section\n\nSection intro.\n\n" + question(heading="#### Why?")
    )
    hits = findings(text, "S009")
    assert [h[0] for h in hits] == [9]


def test_s010_duplicate_question_in_one_file_and_across_files(tmp_path) -> None:
    text = question() + "\n" + question(heading="#### What is *Dropout* ?")
    (hit,) = findings(text, "S010")
    assert hit[0] == 11 and "line 3" in hit[2]
    (tmp_path / "a.md").write_text(question(), encoding="utf-8")
    (tmp_path / "b.md").write_text(question(), encoding="utf-8")
    dups = [d for d in qalint.lint_paths([tmp_path]) if d.code == "S010"]
    assert len(dups) == 1 and dups[0].path.endswith("b.md") and "a.md:3" in dups[0].message


def test_s011_commented_out_question(seed_text: str) -> None:
    (hit,) = findings(seed_text, "S011")
    assert hit[:2] == (101, 1) and "lines 101-107" in hit[2]


def test_s012_heading_not_a_question_is_info() -> None:
    found = [d for d in qalint.lint_text(question(heading="#### Dropout")) if d.code == "S012"]
    assert len(found) == 1 and found[0].severity.value == "info"
    assert findings(question(heading="#### Explain dropout"), "S012") == []


def test_s013_unclosed_comment() -> None:
    (hit,) = findings(question(answer="Text <!-- todo"), "S013")
    assert hit[0] == 7


def test_s014_unclosed_fence() -> None:
    (hit,) = findings(question(answer="```python\n        x = 1"), "S014")
    assert hit[0] == 7


def test_s015_flat_nested_list_once_per_list(seed_text: str) -> None:
    hits = findings(seed_text, "S015")
    assert [h[:2] for h in hits] == [(51, 11), (68, 11), (89, 11)]
    assert findings(question(answer="- a\n            - b"), "S015") == []


def test_s016_leading_whitespace_line(seed_text: str) -> None:
    (hit,) = findings(seed_text, "S016")
    assert hit[:2] == (1, 1) and "line 2" in hit[2]


def test_content_bank_has_no_structure_findings() -> None:
    for path in CONTENT.glob("*.md"):
        found = [d for d in qalint.lint_paths([path]) if d.code.startswith("S")]
        assert found == [], found


def test_s007_an_answer_holding_only_a_comment_is_empty() -> None:
    (hit,) = findings(question(answer="<!-- todo: write the answer -->"), "S007")
    assert hit[0] == 5
    assert findings(question(answer="<!-- note -->\n\n        The answer."), "S007") == []


def test_s008_content_after_the_tabs_at_the_block_indent_falls_out_of_the_answer() -> None:
    text = question(answer="First.") + "\n    Second paragraph.\n"
    (hit,) = findings(text, "S008")
    assert hit[:2] == (9, 5)
    assert '"Answer" tab (line 5)' in hit[2] and "indented 4 spaces" in hit[2]
    fence = question(answer="First.") + "\n    ```python\n    x = 1\n    ```\n"
    assert [h[:2] for h in findings(fence, "S008")] == [(9, 5)]
    # Text after nested tabs inside the answer belongs to the answer.
    nested = question(answer='Intro.\n\n        === "Python"\n            x\n\n        After.')
    assert findings(nested, "S008") == []


def test_s017_content_before_the_tabs_and_split_tab_sets() -> None:
    before = question().replace('""\n', '""\n    Some context.\n\n', 1)
    (hit,) = findings(before, "S017")
    assert hit[:2] == (2, 5) and "before its tabs" in hit[2]
    (hit,) = findings(question().replace('=== "Answer"', '===! "Answer"'), "S017")
    assert hit[:2] == (5, 10) and "`===!`" in hit[2]
    comment = question().replace('    === "Answer"', '    <!-- x -->\n\n    === "Answer"')
    (hit,) = findings(comment, "S017")
    assert hit[0] == 7 and "comment on line 5" in hit[2]
    assert findings(comment, "S007") == findings(comment, "S002") == []
    para = question().replace('    === "Answer"', '    Between.\n\n    === "Answer"')
    assert [h[0] for h in findings(para, "S017")] == [7]
    assert [h[0] for h in findings(para, "S008")] == [5]
    assert findings(question(), "S017") == []


def test_s009_an_admonition_right_after_a_question_is_stray() -> None:
    tip = "!!! tip\n    A tip.\n\n"
    text = tip + question() + "\n" + tip + question(heading="#### Why?") + "\n## More\n\n" + tip
    assert [h[0] for h in findings(text, "S009")] == [12]


def test_s010_links_in_headings_compare_by_their_text() -> None:
    text = question() + "\n" + question(heading="#### What is [dropout](https://x.org/dropout)?")
    (hit,) = findings(text, "S010")
    assert hit[0] == 11


def test_structure_options_are_validated() -> None:
    for options, problem in (
        ({"tabs": []}, "at least one tab"),
        ({"tabs": ["Q", "Q"]}, "listed twice"),
        ({"optional-tabs": [" "]}, "blank"),
        ({"admonition-types": []}, "at least one admonition type"),
        ({"markers": ["!!"]}, "unknown value '!!'"),
        ({"markers": []}, "at least one of"),
    ):
        with pytest.raises(ConfigError, match=problem):
            config_from_mapping({"structure": options})
    with pytest.raises(ConfigError, match="max-file-size: must be a positive"):
        config_from_mapping({"max-file-size": 0})
