"""Links follow the site: magiclink, snippets, toc slugify; and L020's broken href.

Each behaviour is confirmed with real Python-Markdown + pymdown-extensions configured the way
the SiteModel in the test says (``tests/rendered.render_site_html``).
"""

from __future__ import annotations

import re
from pathlib import Path

from qalint.config import Config
from qalint.diagnostics import Diagnostic
from qalint.engine import RunOptions, lint_documents
from qalint.fix import apply_edits
from qalint.links.online import summarize
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.site.model import MarkdownFlags, SiteModel
from tests.rendered import render_site_html

HREF_RE = re.compile(r'<a href="([^"]*)"')


def lint_site(
    text: str, site: SiteModel, path: str = "q.md", config: Config | None = None
) -> list[Diagnostic]:
    """Every finding on ``text`` parsed as a page of ``site``."""
    return lint_documents([parse(Source(text), path, site)], config or Config(), RunOptions())


def codes(found: list[Diagnostic], prefix: str = "L") -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in found if d.code.startswith(prefix)]


MAGICLINK_SITE = SiteModel(
    extensions=(("toc", {}), ("tables", {}), ("fenced_code", {}), ("pymdownx.magiclink", {})),
    origin="mkdocs.yml",
    flags=MarkdownFlags(magiclink=True),
)
PLAIN_SITE = SiteModel(
    extensions=(("toc", {}), ("tables", {}), ("fenced_code", {})),
    origin="mkdocs.yml",
    flags=MarkdownFlags(magiclink=False),
)


# --------------------------------------------------------------------- magiclink

PAGE = "The paper is at https://arxiv.org/abs/1207.0580 and www.example.org/x.\n"


def test_bare_urls_are_links_with_magiclink_and_text_without() -> None:
    linked = HREF_RE.findall(render_site_html(PAGE, MAGICLINK_SITE.extensions))
    assert linked == ["https://arxiv.org/abs/1207.0580", "http://www.example.org/x"]
    assert HREF_RE.findall(render_site_html(PAGE, PLAIN_SITE.extensions)) == []
    assert codes(lint_site(PAGE, MAGICLINK_SITE)) == []
    assert codes(lint_site(PAGE, PLAIN_SITE)) == [("L010", 1), ("L010", 1)]


def test_magiclinked_urls_are_checked_as_the_links_they_become() -> None:
    with_magic = [entry[0] for entry in summarize(parse(Source(PAGE), "q.md", MAGICLINK_SITE))]
    assert with_magic == ["https://arxiv.org/abs/1207.0580", "http://www.example.org/x"]
    without = [entry[0] for entry in summarize(parse(Source(PAGE), "q.md", PLAIN_SITE))]
    assert without == ["https://arxiv.org/abs/1207.0580"]
    # offline checks read them too: http:// to a host that serves https
    page = "See http://arxiv.org/abs/1207.0580 for it.\n"
    assert codes(lint_site(page, MAGICLINK_SITE)) == [("L012", 1)]


# --------------------------------------------------------------------- L020


def _words(text: str) -> list[str]:
    return sorted(re.sub(r"[\[\]()]", " ", text).split())


def test_words_before_a_url_break_the_href_and_the_fix_keeps_every_word() -> None:
    page = "See [Kaggle](Dataset: https://www.kaggle.com/d/iris) for data.\n"
    (href,) = HREF_RE.findall(render_site_html(page, ["toc", "tables"]))
    assert href == "Dataset: https://www.kaggle.com/d/iris"  # no URL: the link is broken
    found = lint_site(page, PLAIN_SITE)
    assert codes(found) == [("L020", 1)]
    (finding,) = found
    assert finding.severity.value == "error"
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
    fixed = apply_edits(page, finding.fix.edits)
    assert "%20" not in fixed
    assert fixed == "See Dataset: [Kaggle](https://www.kaggle.com/d/iris) for data.\n"
    (href,) = HREF_RE.findall(render_site_html(fixed, ["toc", "tables"]))
    assert href == "https://www.kaggle.com/d/iris"
    assert _words(fixed) == _words(page)  # the same words, none changed or lost
    assert codes(lint_site(fixed, PLAIN_SITE)) == []


