"""One short example of each shape of question bank, for the docs.

``docs/rules.md`` prints them (``qalint.ruledocs``), the README shows the same examples, and
the tests check that each one is found as its shape by ``questions_of`` and renders as the
shape says with the real extensions, so the docs cannot drift from the detectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from qalint.questions.model import (
    ANSWER_COLLAPSIBLE,
    BLOCKS,
    HEADING,
    HTML_DETAILS,
    QUIZ,
    TABS,
    TITLED_COLLAPSIBLE,
)


@dataclass(frozen=True)
class ShapeExample:
    """A shape, what it looks like in one sentence, and a short page written in it."""

    shape: str
    looks_like: str
    example: str


SHAPE_EXAMPLES: tuple[ShapeExample, ...] = (
    ShapeExample(
        TABS,
        'An admonition holding a `=== "Question"` tab and an `=== "Answer"` tab (also '
        'translated, `=== "Énoncé"` / `=== "Correction"`, or a tab holding only a `--8<--` '
        "snippet line).",
        '!!! Question ""\n'
        '    === "Question"\n'
        "        #### What is dropout?\n\n"
        '    === "Answer"\n\n'
        "        A regularization technique that zeroes random activations.\n",
    ),
    ShapeExample(
        TITLED_COLLAPSIBLE,
        'The title asks and the body answers: `??? question "…"`, `???+`, `???-` or '
        '`!!! question "…"`.',
        '??? question "What is dropout?"\n\n'
        "    A regularization technique that zeroes random activations.\n",
    ),
    ShapeExample(
        ANSWER_COLLAPSIBLE,
        "A question (a heading, a paragraph, a `**Q**:` or `**Exercise:**` lead, or an open "
        '`!!! question` block), then an answer collapsible: `??? success "Answer"` (or done, '
        'tip, note, "Show Answer", an untyped `??? "Answer"`).',
        'What does `2 ** 10` print?\n\n??? success "Answer"\n\n    1024\n',
    ),
    ShapeExample(
        HEADING,
        "A labelled heading (`## 2.1-1`, `### Q1. …`), the question as a paragraph or "
        "blockquote under it, the answer up to the next heading; `**Q**: …?` paragraphs "
        "answered by what follows; a textbook problem page (`Problems/2-1.md`: no heading, "
        "the statement quoted, then the answer).",
        "## 2.1-1\n\n"
        "> Illustrate the operation of insertion sort on the array A = [31, 41, 59].\n\n"
        "The array is already sorted, so no element moves.\n\n"
        "## 2.1-2\n\n"
        "> Rewrite insertion sort to sort into decreasing order.\n\n"
        "Change `A[i] > key` to `A[i] < key`.\n",
    ),
    ShapeExample(
        HTML_DETAILS,
        "An HTML `<details>` element whose `<summary>` asks (with `md_in_html`, the body is "
        "Markdown).",
        "<details markdown>\n"
        "<summary>What is dropout?</summary>\n\n"
        "A regularization technique that zeroes random activations.\n\n"
        "</details>\n",
    ),
    ShapeExample(
        QUIZ,
        "mkdocs-quiz `<quiz>` blocks (`- [x]` / `- [ ]` options, `[[blank]]` fill-ins), the "
        "legacy `<?quiz?>` form, or lettered options `A.` `B.` followed by a "
        '"Show Answer" collapsible.',
        "<quiz>\n"
        "Which optimizer keeps a running average of squared gradients?\n"
        "- [x] RMSprop\n"
        "- [ ] SGD\n"
        "</quiz>\n",
    ),
    ShapeExample(
        BLOCKS,
        "A pymdownx.blocks details block of type question: the title asks, the body answers.",
        "/// details | What is dropout?\n"
        "    type: question\n\n"
        "A regularization technique that zeroes random activations.\n"
        "///\n",
    ),
)


def shapes_markdown() -> str:
    """The shapes as a Markdown section: each one's description and example."""
    out = ["## Question shapes", ""]
    out.append(
        "The structure rules read one question model over every shape of bank; each shape is "
        "detected by default (`structure.shapes`). `qalint questions PATH` lists what it finds."
    )
    for item in SHAPE_EXAMPLES:
        out += ["", f"### `{item.shape}`", "", item.looks_like, "", "````markdown"]
        out += [item.example.rstrip("\n"), "````"]
    return "\n".join(out) + "\n"
