"""Seeded defects: real pages of each shape, one defect planted per copy, each confirmed by
the real renderer (Python-Markdown, or mkdocs-quiz's parser for quizzes), then found by qalint
at the planted line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs_quiz import parsing as quiz_parsing
from test_shapes import SITES, render

import qalint

UPPMAX = "UPPMAX__UPPMAX-documentation/docs/naiss/rstudio_on_tetralith.md"
HELLO = "krahets__hello-algo/build/en/docs/chapter_graph/exercises.md"
QUIZ = "ewels__mkdocs-quiz/docs/assets/demo-quiz.md"

pytestmark = pytest.mark.skipif(not SITES.is_dir(), reason="real sites not present")


def _first(lines: list[str], pattern: str) -> int:
    return next(i for i, line in enumerate(lines) if re.match(pattern, line))


def dedent_answer(lines: list[str]) -> tuple[list[str], int]:
    """The body of a ``???- question`` block moved to column 0: the block renders empty."""
    i = _first(lines, r'^\?\?\?-? question "')
    j = next(k for k in range(i + 1, len(lines)) if lines[k].strip())
    out = lines[:]
    while j < len(out) and (out[j].startswith("    ") or not out[j].strip()):
        if out[j].strip() and not out[j].startswith("     "):
            out[j] = out[j][4:]
        j += 1
        break
    return out, i + 1


def empty_answer(lines: list[str]) -> tuple[list[str], int]:
    """The body of a ``??? success "Answer"`` deleted."""
    i = _first(lines, r'^\?\?\? success "Answer"')
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or lines[j].startswith("    ")):
        j += 1
    return [*lines[: i + 1], "", *lines[j:]], i + 1


def broken_marker(lines: list[str]) -> tuple[list[str], int]:
    """``??? question "Q"`` written ``??? question"Q"``."""
    i = _first(lines, r'^\?\?\?-? question "')
    out = lines[:]
    out[i] = out[i].replace(' "', '"', 1)
    return out, i + 1


def emptied_quiz_question(lines: list[str]) -> tuple[list[str], int]:
    """The question of the first quiz deleted."""
    i = _first(lines, r"^\s*<quiz>")
    return lines[: i + 1] + lines[i + 2 :], i + 1


def no_correct_option(lines: list[str]) -> tuple[list[str], int]:
    """Every ``[x]`` of the first quiz unticked."""
    i = _first(lines, r"^\s*<quiz>")
    end = _first(lines[i:], r"^\s*</quiz>") + i
    out = lines[:]
    first_option = None
    for k in range(i, end):
        if re.match(r"^\s*[-*] \[[xX ]\]", out[k]):
            first_option = first_option or k + 1
            out[k] = re.sub(r"\[[xX]\]", "[ ]", out[k])
    return out, first_option


def unclosed_quiz(lines: list[str]) -> tuple[list[str], int]:
    """The last quiz's ``</quiz>`` deleted."""
    i = max(k for k, line in enumerate(lines) if line.strip().startswith("<quiz>"))
    end = _first(lines[i:], r"^\s*</quiz>") + i
    return lines[:end] + lines[end + 1 :], i + 2


def duplicate_question(lines: list[str]) -> tuple[list[str], int]:
    """The first exercise (heading, question, answer) copied to the end of the page."""
    i = _first(lines, r"^### ")
    j = _first(lines[i + 1 :], r"^### ") + i + 1
    return [*lines, "", *lines[i:j]], len(lines) + 2


def _rendered_empty(site: str, text: str, line: int) -> bool:
    title = re.search(r'"(.*)"', text.splitlines()[line - 1]).group(1)
    html = render(site, text)
    return bool(re.search(rf"<summary>{re.escape(title)}</summary>\s*</details>", html))


def _rendered_as_text(site: str, text: str, line: int) -> bool:
    marker = text.splitlines()[line - 1].strip()
    html = render(site, text)
    return marker.replace('"', "&quot;") in html or marker in html


def _quiz_lost(text: str, line: int) -> bool:
    return len(quiz_parsing.find_quizzes(text)) < text.count("<quiz>")


def _quiz_without_question(text: str, line: int) -> bool:
    first = quiz_parsing.find_quizzes(text)[0].group(1)
    return first.strip().startswith(("- [", "* ["))


def _quiz_without_correct(text: str, line: int) -> bool:
    first = quiz_parsing.find_quizzes(text)[0].group(1)
    parsed = [quiz_parsing.parse_answer(ln) for ln in first.splitlines()]
    return not any(p and p[0] for p in parsed)


def _repeated(text: str, line: int) -> bool:
    heading = text.splitlines()[line - 1]
    return text.count(heading + "\n") == 2


U_SITE, H_SITE = "UPPMAX__UPPMAX-documentation", "krahets__hello-algo"
CASES: list[tuple[str, Callable, Callable[[str, int], bool], str]] = [
    (UPPMAX, dedent_answer, lambda t, n: _rendered_empty(U_SITE, t, n), "S031"),
    (HELLO, empty_answer, lambda t, n: _rendered_empty(H_SITE, t, n), "S031"),
    (UPPMAX, broken_marker, lambda t, n: _rendered_as_text(U_SITE, t, n), "S032"),
    (QUIZ, emptied_quiz_question, _quiz_without_question, "S030"),
    (QUIZ, no_correct_option, _quiz_without_correct, "S040"),
    (QUIZ, unclosed_quiz, _quiz_lost, "S044"),
    (HELLO, duplicate_question, _repeated, "S010"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "plant", "confirm", "code"), CASES, ids=[c[1].__name__ for c in CASES]
)
def test_planted_defect_is_found_at_its_line(
    page: str, plant: Callable, confirm: Callable, code: str, tmp_path: Path
) -> None:
    original = (SITES / page).read_text()
    lines, line = plant(original.splitlines())
    text = "\n".join(lines) + "\n"
    assert confirm(text, line), "the renderer does not show the planted defect"
    copy = tmp_path / Path(page).name
    copy.write_text(text)
    found = [(d.line, d.code) for d in qalint.lint_paths([copy]) if d.code == code]
    assert (line, code) in found, found
    clean = [d for d in qalint.lint_text(original, "orig.md") if d.code == code]
    assert len(found) > len(clean)
