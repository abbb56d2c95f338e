"""The shape examples of the docs (``qalint.questions.examples``): each is found as its
shape, renders as that shape with the real extensions, and is what the README and
docs/rules.md show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rendered import render_html

from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.questions import SHAPES, questions_of
from qalint.questions.examples import SHAPE_EXAMPLES, ShapeExample
from qalint.site.model import DEFAULT_FLAGS, MarkdownFlags, SiteModel

ROOT = Path(__file__).resolve().parent.parent
BLOCKS_FLAGS = MarkdownFlags(blocks=frozenset({"details"}))
# What a reader sees for each shape's example in the rendered HTML.
RENDERED = {
    "tabs": r'<div class="admonition question">.*<div class="tabbed-set',
    "titled-collapsible": r'<details class="question">\s*<summary>What is dropout\?</summary>',
    "answer-collapsible": r"<p>What does <code>2 \*\* 10</code> print\?</p>\s*"
    r'<details class="success">\s*<summary>Answer</summary>',
    "heading": r"<h2[^>]*>2\.1-1</h2>\s*<blockquote>",
    "html-details": r"<details>\s*<summary>What is dropout\?</summary>\s*<p>A regularization",
    "quiz": r"<quiz>",  # mkdocs-quiz turns it into a form at build time; Markdown keeps it
    "blocks": r'<details class="question">\s*<summary>What is dropout\?</summary>',
}


def test_every_shape_has_one_example() -> None:
    assert sorted(e.shape for e in SHAPE_EXAMPLES) == sorted(SHAPES)


@pytest.mark.parametrize("example", SHAPE_EXAMPLES, ids=lambda e: e.shape)
def test_each_example_is_found_as_its_shape_and_renders_as_one(example: ShapeExample) -> None:
    flags = BLOCKS_FLAGS if example.shape == "blocks" else DEFAULT_FLAGS
    doc = parse(Source(example.example), "q.md", SiteModel(flags=flags))
    found = questions_of(doc)
    assert found and {q.shape for q in found} == {example.shape}
    assert all(q.text and q.has_answer for q in found)
    html = render_html(example.example, flags)
    assert re.search(RENDERED[example.shape], html, re.S), html


def test_readme_and_rules_page_show_every_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rules = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for example in SHAPE_EXAMPLES:
        block = example.example.rstrip("\n")
        assert f"```markdown\n{block}\n```" in readme, example.shape
        assert f"````markdown\n{block}\n````" in rules, example.shape
