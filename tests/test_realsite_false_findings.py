"""False error findings found by the real-site oracle (tests/test_realsites.py), one test each.

Each class was a qalint error on a real site in ``../shared/realsites`` that the site's
renderer contradicts; each test keeps the true finding next to the false one, so the fix
cannot be a blanket silence. Where the claim is about the rendered page, the real renderer
(Python-Markdown, or a real ``mkdocs build``) shows it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import markdown

import qalint
from qalint.config import config_from_mapping

ROOT = Path(__file__).resolve().parent.parent
ONLY_F = config_from_mapping({"select": ["F"]})


def fact_codes(text: str) -> list[tuple[str, int]]:
    """The F findings of a page, as (code, line)."""
    return [(d.code, d.line) for d in qalint.lint_text(text, "q.md", ONLY_F)]


def test_claims_inside_inline_code_are_code() -> None:
    """UPPMAX: ``0-00:10:00 = 00:10:00 = 10`` is a Slurm time format in code, no probability."""
    text = (
        "- Examples\n\n"
        "    - ``3-00:00:00 =                    3-0``\n\n"
        "The probability of rain is 1.5.\n\n"
        "Softmax gives `0.7` and `0.7` for the two classes.\n"
    )
    html = markdown.markdown(text)
    assert "<code>3-00:00:00 =                    3-0</code>" in html
    found = fact_codes(text)
    assert ("F003", 3) not in found
    assert ("F003", 5) in found  # a stated probability in prose still counts
    assert ("F001", 7) in found  # numbers in inline code are still values cited in prose


def test_a_bare_equals_sign_is_no_probability() -> None:
    """mkdocs-quiz: ``2 + 2 = [[4]]`` (a fill-in blank) is arithmetic, not a probability."""
    found = fact_codes("A quiz: 2 + 2 = [[4]] and 3 + 3 =    6.\n\nThe probability of X = 1.5.\n")
    assert not [f for f in found if f[1] == 1]


def test_binary_numerals_are_not_decimal_arithmetic() -> None:
    """hello-algo: $0010 + 1110 = 10000$ is binary addition, true as written."""
    found = fact_codes("The sum is $0010 + 1110 = 10000$.\n\nWe have $2 + 2 = 5$.\n")
    assert found == [("F006", 3)]


def test_decimal_comma_is_not_a_list() -> None:
    """terminale_nsi (French): $1 \\times 3,50 + 3 \\times 5,50 = 20$ holds with decimal commas."""
    text = (
        "Cost: $1 \\times 3,50 + 3 \\times 5,50 = 20$ and $c = \\dfrac{10^8}{10^9} = 0,1$.\n\n"
        "We have $1 + 3.5 = 20$.\n"
    )
    assert fact_codes(text) == [("F006", 3)]


def test_asymptotic_notation_is_not_an_identity() -> None:
    """CLRS: $\\Theta(n\\lg n) + n \\cdot \\Theta(\\lg n) = \\Theta(n\\lg n)$ relates sets."""
    text = (
        "The time is $\\Theta(n\\lg n) + n \\cdot \\Theta(\\lg n) = \\Theta(n\\lg n)$.\n\n"
        "Also $O(n) + O(n^2) = O(n^2)$.\n\n"
        "We have $(a+b)^2 = a^2 + b^2$.\n"
    )
    assert fact_codes(text) == [("F007", 5)]


def test_an_equation_to_solve_is_not_an_identity() -> None:
    """CLRS: "both satisfy the equation $x^2 = x + 1$" states an equation, not an identity."""
    text = (
        "> Show that $\\phi$ and $\\hat\\phi$ both satisfy the equation $x^2 = x + 1$.\n\n"
        "Its roots solve $x^2 = 2x$.\n\n"
        "We have $(a+b)^2 = a^2 + b^2$.\n"
    )
    assert fact_codes(text) == [("F007", 5)]


def _built_href_target(site: Path, page_url: str, href: str) -> Path:
    """The file a browser fetches for ``href`` on the built page at ``page_url``."""
    parts: list[str] = []
    for part in (PurePosixPath(page_url) / href).parts:
        if part == "..":
            parts.pop()
        elif part not in {"/", "."}:
            parts.append(part)
    target = site.joinpath(*parts)
    return target / "index.html" if target.is_dir() else target


def test_links_written_for_the_page_url_resolve(tmp_path: Path) -> None:
    """CLRS, terminale_nsi: ``../../../Chap03/Problems/3-5`` on ``Chap04/Problems/4-3.md``.

    MkDocs serves that page at ``Chap04/Problems/4-3/``, leaves a link that names no Markdown
    file as written, and the browser resolves it from the URL: a real ``mkdocs build`` shows
    the link reaches the page. A link that reaches nothing is still L013.
    """
    docs = tmp_path / "docs"
    (docs / "a" / "b").mkdir(parents=True)
    (docs / "c").mkdir()
    (docs / "c" / "page.md").write_text("# Page\n", encoding="utf-8")
    (docs / "a" / "b" / "q.md").write_text(
        "# Q\n\nSee [the page](../../../c/page/) and [nothing](../../../c/nothing/).\n",
        encoding="utf-8",
    )
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, check=True, timeout=120
    )
    html = (tmp_path / "site" / "a" / "b" / "q" / "index.html").read_text(encoding="utf-8")
    paragraph = re.search(r"<p>See .*?</p>", html, re.S)
    assert paragraph is not None
    hrefs = re.findall(r'href="([^"]*)"', paragraph.group(0))
    assert hrefs == ["../../../c/page/", "../../../c/nothing/"]
    site = tmp_path / "site"
    assert _built_href_target(site, "/a/b/q/", hrefs[0]).is_file()
    assert not _built_href_target(site, "/a/b/q/", hrefs[1]).exists()

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "qalint", "check", "--select", "L013", "--no-cache", "-q", "docs"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [ln for ln in result.stdout.splitlines() if "L013" in ln]
    assert len(lines) == 1 and "nothing" in lines[0], result.stdout


PLAIN_TEX_COLUMNS = [
    ("\\pmatrix{0 & 1 & 1 \\\\ 1 & 0 & 1 \\\\}", True),  # terminale_nsi's adjacency matrices
    ("M_1 =\\pmatrix{\n0&1\\\\\n1&0\\\\\n}", False),
    ("\\matrix{a & b \\cr c & d}", False),
    ("\\cases{1 & x > 0 \\cr 0 & x \\le 0}", True),
    ("\\eqalign{a &= b \\cr c &= d}", True),
    ("\\pmatrix{a} & b", False),  # & outside the argument is still misplaced
    ("\\frac{a & b}{c}", False),
]


def test_plain_tex_column_macros_agree_with_mathjax() -> None:
    """terminale_nsi: $\\pmatrix{0&1\\\\1&0}$ renders in MathJax (& inside it is no M005).

    Judged by the real MathJax (and KaTeX, which defines none of these macros) through
    tests/oracles/render.js.
    """
    import pytest
    from test_realsites import math_verdicts, renderers_dir

    from qalint.latex import validate

    folder = renderers_dir()
    if folder is None:
        pytest.skip("node with katex and mathjax-full is not available")
    verdicts = math_verdicts(PLAIN_TEX_COLUMNS, folder)
    for (tex, display), verdict in zip(PLAIN_TEX_COLUMNS, verdicts, strict=True):
        for renderer in ("mathjax", "katex"):
            ours = [f for f in validate(tex, renderer, display) if f.kind.is_error]
            assert bool(ours) == (verdict[renderer] is not None), (tex, renderer, verdict, ours)
