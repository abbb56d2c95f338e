"""The fixer: rounds to a fixed point, overlap handling, guards, and its properties.

Property tests generate well-formed banks (every word a marker token ``tN``), break their
formatting in the ways ``qalint fix`` claims to repair, and check against the real renderer
(Python-Markdown + pymdown-extensions) that fixing restores the intended page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rendered import page_problems, render_html, token_homes

import qalint
from qalint.config import Config
from qalint.diagnostics import Applicability, Edit, Fix, Severity, Span
from qalint.fix import (
    FixError,
    WriteError,
    apply_edits,
    fix_source,
    fix_text,
    select_fixes,
    words,
    write_atomic,
)
from qalint.rules import registry

SETTINGS = settings(
    max_examples=int(os.environ.get("QALINT_FIX_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# --- generated banks ------------------------------------------------------------------------


class Tokens:
    """Hands out unique marker words t1, t2, ..."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, count: int = 1) -> str:
        out = []
        for _ in range(count):
            self.n += 1
            out.append(f"t{self.n}")
        return " ".join(out)


@st.composite
def answers(draw, tokens: Tokens) -> list[str]:
    """Answer body lines relative to the body column (blank lines as "")."""
    lines: list[str] = []
    for index in range(draw(st.integers(1, 3))):
        if index:
            lines.append("")
        kind = draw(st.sampled_from(["para", "para", "list", "fence", "link"]))
        if kind == "link":
            lines.append(f"{tokens()} [{tokens()}](https://example.org/{tokens()}) {tokens()}")
        elif kind == "para":
            lines.extend(tokens(draw(st.integers(1, 3))) for _ in range(draw(st.integers(1, 2))))
        elif kind == "list":
            lines.append(f"- {tokens()}")
            lines.append(f"    - {tokens()}")
            lines.append(f"- {tokens()}")
        else:
            lines.extend(["```text", tokens(2), "```"])
    return lines


@st.composite
def banks(draw) -> tuple[str, list[tuple[str, list[str]]]]:
    """A canonical bank and its parts: (heading words, answer lines) per question."""
    tokens = Tokens()
    parts = [
        (f"What is {tokens()}?", draw(answers(tokens))) for _ in range(draw(st.integers(1, 3)))
    ]
    return render(parts), parts


def render(
    parts,
    body: dict[int, int] | None = None,
    heading: dict[int, int] | None = None,
    marker: dict[int, str] | None = None,
    tab: dict[int, str] | None = None,
    level: dict[int, str] | None = None,
    joined: set[int] | None = None,
    blank_runs: set[int] | None = None,
) -> str:
    """A bank's text, with optional defects per question index."""
    body, heading, marker = body or {}, heading or {}, marker or {}
    tab, level, joined, blank_runs = tab or {}, level or {}, joined or set(), blank_runs or set()
    out: list[str] = []
    for i, (question, answer) in enumerate(parts):
        if i:
            out.append("" if i not in joined else None)
            if i in blank_runs:
                out.append("")
        out.append(marker.get(i, '!!! Question ""'))
        out.append('    === "Question"')
        out.append(" " * heading.get(i, 8) + level.get(i, "####") + " " + question)
        out.append("")
        out.append("    " + tab.get(i, '=== "Answer"'))
        out.append("")
        pad = " " * body.get(i, 8)
        out.extend(pad + line if line else "" for line in answer)
    return "\n".join(line for line in out if line is not None) + "\n"