def test_words_after_the_url_go_after_the_link_and_spaces_in_a_url_stay_l005() -> None:
    page = "[the notes](see https://example.org/n.pdf page 3)\n"
    (finding,) = [d for d in lint_site(page, PLAIN_SITE) if d.code.startswith("L")]
    assert finding.code == "L020"
    fixed = apply_edits(page, finding.fix.edits)
    assert fixed == "see [the notes](https://example.org/n.pdf) page 3\n"
    spaced = "[Slides](https://example.org/deep learning.pdf)\n"
    assert codes(lint_site(spaced, PLAIN_SITE)) == [("L005", 1)]


# --------------------------------------------------------------------- snippets


def _snippet_site(root: Path, check_paths: bool = False, base: tuple[str, ...] = (".",)):
    """A site in ``root`` with pymdownx.snippets, and the same options for the renderer."""
    options = {"base_path": list(base), "check_paths": check_paths}
    site = SiteModel(
        config_path=root / "mkdocs.yml",
        extensions=(
            ("toc", {}),
            ("tables", {}),
            ("fenced_code", {}),
            ("pymdownx.snippets", options),
        ),
        origin="mkdocs.yml",
        flags=MarkdownFlags(
            snippets=True, snippets_base_path=base, snippets_check_paths=check_paths
        ),
    )
    # the real extension resolves base_path from the folder MkDocs runs in: give it that folder
    rendered = {"base_path": [str(root / b) for b in base], "check_paths": check_paths}
    return site, [("toc", {}), ("tables", {}), ("fenced_code", {}), ("pymdownx.snippets", rendered)]


SNIPPET_PAGE = (
    "Intro.\n\n"
    '--8<-- "includes/here.md"\n\n'
    '--8<-- "includes/gone.md"\n\n'
    ';--8<-- "includes/escaped.md"\n\n'
    "--8<--\n"
    "includes/here.md\n"
    ";includes/commented.md\n"
    "includes/gone2.md:3:5\n"
    "--8<--\n\n"
    "```text\n"
    '-8<- "includes/in_fence.md"\n'
    "```\n\n"
    '--8<-- "../outside.md"\n'
)


def test_missing_snippets_are_what_the_extension_cannot_find(tmp_path: Path) -> None:
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "here.md").write_text("INCLUDED TEXT\n")
    (tmp_path.parent / "outside.md").write_text("OUTSIDE\n")  # outside base_path: refused
    site, extensions = _snippet_site(tmp_path)
    html = render_site_html(SNIPPET_PAGE, extensions)
    assert html.count("INCLUDED TEXT") == 2 and "OUTSIDE" not in html
    assert '--8&lt;-- "includes/escaped.md"' in html  # escaped: shown, not included
    found = [d for d in lint_site(SNIPPET_PAGE, site, str(tmp_path / "q.md")) if d.code[0] == "L"]
    assert [(d.code, d.line, d.column) for d in found] == [
        ("L022", 5, 9),
        ("L022", 12, 1),
        ("L022", 16, 7),
        ("L022", 19, 9),
    ]
    assert all(d.severity.value == "warning" for d in found)
    assert "snippet 'includes/gone.md' not found (looked in '.'" in found[0].message


def test_missing_snippet_fails_the_build_with_check_paths(tmp_path: Path) -> None:
    import pytest
    from pymdownx.snippets import SnippetMissingError

    site, extensions = _snippet_site(tmp_path, check_paths=True, base=("includes",))
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "a.md").write_text("A\n")
    page = 'Q.\n\n--8<-- "a.md"\n\n--8<-- "b.md"\n'
    with pytest.raises(SnippetMissingError):
        render_site_html(page, extensions)
    found = [d for d in lint_site(page, site, str(tmp_path / "q.md")) if d.code[0] == "L"]
    assert [(d.code, d.line, d.severity.value) for d in found] == [("L021", 5, "error")]
    assert "looked in 'includes'" in found[0].message
    (tmp_path / "includes" / "b.md").write_text("B\n")
    assert "B" in render_site_html(page, extensions)
    assert not [d for d in lint_site(page, site, str(tmp_path / "q.md")) if d.code[0] == "L"]


