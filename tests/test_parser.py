"""The Document: positions of everything rules look at, and input quirks (CRLF, BOM, tabs)."""

from __future__ import annotations

from conftest import question

import qalint
from qalint.diagnostics import Span


def test_question_blocks_tabs_and_heading_positions() -> None:
    doc = qalint.parse_text(question())
    (block,) = doc.questions
    assert block.node.type_name == "Question"
    assert block.node.title == ""
    assert [t.title for t in block.tabs] == ["Question", "Answer"]
    assert block.tabs[0].span.line == 2
    assert block.tabs[1].span.line == 5
    (heading,) = doc.headings
    assert (heading.level, heading.text) == (4, "What is dropout?")
    assert heading.span == Span(3, 9, 3, 30)  # end column exclusive


def test_links_math_and_code_spans_have_exact_columns() -> None:
    text = question(answer="See [the paper](https://arxiv.org/abs/1207.0580), $p_i \\log p_i$ "
                           "and `0.99` here.")
    doc = qalint.parse_text(text)
    (link,) = doc.links
    assert link.target == "https://arxiv.org/abs/1207.0580"
    line = text.splitlines()[6]
    assert link.span == Span(7, line.index("[") + 1, 7, line.index(")") + 2)
    assert link.target_span.column == line.index("https") + 1
    (math,) = doc.math
    assert math.tex == "p_i \\log p_i"
    assert math.span.column == line.index("$") + 1
    assert math.tex_span.column == line.index("$") + 2
    (code,) = doc.code_spans
    assert code.text == "0.99"
    assert code.span.column == line.index("`") + 1


def test_dollar_inside_code_span_is_not_math() -> None:
    doc = qalint.parse_text(question(answer="Use `$x$` literally."))
    assert doc.math == []


def test_crlf_positions_match_lf_positions() -> None:
    lf = question(answer="See [x](https://example.org).")
    crlf = lf.replace("\n", "\r\n")
    a, b = qalint.parse_text(lf), qalint.parse_text(crlf)
    assert [q.span for q in a.questions] == [q.span for q in b.questions]
    assert a.links[0].span == b.links[0].span
    assert b.source.newline == "\r\n"


def test_bom_is_removed_and_positions_start_after_it() -> None:
    doc = qalint.parse_text("\ufeff" + question())
    assert doc.source.had_bom
    assert doc.questions[0].span.column == 1


def test_tab_characters_count_as_python_markdown_does_but_columns_are_characters() -> None:
    text = question().replace("        #### What", "\t\t#### What")
    doc = qalint.parse_text(text)
    (heading,) = doc.headings
    assert heading.text == "What is dropout?"
    assert heading.span.column == 3  # after two tab characters


def test_commented_out_question_is_parsed_and_positions_point_into_the_comment() -> None:
    text = '<!-- !!! Question ""\n    === "Question"\n        #### Hidden?\n-->\n'
    doc = qalint.parse_text(text)
    assert doc.questions == []
    (comment,) = doc.comments
    assert comment.inner is not None
    (hidden,) = comment.inner.questions
    assert hidden.span == Span(1, 6, 1, 21)
    assert comment.inner.headings[0].span.line == 3


def test_front_matter_is_not_content() -> None:
    text = "---\ntitle: Deep learning\n---\n" + question()
    doc = qalint.parse_text(text)
    assert doc.front_matter == Span(1, 1, 3, 4)
    assert len(doc.questions) == 1
    assert doc.questions[0].span.line == 4


def test_mermaid_fence_is_code_not_prose() -> None:
    text = question(answer="``` mermaid\n        graph LR\n            A[Logits] --> B\n        ```")
    doc = qalint.parse_text(text)
    (block,) = doc.code_blocks
    assert block.fenced and block.info == "mermaid"
    assert "A[Logits]" in block.text
    assert doc.links == []


def test_escaping_line_is_recorded_with_the_tab_it_leaves() -> None:
    text = question(answer="first\n      second")
    doc = qalint.parse_text(text)
    (escape,) = doc.escapes
    assert escape.line.lineno == 8
    assert escape.container.kind == "tab" and escape.container.title == "Answer"
    assert escape.needed_col == 8


def test_empty_and_whitespace_only_documents_parse() -> None:
    for text in ("", "\n", "   ", "\n\n\n"):
        doc = qalint.parse_text(text)
        assert doc.questions == []


def test_unterminated_constructs_do_not_crash() -> None:
    for text in ("```python\nx = 1\n", "<!-- open\n\ntext", "[link](http://x", "$x", "\\(x",
                 '!!! Question ""\n    === "Answer'):
        qalint.lint_text(text)