@st.composite
def broken_banks(draw) -> tuple[str, str]:
    """(intended text, the same bank with formatting defects qalint fix repairs)."""
    intended, parts = draw(banks())
    n = len(parts)
    pick = st.sets(st.integers(0, n - 1))
    broken = render(
        parts,
        body={i: draw(st.integers(5, 7)) for i in draw(pick)},
        heading={i: draw(st.sampled_from([5, 6, 7, 9, 10, 11])) for i in draw(pick)},
        marker={
            i: draw(
                st.sampled_from(
                    ['!!!Question ""', '!!! Question  ""', "!!! Question ''", '!!! QUESTION ""']
                )
            )
            for i in draw(pick)
        },
        tab={
            i: draw(st.sampled_from(["=== 'Answer'", "=== Answer", '===  "Answer"']))
            for i in draw(pick)
        },
        level={i: draw(st.sampled_from(["###", "#####"])) for i in draw(pick)},
        joined={i for i in draw(pick) if i},
        blank_runs={i for i in draw(pick) if i},
    )
    lines = broken.split("\n")
    for index in draw(st.sets(st.integers(0, len(lines) - 2), max_size=4)):
        if "```" not in lines[index]:
            lines[index] += draw(st.sampled_from([" ", "\t", "   "]))
    broken = "\n".join(lines)
    for link in re.findall(r"\]\(https://example\.org/t\d+\)", broken):
        spoilt = draw(st.sampled_from([link, link.replace("(", "((") + ")", "] " + link[1:]]))
        broken = broken.replace(link, spoilt)
    if draw(st.booleans()):
        broken = broken.rstrip("\n")
    elif draw(st.booleans()):
        broken += "\n\n"
    if draw(st.booleans()):
        broken = broken.replace("####What", "####What").replace("#### What", "####What", 1)
    if draw(st.booleans()):
        broken = re.sub(r"(?m)^    (?=(=== |- ))", "\t", broken)
    return intended, broken


# --- properties -----------------------------------------------------------------------------


@SETTINGS
@given(broken_banks())
def test_fixing_restores_the_intended_page(case: tuple[str, str]) -> None:
    intended, broken = case
    fixed = fix_text(broken)
    assert page_problems(fixed) == []
    assert token_homes(fixed) == token_homes(intended)
    assert not [d for d in qalint.lint_text(fixed) if d.code.startswith("W")]


@SETTINGS
@given(broken_banks())
def test_fix_is_idempotent_and_keeps_every_word(case: tuple[str, str]) -> None:
    _, broken = case
    fixed = fix_text(broken)
    assert fix_text(fixed) == fixed
    assert words(fixed) == words(broken)


@SETTINGS
@given(broken_banks())
def test_crlf_banks_stay_crlf(case: tuple[str, str]) -> None:
    _, broken = case
    crlf = broken.replace("\n", "\r\n")
    fixed = fix_text(crlf)
    assert "\n" not in fixed.replace("\r\n", "")
    assert fixed == fix_text(broken).replace("\n", "\r\n")


def safe_fixes(text: str) -> Iterator:
    """Every finding with a safe fix, of any family."""
    for d in qalint.lint_text(text):
        if d.fix and d.fix.applicability is Applicability.SAFE:
            yield d


def assert_each_fix_removes_its_finding(text: str) -> None:
    before = qalint.lint_text(text)
    for d in safe_fixes(text):
        after = qalint.lint_text(apply_edits(text, d.fix.edits))
        same = [a for a in after if (a.code, a.line, a.column) == (d.code, d.line, d.column)]
        assert not same, f"{d.code} at {d.line}:{d.column} survives its own fix"
        count = sum(1 for a in before if a.code == d.code)
        assert sum(1 for a in after if a.code == d.code) < count


@SETTINGS
@given(broken_banks())
def test_every_safe_fix_removes_its_own_finding(case: tuple[str, str]) -> None:
    assert_each_fix_removes_its_finding(case[1])


def test_every_safe_fix_removes_its_own_finding_on_the_seed(seed_text: str) -> None:
    codes = {d.code for d in safe_fixes(seed_text)}
    assert {"W001", "W005", "W006", "W010", "L001"} <= codes
    assert_each_fix_removes_its_finding(seed_text)


def test_seed_fix_is_idempotent_keeps_words_and_structure(seed_text: str) -> None:
    fixed = fix_text(seed_text)
    assert fix_text(fixed) == fixed
    assert words(fixed) == words(seed_text)
    assert page_problems(fixed) == []
    assert not [d for d in qalint.lint_text(fixed) if d.code.startswith("W")]


