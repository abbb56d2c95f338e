"""S012 (a question that does not read as one) over every shape whose question is a heading,
a title or a summary; quizzes and exercises are left alone."""

from __future__ import annotations

import pytest

import qalint
from qalint.site.model import MarkdownFlags, SiteModel


def s012(text: str, site: SiteModel | None = None) -> list[tuple[int, str]]:
    return [
        (d.line, d.message.split('"')[1])
        for d in qalint.lint_text(text, "q.md", site=site)
        if d.code == "S012"
    ]


ANSWER = '??? success "Answer"\n\n    It drops units at random.\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # titled collapsible: the title asks
        ('??? question "Dropout"\n\n    It drops units.\n', [(1, "Dropout")]),
        ('???+ question "What is dropout?"\n\n    It drops units.\n', []),
        ('!!! question "Explain dropout"\n\n    It drops units.\n', []),
        ('??? question "Prefer a video? (two minutes)"\n\n    Here.\n', []),
        # a question, then an answer collapsible
        ("### Dropout\n\n" + ANSWER, [(1, "Dropout")]),
        ("### Why use dropout\n\n" + ANSWER, []),
        # a heading over a statement titles an exercise: the statement is the question
        ("### Dropout in practice\n\nA net overfits. Say what dropout does.\n\n" + ANSWER, []),
        # heading shape: a question label, then text
        (
            "## Q1. Dropout and its uses\n\nIt drops units.\n\n"
            "## Q2. What is weight decay?\n\nA penalty.\n",
            [(1, "Dropout and its uses")],
        ),
        # numbered exercises and exercise leads are exercises, not questions
        ("## 2.1-1\n\n> Illustrate insertion sort.\n\nHere it is.\n", []),
        ("## Exercise 3 Sorting a list\n\n" + ANSWER, []),
        ("## Exercice 3\n\n" + ANSWER, []),
        ('!!! example "Exercice 01.1"\n\n    Écrire une fonction.\n', []),
        ("**Exercise:** Sort the list.\n\n" + ANSWER, []),
        ('??? question "Hands-on #1: sbatch"\n\n    Run it.\n', []),
        # a quiz's question is never a heading to judge
        ("<quiz>\nDropout\n- [x] drops units\n- [ ] adds units\n</quiz>\n", []),
    ],
)
def test_s012_on_the_shapes(text: str, expected: list[tuple[int, str]]) -> None:
    assert s012(text) == expected


def test_s012_on_html_details_summaries() -> None:
    text = (
        "<details markdown>\n<summary>Dropout</summary>\n\nIt drops units.\n\n</details>\n\n"
        "<details markdown>\n<summary>What is dropout?</summary>\n\nIt drops units.\n\n"
        "</details>\n"
    )
    assert s012(text) == [(2, "Dropout")]


def test_s012_on_blocks_details() -> None:
    text = (
        "/// details | Dropout\n    type: question\n\nIt drops units.\n///\n\n"
        "/// details | How does dropout work?\n    type: question\n\nIt drops units.\n///\n"
    )
    site = SiteModel(flags=MarkdownFlags(blocks=frozenset({"details"})))
    assert s012(text, site) == [(1, "Dropout")]


def test_s012_still_reads_the_tabs_heading_once() -> None:
    from conftest import question

    found = [d for d in qalint.lint_text(question(heading="#### Dropout")) if d.code == "S012"]
    assert len(found) == 1 and found[0].message.startswith('heading "Dropout"')


def test_s012_is_quiet_on_the_real_sites_exercises() -> None:
    """The real banks' exercises (CLRS's numbered headings, hello-algo's titled exercise
    statements, the French tabs and exercise headings) get no S012; UPPMAX's question
    collapsibles titled as topics ("File compression guide") do."""
    from pathlib import Path

    sites = Path(__file__).resolve().parent.parent.parent / "shared" / "realsites"
    if not sites.is_dir():
        pytest.skip("real sites not present")
    counts: dict[str, int] = {}
    for page in sites.rglob("*.md"):
        if not page.stat().st_size:
            continue
        site = page.relative_to(sites).parts[0]
        found = [
            d
            for d in qalint.lint_text(page.read_text(encoding="utf-8"), str(page))
            if d.code == "S012"
        ]
        counts[site] = counts.get(site, 0) + len(found)
    assert counts["walkccc__CLRS"] == counts["krahets__hello-algo"] == 0
    assert counts["glassus__terminale_nsi"] == counts["ewels__mkdocs-quiz"] == 0
    assert 0 < counts["UPPMAX__UPPMAX-documentation"] < 20
