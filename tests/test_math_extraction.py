"""Math extraction versus the real pymdownx.arithmatex (generic mode) on the same text."""

from __future__ import annotations

import html
import random
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qalint
from qalint.markdown.arithmatex import (
    INLINE_RE,
    _placeholder,
    find_block_math,
    find_inline_math,
    unmatched_openers,
)

SPAN_RE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
BLOCK_RE = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)


def _render(text: str) -> str:
    md = markdown.Markdown(
        extensions=["pymdownx.arithmatex"],
        extension_configs={"pymdownx.arithmatex": {"generic": True}},
    )
    return md.convert(text)


def _rendered_inline(text: str) -> list[str]:
    return [html.unescape(m) for m in SPAN_RE.findall(_render(text))]


@pytest.mark.parametrize(
    "text",
    [
        "a $x$ b",
        "a $ x $ b",
        "a $x $ b",
        "a $$x$$ b",
        "a \\$x$ b",
        "a \\\\$x$ b",
        "$a$$b$",
        "\\(x\\)",
        "\\\\(x\\)",
        "a $x\ny$ b",
        "cost $5 and $10",
        "$\\$$",
        "$a\\$b$",
        "x $y\\\\$ z",
        "\\\\\\(x\\)",
        "$x$5",
        "5$x$",
    ],
)
def test_inline_cases_match_arithmatex(text: str) -> None:
    assert [m.tex for m in find_inline_math(text, [])] == _rendered_inline(text)


def test_random_paragraphs_match_arithmatex() -> None:
    rng = random.Random(8)
    alphabet = ["$", "$", "$", "\\", "\\", "(", ")", "a", " ", "x", "\n", "{", "^", "2"]
    mismatches = []
    for _ in range(3000):
        text = "p " + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) + " q"
        if re.search(r"\n\s*\n", text):
            continue
        ours = [m.tex for m in find_inline_math(text, [])]
        if ours != _rendered_inline(text):
            mismatches.append(text)
    assert not mismatches, mismatches[:5]


def test_offsets_point_at_the_tex() -> None:
    text = "a `$no$` and $x^2$ and \\(y\\)"
    skip = [(2, 8)]
    found = find_inline_math(text, skip)
    assert [(m.tex, m.delimiter, m.start, m.end, m.tex_start) for m in found] == [
        ("x^2", "$", 13, 18, 14),
        ("y", "\\(", 23, 28, 25),
    ]


@pytest.mark.parametrize(
    "block",
    [
        "$$\nx^2\n$$",
        "$$x$$",
        "\\[\nx\n\\]",
        "\\begin{align}\na &= b\n\\end{align}",
        "$$x$$  ",
    ],
)
def test_block_math_matches_arithmatex(block: str) -> None:
    (rendered,) = BLOCK_RE.findall(_render(block))
    found = find_block_math(block)
    assert found is not None
    assert found.tex == html.unescape(rendered)
    assert found.display


@pytest.mark.parametrize(
    "block", ["  $$x$$", "$$x$$ y", "text $$x$$", "\\begin{Align}a\\end{Align}"]
)
def test_not_block_math(block: str) -> None:
    assert find_block_math(block) is None
    assert 'class="arithmatex">\\[' not in _render(block)


def test_unmatched_openers() -> None:
    assert unmatched_openers("a $x$ b $ c \\$ d \\(", []) == [(8, "$"), (17, "\\(")]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("It costs $5, see `my_var` and file_name here.", False),
        ("Another $10 price with a \\$ escape and x^2 later.", False),
        ("See reference \\[1\\] and \\[citation needed\\].", False),
        ("Inline display \\[x^2\\] in a sentence.", True),
        ("\\[\nx^2", True),
        ("$$\n\\frac{a}{b}", True),
        ("Text before\n$$\nx^2\n$$", True),
        ("\\begin{Bmatrix}\na & b\n\\end{Bmatrix}", True),
        ("a \\begin{aligned}x\\end{aligned} b", True),
        ("Loss $\\sum_i x_i here.", True),
        ("The loss $ \\sum_i x_i $ here.", True),
        ("A \\(x^2 without close.", True),
    ],
)
def test_unclosed_math_flags_tex_that_arithmatex_leaves_as_text(text: str, flagged: bool) -> None:
    """M008 speaks exactly when TeX the author wrote comes out of arithmatex as plain text."""
    assert 'class="arithmatex"' not in _render(text)
    codes = [d.code for d in qalint.lint_text(text + "\n") if d.code == "M008"]
    assert bool(codes) == flagged, codes


def _reference_inline_math(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The renderer's own loop: stash each match and search again from the start."""
    work = text
    for start, end in sorted(skip):
        work = work[:start] + _placeholder(end - start) + work[end:]
    found = []
    while (m := INLINE_RE.search(work)) is not None:
        if m.group(2) or m.group(5):
            found.append((m.start(), m.end()))
        work = work[: m.start()] + _placeholder(m.end() - m.start()) + work[m.end() :]
    return sorted(found)


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet="$\\()x `", max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6)), max_size=3),
)
def test_one_pass_extraction_finds_what_the_renderers_loop_finds(
    text: str, raw_skip: list[tuple[int, int]]
) -> None:
    skip = [(min(s, len(text)), min(s + n, len(text))) for s, n in raw_skip]
    found = [(m.start, m.end) for m in find_inline_math(text, skip)]
    assert found == _reference_inline_math(text, skip)
