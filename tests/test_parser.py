"""The Document: positions of everything rules look at, and input quirks (CRLF, BOM, tabs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import question
from hypothesis import example, given
from hypothesis import strategies as st

import qalint
from qalint.diagnostics import Span
from qalint.markdown import blocks, inline
from qalint.markdown.blocks import MAX_DEPTH, Atom, stash_atoms, stash_superfences
from qalint.markdown.source import Source, SrcLine
from qalint.markdown.textrun import TextRun


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
    text = question(
        answer="See [the paper](https://arxiv.org/abs/1207.0580), $p_i \\log p_i$ and `0.99` here."
    )
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
    text = question(
        answer="``` mermaid\n        graph LR\n            A[Logits] --> B\n        ```"
    )
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
    for text in (
        "```python\nx = 1\n",
        "<!-- open\n\ntext",
        "[link](http://x",
        "$x",
        "\\(x",
        '!!! Question ""\n    === "Answer',
    ):
        qalint.lint_text(text)


def test_nesting_past_the_depth_limit_is_cut_off_not_a_crash() -> None:
    lists = "".join("    " * i + "- item\n" for i in range(300))
    notes = "".join("    " * i + "!!! note\n" for i in range(500)) + "    " * 500 + "deep\n"
    for text in (lists, notes):
        doc = qalint.parse_text(text)
        assert doc.too_deep is not None and doc.too_deep.line == MAX_DEPTH + 1
        found = [d for d in qalint.lint_text(text) if d.code == "S018"]
        assert [(d.line, d.severity.value) for d in found] == [(MAX_DEPTH + 1, "info")]
    assert qalint.parse_text("".join("    " * i + "- item\n" for i in range(50))).too_deep is None


def _walked_column(line: str, expanded_col: int) -> int:
    """The 1-based original column of an expanded column, by walking the characters."""
    seen = 0
    for index, char in enumerate(line):
        if seen >= expanded_col:
            return index + 1
        seen = (seen // 4 + 1) * 4 if char == "\t" else seen + 1
    return len(line) + 1 + max(0, expanded_col - seen)


@given(st.text(alphabet="ab \t", max_size=14), st.integers(0, 40))
def test_columns_on_lines_with_tabs_match_a_character_walk(line: str, col: int) -> None:
    source = Source(f"x\n{line}\n")
    assert source.column(2, col) == _walked_column(line, col)


@given(
    st.lists(
        st.tuples(st.text(alphabet="ab ", max_size=6), st.integers(0, 8)), min_size=1, max_size=4
    ),
    st.integers(0, 30),
    st.integers(0, 30),
)
def test_spans_in_a_file_without_tabs_match_the_column_walk(
    pieces: list[tuple[str, int]], start: int, end: int
) -> None:
    # A file without tab characters takes a shortcut (``Source.tabs``): same spans as the
    # general path, which maps every position through ``Source.column``.
    source = Source("".join(f"{text}\n" for text, _ in pieces))
    assert not source.tabs
    run = TextRun(source, [SrcLine(i + 1, col, text) for i, (text, col) in enumerate(pieces)])
    line, column = run.position(start)
    if end <= start:
        expected = Span(line, column, line, column + 1)
    else:
        end_line, end_column = run.position(end - 1)
        expected = Span(line, column, end_line, end_column + 1)
    assert run.span(start, end) == expected
    assert column == _walked_column(source.lines[line - 1], run.expanded_position(start)[1])


@given(st.text(alphabet=" -*+1.:a\n", max_size=20))
def test_line_start_patterns_searched_after_a_newline_find_what_multiline_patterns_find(
    text: str,
) -> None:
    # The block parser searches "\n" + text for a pattern starting with "\n" (fast); the
    # answer must be the one a ``^`` pattern with re.M gives on the text itself.
    for pattern, multiline in (
        (blocks.LIST_MARKER_LINE_RE, r"^[ ]*(?:[*+-]|\d+\.)[ ]+\S"),
        (blocks.DEF_LIST_LINE_RE, r"^[ ]{0,3}:[ ]{1,3}"),
    ):
        expected = re.search(multiline, text, re.M) is not None
        assert (pattern.search("\n" + text) is not None) == expected


def _depth_scan(text: str, start: int, opener: str, closer: str, paragraph: bool) -> int:
    """The closer balancing the opener at ``start`` by counting depth from there, or -1."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return i
        elif paragraph and char == "\n" and text[i + 1 : i + 2] == "\n":
            return -1
        i += 1
    return -1


