"""qalint's structure verdicts against the real renderer (Python-Markdown + pymdown-extensions).

For every fixture, qalint must report a structure finding (S, error or warning) exactly when
the rendered page is not made of proper question blocks; and every marker token (``t12``)
must land in the same container in qalint's block tree as on the rendered page.
"""

from __future__ import annotations

import os
import re

import pytest
from conftest import question
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rendered import page_problems, token_homes

import qalint
from qalint.diagnostics import Severity
from qalint.markdown.parse import parse
from qalint.markdown.source import Source
from qalint.site.extensions import BLOCK_NAMES
from qalint.site.model import DEFAULT_FLAGS, MarkdownFlags, SiteModel

# S012 (heading style, info) and S015 (list nesting) do not decide whether a block is proper.
STRUCTURAL = re.compile(r"^S0(0\d|1[013467])$")

GOOD = question()
TWO_GOOD = question() + "\n" + question(heading="#### What is weight decay?")

CASES: dict[str, tuple[str, bool]] = {
    # name: (markdown, rendered page is proper)
    "good": (GOOD, True),
    "two good": (TWO_GOOD, True),
    "good with intro and section": (
        "Intro text.\n\n## Basics\n\nSection intro.\n\n" + TWO_GOOD,
        True,
    ),
    "details marker": (GOOD.replace("!!!", "???+", 1), True),
    "collapsed details marker": (GOOD.replace('!!! Question ""', '??? question "Q"', 1), True),
    "note before the questions": ("!!! note\n    This page is a draft.\n\n" + TWO_GOOD, True),
    "note after a section heading": (
        GOOD + "\n## More\n\n!!! tip\n    Read this first.\n\n" + question(heading="#### Why?"),
        True,
    ),
    "note between questions": (
        GOOD + "\n!!! tip\n    A tip.\n\n" + question(heading="#### Why?"),
        False,
    ),
    "admonition inside the answer": (
        question(answer="Intro.\n\n        !!! warning\n            Careful.\n\n        After."),
        True,
    ),
    "tabs and fences inside the answer": (
        question(
            answer='Intro.\n\n        === "Python"\n\n            ```python\n'
            "            x = 1\n\n            y = 2\n            ```\n\n"
            '        === "R"\n\n            - a\n                - b'
        ),
        True,
    ),
    "comment inside the answer": (
        question(answer="One.\n\n        <!-- todo: more -->\n\n        Two."),
        True,
    ),
    "comment between questions": (
        GOOD + "\n<!-- next: optimizers -->\n\n" + question(heading="#### Why?"),
        True,
    ),
    "heading with closing hashes": (question(heading="#### What is dropout? ####"), True),
    "inline modifier on the type": (GOOD.replace('Question ""', 'question inline end ""', 1), True),
    "wrong type": (GOOD.replace("Question", "note", 1), False),
    "misspelt type": (GOOD.replace("Question", "Questoin", 1), False),
    "missing answer tab": ('!!! Question ""\n    === "Question"\n        #### What is X?\n', False),
    "missing question tab": ('!!! Question ""\n    === "Answer"\n        An answer.\n', False),
    "no tabs, markers not indented": (
        '!!! Question ""\n\n=== "Question"\n    #### What?\n\n=== "Answer"\n    A.\n',
        False,
    ),
    "duplicate tab": (GOOD + '\n    === "Answer"\n\n        Again.\n', False),
    "misnamed tab": (question(tabs=("Question", "Anwser")), False),
    "lowercase tab": (question(tabs=("Question", "answer")), False),
    "out of order": (
        '!!! Question ""\n    === "Answer"\n        A.\n\n    === "Question"\n        #### Why?\n',
        False,
    ),
    "question without heading": (question(heading="What is dropout?"), False),
    "heading wrong level": (question(heading="### What is dropout?"), False),
    "two headings": (question(heading="#### What?\n\n        #### And why?"), False),
    "empty answer": (
        '!!! Question ""\n    === "Question"\n        #### What?\n\n    === "Answer"\n',
        False,
    ),
    "answer holds only a comment": (question(answer="<!-- todo -->"), False),
    "empty heading": (question(heading="####"), False),
    "paragraph after the tabs at the block's indent": (
        question(answer="First t1.") + "\n    Second t2.\n",
        False,
    ),
    "fence after the tabs at the block's indent": (
        question(answer="First.") + "\n    ```\n    code\n    ```\n",
        False,
    ),
    "content before the tabs": (GOOD.replace('""\n', '""\n    Intro.\n\n', 1), False),
    "tabs split by ===!": (GOOD.replace('=== "Answer"', '===! "Answer"'), False),
    "tabs split by a paragraph": (
        GOOD.replace('    === "Answer"', '    Between.\n\n    === "Answer"'),
        False,
    ),
    "tabs split by a comment": (
        GOOD.replace('    === "Answer"', '    <!-- x -->\n\n    === "Answer"'),
        False,
    ),
    "answer body at 4": (
        question(body_indent=8).replace("        A regularization", "    A regularization"),
        False,
    ),
    "answer body at 6": (
        question().replace("        A regularization", "      A regularization"),
        False,
    ),
    "answer continuation escapes": (
        question(answer="First line t1.\n      second line t2.").replace("", ""),
        False,
    ),
    "answer paragraph escapes after blank": (
        question(answer="First t1.\n\n      Second t2."),
        False,
    ),
    "question heading at 6": (question().replace("        #### What", "      #### What"), False),
    "stray paragraph": (GOOD + "\nStray text.\n\n" + question(heading="#### Why?"), False),
    "stray after last": (GOOD + "\nStray text.\n", False),
    "commented out": (
        GOOD + '\n<!-- !!! Question ""\n    === "Question"\n        #### Why?\n\n'
        '    === "Answer"\n\n        Because. -->\n',
        True,
    ),
    "duplicate question": (GOOD + "\n" + question(heading="#### What is Dropout ?"), False),
    "fence with blank lines in answer": (
        question(answer="Code:\n\n        ```python\n        x = 1\n\n        y = 2\n        ```"),
        True,
    ),
    "mermaid fence": (
        question(answer="``` mermaid\n        graph LR\n            A --> B\n        ```"),
        True,
    ),
    "list in answer": (question(answer="- one\n        - two\n\n            more"), True),
    "code in answer": (question(answer="Text.\n\n            indented code"), True),
    "tab characters": (GOOD.replace("        ", "\t\t"), True),
    "crlf": (GOOD.replace("\n", "\r\n"), True),
    "unclosed fence": (question(answer="```python\n        x = 1"), True),
}