SEED_RENDER_CHANGES = [  # (before, after) in the seed's rendered HTML: what the fixes mean to do
    (  # S016: the line of spaces no longer glues itself to the intro list
        "<p>- Here are some questions and their answers to make you ready for your next "
        "interview. Best of luck :wave:</p>",
        "<ul>\n<li>Here are some questions and their answers to make you ready for your next "
        "interview. Best of luck :wave:</li>\n</ul>",
    ),
    (r"\(-\sum_{i}^{} (p_i", r"\(-\sum_{i} (p_i"),  # M101: the empty superscript goes
    ("as an example. </li>", "as an example.</li>"),  # W001
    (
        'href="(https://datascience.stackexchange.com/',
        'href="https://datascience.stackexchange.com/',
    ),
    ('-in-machine-learning-mean)">', '-in-machine-learning-mean">'),  # L001
]


def test_the_fixed_seed_renders_as_before_except_where_a_fix_means_to(seed_text: str) -> None:
    expected = render_html(seed_text)
    for before, after in SEED_RENDER_CHANGES:
        assert expected.count(before) == 1, before
        expected = expected.replace(before, after)
    assert render_html(fix_text(seed_text)) == expected


# --- property tests over the seed -----------------------------------------------------------

SEED_QUESTIONS = re.split(r"\n(?=!!! Question)", SEED.read_text(encoding="utf-8"))[1:]


@st.composite
def spoilt_seed_slices(draw) -> tuple[str, str]:
    """(a run of the seed's questions, the same run with defects that fixing must undo)."""
    start = draw(st.integers(0, len(SEED_QUESTIONS) - 1))
    clean = "\n".join(SEED_QUESTIONS[start : start + draw(st.integers(1, 3))])
    lines = clean.split("\n")
    fenced = commented = False
    for index, line in enumerate(lines):
        spoil = draw(st.sampled_from(["", "", "", "space", "blank", "tab", "marker"]))
        if line.strip().startswith("```"):
            fenced, spoil = not fenced, ""  # code keeps its tabs: W002 leaves code alone
        commented = (commented or "<!--" in line) and "-->" not in line
        if (fenced or commented) and spoil != "space":
            continue  # nor does W005 thin out blank lines in code or comments
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        if spoil == "space" and (not nxt.strip() or not line.strip()):
            lines[index] += draw(st.sampled_from([" ", "  ", "\t", " \t "]))
        elif spoil == "blank" and not line.strip():
            lines[index] += "\n" * draw(st.integers(1, 3))
        elif spoil == "tab" and line.startswith("    "):
            lines[index] = "\t" + line[4:]
        elif spoil == "marker":
            lines[index] = {
                '!!! Question ""': draw(st.sampled_from(['!!!Question ""', "!!! Question ''"])),
                '    === "Answer"': draw(st.sampled_from(["    === 'Answer'", "    === Answer"])),
                '    === "Question"': '    ===  "Question"',
            }.get(line.rstrip(), line)
            lines[index] = re.sub(r"^( {8})#### (?=\w)", r"\1####", lines[index])
    spoilt = "\n".join(lines)
    if draw(st.booleans()):
        spoilt = spoilt.rstrip("\n")
    return clean, spoilt


@SETTINGS
@given(spoilt_seed_slices())
def test_fixing_spoilt_seed_questions_gives_the_fixed_seed_text(case: tuple[str, str]) -> None:
    clean, spoilt = case
    fixed = fix_text(spoilt)
    assert fixed == fix_text(clean)
    assert fix_text(fixed) == fixed
    assert words(fixed) == words(spoilt)
    assert_each_fix_removes_its_finding(spoilt)


# --- formatting fixes that must not change the page -----------------------------------------


def _without_line_end_spaces(html: str) -> str:
    """Rendered HTML with spaces before a line end or a tag dropped (they show nothing)."""
    return re.sub(r"[ \t]+(?=\n|<)", "", html)


@st.composite
def neutral_defects(draw) -> str:
    """A generated bank with only defects whose fixes must leave the page as it renders."""
    text, _ = draw(banks())
    lines = text.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        spoil = draw(st.sampled_from(["", "", "tail", "tab", "blank"]))
        if spoil == "tail":
            lines[index] += draw(st.sampled_from([" ", "  ", "\t", " \t", "\t ", "   "]))
        elif spoil == "tab" and line.startswith("    ") and not fenced:
            lines[index] = draw(st.sampled_from(["\t", " \t", "  \t"])) + line[4:]
        elif spoil == "blank" and not line.strip() and not fenced:
            lines[index] += "\n" * draw(st.integers(1, 3))
    text = "\n".join(lines)
    return draw(st.sampled_from([text, text.rstrip("\n"), text + "\n\n"]))


