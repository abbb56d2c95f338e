"""E030: a page mkdocs-macros renders holds a Jinja tag Jinja cannot read.

With the macros plugin on, every page is a Jinja template. A tag Jinja's lexer rejects (an
unclosed ``{{``, string or comment, a stray ``}`` after ``{{``, as in C's ``{{1, 2}}``)
makes the whole template fail: the plugin puts its error message in place of the page (or
stops the build with ``on_error_fail: true``). Tags are found by ``qalint.markdown.jinja``
exactly as the parser masks them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from qalint.diagnostics import Diagnostic, Span
from qalint.markdown import jinja
from qalint.rules.registry import RuleContext, rule


@rule(
    "E030",
    "macro-template-error",
    summary="mkdocs-macros cannot read a Jinja tag of the page, so the page is not rendered.",
    explanation="""
With the `macros` plugin (mkdocs-macros) in mkdocs.yml, each page is a Jinja template that is
rendered before Markdown. When Jinja cannot read one tag, for example a `{{` never closed, a
quote never closed inside `{{ ... }}`, or literal braces such as C's `{{1, 2}, {3, 4}}`, the
whole page fails: the plugin publishes its error message instead of the page, or stops the
build when `on_error_fail` is true. Close the tag, or wrap text that only looks like Jinja in
`{% raw %}` ... `{% endraw %}` (or set `render_macros: false` in the page's front matter).
""",
    bad="```c\nint m[2][2] = {{1, 2}, {3, 4}};\n```",
    good="{% raw %}\n```c\nint m[2][2] = {{1, 2}, {3, 4}};\n```\n{% endraw %}",
)
def macro_template_error(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag the first tag of a macros-rendered page that Jinja's lexer rejects."""
    doc = ctx.document
    syntax = doc.site.flags.jinja
    if syntax is None or doc.in_comment:
        return
    first = doc.front_matter.end_line if doc.front_matter is not None else 0
    meta = "\n".join(doc.lines[1 : first - 1]) if first else ""
    docs_dir = os.fspath(doc.site.docs_dir) if doc.site.docs_dir is not None else None
    if not jinja.renders(syntax, meta, doc.path, docs_dir):
        return
    body = doc.lines[first:]
    text = "\n".join(body)
    error = jinja.template_tags(text, syntax).error
    if error is None:
        return
    line, column = _position(body, first, error.start)
    end_line, end_column = _position(body, first, max(error.offset, error.start + 1))
    if (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    where = "" if end_line == line else f" (the lexer gives up on line {end_line})"
    yield macro_template_error(
        ctx,
        Span(line, column, end_line, end_column),
        f"Jinja cannot read this tag: {error.message}{where}; mkdocs-macros then shows an "
        "error message instead of the page. Close the tag, or wrap literal braces in "
        "{% raw %} ... {% endraw %}",
    )


def _position(body: list[str], first: int, offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset into ``"\\n".join(body)``; ``body[0]`` is line
    ``first + 1``."""
    for index, line in enumerate(body):
        if offset <= len(line):
            return first + index + 1, offset + 1
        offset -= len(line) + 1
    last = body[-1] if body else ""
    return first + len(body), len(last) + 1