REAL_SITES = Path(__file__).resolve().parent.parent.parent / "shared" / "realsites"


def test_glassus_snippets_all_resolve_and_a_removed_one_is_found(tmp_path: Path) -> None:
    import shutil

    source = REAL_SITES / "glassus__terminale_nsi"
    if not source.is_dir():
        import pytest

        pytest.skip("real sites not present")
    root = tmp_path / "site"
    shutil.copytree(source, root)
    site, _ = _snippet_site(root)
    page = root / "docs" / "T6_6_Epreuve_pratique" / "BNS_2025.md"
    text = page.read_text(encoding="utf-8")
    before = lint_site(text, site, str(page))
    assert not [d for d in before if d.code in {"L021", "L022"}]
    # an include line is content on the rendered page, never stray text of its own; L023
    # is about what the included file does to the ```md fence around the include
    included = {n for n, line in enumerate(text.splitlines(), 1) if '--8<-- "' in line}
    assert included and not [d for d in before if d.line in included and d.code != "L023"]
    (root / "includes" / "2025" / "files" / "01_1" / "correction.md").unlink()
    found = [d for d in lint_site(text, site, str(page)) if d.code in {"L021", "L022"}]
    lines = [n for n, line in enumerate(text.splitlines(), 1) if "01_1/correction.md" in line]
    assert [d.line for d in found] == lines and lines


# --------------------------------------------------------------------- toc slugify

ID_RE = re.compile(r'<h\d id="([^"]*)"')
ANCHOR_PAGE = (
    "## Énoncé du problème\n\n"
    "## Custom {#mine}\n\n"
    "[a](#enonce-du-probleme) [b](#énoncé-du-problème) [c](#Énoncé-du-problème) "
    "[d](#mine) [e](#custom-mine)\n"
)


def _anchor_site(slug_name: str, slug, attr_list: bool = True):
    toc = {"slugify": slug} if slug is not None else {}
    rendered = [("toc", toc)] + ([("attr_list", {})] if attr_list else [])
    site = SiteModel(
        extensions=(("toc", {}), ("tables", {}), ("fenced_code", {})),
        origin="mkdocs.yml",
        flags=MarkdownFlags(toc_slugify=slug_name, attr_list=attr_list),
    )
    return site, rendered


def _missing_fragments(site: SiteModel) -> list[str]:
    found = lint_site(ANCHOR_PAGE, site)
    return [re.search(r"'#([^']*)'", d.message).group(1) for d in found if d.code == "L014"]


def _all_fragments() -> list[str]:
    return re.findall(r"\]\(#([^)]*)\)", ANCHOR_PAGE)


def test_anchor_ids_follow_the_site_slugify_and_attr_list() -> None:
    from pymdownx.slugs import slugify as pymdownx_slugify

    cases = [
        ("default", None, True),
        ("default", None, False),
        ("pymdownx.slugs.slugify(case=lower)", pymdownx_slugify(case="lower"), True),
        ("pymdownx.slugs.slugify", pymdownx_slugify(), True),  # no keywords: case kept
        ("markdown.extensions.toc.slugify_unicode", None, True),
    ]
    for name, slug, attr_list in cases:
        if name == "markdown.extensions.toc.slugify_unicode":
            from markdown.extensions.toc import slugify_unicode as slug
        site, rendered = _anchor_site(name, slug, attr_list)
        ids = set(ID_RE.findall(render_site_html(ANCHOR_PAGE, rendered)))
        expected = [f for f in _all_fragments() if f not in ids]
        missing = _missing_fragments(site)
        if name == "pymdownx.slugs.slugify":
            # the name alone does not say how it is called: every slug is a candidate, so
            # nothing that exists is reported (the {#mine} rule still holds)
            assert set(missing) <= set(expected) and missing == ["custom-mine"]
        else:
            assert missing == expected, (name, attr_list, ids)
        assert expected  # every configuration leaves some fragment broken: the test bites