@SETTINGS
@given(neutral_defects())
def test_whitespace_fixes_leave_the_rendered_page_as_it_was(text: str) -> None:
    fixed = fix_text(text)
    assert _without_line_end_spaces(render_html(fixed)) == _without_line_end_spaces(
        render_html(text)
    )


# --- the fixer's mechanics -----------------------------------------------------------------


def test_write_atomic_refuses_a_file_that_changed_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "bank.md"
    path.write_bytes(b"edited by someone else\n")
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(path, b"fixed\n", expected=b"as qalint read it\n")
    assert path.read_bytes() == b"edited by someone else\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.md"]
    write_atomic(path, b"fixed\n", expected=b"edited by someone else\n")
    assert path.read_bytes() == b"fixed\n"


def diag(
    edits: tuple[Edit, ...], code: str = "W001", applicability: Applicability = Applicability.SAFE
):
    from qalint.diagnostics import Diagnostic

    return Diagnostic(
        "x.md", Span(1, 1, 1, 2), code, "n", Severity.WARNING, "m", Fix(edits, applicability)
    )


def test_overlapping_edits_wait_for_the_next_round() -> None:
    a = diag((Edit(0, 5, "x"),))
    b = diag((Edit(3, 8, "y"),))
    c = diag((Edit(8, 8, "z"),))
    d = diag((Edit(8, 9, ""),))
    assert select_fixes([a, b, c, d], unsafe=False, length=10) == [a, c]


def test_unsafe_fixes_only_when_asked() -> None:
    u = diag((Edit(0, 1, ""),), applicability=Applicability.UNSAFE)
    assert select_fixes([u], unsafe=False, length=5) == []
    assert select_fixes([u], unsafe=True, length=5) == [u]


def test_edits_outside_the_text_are_never_applied() -> None:
    assert select_fixes([diag((Edit(3, 99, ""),))], unsafe=True, length=10) == []


def test_fix_text_counts_rounds_and_codes() -> None:
    text = "Text.  \n\n\n\nMore.\t"
    result = fix_source(text, "x.md", Config())
    assert result.fixed == "Text.\n\nMore.\n"
    assert result.applied == {"W001": 2, "W005": 1, "W006": 1}
    assert result.problem is None


def test_fix_text_keeps_a_bom() -> None:
    assert fix_text("\ufeffText. \n") == "\ufeffText.\n"


def test_fixes_that_never_settle_leave_the_text_unchanged(extra_rule) -> None:
    def flip(ctx):
        text = ctx.document.text
        start = text.index("\n")
        if text[start - 1] == " ":
            yield toggle(ctx, Span(1, 1, 1, 2), "flip", Fix((Edit(start - 1, start, ""),)))
        else:
            yield toggle(ctx, Span(1, 1, 1, 2), "flop", Fix((Edit(start, start, " "),)))

    toggle = flip
    extra_rule("W990", flip)
    toggle = registry.get_rule("W990")
    with pytest.raises(FixError, match="did not settle"):
        fix_text("Text.\n", config=Config(select=["W990"]))


def test_a_formatting_fix_that_drops_a_word_is_refused(extra_rule) -> None:
    def drop(ctx):
        text = ctx.document.text
        if "secret" in text:
            start = text.index("secret")
            yield rule(ctx, Span(1, 1, 1, 2), "drop", Fix((Edit(start, start + 6, ""),)))

    extra_rule("W991", drop)
    rule = registry.get_rule("W991")
    result = fix_source("A secret.  \n", "x.md", Config(select=["W991", "W001"]))
    assert result.fixed == "A secret.\n"  # the word stays; the other fix still applies
    assert result.applied == {"W001": 1}
    assert len(result.withheld) == 1
    assert "withheld the W991 fix" in result.withheld[0]
    assert "'secret' lost" in result.withheld[0]