def _qalint_flags(text: str) -> list[str]:
    found = qalint.lint_text(text, "fixture.md")
    return [
        f"{d.code}:{d.line} {d.message}"
        for d in found
        if STRUCTURAL.match(d.code) and d.severity in (Severity.ERROR, Severity.WARNING)
    ]


@pytest.mark.parametrize("name", list(CASES))
def test_structure_verdict_matches_rendered_page(name: str) -> None:
    text, proper = CASES[name]
    problems = page_problems(text.replace("\r\n", "\n"))
    flags = _qalint_flags(text)
    if name not in {"commented out", "unclosed fence"}:
        # The label is checked against the renderer too, so a fixture cannot drift silently.
        assert bool(problems) != proper, f"label says proper={proper}; rendered: {problems}"
    if name in {"commented out"}:
        # The page is proper (the comment hides the block) and qalint warns about the hidden block.
        assert not problems
        assert any(f.startswith("S011") for f in flags)
        return
    if name == "unclosed fence":
        assert any(f.startswith("S014") for f in _all_codes(text))
        return
    assert bool(problems) == bool(flags), f"rendered: {problems}; qalint: {flags}"


def _all_codes(text: str) -> list[str]:
    return [d.code for d in qalint.lint_text(text, "fixture.md")]


@pytest.mark.parametrize("name", [n for n, (_t, proper) in CASES.items() if proper])
def test_proper_fixtures_are_really_proper(name: str) -> None:
    text, _ = CASES[name]
    if name == "unclosed fence":
        pytest.skip("an unclosed fence renders as text inside a proper block")
    assert page_problems(text.replace("\r\n", "\n")) == [] or name == "commented out"