def test_snippet_base_path_relative_to_the_page(tmp_path: Path) -> None:
    site, _ = _snippet_site(tmp_path, base=("!relative",))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "part.md").write_text("PART\n")
    page = '--8<-- "part.md"\n\n--8<-- "nope.md"\n'
    found = [d for d in lint_site(page, site, str(tmp_path / "docs" / "q.md")) if d.code[0] == "L"]
    assert [(d.code, d.line) for d in found] == [("L022", 3)]


# --------------------------------------------------------------------- L023

FENCED_INCLUDE = 'Exercise 1.\n\n{fence}md\n--8<-- "includes/ex.md"\n{fence}\n\nAfter.\n'
EX_MD = "Write a function.\n\n```python\ndef f(x):\n    return x\n```\n\nThen test it.\n"


def _fenced_snippet_site(root: Path) -> tuple[SiteModel, list]:
    """A temp site with mkdocs.yml (snippets + superfences), its model and renderer config."""
    from qalint.site.load import load_site

    (root / "docs").mkdir()
    (root / "includes").mkdir()
    (root / "includes" / "ex.md").write_text(EX_MD)
    (root / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - pymdownx.snippets\n  - pymdownx.superfences\n"
    )
    site, _ = load_site(root / "mkdocs.yml")
    assert site.flags.snippets and site.flags.superfences
    rendered = [("toc", {}), ("pymdownx.superfences", {})]
    rendered.append(("pymdownx.snippets", {"base_path": [str(root)]}))
    return site, rendered


def _prose_html(html: str) -> str:
    """The HTML without its <code> elements: what shows as text on the page."""
    return re.sub(r"<code.*?</code>", "", html, flags=re.S)


def test_snippet_that_closes_its_code_fence_is_l023(tmp_path: Path) -> None:
    site, extensions = _fenced_snippet_site(tmp_path)
    page = FENCED_INCLUDE.format(fence="```")
    html = render_site_html(page, extensions)
    assert "```" in _prose_html(html)  # the outer closer (and more) show as literal fences
    path = str(tmp_path / "docs" / "q.md")
    found = [d for d in lint_site(page, site, path) if d.code == "L023"]
    assert [(d.line, d.column, d.span.end_line, d.severity.value) for d in found] == [
        (3, 1, 5, "error")
    ]
    assert "line 6 of 'includes/ex.md' ('```'), included on line 4" in found[0].message
    assert "````" in found[0].message
    assert found[0].fix is None


def test_longer_outer_fence_keeps_the_snippet_inside(tmp_path: Path) -> None:
    site, extensions = _fenced_snippet_site(tmp_path)
    page = FENCED_INCLUDE.format(fence="````")
    html = render_site_html(page, extensions)
    assert "```" not in _prose_html(html) and html.count("<code") == 1
    assert "Then test it.\n</code>" in html and "<p>After.</p>" in html
    assert not [
        d for d in lint_site(page, site, str(tmp_path / "docs" / "q.md")) if d.code == "L023"
    ]


def test_l023_needs_snippets(tmp_path: Path) -> None:
    site, _ = _fenced_snippet_site(tmp_path)
    off = SiteModel(
        config_path=site.config_path,
        extensions=site.extensions,
        origin=site.origin,
        flags=MarkdownFlags(snippets=False),
    )
    page = FENCED_INCLUDE.format(fence="```")
    assert not [
        d for d in lint_site(page, off, str(tmp_path / "docs" / "q.md")) if d.code == "L023"
    ]
