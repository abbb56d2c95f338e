"""The named false classes of issue 13, each rendered under its configuration.

Every case is checked twice: the real renderer (configured from the same MarkdownFlags qalint
parses with) shows what the page looks like, and qalint's findings must agree with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import question
from rendered import page_problems, render_html, render_tree

from qalint.config import Config
from qalint.engine import RunOptions, lint_documents
from qalint.fix import apply_edits, select_fixes
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.site.model import DEFAULT_FLAGS, MarkdownFlags, SiteModel

TRULY_SANE = MarkdownFlags(truly_sane_lists=True, nested_indent=2)
TRULY_SANE_SITE = SiteModel(
    config_path=Path("mkdocs.yml"),
    origin="mkdocs.yml",
    extensions=(("mdx_truly_sane_lists", {}),),
    flags=TRULY_SANE,
)


def _site(flags: MarkdownFlags) -> SiteModel:
    return TRULY_SANE_SITE if flags is TRULY_SANE else SiteModel(flags=flags)


def _codes(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> list[str]:
    return [d.code for d in _findings(text, flags)]


def _findings(text: str, flags: MarkdownFlags = DEFAULT_FLAGS):
    doc = parse(Source(text), "page.md", _site(flags))
    return lint_documents([doc], Config(), RunOptions())


def _has_code_block(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> bool:
    return "<pre>" in render_html(text, flags) or 'class="highlight"' in render_html(text, flags)


# --- S014: fences the renderer closes ------------------------------------------------------

CLOSED_FENCES = {
    "right after a paragraph line": "Some text\n```python\nx = 1\n```\n",
    "followed directly by text": "```python\nx = 1\n```\nMore text.\n",
    "in a list item, closed at its indentation": "- item\n\n    ```python\n    x = 1\n    ```\n",
    "in a truly sane list item": "- item\n  ```python\n  x = 1\n  ```\n",
    "in an admonition, closed at its indent": "!!! note\n    ```python\n    x = 1\n    ```\n",
    "longer fence inside a shorter block": "```\n``````\ninner\n``````\n```\n",
}


@pytest.mark.parametrize("name", list(CLOSED_FENCES))
def test_a_fence_the_renderer_closes_is_not_reported(name: str) -> None:
    text = CLOSED_FENCES[name]
    flags = TRULY_SANE if "truly sane" in name else DEFAULT_FLAGS
    assert _has_code_block(text, flags)
    assert "S014" not in _codes(text, flags)


def test_the_longer_fence_is_code_inside_the_shorter_block() -> None:
    text = CLOSED_FENCES["longer fence inside a shorter block"]
    assert "``````\ninner\n``````" in render_html(text)
    doc = parse(Source(text), "page.md")
    assert [block.text for block in doc.code_blocks] == ["``````\ninner\n``````"]


def test_a_fence_never_closed_is_still_reported() -> None:
    text = "Intro.\n\n```python\nx = 1\n\nMore.\n"
    assert not _has_code_block(text)
    assert "S014" in _codes(text)


def test_without_superfences_a_fence_in_an_admonition_is_text() -> None:
    flags = MarkdownFlags(superfences=False)
    text = "!!! note\n    ```python\n    x = 1\n    ```\n"
    assert not _has_code_block(text, flags)
    found = [d for d in _findings(text, flags) if d.code == "S014"]
    assert found and "pymdownx.superfences" in found[0].message
    assert "S014" not in _codes(text)  # superfences (the default) closes it


# --- S008: lines meant to be outside the container -----------------------------------------


def test_heading_right_after_an_admonition_is_outside_it() -> None:
    text = "!!! note\n    Body.\n## Next section\n\nText.\n"
    tree = render_tree(text)
    assert [el.tag for el in tree] == ["div", "h2", "p"]
    assert "S008" not in _codes(text)


def test_next_list_item_right_after_an_admonition_is_outside_it() -> None:
    text = "- a\n\n    !!! note\n        Body.\n- b\n"
    html = render_html(text)
    assert html.index("admonition") < html.index("<li>b</li>")
    assert "S008" not in _codes(text)


def test_tabs_with_no_blank_line_between_them_render_correctly() -> None:
    text = '!!! Question ""\n    === "Question"\n        #### What?\n    === "Answer"\n        A.\n'
    assert page_problems(text) == []
    codes = _codes(text)
    assert not [c for c in codes if c in {"S002", "S006", "S007", "S008", "S017"}], codes


def test_text_that_lost_its_indentation_still_falls_out() -> None:
    text = "!!! note\n    Body.\n  more of the body\n"
    assert "S008" in _codes(text)


# --- setext headings -------------------------------------------------------------------------


def test_setext_question_heading_is_a_heading() -> None:
    text = question(heading="What is dropout?\n        ----------------")
    assert "<h2" in render_html(text)
    found = [d for d in _findings(text) if d.code == "S006"]
    assert found and "level 2" in found[0].message  # not "has no heading"
    assert found[0].fix is None  # a # fix would not turn an underlined heading into ####


# --- $$ in list items ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "indent"), [(TRULY_SANE, 2), (MarkdownFlags(sane_lists=True), 4), (DEFAULT_FLAGS, 4)]
)
def test_display_math_indented_under_a_list_item_is_math(flags: MarkdownFlags, indent: int) -> None:
    pad = " " * indent
    text = f"- The loss:\n\n{pad}$$\n{pad}L = -\\sum_i y_i \\log p_i\n{pad}$$\n\n- Next.\n"
    html = render_html(text, flags)
    assert html.index('class="arithmatex"') < html.index("Next")
    assert "<li>" in html.split('class="arithmatex"')[0]
    codes = _codes(text, flags)
    assert not [c for c in codes if c.startswith("M")], codes


# --- nested lists under mdx_truly_sane_lists, and the same page without it --------------------

TWO = "- Ways to regularize:\n  - dropout\n  - weight decay\n"
FOUR = "- Ways to regularize:\n    - dropout\n    - weight decay\n"
TAB = "- Ways to regularize:\n\t- dropout\n\t- weight decay\n"


def _nested(text: str, flags: MarkdownFlags) -> bool:
    """Whether the renderer nests the sub-items (a <ul> inside the first <li>)."""
    return render_html(text, flags).count("<ul>") == 2


def test_truly_sane_two_spaces_nest_and_raise_nothing() -> None:
    assert _nested(TWO, TRULY_SANE)
    assert not [c for c in _codes(TWO, TRULY_SANE) if c in {"S015", "S020"}]


@pytest.mark.parametrize("text", [FOUR, TAB], ids=["4 spaces", "tab"])
def test_truly_sane_deeper_sub_items_render_as_text_and_the_fix_makes_two(text: str) -> None:
    assert not _nested(text, TRULY_SANE)
    assert "<li>Ways to regularize:\n    - dropout" in render_html(text, TRULY_SANE)
    found = [d for d in _findings(text, TRULY_SANE) if d.code == "S020"]
    assert [d.line for d in found] == [2, 3]
    assert "mdx_truly_sane_lists (mkdocs.yml)" in found[0].message
    assert "2 spaces" in found[0].message
    edits = [e for d in select_fixes(found, False, len(text)) for e in d.fix.edits]
    fixed = apply_edits(text, edits)
    assert fixed == TWO
    assert _nested(fixed, TRULY_SANE)
    assert not [c for c in _codes(fixed, TRULY_SANE) if c in {"S015", "S020"}]


def test_the_same_pages_without_the_extension_get_the_opposite_verdicts() -> None:
    assert not _nested(TWO, DEFAULT_FLAGS)
    flat = [d for d in _findings(TWO) if d.code == "S015"]
    assert flat and "4 spaces" in flat[0].message
    assert "S020" not in _codes(TWO)
    for text in (FOUR, TAB):
        assert _nested(text, DEFAULT_FLAGS)
        assert not [c for c in _codes(text) if c in {"S015", "S020"}]


def test_truly_sane_one_space_is_flat_and_says_two() -> None:
    text = "- a\n - b\n"
    assert not _nested(text, TRULY_SANE)
    found = [d for d in _findings(text, TRULY_SANE) if d.code == "S015"]
    assert found and "needs 2 spaces" in found[0].message


def test_a_list_item_glued_to_a_closing_fence_renders_as_text() -> None:
    text = "```python\nx = 1\n```\n- item\n"
    assert "- item" in render_html(text)
    found = [d for d in _findings(text) if d.code == "S020"]
    assert [d.line for d in found] == [4]
    assert "closing code fence" in found[0].message


def test_sane_lists_item_of_the_other_type_is_text() -> None:
    flags = MarkdownFlags(sane_lists=True)
    text = "1. first\n- second\n"
    assert "- second" in render_html(text, flags)
    assert "S020" in _codes(text, flags)
    assert "- second" not in render_html(text)  # Python-Markdown's own lists take it
    assert "S020" not in _codes(text)


# --- extensions that are off ------------------------------------------------------------------


def test_without_admonition_details_tabbed_markers_are_text() -> None:
    flags = MarkdownFlags(admonition=False, details=False, tabbed=False)
    text = question()
    html = render_html(text, flags)
    assert "!!! Question" in html and "admonition" not in html
    doc = parse(Source(text), "page.md", SiteModel(flags=flags))
    assert not doc.questions
    assert not [n for n in doc.root.walk() if n.kind in {"admonition", "tab", "tabset"}]


# --- pymdownx.blocks -------------------------------------------------------------------------

BLOCKS = MarkdownFlags(blocks=frozenset({"admonition", "details", "tab", "html"}))


def test_blocks_containers_are_parsed_only_when_on() -> None:
    text = (
        "/// details | What is dropout?\n    type: question\n\nA regularization t1.\n///\n\n"
        "//// admonition | Outer\n/// tab | One\nIn tab t2.\n///\n/// tab | Two\nt3\n///\n////\n"
    )
    doc = parse(Source(text), "page.md", SiteModel(flags=BLOCKS))
    kinds = [(n.kind, n.type_name, n.title) for n in doc.root.walk() if n.marker_symbol == "///"]
    assert kinds == [
        ("details", "question", "What is dropout?"),
        ("admonition", "note", "Outer"),
        ("tabset", "", None),
        ("tab", "", "One"),
        ("tab", "", "Two"),
    ]
    html = render_html(text, BLOCKS)
    assert html.count("<details") == 1 and html.count("tabbed-set") == 1
    off = parse(Source(text), "page.md")
    assert not [n for n in off.root.walk() if n.marker_symbol == "///"]


def test_the_fixer_repairs_a_truly_sane_page_and_the_default_page_differently() -> None:
    from qalint.fix import fix_source

    page = "# Notes\n\n" + FOUR + "\nText.\n\n" + TWO + "\nMore.\n\n" + TAB
    sane = fix_source(page, "page.md", Config(), site=TRULY_SANE_SITE)
    assert sane.problem is None
    assert sane.fixed == "# Notes\n\n" + TWO + "\nText.\n\n" + TWO + "\nMore.\n\n" + TWO
    default = fix_source(page, "page.md", Config(), unsafe=True)
    assert default.problem is None
    assert default.fixed == "# Notes\n\n" + FOUR + "\nText.\n\n" + FOUR + "\nMore.\n\n" + FOUR


# --- md_in_html --------------------------------------------------------------------------------

MD_IN_HTML_PAGES = [
    "<details markdown>\n<summary>What is dropout?</summary>\n\nA regularization t1.\n\n"
    "- with a list t2\n\n</details>\n\nAfter t3.\n",
    'Intro t1.\n<div markdown="1">\n#### Inside t2\n\nText t3.\n</div>\nAfter t4.\n',
    "<details markdown>\n<summary>Q</summary>\nText t1.\n</details>\n\n    More t2.\n",
]


@pytest.mark.parametrize("text", MD_IN_HTML_PAGES)
def test_md_in_html_content_lands_where_the_renderer_puts_it(text: str) -> None:
    from rendered import token_homes
    from test_differential import _qalint_homes

    assert _qalint_homes(text) == token_homes(text)


def test_blocks_admonition_and_details_are_continued_by_indented_blocks() -> None:
    from rendered import token_homes
    from test_differential import _qalint_homes

    for text in (
        "/// admonition | T\ntext t1\n///\n\n    text t2\n",
        "/// details | T\ntext t1\n///\n\n    text t2\n",
        "/// tab | T\ntext t1\n///\n\n    text t2\n",
    ):
        assert _qalint_homes(text, BLOCKS) == token_homes(text, BLOCKS), text


def test_truly_sane_four_space_sub_item_after_a_blank_line_is_text_and_fixed() -> None:
    text = "- Ways to regularize:\n\n    - dropout\n"
    html = render_html(text, TRULY_SANE)
    assert html.count("<ul>") == 1 and "- dropout" in html
    found = [d for d in _findings(text, TRULY_SANE) if d.code == "S020"]
    assert [d.line for d in found] == [3] and "needs 2 spaces" in found[0].message
    fixed = apply_edits(text, found[0].fix.edits)
    assert fixed == "- Ways to regularize:\n\n  - dropout\n"
    assert render_html(fixed, TRULY_SANE).count("<ul>") == 2
    assert "S020" not in _codes(fixed, TRULY_SANE)
    assert "S020" not in _codes(text)  # 4 spaces nest with Python-Markdown's own lists
