"""Question shapes on the real sites: qalint finds the questions a reader sees, reports no
structure error the renderer contradicts, and finds defects planted in real pages.

The renderer is Python-Markdown with each site's own extensions (from its mkdocs.yml, written
out here), and mkdocs-quiz's own parser for quizzes.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs_quiz import parsing as quiz_parsing

import qalint
from qalint.config import config_from_mapping
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.questions import questions_of

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT.parent / "shared" / "realsites"
TABBED = {"pymdownx.tabbed": {"alternate_style": True}}
# Each site's markdown_extensions (mkdocs.yml), minus highlighting and emoji (no effect on
# where blocks land).
EXTENSIONS = {
    "UPPMAX__UPPMAX-documentation": [
        "toc", "admonition", "tables", "attr_list", "footnotes", "pymdownx.details",
        "pymdownx.tabbed", "pymdownx.snippets", "pymdownx.superfences", "md_in_html",
    ],
    "krahets__hello-algo": [
        "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "toc",
        "pymdownx.arithmatex", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed",
    ],
    "walkccc__CLRS": ["pymdownx.superfences", "toc"],
    "ewels__mkdocs-quiz": [
        "admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed",
        "attr_list", "md_in_html", "tables", "toc",
    ],
    "glassus__terminale_nsi": [
        "abbr", "admonition", "def_list", "attr_list", "footnotes", "pymdownx.details",
        "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.arithmatex", "toc", "md_in_html",
    ],
}  # fmt: skip

pytestmark = pytest.mark.skipif(not SITES.is_dir(), reason="real sites not present")


def render(site: str, text: str) -> str:
    """The page's HTML as the site renders it (snippets not included: bodies stay lines)."""
    extensions = [e for e in EXTENSIONS[site] if e != "pymdownx.snippets"]
    return markdown.markdown(text, extensions=extensions, extension_configs=TABBED)


def pages(site: str) -> list[Path]:
    """The site's non-empty Markdown pages."""
    return [p for p in sorted((SITES / site).rglob("*.md")) if p.stat().st_size]


def found(path: Path, text: str | None = None) -> list:
    """qalint's questions of one page."""
    return questions_of(parse(Source(text if text is not None else path.read_text()), str(path)))


def test_uppmax_titled_collapsibles_match_the_rendered_question_blocks() -> None:
    site = "UPPMAX__UPPMAX-documentation"
    total = 0
    for page in pages(site):
        html = render(site, page.read_text())
        seen = len(re.findall(r'<(?:details|div) class="[^"]*\bquestions?\b', html))
        ours = [q for q in found(page) if q.shape == "titled-collapsible"]
        assert len(ours) == seen, page
        total += seen
    assert total > 300


def test_hello_algo_answers_and_q_leads_match_the_rendered_page() -> None:
    site = "krahets__hello-algo"
    total = 0
    for page in pages(site):
        html = render(site, page.read_text())
        answers = len(re.findall(r"<details class=\"success\">\s*<summary>Answer", html))
        leads = len(re.findall(r"<p><strong>Q</strong>:", html))
        shapes = [q.shape for q in found(page)]
        assert shapes.count("answer-collapsible") == answers, page
        assert shapes.count("heading") == leads, page
        total += answers + leads
    assert total > 80


def _nav_titles(site: str) -> dict[str, str]:
    """Each page's title in the site's nav (what the theme shows as its heading when the
    page has none of its own), by path under docs_dir."""
    import yaml

    titles: dict[str, str] = {}

    def walk(entries: list) -> None:
        for entry in entries:
            if isinstance(entry, dict):
                for title, target in entry.items():
                    if isinstance(target, list):
                        walk(target)
                    else:
                        titles[str(target)] = str(title)

    walk(yaml.safe_load((SITES / site / "mkdocs.yml").read_text())["nav"])
    return titles


def _reads_as_problem(title: str, html: str) -> bool:
    """A reader sees a labelled problem: the page's title (from the nav) names a problem
    ("Problem 1-1", "2-1 Insertion sort ...") and the page opens with its statement quoted."""
    labelled = re.match(r"^(?:Problem\s+)?\d+-\d+\b", title)
    return bool(labelled) and html.lstrip().startswith("<blockquote>") and "<h" not in html


