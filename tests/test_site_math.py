"""Math follows the site: arithmatex options, no arithmatex, and the site's math renderer.

Each configuration is checked against real Python-Markdown + pymdown-extensions set up the
same way (``tests/rendered.render_site_html``).
"""

from __future__ import annotations

import html
import itertools
import random
import re
from pathlib import Path

import pytest

from qalint.config import Config, config_from_mapping
from qalint.diagnostics import Diagnostic
from qalint.engine import RunOptions, lint_documents
from qalint.markdown.arithmatex import find_block_math, find_inline_math
from qalint.markdown.automath import find_auto_math
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.site.model import MATERIAL_DEFAULT_EXTENSIONS, MarkdownFlags, SiteModel
from tests.rendered import render_site_html

SPAN_RE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
BLOCK_RE = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def _arithmatex(smart: bool, inline: tuple[str, ...], block: tuple[str, ...]) -> list:
    options = {"generic": True, "smart_dollar": smart}
    options["inline_syntax"] = list(inline)
    options["block_syntax"] = list(block)
    return [("pymdownx.arithmatex", options)]


def lint_site(
    text: str, site: SiteModel, path: str = "q.md", config: Config | None = None
) -> list[Diagnostic]:
    """Every finding on ``text`` parsed as a page of ``site``."""
    document = parse(Source(text), path, site)
    return lint_documents([document], config or Config(), RunOptions())


def codes(found: list[Diagnostic], prefix: str = "M") -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in found if d.code.startswith(prefix)]


INLINE_CHOICES = [(), ("dollar",), ("round",), ("dollar", "round")]
BLOCK_CHOICES = [(), ("dollar",), ("square",), ("begin",), ("dollar", "square", "begin")]


@pytest.mark.parametrize(
    ("smart", "inline"), list(itertools.product([True, False], INLINE_CHOICES))
)
def test_inline_math_matches_arithmatex_with_its_options(
    smart: bool, inline: tuple[str, ...]
) -> None:
    flags = MarkdownFlags(smart_dollar=smart, inline_syntax=inline)
    extensions = _arithmatex(smart, inline, ("dollar", "square", "begin"))
    rng = random.Random(13)
    alphabet = ["$", "$", "$", "\\", "\\", "(", ")", "a", " ", "x", "{", "^", "2"]
    mismatches = []
    for _ in range(400):
        text = "p " + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) + " q"
        ours = [m.tex for m in find_inline_math(text, [], flags)]
        html_text = render_site_html(text, extensions)
        theirs = [html.unescape(m) for m in SPAN_RE.findall(html_text)]
        if ours != theirs:
            mismatches.append((text, ours, theirs))
    assert not mismatches, mismatches[:3]


@pytest.mark.parametrize("block", BLOCK_CHOICES)
def test_block_math_matches_arithmatex_block_syntax(block: tuple[str, ...]) -> None:
    flags = MarkdownFlags(block_syntax=block)
    extensions = _arithmatex(True, (), block)  # no inline math: only blocks render
    for text in [
        "$$\nx^2\n$$",
        "\\[\nx^2\n\\]",
        "\\begin{align}\na &= b\n\\end{align}",
        "$$x$$ ",
    ]:
        ours = find_block_math(text, flags)
        theirs = BLOCK_RE.findall(render_site_html(text, extensions))
        assert (ours is not None) == bool(theirs), (text, block)


def test_options_change_what_m008_reports() -> None:
    page = "The loss $ \\sum_i x_i $ is here.\n"
    default = SiteModel()
    assert codes(lint_site(page, default)) == [("M008", 1)]
    # without smart dollars "$ ... $" is math: nothing is left as text
    plain = SiteModel(flags=MarkdownFlags(smart_dollar=False))
    assert SPAN_RE.search(render_site_html(page, _arithmatex(False, ("dollar",), ())))
    assert codes(lint_site(page, plain)) == []
    # with only \( \) inline, a $ is text by design: no claim about it
    rounds = SiteModel(flags=MarkdownFlags(inline_syntax=("round",)))
    assert not SPAN_RE.search(render_site_html(page, _arithmatex(True, ("round",), ())))
    assert codes(lint_site(page, rounds)) == []


def test_formulas_follow_inline_syntax() -> None:
    page = "Ratio $\\farc{a}{b}$ and \\(\\farc{c}{d}\\).\n"
    assert codes(lint_site(page, SiteModel())) == [("M001", 1), ("M001", 1)]
    rounds = SiteModel(flags=MarkdownFlags(inline_syntax=("round",)))
    assert codes(lint_site(page, rounds)) == [("M001", 1)]


# --------------------------------------------------------------------- no arithmatex


NO_ARITHMATEX = SiteModel(
    extensions=(("toc", {}), ("tables", {}), ("fenced_code", {})),
    math="katex",
    flags=MarkdownFlags(arithmatex=False),
)


def _visible_text(text: str) -> str:
    """The text a browser script sees in Python-Markdown's output (no arithmatex)."""
    return html.unescape(TAG_RE.sub("", render_site_html(text, ["toc", "tables"])))