def _qalint_homes(text: str, flags: MarkdownFlags = DEFAULT_FLAGS) -> dict[str, str]:
    doc = parse(Source(text), "fixture.md", SiteModel(flags=flags))
    homes: dict[str, str] = {}

    def visit(node, path: str) -> None:
        if node.kind in {"admonition", "details"}:
            path = f"{path}/{node.kind}"
        elif node.kind == "tab":
            path = f"{path}/tab:{node.title}"
        elif node.kind == "tabset":
            pass
        elif not node.is_container:
            for token in re.findall(r"\bt\d+\b", node.text()):
                homes[token] = path
        for child in node.children:
            visit(child, path)

    visit(doc.root, "")
    return homes


def _tokenised(template: str) -> str:
    """Give every content line a unique token so its rendered home can be found."""
    counter = iter(range(1, 10_000))
    out = []
    for line in template.split("\n"):
        stripped = line.strip()
        if (
            stripped
            and not stripped.startswith(("!!!", "???", "===", "```", "#", "<!--", "///", "$$"))
            and stripped.strip("-=")
        ):
            line = f"{line} t{next(counter)}"
        out.append(line)
    return "\n".join(out)


INDENT_VARIANTS = [
    # (question heading indent, answer first line indent, answer second line indent, blank between)
    (q, a1, a2, blank)
    for q in (8,)
    for a1 in (4, 6, 7, 8, 9, 12)
    for a2 in (0, 2, 4, 6, 8, 10)
    for blank in (False, True)
]


@pytest.mark.parametrize("variant", INDENT_VARIANTS)
def test_tokens_land_where_the_renderer_puts_them(variant: tuple[int, int, int, bool]) -> None:
    q, a1, a2, blank = variant
    template = (
        '!!! Question ""\n'
        '    === "Question"\n'
        f"{' ' * q}#### What is it?\n\n"
        '    === "Answer"\n\n'
        f"{' ' * a1}first\n" + ("\n" if blank else "") + f"{' ' * a2}second\n\n"
        "after\n"
    )
    text = _tokenised(template)
    assert _qalint_homes(text) == token_homes(text)


def test_seed_tokens_land_where_the_renderer_puts_them(seed_text: str) -> None:
    text = _tokenised(seed_text)
    ours = _qalint_homes(text)
    theirs = token_homes(text)
    assert ours == theirs


LINE_KINDS = st.sampled_from(
    [
        '!!! Question ""',
        '??? question "Q"',
        "!!! note",
        '=== "Question"',
        '=== "Answer"',
        "#### What is it?",
        "text",
        "- item",
        "1. item",
        "FENCE",
        "<!-- note -->",
        "",
    ]
)


@st.composite
def banks(draw) -> str:
    """Bank-like documents: markers, headings, prose, lists, whole fences at random indents.

    Known divergence kept out: a fence opened directly below an indented code line (no blank
    line between) is not a fence for superfences; qalint treats it as one.
    """
    lines = []
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(LINE_KINDS)
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 4, 6, 8, 8, 10, 12]))
        if kind == "FENCE":
            if lines and lines[-1].strip():
                lines.append("")
            lines += [f"{indent}```python", f"{indent}x = 1", "", f"{indent}y = 2", f"{indent}```"]
        else:
            lines.append(indent + kind if kind else "")
    return _tokenised("\n".join(lines) + "\n")


# Found by the test below: indented blocks after a list whose *earlier* item (t1) holds a
# nested list continue the *last* item (t3), as Python-Markdown's ListIndentProcessor walks the
# last item only; detabbed once there, the second `!!!` line (indented 4) is an admonition
# marker and t6 lands in it. qalint used to descend into t1's nested list and keep t6 at the
# top level.
# The first example is the input as found, the second the same without the fence, the third
# the same mistake with the opposite outcome.
LIST_INDENT_AFTER_EARLIER_NESTED_LIST = (
    "- item t1\n    - item t2\n- item t3\n\n"
    "        ```python\n        x = 1 t4\n\n        y = 2 t5\n        ```\n"
    '  !!! Question ""\n    !!! Question ""\n        text t6\n'
)