def test_clrs_exercise_headings_and_problem_pages_match_the_rendered_page() -> None:
    site = "walkccc__CLRS"
    titles = _nav_titles(site)
    total = problems = 0
    for page in pages(site):
        html = render(site, page.read_text())
        seen = len(re.findall(r"<h2[^>]*>\d+\.\d+-\d+", html))
        title = titles.get(page.relative_to(SITES / site / "docs").as_posix(), "")
        problem = _reads_as_problem(title, html)
        ours = [q for q in found(page) if q.shape == "heading"]
        assert len(ours) == seen + problem, page
        if problem:  # the statement is the question, the rest of the page its answer
            assert ours[0].question_from == "paragraph" and ours[0].span.line == 1, page
            assert ours[0].answer_spans, page
        total += seen
        problems += problem
    assert total > 100 and problems >= 15


def _fenced_lines(text: str) -> set[int]:
    """Lines inside fenced code (a fence closes with the same fence string)."""
    inside: set[int] = set()
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and m and m.group(1) == fence:
            fence = None
        elif fence is not None:
            inside.add(number)
    return inside


def test_quizzes_match_what_mkdocs_quiz_finds() -> None:
    """mkdocs-quiz's own parser finds the quizzes (its masking keeps a fence that holds a
    whole quiz, a syntax demo; the reader sees code there, so those are left out)."""
    for page in pages("ewels__mkdocs-quiz"):
        text = page.read_text()
        fenced = _fenced_lines(text)
        expected = [
            m
            for m in quiz_parsing.find_quizzes(text)
            if text[: m.start()].count("\n") + 1 not in fenced
        ]
        ours = [q for q in found(page, text) if q.shape == "quiz"]
        assert len(ours) == len(expected), page
        for quiz, match in zip(ours, expected, strict=True):
            body = match.group(1)
            correct = [
                parsed[1]
                for line in body.splitlines()
                if (parsed := quiz_parsing.parse_answer(line)) and parsed[0]
            ]
            assert [o.text for o in quiz.options if o.correct] == correct, page


def test_translated_tabs_match_the_rendered_tab_sets() -> None:
    site = "glassus__terminale_nsi"
    total = 0
    for page in pages(site):
        text = page.read_text()
        if "===" not in text:  # no tab marker: nothing to render
            assert not [q for q in found(page, text) if q.shape == "tabs"], page
            continue
        html = render(site, text)
        seen = len(
            re.findall(
                r'<div class="tabbed-set[^>]*>(?:(?!<label).)*<label[^>]*>[ÉE]nonc', html, re.S
            )
        )
        ours = [q for q in found(page, text) if q.shape == "tabs"]
        assert len(ours) == seen, page
        total += seen
    assert total > 50


def _structure_errors(site: str) -> list:
    config = config_from_mapping({"select": ["S"]})
    out = []
    for page in pages(site):
        for d in qalint.lint_text(page.read_text(), str(page), config):
            if d.code.startswith("S") and d.severity.value == "error" and d.code >= "S030":
                out.append(d)
            assert d.code != "S002", (page, d.message)
    return out


@pytest.mark.parametrize("site", sorted(EXTENSIONS))
def test_no_shape_error_the_renderer_contradicts(site: str) -> None:
    for d in _structure_errors(site):
        text = Path(d.path).read_text()
        html = render(site, text)
        line = text.splitlines()[d.line - 1].strip()
        if d.code == "S031":  # the collapsible renders with an empty body
            title = re.search(r'"(.*)"', line).group(1)
            assert re.search(rf"<summary>{re.escape(title)}</summary>\s*</details>", html), (
                d.message
            )
        elif d.code == "S032":  # the marker line renders as text
            assert line[:12] in html and "<summary>" not in html.split(line[:12])[0][-30:]
        else:
            pytest.fail(f"unexpected {d.code} on {d.path}:{d.line}: {d.message}")
