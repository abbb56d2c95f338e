"""S060: a block marker whose extension the site does not enable renders as literal text.

``!!!`` opens an admonition only with ``admonition``, ``???`` a collapsible only with
``pymdownx.details``, ``=== "Title"`` a tab only with ``pymdownx.tabbed``, and ``/// name`` a
block only with the ``pymdownx.blocks`` extension that registers ``name``. Without it the block
parser (which follows the site's flags) keeps the line in a paragraph, and the page shows it,
marker and all.
"""

from __future__ import annotations

from collections.abc import Iterator

from qalint.diagnostics import Diagnostic
from qalint.markdown.blocks import ADMONITION_RE, BLOCKS_START_RE, DETAILS_RE, TAB_RE
from qalint.rules._memo import nodes
from qalint.rules.registry import RuleContext, rule
from qalint.site.extensions import BLOCK_NAMES
from qalint.site.model import MarkdownFlags
from qalint.site.wording import config_name

# Which pymdownx.blocks extension registers each default ``///`` block name.
_BLOCK_EXTENSION = {name: ext for ext, names in BLOCK_NAMES.items() for name in names}


def _missing_extension(text: str, flags: MarkdownFlags) -> tuple[str, str] | None:
    """``(what the marker opens, the extension it needs)`` when the site lacks that extension."""
    if not flags.admonition and ADMONITION_RE.match(text):
        return "an admonition", "admonition"
    if not flags.details and DETAILS_RE.match(text):
        return "a collapsible", "pymdownx.details"
    if not flags.tabbed and TAB_RE.match(text):
        return "a content tab", "pymdownx.tabbed"
    block = BLOCKS_START_RE.match(text)
    if block and block.group(2) not in flags.blocks and block.group(2) in _BLOCK_EXTENSION:
        return f"a `{block.group(2)}` block", _BLOCK_EXTENSION[block.group(2)]
    return None


@rule(
    "S060",
    "marker-without-extension",
    summary="A block marker renders as text: the site does not enable its extension.",
    explanation="""
`!!! note` opens an admonition only when the site's mkdocs.yml enables `admonition`; `??? note`
needs `pymdownx.details`, `=== "Tab"` needs `pymdownx.tabbed`, and `/// details | Title` needs
the `pymdownx.blocks` extension that registers the block. Without it the page shows the marker
line and its indented body as plain text. Enable the extension in `markdown_extensions`, or
write the content without the marker. Reported only for a page a mkdocs.yml builds (the
default site enables the first three).
""",
    bad="# mkdocs.yml: markdown_extensions: [pymdownx.superfences]\n\n"
    '!!! note "Remember"\n    Dropout is off at test time.\n',
    good="# mkdocs.yml: markdown_extensions: [admonition, pymdownx.superfences]\n\n"
    '!!! note "Remember"\n    Dropout is off at test time.\n',
)
def marker_without_extension(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Flag paragraphs that open with a marker of an extension the site leaves off."""
    doc = ctx.document
    if doc.site.origin == "default":
        return  # no mkdocs.yml says which extensions are on
    flags = doc.site.flags
    if flags.admonition and flags.details and flags.tabbed and "///" not in doc.text:
        return
    for node in nodes(ctx):
        if node.kind != "paragraph" or not node.lines:
            continue
        line = node.lines[0]
        text = line.text.strip()
        if not text or text[0] not in "!?=/":
            continue
        missing = _missing_extension(text, flags)
        if missing is None:
            continue
        opens, extension = missing
        yield marker_without_extension(
            ctx,
            doc.line_span(line),
            f"`{text[:40]}` would open {opens}, but {config_name(doc.site)} does not enable "
            f"{extension}, so the page shows the line as text; add {extension} to "
            "markdown_extensions",
        )
