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
