"""M021: a ``|`` inside a formula in a table row splits the table cell.

Python-Markdown's ``tables`` extension splits rows at every unescaped ``|`` outside code
spans before any inline processing, so ``$|x|$`` in a cell becomes the cells ``$``, ``x``
and ``$``: the reader sees a stray ``$`` and loses the formula. ``\\vert`` draws the same bar.
"""

from __future__ import annotations

from collections.abc import Iterator

from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix
from qalint.markdown.tables import splitting_pipes
from qalint.rules.registry import RuleContext, rule


@rule(
    "M021",
    "pipe-in-table-math",
    summary="A `|` inside `$...$` in a table row splits the table cell.",
    explanation="With the `tables` extension, a row is cut into cells at every `|` that is "
    "not escaped or inside a code span, before math is found: `$|x|$` in a cell becomes "
    "three cells, `$`, `x` and `$`, so the page shows a stray `$` and the formula is lost "
    "(cells beyond the header's count are dropped). Write `\\vert` (or `\\lvert`/`\\rvert`, "
    "`\\mid`) for the bar; `\\|` would not help, since TeX reads it as a double bar. The "
    "unsafe fix writes `\\vert`.",
    bad="| x | norm |\n|---|---|\n| 1 | $|x|$ |",
    good="| x | norm |\n|---|---|\n| 1 | $\\lvert x \\rvert$ |",
    fixable=True,
)
def check_pipe_in_table_math(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Splitting pipes inside inline formulas of table blocks."""
    doc = ctx.document
    if not doc.site.flags.tables:
        return
    for prose in doc.all_prose(include_hidden=False):
        if prose.node.kind != "paragraph" or not prose.math_spans:
            continue
        text = prose.run.text
        pipes = splitting_pipes(text, list(prose.code_spans))
        if not pipes:
            continue
        for start, end in prose.math_spans:
            inside = [p for p in pipes if start < p < end]
            if not inside:
                continue
            edits = []
            for pipe in inside:
                after = text[pipe + 1 : pipe + 2]
                replacement = "\\vert " if after.isalpha() else "\\vert"
                line, column = prose.run.position(pipe)
                offset = doc.source.offset(line, column)
                edits.append(Edit(offset, offset + 1, replacement))
            formula = text[start:end]
            yield check_pipe_in_table_math(
                ctx,
                prose.run.span(inside[0], inside[0] + 1),
                f"'|' inside the formula '{formula}' splits this table cell, so the page "
                "shows a stray '$' instead of the formula; write \\vert (or \\lvert ... "
                "\\rvert) for the bar",
                Fix(tuple(edits), Applicability.UNSAFE, "write \\vert for |"),
            )
