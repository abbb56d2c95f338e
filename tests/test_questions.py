"""The question model: each shape detected from small pages, settings, the per-page directive,
the site model, the S03x/S04x rules with the renderer as oracle, and ``qalint questions``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import question
from rendered import render_html

import qalint
from qalint.cli import main
from qalint.config import ConfigError, config_from_mapping
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.questions import Question, questions_of
from qalint.questions.settings import DEFAULT_SETTINGS, Settings
from qalint.site.model import MarkdownFlags, SiteModel


def qs(text: str, site: SiteModel | None = None, settings: Settings = DEFAULT_SETTINGS):
    doc = parse(Source(text), "q.md", site) if site else parse(Source(text), "q.md")
    return questions_of(doc, settings)


def codes(text: str, config: dict | None = None) -> list[tuple[int, str]]:
    cfg = config_from_mapping(config or {})
    return [(d.line, d.code) for d in qalint.lint_text(text, "q.md", cfg)]


def test_tabs_shape_with_configured_and_translated_titles() -> None:
    (q,) = qs(question())
    assert (q.shape, q.text, q.question_from, q.answer_lines()) == (
        "tabs",
        "What is dropout?",
        "tab",
        (5, 7),
    )
    text = (
        '!!! example "Exercice 1"\n    === "Énoncé"\n        Écrire f.\n\n'
        '    === "Correction"\n        --8<-- "f.md"\n'
    )
    (q,) = qs(text)
    assert q.shape == "tabs" and q.text == "Écrire f." and q.answer_lines() == (5, 6)
    assert [c for c in codes(text) if c[1].startswith("S")] == []


def test_tabs_that_are_not_question_and_answer_are_not_a_question() -> None:
    text = '!!! example "Markdown"\n    === "Source"\n        a\n\n    === "Rendu"\n        b\n'
    assert qs(text) == []


def test_titled_collapsible_variants() -> None:
    text = (
        '??? question "What is X?"\n    X is Y.\n\n'
        '???+ question "Why?"\n    Because.\n\n'
        '???- question "How?"\n    So.\n\n'
        '!!! question "When?"\n    Now.\n'
    )
    found = qs(text)
    assert [(q.shape, q.text, q.span.line) for q in found] == [
        ("titled-collapsible", "What is X?", 1),
        ("titled-collapsible", "Why?", 4),
        ("titled-collapsible", "How?", 7),
        ("titled-collapsible", "When?", 10),
    ]
    assert all(q.answer_spans and not q.answer_empty for q in found)
    assert [c for c in codes(text) if c[1].startswith("S")] == []  # no S002 any more


def test_question_block_holding_an_answer_collapsible() -> None:
    text = '!!! question "Exercise 1"\n    Compute 2 + 2.\n\n    ??? success "Answer"\n        4.\n'
    (q,) = qs(text)
    assert (q.shape, q.text, q.span.line, q.answer_lines()) == (
        "answer-collapsible",
        "Compute 2 + 2.",
        2,
        (5, 5),
    )
    assert [c for c in codes(text) if c[1].startswith("S")] == []


@pytest.mark.parametrize(
    "lead",
    [
        "## What is a heap?",
        "What is a heap?",
        "**Q**: What is a heap?",
        "**Exercise:** Build a heap.",
    ],
)
@pytest.mark.parametrize(
    "answer",
    [
        '??? success "Answer"',
        '??? done "Answer"',
        '??? tip "Show Answer"',
        '??? "Answer"',
        "??? Answer",
        '??? note "Solution"',
    ],
)
def test_question_then_answer_collapsible(lead: str, answer: str) -> None:
    text = f"{lead}\n\n{answer}\n    A tree.\n"
    assert "<details" in render_html(text)
    (q,) = qs(text)
    assert q.shape == "answer-collapsible" and q.span.line == 1 and q.answer_lines() == (4, 4)
    assert q.text.strip("*: ").endswith(("heap?", "heap."))


def test_heading_shape_only_on_pages_that_look_like_banks() -> None:
    bank = (
        "## 2.1-1\n\n> Sort the array.\n\nDone by insertion.\n\n"
        "## 2.1-2\n\n> Reverse it.\n\nFlip.\n"
    )
    found = qs(bank)
    assert [(q.shape, q.text, q.span.line, q.answer_lines()) for q in found] == [
        ("heading", "Sort the array.", 3, (5, 5)),
        ("heading", "Reverse it.", 9, (11, 11)),
    ]
    assert qs("## Introduction\n\nText.\n\n## Usage\n\nMore.\n") == []
    titled = (
        "### Q1. What is a stack and why use one?\n\nA LIFO list.\n\n"
        "### Q2. What is a queue in short?\n\nFIFO.\n"
    )
    assert [q.text for q in qs(titled)] == [
        "What is a stack and why use one?",
        "What is a queue in short?",
    ]


def test_q_lead_paragraphs_are_answered_by_what_follows() -> None:
    text = (
        "**Q**: Is a path a list of edges?\n\nYes, in English texts.\n\nMostly.\n\n"
        "**Q**: Next?\n\nNo.\n"
    )
    found = qs(text)
    assert [(q.text, q.answer_lines()) for q in found] == [
        ("Is a path a list of edges?", (3, 5)),
        ("Next?", (9, 9)),
    ]


def test_html_details_shape() -> None:
    text = "<details markdown>\n<summary>What is X?</summary>\n\nX is *Y*.\n\n</details>\n"
    assert "<summary>What is X?</summary>" in render_html(text)
    (q,) = qs(text)
    assert (q.shape, q.text, q.span.line, q.answer_empty) == (
        "html-details",
        "What is X?",
        2,
        False,
    )
    (q,) = qs("<details><summary>Empty?</summary></details>\n")
    assert q.answer_empty
    assert qs("```html\n<details><summary>Demo?</summary>x</details>\n```\n") == []


def test_quiz_shapes_and_kinds() -> None:
    text = (
        "<quiz>\nWhich are primes?\n- [x] 2\n- [X] 3\n- [ ] 4\n\n"
        "Primes have two divisors.\n</quiz>\n\n"
        "<quiz>\n2 + 2 = [[4]]\n</quiz>\n\n"
        "```markdown\n<quiz>\nDemo?\n- [x] a\n</quiz>\n```\n\n"
        "<?quiz?>\nquestion: Ready?\nanswer-correct: Yes\nanswer: No\n<?/quiz?>\n"
    )
    multi, fill, legacy = qs(text)
    assert (multi.kind, [o.correct for o in multi.options], multi.answer_lines()) == (
        "multiple",
        [True, True, False],
        (7, 7),
    )
    assert fill.kind == "fill-in" and [b.text for b in fill.blanks] == ["4"]
    assert legacy.text == "Ready?" and [(o.text, o.correct) for o in legacy.options] == [
        ("Yes", True),
        ("No", False),
    ]


def test_multiple_choice_with_show_answer() -> None:
    text = 'Which is prime?\n\nA. 4\nB. 7\nC. 9\n\n??? success "Show Answer"\n    **B**\n'
    (q,) = qs(text)
    assert q.shape == "quiz" and q.text == "Which is prime?"
    assert [(o.label, o.correct) for o in q.options] == [("A", False), ("B", True), ("C", False)]
    assert q.answer_key is not None and q.answer_key[0] == "B"


def test_shapes_from_config_and_page_directive() -> None:
    text = '??? question "What?"\n    A.\n\n<quiz>\nQ?\n- [x] a\n</quiz>\n'
    assert [q.shape for q in qs(text)] == ["titled-collapsible", "quiz"]
    only_quiz = Settings(shapes=frozenset({"quiz"}))
    assert [q.shape for q in qs(text, settings=only_quiz)] == ["quiz"]
    directive = "<!-- qalint: shapes=auto,-quiz -->\n\n" + text
    assert [q.shape for q in qs(directive)] == ["titled-collapsible"]
    with pytest.raises(ConfigError, match="unknown shape"):
        config_from_mapping({"structure": {"shapes": ["tab"]}})
    cfg = {"structure": {"shapes": ["auto", "-titled-collapsible"]}}
    assert (4, "S040") not in codes('??? question "What?"\n\n<quiz>\nQ?\n- [ ] a\n</quiz>\n', cfg)
    assert all(code != "S031" for _, code in codes('??? question "What?"\n\nOut.\n', cfg))


def test_site_without_admonition_has_no_admonition_shapes() -> None:
    site = SiteModel(
        extensions=(), flags=MarkdownFlags(admonition=False, details=False, tabbed=False)
    )
    assert qs('??? question "What?"\n    A.\n', site) == []


def test_questions_of_is_memoised() -> None:
    doc = parse(Source('??? question "What?"\n    A.\n'), "q.md")
    assert questions_of(doc) is questions_of(doc)
    assert isinstance(questions_of(doc)[0], Question)


# --- rules, with the renderer deciding what is a defect ------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        '?? question "Q?"',
        '!! note "Q?"',
        '! ! ! note "Q?"',
        '???"Q?"',
        '??? question"Q?"',
        '??? question "Q?',
        '!!! note "Q?',
    ],
)
def test_s032_marker_typos_render_as_text(marker: str) -> None:
    text = f"{marker}\n    Body.\n"
    html = render_html(text)
    assert "<details" not in html and "admonition" not in html
    assert (1, "S032") in codes(text)


@pytest.mark.parametrize("marker", ['!!!tip "Fine"', '???question "Fine?"', '???+ note "Fine"'])
def test_s032_markers_without_a_space_render_fine(marker: str) -> None:
    text = f"{marker}\n    Body.\n"
    html = render_html(text)
    assert "<details" in html or "admonition" in html
    assert all(code != "S032" for _, code in codes(text))


def test_s031_dedented_body_renders_outside_the_collapsible() -> None:
    text = '??? question "What is dropout?"\n\nA regularization technique.\n'
    assert "<summary>What is dropout?</summary>\n</details>" in render_html(text)
    assert (1, "S031") in codes(text)


def test_s008_reports_an_answer_line_that_falls_out_of_a_collapsible() -> None:
    text = '??? question "What?"\n    First line.\n\n  Second paragraph escapes.\n'
    html = render_html(text)
    assert html.index("Second paragraph") > html.index("</details>")
    assert (4, "S008") in codes(text)


def test_s030_s033_s034() -> None:
    assert (1, "S030") in codes("<quiz>\n- [x] a\n- [ ] b\n</quiz>\n")
    assert (1, "S033") in codes('??? success "Answer"\n    42.\n')
    assert (1, "S034") in codes("**Exercise:** Prove it.\n")
    assert (1, "S034") not in codes('**Exercise:** Prove it.\n\n??? done "Answer"\n    Done.\n')


def test_quiz_rules() -> None:
    assert (3, "S040") in codes("<quiz>\nQ?\n- [ ] a\n- [ ] b\n</quiz>\n")
    assert (1, "S041") in codes('Q?\n\nA. 1\nB. 2\n\n??? success "Answer"\n    Answer: A, B\n')
    assert (1, "S041") not in codes(
        'Select all that apply.\n\nA. 1\nB. 2\n\n??? success "Answer"\n    A, B\n'
    )
    assert (4, "S042") in codes("<quiz>\nQ?\n- [x] a\n- [ ]\n</quiz>\n")
    assert (4, "S043") in codes("<quiz>\nQ?\n- [x] `a`\n- [ ] `A`\n</quiz>\n")
    assert (4, "S043") not in codes(
        "<quiz>\nQ?\n- [x] `for x in y:`\n- [ ] `for (x in y)`\n</quiz>\n"
    )
    assert (2, "S044") in codes("<quiz>\nQ?\n- [x] a\n")
    assert (2, "S045") in codes("<quiz>\n2 + 2 = [[ ]]\n</quiz>\n")
    assert (7, "S046") in codes('Q?\n\nA. 1\nB. 2\n\n??? success "Answer"\n    Answer: D\n')


def test_s010_duplicates_across_shapes() -> None:
    text = (
        '??? question "What is a binary heap?"\n    A tree.\n\n'
        "<quiz>\nWhat is a binary heap?\n- [x] a tree\n</quiz>\n"
    )
    assert (5, "S010") in codes(text)


def test_s011_commented_out_question_of_any_shape() -> None:
    text = '<!--\n??? question "What is X?"\n    X.\n-->\n'
    assert (1, "S011") in codes(text)


def test_facts_skip_wrong_options_and_read_sigma_locally() -> None:
    text = (
        "<quiz>\nWhich is ReLU?\n- [x] $\\sigma(x) = \\max(0, x)$\n"
        "- [ ] The softmax outputs 0.5 and 0.9 for two classes.\n</quiz>\n"
    )
    assert [c for c in codes(text) if c[1].startswith("F")] == []
    wrong = "The softmax outputs 0.5 and 0.9 for two classes.\n"
    assert any(c[1] == "F001" for c in codes(wrong))
    matrix = "Given the matrix A = [[2, 3], [1, 4]], compute its determinant.\n"
    assert [c for c in codes(matrix) if c[1].startswith("F")] == []
    assert (1, "F003") in codes("The probability of rain is 3.\n")


# --- qalint questions -----------------------------------------------------------------------


def test_questions_command_text_and_json(tmp_path, capsys) -> None:
    page = tmp_path / "bank.md"
    page.write_text('??? question "What is X?"\n    X.\n\n<quiz>\nQ?\n- [x] a\n- [ ] b\n</quiz>\n')
    assert main(["questions", str(page)]) == 0
    out = capsys.readouterr().out
    assert "bank.md:1: [titled-collapsible] What is X? (answer: lines 2-2)" in out
    assert "    [x] a" in out and out.rstrip().endswith("2 questions")
    assert main(["questions", "--output-format", "json", str(page)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["shape"] for r in records] == ["titled-collapsible", "quiz"]
    assert records[1]["options"][0] == {"text": "a", "line": 6, "correct": True, "label": ""}


def test_blocks_details_of_type_question() -> None:
    import markdown

    text = (
        "/// details | What is X?\n    type: question\n\nX is Y.\n///\n\n"
        "/// details | Empty?\n    type: question\n///\n\n"
        "/// details | A note\n    type: note\n\nNot a question.\n///\n"
    )
    html = markdown.markdown(text, extensions=["pymdownx.blocks.details"])
    assert html.count('<details class="question"') == 2
    site = SiteModel(flags=MarkdownFlags(blocks=frozenset({"details"})))
    found = qs(text, site)
    assert [(q.shape, q.text, q.span.line, q.answer_empty) for q in found] == [
        ("blocks", "What is X?", 1, False),
        ("blocks", "Empty?", 7, True),
    ]
    assert qs(text) == []  # the default site has no pymdownx.blocks


def test_collapsibles_inside_a_tabs_question_belong_to_it() -> None:
    text = question(answer='A technique.\n\n        ??? tip "Solution"\n            More.')
    assert [q.shape for q in qs(text)] == ["tabs"]


# --- fixture files: one per rule, the expected findings written beside the lines ------------

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
EXPECT_RE = re.compile(r"<!-- expect: (?P<code>[A-Z]\d{3})(?: \+(?P<offset>\d+))? -->")


def _expected(text: str) -> set[tuple[int, str]]:
    """``<!-- expect: CODE -->`` names the next non-blank line; ``+N`` the line N below."""
    lines = text.splitlines()
    out = set()
    for number, line in enumerate(lines, 1):
        m = EXPECT_RE.search(line)
        if m is None:
            continue
        if m.group("offset"):
            out.add((number + int(m.group("offset")), m.group("code")))
        else:
            target = next(n for n in range(number + 1, len(lines) + 1) if lines[n - 1].strip())
            out.add((target, m.group("code")))
    return out


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("S*.md")), ids=lambda p: p.stem)
def test_rule_fixture(fixture: Path) -> None:
    text = fixture.read_text(encoding="utf-8")
    code = fixture.stem
    expected = _expected(text)
    assert expected and {c for _, c in expected} == {code}
    found = {(d.line, d.code) for d in qalint.lint_text(text, fixture.name) if d.code == code}
    assert found == expected


def test_a_comment_line_ends_a_quizs_options_as_mkdocs_quiz_reads_it() -> None:
    from mkdocs_quiz.plugin import MkDocsQuizPlugin

    body = "Q?\n- [x] a\n<!-- note -->\n- [ ] b"
    parsed = MkDocsQuizPlugin()._parse_quiz_question_and_answers(body.splitlines())
    (q,) = qs(f"<quiz>\n{body}\n</quiz>\n")
    assert [o.text for o in q.options] == parsed[1] == ["a"]
    assert qs("<!--\n<quiz>\nHidden?\n- [x] a\n</quiz>\n-->\n") == []


def test_open_question_block_answered_by_the_collapsible_after_it() -> None:
    text = (
        '!!! question "Exercise 1"\n    Sort the list [3, 1, 2].\n\n'
        '??? success "Answer"\n    [1, 2, 3].\n\n'
        '!!! question "What is a stable sort?"\n    Think of equal keys.\n\n'
        '??? success "Answer"\n    One that keeps equal keys in order.\n'
    )
    html = render_html(text)
    assert html.count("<details") == 2 and html.count("admonition question") == 2
    found = qs(text)
    assert [(q.shape, q.text, q.span.line, q.answer_lines()) for q in found] == [
        ("answer-collapsible", "Sort the list [3, 1, 2].", 2, (5, 5)),
        ("answer-collapsible", "What is a stable sort?", 7, (11, 11)),
    ]
    assert [c for c in codes(text) if c[1] in {"S033", "S034"}] == []


def test_a_details_element_holding_question_tabs_is_one_question() -> None:
    text = (
        '<details class="question" markdown>\n<summary>What is X?</summary>\n\n'
        '=== "Question"\n\n    What is X?\n\n=== "Answer"\n\n    X is Y.\n\n</details>\n'
    )
    html = render_html(text)
    assert html.count("<details") == 1 and "tabbed-set" in html
    assert [q.shape for q in qs(text)] == ["tabs"]
