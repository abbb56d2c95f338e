"""L020: a link target that is words followed by a URL, as in ``[Kaggle](Dataset: https://…)``.

Python-Markdown keeps the whole target as the href (``href="Dataset: https://…"``), which a
browser reads as a ``dataset:`` URL or a relative path: the link is broken. Encoding the space
(L005's fix) would leave it broken, so this case has its own rule and its own fix.
"""

from __future__ import annotations

from collections.abc import Iterator

from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from qalint.links import urls
from qalint.rules.links import _destination_links, _offsets, _quote, _target
from qalint.rules.registry import RuleContext, rule


@rule(
    "L020",
    "link-text-before-url",
    summary="A link target holds words before the URL: `[Kaggle](Dataset: https://...)`.",
    explanation="Python-Markdown uses the whole target as the address, so the link points to "
    "`Dataset: https://...`, which is no URL (the browser reads `dataset:` as a scheme, or the "
    "words as a relative path): the link is broken. Encoding the spaces as `%20` keeps it "
    "broken. The unsafe fix keeps only the URL as the target and moves the words out of it, "
    "unchanged: those before the URL go before the link, those after it go after the link. "
    "Check the sentence still reads as meant.",
    bad="[Kaggle](Dataset: https://www.kaggle.com/datasets/uciml/iris)",
    good="Dataset: [Kaggle](https://www.kaggle.com/datasets/uciml/iris)",
    severity=Severity.ERROR,
    fixable=True,
)
def check_text_before_url(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Inline link targets made of words, then a web address."""
    doc = ctx.document
    for link in _destination_links(ctx):
        if link.kind != "inline" or link.target_span is None:
            continue
        target, angled = _target(link)
        parts = urls.text_around_url(target.strip())
        if parts is None:
            continue
        before, url, after = parts
        fix = None
        start, end = _offsets(doc, link.target_span)
        link_start, link_end = _offsets(doc, link.span)
        simple = not any(c in target for c in "\"'()<>\n")
        if simple and not angled and not link.image and doc.text[start:end] == link.target:
            edits = [Edit(start, end, url)]
            if before:
                edits.insert(0, Edit(link_start, link_start, before + " "))
            if after:
                edits.append(Edit(link_end, link_end, " " + after))
            fix = Fix(tuple(edits), Applicability.UNSAFE, "keep only the URL in the target")
        moved = f"{before} " if before else ""
        tail = f" {after}" if after else ""
        yield check_text_before_url(
            ctx,
            link.target_span,
            f"link target '{_quote(target.strip())}' has words before the URL, so the "
            f"rendered href is not a URL and the link is broken; write "
            f"'{_quote(moved + '[' + link.text + '](' + url + ')' + tail, 160)}'",
            fix,
        )