def test_auto_math_is_exactly_what_markdown_leaves_intact() -> None:
    rng = random.Random(5)
    pieces = ["$", "$", "x", "_", "*", "\\", "{", "}", "a", " ", "^", "\\\\", "\\{", "<b>"]
    wrong = []
    for _ in range(1500):
        text = "p " + "".join(rng.choice(pieces) for _ in range(rng.randint(2, 14))) + " q"
        visible = _visible_text(text)
        for math in find_auto_math(text, []):
            written = text[math.start : math.end]
            if written not in visible:
                wrong.append((text, written, visible))
    assert not wrong, wrong[:3]


def test_clrs_style_page_without_arithmatex() -> None:
    page = (
        "Show that $\\farc{n}{2}$ holds.\n\n"
        "Emphasis eats this one: $a*b*c \\farc{1}{2}$.\n\n"
        "A price of $5 is text, and so is $ \\sum x $ (no arithmatex, no smart dollars).\n\n"
        "$$\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n$$\n"
    )
    found = lint_site(page, NO_ARITHMATEX)
    # the first formula reaches KaTeX unchanged; whether $...$ is math at all is the
    # script's setting (not a default of auto-render or MathJax): a warning
    assert "$\\farc{n}{2}$" in _visible_text(page)
    assert [(d.code, d.line, d.severity.value) for d in found if d.code[0] == "M"] == [
        ("M001", 1, "warning")
    ]
    # $$...$$ is a default delimiter of both scripts: an error
    block = "$$\n\\farc{n}{2}\n$$\n"
    assert [
        (d.code, d.severity.value) for d in lint_site(block, NO_ARITHMATEX) if d.code[0] == "M"
    ] == [("M001", "error")]
    # the second is altered by Markdown (emphasis): no claim about it
    assert "$a*b*c" not in _visible_text(page)
    document = parse(Source(page), "q.md", NO_ARITHMATEX)
    assert [m.delimiter for m in document.math] == ["$", "$", "$$"]


# --------------------------------------------------------------------- the renderer


def test_renderer_comes_from_the_site_and_config_overrides_it() -> None:
    page = "Bold $\\bm{x}$.\n"  # \bm: KaTeX has it, MathJax (without a package) does not
    mathjax = SiteModel(math="mathjax")
    katex = SiteModel(math="katex")
    assert codes(lint_site(page, mathjax)) == [("M001", 1)]
    assert codes(lint_site(page, katex)) == []
    explicit = config_from_mapping({"math": {"renderer": "mathjax"}})
    assert codes(lint_site(page, katex, config=explicit)) == [("M001", 1)]


def test_no_renderer_makes_no_render_claims_and_says_so_once(tmp_path: Path) -> None:
    page = "A typo $\\farc{a}{b}$ and $x^2^3$.\n\nMore $y$.\n"
    site = SiteModel(config_path=tmp_path / "mkdocs.yml", math="none", origin="mkdocs.yml")
    found = lint_site(page, site)
    assert codes(found) == [("M020", 1)]
    (info,) = [d for d in found if d.code == "M020"]
    assert info.severity.value == "info"
    assert "mkdocs.yml loads no math renderer" in info.message
    assert "3 formula(s)" in info.message
    # the user says the theme loads MathJax: the usual checks, no M020
    explicit = config_from_mapping({"math": {"renderer": "mathjax"}})
    assert sorted(codes(lint_site(page, site, config=explicit))) == [("M001", 1), ("M007", 1)]


def test_default_site_is_material() -> None:
    assert SiteModel().extensions == MATERIAL_DEFAULT_EXTENSIONS
    assert codes(lint_site("$x$\n", SiteModel())) == []


REAL_SITES = Path(__file__).resolve().parent.parent.parent / "shared" / "realsites"
CLRS_SITE = SiteModel(
    extensions=(
        ("toc", {"permalink": True}),
        ("tables", {}),
        ("fenced_code", {}),
        ("pymdownx.superfences", {}),
    ),
    math="katex",
    origin="mkdocs.yml",
    flags=MarkdownFlags(arithmatex=False, admonition=False, details=False, tabbed=False),
)


def test_clrs_formulas_are_the_ones_katex_sees_and_no_m_error_is_false() -> None:
    """walkccc/CLRS: KaTeX auto-render over raw $, no arithmatex (see realsites/README)."""
    pages = sorted((REAL_SITES / "walkccc__CLRS" / "docs").rglob("*.md"))
    if not pages:
        pytest.skip("real sites not present")
    kept = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        document = parse(Source(text), str(page), CLRS_SITE)
        visible = html.unescape(
            TAG_RE.sub("", render_site_html(text, ["toc", "tables", "pymdownx.superfences"]))
        )
        for math in document.math:
            # every formula qalint validates reaches the browser exactly as written
            assert text.count(math.tex) and math.tex in visible, (page, math.tex)
        kept += len(document.math)
        errors = [
            d
            for d in lint_documents([document], Config(), RunOptions())
            if d.code.startswith("M") and d.severity.value == "error"
        ]
        assert not errors, (page, [(d.line, d.message) for d in errors])
    assert kept > 1000