@given(st.text(alphabet="[]()\\a\n", max_size=30), st.booleans())
def test_bracket_pairs_found_in_one_pass_match_a_depth_scan(text: str, paragraph: bool) -> None:
    for opener, closer in (("[", "]"), ("(", ")")):
        pairs = inline._pairs(text, opener, closer, paragraph)
        for start, char in enumerate(text):
            if char == opener and (start == 0 or text[start - 1] != "\\"):
                assert pairs.get(start, -1) == _depth_scan(text, start, opener, closer, paragraph)


def test_unclosed_brackets_and_comments_do_not_hide_what_follows() -> None:
    text = "[a [b](https://x.org) <!-- one --> [c](d <!-- two"
    first = next(iter(inline.find_links(text)))
    assert (first.text, first.target) == ("b", "https://x.org")
    assert [body for _s, _e, body in inline.find_comments(text)] == [" one "]
    many = "<!-- open " * 2000 + "[t](https://y.org)"
    assert inline.find_comments(many) == []
    assert [link.target for link in inline.find_links(many)] == ["https://y.org"]


def _superfences_ranges(texts: list[str]) -> list[tuple[int, int]]:
    """(first, last) line numbers of the fences the real pymdownx.superfences stashes."""
    import markdown

    md = markdown.Markdown(extensions=["pymdownx.superfences"])
    pre = md.preprocessors["fenced_code_block"]
    ranges: list[tuple[int, int]] = []
    reassemble = pre.reassemble

    def record(lines: list[str]) -> list[str]:
        ranges.extend((start + 1, end) for _fenced, start, end in pre.stack)
        return reassemble(lines)

    pre.reassemble = record
    pre.run(list(texts))
    return ranges


def _scan_comment(texts: list[str], i: int) -> int | None:
    """The line closing a comment opened on line ``i``, scanning ahead (the reference)."""
    if not re.match(r"^ {0,3}<!--", texts[i]):
        return None
    if "-->" in texts[i][texts[i].index("<!--") + 4 :]:
        return i
    return next((j for j in range(i + 1, len(texts)) if "-->" in texts[j]), None)


def _scanned_comments(texts: list[str]) -> list[tuple[int, int]]:
    """Comments found by scanning ahead from every opener: (first, last)."""
    out, i = [], 0
    while i < len(texts):
        end = _scan_comment(texts, i)
        if end is not None:
            out.append((i + 1, end + 1))
            i = end
        i += 1
    return out


LINE_SHAPES = [
    "```",
    "````",
    "~~~",
    "```python",
    "  ```",
    "    ```",
    "    ````",
    "    text",
    "text",
    "",
    "  ",
    "<!-- a",
    "b -->",
    "<!-- c -->",
    "        ```",
    "``` ",
    "``````",
    '```python title="x.py"',
    "```foo bar",
    "~~~~",
]


@given(st.lists(st.sampled_from(LINE_SHAPES), max_size=14))
@example(["```", "``````", "inner", "``````", "```"])  # only the same fence closes
@example(["  ```", "text", "```", "```"])  # a dedent abandons the fence; that line is not an opener
def test_fences_are_found_as_superfences_finds_them(texts: list[str]) -> None:
    atoms = stash_superfences([SrcLine(i + 1, 0, t) for i, t in enumerate(texts)])
    kept = [m.lineno for a in atoms for m in (a.members if isinstance(a, Atom) else (a,))]
    assert kept == list(range(1, len(texts) + 1))  # every line kept, once, in order
    fences = [
        (a.members[0].lineno, a.members[-1].lineno)
        for a in atoms
        if isinstance(a, Atom) and a.kind == "fence"
    ]
    assert fences == _superfences_ranges(texts)


@given(st.lists(st.sampled_from([s for s in LINE_SHAPES if not set(s) & set("`~")]), max_size=14))
def test_comments_are_found_as_a_scan_ahead_finds_them(texts: list[str]) -> None:
    atoms = stash_atoms([SrcLine(i + 1, 0, t) for i, t in enumerate(texts)])
    comments = [
        (a.members[0].lineno, a.members[-1].lineno)
        for a in atoms
        if isinstance(a, Atom) and a.kind == "comment"
    ]
    assert comments == _scanned_comments(texts)


@pytest.mark.parametrize(
    "text",
    ["", "a", "a\n", "a\r\nb", "a\rb\r", "a\n\n", "x\x0by\u2028z\n", "\ufeffq\r\n\r\n", "\n"],
)
def test_reporters_read_the_lines_the_parser_saw(text: str, tmp_path: Path) -> None:
    from qalint.engine import SourceLines
    from qalint.files import load
    from qalint.markdown.source import text_lines

    assert text_lines(text) == Source(text).lines
    path = tmp_path / "page.md"
    path.write_bytes(text.encode("utf-8"))
    loaded = load(path, 10_000)
    assert loaded.source is not None
    assert SourceLines()[str(path)] == loaded.source.lines