@settings(
    max_examples=int(os.environ.get("QALINT_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # The same examples on every run, so CI cannot fail at random; raise QALINT_FUZZ_EXAMPLES
    # to search further.
    derandomize=True,
)
@given(banks())
@example(LIST_INDENT_AFTER_EARLIER_NESTED_LIST)
@example(
    LIST_INDENT_AFTER_EARLIER_NESTED_LIST.replace("        ```python\n", "").replace(
        "        ```\n", ""
    )
)
# The other way round: detabbed for the last item, the marker is indented code, not a block.
@example("- a t1\n    - b t2\n- c t3\n\n        !!! note\n            x t5\n")
def test_random_banks_land_where_the_renderer_puts_them(text: str) -> None:
    assert _qalint_homes(text) == token_homes(text)


# The configuration matrix: each entry is a site configuration (MarkdownFlags, from which the
# oracle's extension list is built) and how many random banks to try under it.
# The ``///`` names that pymdownx.blocks.admonition, .details, .tab and .html register (as the
# renderer the oracle builds from these flags loads them), as the site model reads them.
ALL_BLOCKS = frozenset(
    name
    for ext in ("admonition", "details", "tab", "html")
    for name in BLOCK_NAMES[f"pymdownx.blocks.{ext}"]
)
MATRIX: dict[str, MarkdownFlags] = {
    "default": DEFAULT_FLAGS,
    "sane_lists": MarkdownFlags(sane_lists=True),
    "truly_sane_lists": MarkdownFlags(truly_sane_lists=True, nested_indent=2),
    "truly_sane_lists indent 3": MarkdownFlags(truly_sane_lists=True, nested_indent=3),
    "tabbed legacy style": MarkdownFlags(tabbed_alternate=False),
    "blocks": MarkdownFlags(blocks=ALL_BLOCKS),
    "blocks and truly_sane_lists": MarkdownFlags(
        blocks=ALL_BLOCKS, truly_sane_lists=True, nested_indent=2, tabbed_alternate=False
    ),
    "no containers, fenced_code only": MarkdownFlags(
        admonition=False, details=False, tabbed=False, superfences=False
    ),
}
MATRIX_LINES = [
    '!!! Question ""',
    '??? question "Q"',
    "!!! note",
    '=== "Question"',
    '=== "Answer"',
    "#### What is it?",
    "text",
    "text",
    "- item",
    "- item",
    "* item",
    "1. item",
    "FENCE",
    "LONGFENCE",
    "<!-- note -->",
    "",
    "",
    "---",
    "$$",
    "/// admonition | T",
    "/// details | D",
    "/// note | N",
    "/// tab | A",
    "///",
    "[^1]: note",
    ": definition",
]


@st.composite
def matrix_banks(draw) -> str:
    """Bank-like pages that exercise what the configurations change: list steps, fences in
    and after text, setext underlines, ``$$`` blocks, ``///`` blocks, footnotes, definitions.

    Known divergences kept out: a ``///`` opening line glued (no blank line) to the lazy text
    of a list item opens the block inside that item for pymdownx.blocks, which qalint does
    not model (it keeps an item's text as lines); so an opening ``///`` line follows a blank
    line here. Footnote labels are unique (a definition nested in a footnote of the same
    label is replaced when the footnotes are rendered, after qalint's model).
    """
    lines: list[str] = []
    for number in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(MATRIX_LINES))
        indent = " " * draw(st.sampled_from([0, 0, 0, 2, 2, 3, 4, 4, 6, 8, 8, 12]))
        if kind.startswith("/// ") and lines and lines[-1].strip():
            lines.append("")
        if kind.startswith("[^"):
            kind = f"[^{number}]: note"
        if kind == "FENCE":
            lines += [f"{indent}```python", f"{indent}x = 1", "", f"{indent}y = 2", f"{indent}```"]
        elif kind == "LONGFENCE":
            lines += [f"{indent}```", f"{indent}``````", f"{indent}z", f"{indent}``````"]
            lines.append(f"{indent}```")
        elif kind == "$$":
            lines += [f"{indent}$$", f"{indent}x^2", f"{indent}$$"]
        else:
            lines.append(indent + kind if kind else "")
    return _tokenised("\n".join(lines) + "\n")


MATRIX_EXAMPLES = int(os.environ.get("QALINT_MATRIX_EXAMPLES", "120"))


@pytest.mark.parametrize("config", list(MATRIX))
def test_random_banks_land_where_each_configuration_puts_them(config: str) -> None:
    flags = MATRIX[config]

    @settings(
        max_examples=MATRIX_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
        database=None,
    )
    @given(matrix_banks())
    def check(text: str) -> None:
        assert _qalint_homes(text, flags) == token_homes(text, flags), text

    check()
