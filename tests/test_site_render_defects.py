"""Two renderer-visible defects (issue 15, point 5), each confirmed by the real renderer.

- M021: a ``|`` inside ``$...$`` in a table row splits the cell (only with ``tables``);
- W020: list items right under a sentence, with no blank line, render as paragraph text
  (plain Python-Markdown, ``sane_lists`` and ``mdx_truly_sane_lists`` alike).
"""

from __future__ import annotations

import re

import pytest

from qalint.config import Config
from qalint.diagnostics import Diagnostic
from qalint.engine import RunOptions, lint_documents
from qalint.fix import apply_edits
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.site.model import MarkdownFlags, SiteModel
from tests.rendered import render_site_html

ARITHMATEX = ("pymdownx.arithmatex", {"generic": True})
SPAN_RE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)


def lint_site(text: str, site: SiteModel, code: str) -> list[Diagnostic]:
    found = lint_documents([parse(Source(text), "q.md", site)], Config(), RunOptions())
    return [d for d in found if d.code == code]


TABLES = SiteModel()
NO_TABLES = SiteModel(flags=MarkdownFlags(tables=False))

ROWS = [
    ("$|x|$", True),
    ("$\\left| y \\right|$ and more", True),
    ("$\\lvert x \\rvert$", False),
    ("$a \\| b$", False),  # escaped pipe: no split (TeX reads a double bar, on purpose)
    ("`a|b` and $c$", False),  # a pipe in code does not split
    ("$x$ | $y$", False),  # a real cell separator, outside math
    ("$P(A|B)$", True),
]


@pytest.mark.parametrize(("cell", "splits"), ROWS)
def test_pipe_in_table_math_is_reported_exactly_when_the_cell_splits(
    cell: str, splits: bool
) -> None:
    page = f"| a | b | c |\n|---|---|---|\n| 1 | {cell} | z |\n"
    rendered = render_site_html(page, [("tables", {}), ARITHMATEX])
    formulas = [m.tex for m in parse(Source(page), "q.md", TABLES).math]
    shown = [t.replace("&amp;", "&") for t in SPAN_RE.findall(rendered)]
    assert (shown != formulas) == splits, (rendered, formulas)
    found = lint_site(page, TABLES, "M021")
    assert bool(found) == splits
    if splits:
        assert found[0].line == 3 and found[0].severity.value == "error"
        fixed = apply_edits(page, [e for d in found for e in d.fix.edits])
        fixed_formulas = [m.tex for m in parse(Source(fixed), "q.md", TABLES).math]
        rendered = render_site_html(fixed, [("tables", {}), ARITHMATEX])
        assert SPAN_RE.findall(rendered) == fixed_formulas  # every formula whole again
        assert not lint_site(fixed, TABLES, "M021")


def test_without_tables_the_pipe_is_only_math() -> None:
    page = "| a | b |\n|---|---|\n| 1 | $|x|$ |\n"
    rendered = render_site_html(page, [ARITHMATEX])
    assert SPAN_RE.findall(rendered) == ["|x|"]
    assert not lint_site(page, NO_TABLES, "M021")
    assert lint_site(page, TABLES, "M021")


LIST_PAGE = (
    "The steps are:\n- split the data\n- fit the model\n\n"
    "Then we do\n1. this\n2. that\n\n"
    "In 1990 the team\n2. moved on.\n\n"
    "Fine:\n\n- a\n- b\n\n"
    "!!! note\n    Lead:\n    * x\n    * y\n"
)
LIST_SITES = {
    "default": [],
    "sane_lists": [("sane_lists", {})],
    "mdx_truly_sane_lists": [("mdx_truly_sane_lists", {})],
}


@pytest.mark.parametrize("extension", list(LIST_SITES))
def test_list_without_blank_line_renders_as_text_under_every_list_extension(
    extension: str,
) -> None:
    extensions = [("admonition", {}), *LIST_SITES[extension]]
    rendered = render_site_html(LIST_PAGE, extensions)
    assert "<p>The steps are:\n- split the data\n- fit the model</p>" in rendered
    assert "<p>Then we do\n1. this\n2. that</p>" in rendered
    assert "<p>Lead:\n* x\n* y</p>" in rendered
    assert "<li>a</li>" in rendered  # with the blank line, a list
    flags = MarkdownFlags(
        sane_lists=extension == "sane_lists",
        truly_sane_lists=extension == "mdx_truly_sane_lists",
        nested_indent=2 if extension == "mdx_truly_sane_lists" else 4,
    )
    found = lint_site(LIST_PAGE, SiteModel(flags=flags), "W020")
    # "In 1990 the team / 2. moved on." renders as text too, but reads as prose: left alone
    assert [d.line for d in found] == [2, 6, 19]
    fixed = apply_edits(LIST_PAGE, [e for d in found for e in d.fix.edits])
    rendered = render_site_html(fixed, extensions)
    assert rendered.count("<li>") == 2 + 2 + 2 + 2
    assert not lint_site(fixed, SiteModel(flags=flags), "W020")


def test_quiz_options_are_not_lists() -> None:
    page = "<quiz>\nWhat is MkDocs?\n- [x] A static site generator\n- [ ] A database\n</quiz>\n"
    assert not lint_site(page, SiteModel(), "W020")
    # the same lines outside a quiz render as paragraph text: reported
    assert lint_site(page.replace("<quiz>\n", "").replace("</quiz>\n", ""), SiteModel(), "W020")


def test_quiz_tag_test_is_lowering_the_text() -> None:
    from qalint.rules.list_lead import _has_quiz_tag

    for text in ("a <quiz>", "A <QUIZ>\n", "<Quiz", "no quiz", "<quİz>", "<quız>", "<q uiz", ""):
        assert _has_quiz_tag(text) == ("<quiz" in text.lower()), text
