"""L rules: malformed links on every run (L0xx), broken links over the network (L1xx).

Offline rules read ``Document.links`` (inline links, images, references, autolinks, bare
URLs, definitions) and, for syntax the link scanner cannot surface, the prose text with code
spans, math and comments masked out. Online rules (``--check-urls`` or ``links.check-urls``)
share one run of ``qalint.links.online``: each unique URL is fetched once and every
finding lands on each place the URL is written.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Callable, Iterator
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from qalint.config import register_section
from qalint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from qalint.document import Document, Link, Prose
from qalint.links import urls
from qalint.links.anchors import document_anchors, site_slugifier
from qalint.links.online import bare_span, bare_urls, masked_prose, url_location
from qalint.links.settings import OPTIONS, LinkSettings
from qalint.links.syntax import URL_START_RE, Malformed, closing_bracket, find_malformed
from qalint.rules._memo import once, per_run, section
from qalint.rules.registry import RuleContext, rule

if TYPE_CHECKING:
    from qalint.links.online import Occurrence, OnlineResult
    from qalint.links.outcome import Outcome
    from qalint.site.model import SiteModel

register_section("links", OPTIONS)

SKIPPED_FRAGMENT_PREFIXES = ("__tabbed_", "fn:", "fnref:", ":~:")


def _settings(ctx: RuleContext) -> LinkSettings:
    """The ``links`` settings, built once per run."""
    settings: LinkSettings | None = ctx.shared.get("links.settings")
    if settings is None:
        settings = ctx.shared["links.settings"] = LinkSettings.from_section(section(ctx, "links"))
    return settings


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _offsets(doc: Document, span: Span) -> tuple[int, int]:
    return doc.source.offset(span.line, span.column), doc.source.offset(
        span.end_line, span.end_column
    )


def _written(doc: Document, link: Link) -> str:
    start, end = _offsets(doc, link.span)
    return doc.text[start:end]


def _prose_of(ctx: RuleContext, doc: Document) -> dict[int, Prose]:
    key = f"links.prose.{id(doc)}"
    if key not in ctx.state:
        ctx.state[key] = {id(p.node): p for p in doc.prose}
    table: dict[int, Prose] = ctx.state[key]
    return table


def _file_offset(doc: Document, prose: Prose, index: int) -> int:
    line, column = prose.run.position(index)
    return doc.source.offset(line, column)


def _target(link: Link) -> tuple[str, bool]:
    """The destination without ``<>`` and whether it was written in angle brackets."""
    target = link.target
    if link.kind == "inline" and len(target) >= 2 and target[0] == "<" and target[-1] == ">":
        return target[1:-1], True
    return target, False


def _doubled(link: Link) -> bool:
    target = link.target
    return link.kind == "inline" and len(target) > 2 and target[0] == "(" and target[-1] == ")"


def _spaced(doc: Document, link: Link) -> bool:
    """True for ``[text] (target)``: Python-Markdown renders it as text, not as a link.

    The scanner still records it so that L002 can offer to remove the space; no other rule
    reads its target, since nothing there is a link yet.
    """
    if link.kind != "inline":
        return False
    if link.target_span is not None:
        index = doc.source.offset(link.target_span.line, link.target_span.column) - 1
    else:  # an empty target: start from before the closing parenthesis
        index = doc.source.offset(link.span.end_line, link.span.end_column) - 2
    text = doc.text
    while index >= 0 and text[index] in " \t\r\n":
        index -= 1  # whitespace inside the parentheses, before the target
    if index <= 0 or text[index] != "(":
        return False
    return text[index - 1] in " \t"


def _destinations(doc: Document) -> list[Link]:
    """Links whose destination is written at this place (inline links and definitions)."""
    return [
        link
        for link in doc.links
        if link.kind in {"inline", "definition"} and not _doubled(link) and not _spaced(doc, link)
    ]


def _destination_links(ctx: RuleContext) -> list[Link]:
    """``_destinations`` of the rule's document, computed once for all rules."""
    return once(ctx, "links.destinations", ctx.document, _destinations)


def _bare_urls(ctx: RuleContext) -> list[Link]:
    """``online.bare_urls`` of the rule's document, computed once for all rules."""
    return once(ctx, "links.bare", ctx.document, lambda doc: bare_urls(doc, _malformed(ctx)))


def _web_links(ctx: RuleContext) -> list[Link]:
    """``online.web_links`` of the rule's document, from the shared bare URLs."""
    return [link for link in ctx.document.links if link.kind != "bare"] + _bare_urls(ctx)


def _malformed(ctx: RuleContext) -> Callable[[Prose], list[Malformed]]:
    """``find_malformed`` of a prose leaf's masked text, computed once per leaf."""

    def find(prose: Prose) -> list[Malformed]:
        return once(ctx, "links.malformed", prose, lambda p: find_malformed(masked_prose(p)))

    return find


def _https_hosts(ctx: RuleContext) -> frozenset[str]:
    hosts: frozenset[str] | None = ctx.shared.get("links.https_hosts")
    if hosts is None:
        hosts = ctx.shared["links.https_hosts"] = urls.HTTPS_HOSTS | _settings(ctx).https_hosts
    return hosts


def _site_for(ctx: RuleContext) -> Callable[[Path], SiteModel]:
    """Which site renders a page of the run (one SiteResolver for the whole run)."""
    resolver = ctx.shared.get("links.sites")
    if resolver is None:
        from qalint.site.load import SiteResolver

        resolver = ctx.shared["links.sites"] = SiteResolver(ctx.config)
    return resolver.site_for


def _site_plugins(ctx: RuleContext, doc: Document) -> frozenset[str]:
    from qalint.links.site import site_plugins

    return site_plugins(doc.site, ctx.shared.setdefault("links.plugins", {}))


def magiclink_on(ctx: RuleContext, doc: Document) -> bool:
    """Whether bare URLs render as links on the page (pymdownx.magiclink).

    ``links.magiclink`` "on"/"off" decides; "auto" reads the page's site model (a page no
    mkdocs.yml builds has Material's default set, without magiclink).
    """
    mode = _settings(ctx).magiclink
    if mode != "auto":
        return mode == "on"
    return doc.site.flags.magiclink


# --------------------------------------------------------------------------- L001..L014


@rule(
    "L001",
    "link-doubled-parentheses",
    summary="A link target is wrapped in two pairs of parentheses: `[text]((url))`.",
    explanation="Python-Markdown keeps the inner parentheses as part of the address, so the "
    "rendered link points to `(https://...)`, a relative path that does not exist. The fix "
    "removes the extra pair.",
    bad="[Refer this SE question]((https://datascience.stackexchange.com/q/31041)).",
    good="[Refer this SE question](https://datascience.stackexchange.com/q/31041).",
    severity=Severity.ERROR,
    fixable=True,
)
def check_doubled_parentheses(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Inline links whose destination is itself parenthesised."""
    doc = ctx.document
    for link in doc.links:
        if not _doubled(link) or link.target_span is None:
            continue
        start, end = _offsets(doc, link.target_span)
        fix = None
        if doc.text[start:end] == link.target:
            fix = Fix(
                (Edit(start, start + 1, ""), Edit(end - 1, end, "")),
                Applicability.SAFE,
                "remove the extra parentheses",
            )
        inner = link.target[1:-1]
        yield check_doubled_parentheses(
            ctx,
            link.span,
            f"link '{_quote(_written(doc, link), 120)}' has doubled parentheses, so it points "
            f"to the relative path '({_quote(inner, 40)})'; write "
            f"'[{_quote(link.text, 60)}]({_quote(inner, 200)})'",
            fix,
        )


@rule(
    "L002",
    "link-space-before-target",
    summary="A space between `]` and `(` stops a link from rendering.",
    explanation="Python-Markdown only reads `[text](url)` as a link when `(` follows `]` "
    "directly; `[text] (url)` renders as the literal brackets and parentheses. The fix "
    "removes the space.",
    bad="See [the paper] (https://arxiv.org/abs/1207.0580).",
    good="See [the paper](https://arxiv.org/abs/1207.0580).",
    severity=Severity.ERROR,
    fixable=True,
)
def check_space_before_target(ctx: RuleContext) -> Iterator[Diagnostic]:
    """``[text] (url)`` where the target reads as an address."""
    doc = ctx.document
    proses = _prose_of(ctx, doc)
    spaced: dict[int, bool] = {}  # per prose: does any "]" have a space after it (once each)
    for link in doc.links:
        if link.kind != "inline" or link.node is None:
            continue
        prose = proses.get(id(link.node))
        if prose is None:
            continue
        text = prose.run.text
        if id(prose) not in spaced:
            spaced[id(prose)] = "] " in text or "]\t" in text
        if not spaced[id(prose)]:
            continue  # no "]" is followed by a space
        opener = link.start + 1 if link.image else link.start
        close = closing_bracket(text, opener)
        if close < 0 or close + 1 >= link.end or text[close + 1] not in " \t":
            continue
        paren = close + 1
        while paren < link.end and text[paren] in " \t":
            paren += 1
        target, _ = _target(link)
        if not (urls.looks_like_address(target) or _doubled(link)):
            continue
        start, end = _file_offset(doc, prose, close + 1), _file_offset(doc, prose, paren)
        fix = Fix((Edit(start, end, ""),), Applicability.SAFE, "remove the space")
        yield check_space_before_target(
            ctx,
            prose.run.span(close + 1, paren),
            f"'{_quote(text[link.start : link.end])}' renders as plain text because of the space "
            f"between ']' and '('; remove the space",
            fix,
        )


MALFORMED_MESSAGES = {
    "stray-bracket": "']' before '(' has no matching '[' in '{snippet}', so no link renders; "
    "remove the extra ']' or add the missing '['",
    "unclosed-bracket": "'[' in '{snippet}' is never closed, so no link renders; "
    "write '[text](url)'",
    "unclosed-target": "the '(' after ']' in '{snippet}' is never closed, so no link renders; "
    "add the missing ')'",
    "reversed": "'{snippet}' is written backwards and renders as plain text; write '[text](url)'",
}


@rule(
    "L003",
    "link-unbalanced-brackets",
    summary="Brackets or parentheses around link syntax do not pair up, so no link renders.",
    explanation="A `]` with no `[`, a `[` never closed before `(https://...)`, a `(` after `]` "
    "never closed, or a link written backwards as `(url)[text]`: Python-Markdown prints all of "
    "these as literal text. Code spans and math are not read.",
    bad="[Batch norm paper]](https://arxiv.org/abs/1502.03167)",
    good="[Batch norm paper](https://arxiv.org/abs/1502.03167)",
    severity=Severity.ERROR,
)
def check_unbalanced(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Malformed link syntax found in masked prose text."""
    malformed = _malformed(ctx)
    for prose in ctx.document.prose:
        text = prose.run.text
        if "](" not in text and not URL_START_RE.search(text):
            continue  # every construct needs "](" or "(https://"; masking cannot add one
        for item in malformed(prose):
            snippet = _quote(item.snippet)
            yield check_unbalanced(
                ctx,
                prose.run.span(item.start, item.end),
                MALFORMED_MESSAGES[item.kind].format(snippet=snippet),
            )


@rule(
    "L004",
    "link-empty-target",
    summary="A link or image has an empty target: `[text]()`.",
    explanation="An empty destination renders a link to the page itself (or a broken image). "
    "Fill in the address or remove the brackets.",
    bad="See [the original paper]().",
    good="See [the original paper](https://arxiv.org/abs/1207.0580).",
    severity=Severity.ERROR,
)
def check_empty_target(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Inline links and images whose destination is empty (``()`` or ``(<>)``)."""
    for link in ctx.document.links:
        if link.kind != "inline" or _target(link)[0].strip():
            continue
        if not _spaced(ctx.document, link):
            what = "image" if link.image else "link"
            yield check_empty_target(
                ctx,
                link.span,
                f"{what} '{_quote(_written(ctx.document, link))}' has an empty target; "
                f"put the address between the parentheses or remove the {what}",
            )


@rule(
    "L005",
    "link-space-in-url",
    summary="A link target holds a space.",
    explanation="A URL cannot contain a raw space: the address usually ends up cut or "
    "mangled. Encode spaces as `%20` (the unsafe fix does that), or, for a local file whose "
    "name has spaces, wrap the target in `<...>`.",
    bad="[Slides](https://example.org/deep learning.pdf)",
    good="[Slides](https://example.org/deep%20learning.pdf)",
    severity=Severity.WARNING,
    fixable=True,
)
def check_space_in_url(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Targets written without ``<>`` that contain whitespace and read as addresses."""
    doc = ctx.document
    for link in _destination_links(ctx):
        target, angled = _target(link)
        stripped = target.strip()
        if angled or len(stripped.split()) < 2:
            continue  # stripped: any white space inside splits it
        if urls.text_around_url(stripped) is not None:
            continue  # words before a URL: L020's finding
        if not urls.looks_like_address(stripped) or link.target_span is None:
            continue
        start, end = _offsets(doc, link.target_span)
        fix = None
        if doc.text[start:end] == link.target:
            fix = Fix(
                (Edit(start, end, "%20".join(stripped.split())),),
                Applicability.UNSAFE,
                "encode the spaces as %20",
            )
        yield check_space_in_url(
            ctx,
            link.target_span,
            f"link target '{_quote(stripped)}' contains a space; encode it as %20 "
            f"(or write the target as <...> for a local file name)",
            fix,
        )


@rule(
    "L006",
    "link-missing-scheme",
    summary="A web address is linked without `https://`, so it is read as a relative path.",
    explanation="`[x](www.example.org)` links to a file called `www.example.org` next to the "
    "page. Add the scheme; the unsafe fix adds `https://` (check the site serves https).",
    bad="[PyTorch docs](www.pytorch.org/docs)",
    good="[PyTorch docs](https://pytorch.org/docs)",
    severity=Severity.ERROR,
    fixable=True,
)
def check_missing_scheme(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Relative targets whose first segment is ``www.`` or a well-known web host."""
    doc = ctx.document
    hosts = _https_hosts(ctx)
    for link in _destination_links(ctx):
        target, _ = _target(link)
        host = urls.missing_scheme_host(target.strip(), hosts)
        if host is None or link.target_span is None:
            continue
        start, end = _offsets(doc, link.target_span)
        fix = None
        if doc.text[start:end] == link.target:
            offset = start + (1 if link.target.startswith("<") else 0)
            fix = Fix((Edit(offset, offset, "https://"),), Applicability.UNSAFE, "add https://")
        yield check_missing_scheme(
            ctx,
            link.target_span,
            f"'{_quote(target)}' has no scheme, so it links to a file next to this page; "
            f"write 'https://{_quote(target.strip())}'",
            fix,
        )


@rule(
    "L007",
    "link-unsafe-scheme",
    summary="A link uses a `javascript:` or `vbscript:` URL.",
    explanation="Script URLs run code in the reader's browser; question banks never need "
    "them, and sanitisers strip them. Link to a real page instead.",
    bad="[Run demo](javascript:alert('hi'))",
    good="[Run demo](https://example.org/demo)",
    severity=Severity.ERROR,
)
def check_unsafe_scheme(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Destinations with a script scheme."""
    for link in _destination_links(ctx):
        target, _ = _target(link)
        scheme = urls.scheme(target.strip())
        if scheme in urls.DANGEROUS_SCHEMES:
            yield check_unsafe_scheme(
                ctx,
                link.target_span or link.span,
                f"link '{_quote(target)}' uses the {scheme}: scheme, which runs script in the "
                f"reader's browser; link to a web page instead",
            )


def _label(label: str) -> str:
    return " ".join(label.lower().split())


@rule(
    "L008",
    "link-undefined-reference",
    summary="A reference link `[text][label]` has no `[label]: url` definition.",
    explanation="Without a definition Python-Markdown prints the brackets literally. Add the "
    "definition or fix the label (labels are case-insensitive). `a[i][j]` right after a word "
    "is read as indexing, not as a link. Skipped when mkdocs.yml enables autorefs, whose "
    "cross-references have no definitions.",
    bad="Dropout was introduced by [Srivastava et al.][dropout].",
    good="Dropout was introduced by [Srivastava et al.][dropout].\n\n"
    "[dropout]: https://jmlr.org/papers/v15/srivastava14a.html",
    severity=Severity.ERROR,
)
def check_undefined_reference(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Full and collapsed reference links whose label is not defined on the page."""
    doc = ctx.document
    defined = {_label(link.label) for link in doc.links if link.kind == "definition"}
    references = [link for link in doc.links if link.kind == "reference"]
    if not references or _site_plugins(ctx, doc) & {"autorefs", "mkdocstrings"}:
        return
    proses = _prose_of(ctx, doc)
    for link in references:
        label = _label(link.label)
        if label in defined or label.startswith("^"):
            continue
        prose = proses.get(id(link.node)) if link.node is not None else None
        if prose is not None and link.start > 0:
            before = prose.run.text[link.start - 1]
            if before.isalnum() or before in "_])":
                continue  # a[i][j]: indexing, not a link
        written = _written(doc, link)
        yield check_undefined_reference(
            ctx,
            link.span,
            f"reference link '{_quote(written)}' has no definition, so it renders as plain "
            f"text; add '[{link.label}]: https://...' to the page or fix the label",
        )


@rule(
    "L009",
    "link-unused-definition",
    summary="A link definition `[label]: url` is never used.",
    explanation="A definition nobody references renders nothing: either a reference to it was "
    "lost in an edit, or it is dead weight. Use it or delete it.",
    bad="See the paper.\n\n[dropout]: https://jmlr.org/papers/v15/srivastava14a.html",
    good="See [the paper][dropout].\n\n[dropout]: https://jmlr.org/papers/v15/srivastava14a.html",
    severity=Severity.WARNING,
)
def check_unused_definition(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Definitions whose label no reference (shown or commented out) uses."""
    doc = ctx.document
    definitions = [link for link in doc.links if link.kind == "definition"]
    if not definitions:
        return
    used = {
        _label(link.label)
        for link in doc.all_links(include_hidden=True)
        if link.kind == "reference"
    }
    for link in definitions:
        label = _label(link.label)
        if label in used or label.startswith("^"):
            continue
        yield check_unused_definition(
            ctx,
            link.span,
            f"link definition '[{link.label}]' is never used; reference it as "
            f"'[text][{link.label}]' or delete the line",
        )


@rule(
    "L010",
    "link-bare-url",
    summary="A bare URL in prose does not render as a link.",
    explanation="Python-Markdown does not turn `https://...` in text into a link; only "
    "`pymdownx.magiclink` does. The rule is off when the page's mkdocs.yml enables "
    'magiclink (or `links.magiclink = "on"`); magiclinked URLs are then checked as links '
    "(L012, and online with `--check-urls`; a `www.` address as the `http://www.` link "
    "magiclink makes). The fix wraps the URL in `<...>`, an autolink.",
    bad="The paper is at https://arxiv.org/abs/1207.0580 for details.",
    good="The paper is at <https://arxiv.org/abs/1207.0580> for details.",
    severity=Severity.WARNING,
    fixable=True,
)
def check_bare_url(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Bare ``http(s)://`` and ``www.`` addresses in prose, unless magiclink renders them."""
    doc = ctx.document
    bare = _bare_urls(ctx)
    if not bare:
        return
    if magiclink_on(ctx, doc):
        return
    for link in bare:
        located = url_location(doc, link)
        if located is None:
            continue
        target, start, end = located
        fix = None
        if urls.is_web_url(target):
            fix = Fix(
                (Edit(start, start, "<"), Edit(end, end, ">")),
                Applicability.SAFE,
                "wrap the URL in <...>",
            )
            advice = f"write '<{_quote(target)}>' or '[text]({_quote(target)})'"
        else:
            advice = f"write '[text](https://{_quote(target)})'"
        yield check_bare_url(
            ctx,
            bare_span(link, target),
            f"bare URL '{_quote(target)}' renders as plain text (Python-Markdown does not "
            f"autolink); {advice}",
            fix,
        )


@rule(
    "L011",
    "image-missing-alt",
    summary="An image has no alt text: `![](figure.png)`.",
    explanation="Alt text is what screen readers say and what shows when the image fails to "
    "load. Describe what the image shows.",
    bad="![](img/softmax.png)",
    good="![Softmax turning logits into probabilities](img/softmax.png)",
    severity=Severity.WARNING,
)
def check_image_alt(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Images whose alt text is empty or only spaces."""
    for link in ctx.document.links:
        if not link.image or link.kind not in {"inline", "reference"} or link.text.strip():
            continue
        if not _spaced(ctx.document, link):
            yield check_image_alt(
                ctx,
                link.span,
                f"image '{_quote(_written(ctx.document, link))}' has no alt text; describe "
                f"the image between the brackets",
            )


@rule(
    "L012",
    "link-insecure-http",
    summary="An `http://` link to a host that serves https.",
    explanation="The hosts in a shipped list (arxiv.org, github.com, wikipedia.org, ... and "
    "any in `links.https-hosts`) serve every page over https, so `http://` only adds a "
    "redirect and exposes readers to tampering. Other hosts are left alone: offline, qalint "
    "cannot know they serve https. The fix adds the `s`.",
    bad="[Dropout](http://arxiv.org/abs/1207.0580)",
    good="[Dropout](https://arxiv.org/abs/1207.0580)",
    severity=Severity.INFO,
    fixable=True,
)
def check_insecure_http(ctx: RuleContext) -> Iterator[Diagnostic]:
    """``http://`` URLs of well-known https hosts."""
    doc = ctx.document
    hosts = _https_hosts(ctx)
    for link in _web_links(ctx):
        located = url_location(doc, link)
        if located is None:
            continue
        url, start, _ = located
        if urls.scheme(url) != "http" or not urls.host_matches(urls.host_of(url), hosts):
            continue
        fix = Fix((Edit(start + 4, start + 4, "s"),), Applicability.SAFE, "use https://")
        yield check_insecure_http(
            ctx,
            link.target_span or link.span,
            f"'{_quote(url)}' uses http:// but {urls.host_of(url)} serves https; "
            f"write 'https://{_quote(url[7:])}'",
            fix,
        )


def _local_targets(ctx: RuleContext) -> list[tuple[Link, str, str]]:
    """``(link, path, fragment)`` for relative links to files or in-page fragments."""
    return once(ctx, "links.local", ctx.document, lambda _doc: _locals(_destination_links(ctx)))


def _locals(links: list[Link]) -> list[tuple[Link, str, str]]:
    hosts = urls.HTTPS_HOSTS
    found: list[tuple[Link, str, str]] = []
    for link in links:
        target, _ = _target(link)
        target = target.strip()
        if not target or " " in target or urls.missing_scheme_host(target, hosts):
            continue
        local = urls.local_path(target)
        if local is not None:
            found.append((link, local[0], local[1]))
    return found


def _page_folder(ctx: RuleContext) -> Path | None:
    """``site.page_folder`` of the rule's document (one ``stat`` per folder of the run);
    None when relative targets cannot be resolved from it (no file, or a snippet fragment)."""
    from qalint.links.site import page_folder

    doc = ctx.document
    if not doc.path or doc.path.startswith("<") or doc.site.snippet_fragment:
        return None  # a snippet fragment's links resolve from the page that includes it
    return per_run(ctx, "links.folder", os.path.dirname(doc.path), lambda: page_folder(doc))


def _resolve(ctx: RuleContext, path: str) -> Path | None:
    """``site.resolve_target(ctx.document, path)``, once per folder and path of the run."""
    folder = _page_folder(ctx)
    if folder is None or not path:
        return None

    def resolve() -> Path:
        real = per_run(ctx, "links.real_folder", folder, lambda: os.path.realpath(folder))
        return _resolve_from(real, folder, path, partial(_lstat_mode, ctx))

    return per_run(ctx, "links.resolved", (folder, path), resolve)


def _lstat_mode(ctx: RuleContext, path: str) -> int | None:
    """``os.lstat(path).st_mode``, None when there is nothing there (once per run and path:
    the targets of many pages share their folders)."""
    return per_run(ctx, "links.lstat", path, partial(_mode_or_none, path))


def _resolve_from(
    real: str, folder: Path, path: str, mode_of: Callable[[str], int | None] | None = None
) -> Path:
    """``(folder / path).resolve()`` walked on from ``real``, the folder's real path.

    ``realpath`` resolves one part after another, so only the parts of ``path`` need an
    ``lstat`` (``mode_of``: the mode it finds, None for nothing there); on a symbolic link
    (or anything odd) the full ``resolve`` decides.
    """
    return Path(_resolved_name(real, folder, path, mode_of))


def _resolved_name(
    real: str, folder: Path, path: str, mode_of: Callable[[str], int | None] | None = None
) -> str:
    """``str(_resolve_from(real, folder, path, mode_of))``, without a Path on the way."""
    if mode_of is None:
        mode_of = _mode_or_none
    current = real
    for part in path.split("/"):
        if not part or part == ".":
            continue
        if part == "..":
            current = os.path.dirname(current)
            continue
        current = os.path.join(current, part)
        try:
            mode = mode_of(current)
        except ValueError:  # a NUL byte in the path
            return str((folder / path).resolve())
        if mode is not None and stat.S_ISLNK(mode):
            return str((folder / path).resolve())
    return current


def _mode_or_none(path: str) -> int | None:
    """``os.lstat(path).st_mode``, or None when there is nothing there."""
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _target_name(ctx: RuleContext, folder: Path, path: str) -> str:
    """``str(_resolve(ctx, path))`` for the page in ``folder`` and a non-empty ``path``, as
    a string (L013 looks up thousands of targets: no Path per target)."""

    def resolve() -> str:
        real = per_run(ctx, "links.real_folder", folder, lambda: os.path.realpath(folder))
        return _resolved_name(real, folder, path, partial(_lstat_mode, ctx))

    return per_run(ctx, "links.resolved_name", (folder, path), resolve)


def _noted_target_exists(ctx: RuleContext, resolved: str) -> bool:
    """Whether the target exists (``site.target_exists``), recording that the page's result
    depends on ``resolved`` and on ``resolved.md``."""
    ctx.depends_on(resolved)
    ctx.depends_on(resolved + ".md")
    return _target_exists(ctx, resolved)


def _target_exists(ctx: RuleContext, resolved: str) -> bool:
    """``site.target_exists(Path(resolved))``, from the walk's ``lstat`` when it found a
    file or a folder there (no second look); once per run and target."""
    try:
        mode = _lstat_mode(ctx, resolved)
    except ValueError:
        mode = None
    if mode is not None and not stat.S_ISLNK(mode):
        return True
    return per_run(ctx, "links.exists", resolved, partial(_exists_as_written_or_md, resolved))


def _exists_as_written_or_md(resolved: str) -> bool:
    """``site.target_exists`` on a string: the target as written (a file or a folder, through
    symbolic links), or as a file with ``.md`` added."""
    return os.path.exists(resolved) or os.path.isfile(resolved + ".md")


def _exists_from_page_url(ctx: RuleContext, folder: Path, path: str) -> bool:
    """Whether ``path``, read from the page's URL as a browser reads it, names a site file
    (``../../c/`` on ``a/b.md``, served at ``a/b/``: see ``site.url_base_path``)."""
    from qalint.links.site import url_base_path

    url_path = url_base_path(ctx.document, path)
    if not url_path:
        return False
    return _noted_target_exists(ctx, _target_name(ctx, folder, url_path))


@rule(
    "L013",
    "link-missing-file",
    summary="A relative link points to a file that does not exist.",
    explanation="Relative targets are resolved from the folder of the page, as MkDocs does. "
    "A target that exists neither as a file, a folder, nor with `.md` added is a broken link "
    "on the site. A target that does not name a Markdown file is also read from the page's "
    "URL, as the browser reads it (MkDocs serves `a/b.md` at `a/b/`, so `../c/` there is the "
    "page `a/c.md`). Site-absolute targets (`/x`) are not checked.",
    bad="See [the softmax question](softmx.md).",
    good="See [the softmax question](softmax.md).",
    severity=Severity.ERROR,
)
def check_missing_file(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Relative targets whose file is missing."""
    folder = _page_folder(ctx)
    if folder is None:
        return
    exists: dict[str, bool] = {}
    for link, path, _ in _local_targets(ctx):
        if not path:
            continue
        resolved = _target_name(ctx, folder, path)
        found = exists.get(resolved)
        if found is None:
            found = exists[resolved] = _noted_target_exists(ctx, resolved)
        if found or _exists_from_page_url(ctx, folder, path):
            continue
        shown = Path(os.path.normpath(os.path.join(folder, path))).as_posix()
        written = _target(link)[0].strip()
        yield check_missing_file(
            ctx,
            link.target_span or link.span,
            f"link target '{_quote(written)}' does not exist (looked for '{shown}'); fix the "
            f"path or add the file",
        )


@rule(
    "L014",
    "link-missing-anchor",
    summary="A `#fragment` names no heading or id in the page it points to.",
    explanation="Heading ids are made as Python-Markdown's toc extension makes them "
    "(lower-case, punctuation and non-ASCII letters dropped, spaces to `-`, `_1` for "
    "repeats); headings inside content tabs get ids too, and `{#id}` attributes and HTML ids "
    "count. When mkdocs.yml gives toc its own `slugify` (such as `pymdownx.slugs`), Unicode "
    "ids count as well. A missing fragment leaves the reader at the top of the page.",
    bad="[See above](#what-is-dropout)\n\n#### What is a dropout layer?",
    good="[See above](#what-is-dropout)\n\n#### What is Dropout?",
    severity=Severity.WARNING,
)
def check_missing_anchor(ctx: RuleContext) -> Iterator[Diagnostic]:
    """In-page ``#frag`` and ``page.md#frag`` fragments without a matching id."""
    from qalint.links.checker import anchor_found
    from qalint.links.site import find_document

    doc = ctx.document
    parsed: dict[Path, Document | None] = ctx.state.setdefault("links.pages", {})
    anchors_cache: dict[tuple, set[str]] = ctx.state.setdefault("links.anchors", {})
    for link, path, fragment in _local_targets(ctx):
        if not fragment or fragment.startswith(SKIPPED_FRAGMENT_PREFIXES):
            continue
        if path:
            resolved = _resolve(ctx, path)
            if resolved is not None:
                ctx.depends_on(resolved)
            if resolved is None or resolved.suffix.lower() not in {".md", ".markdown"}:
                continue
            target_doc = find_document(resolved, ctx.documents, parsed, _site_for(ctx))
            if target_doc is None:
                continue  # a missing file is L013's finding
            target_site = target_doc.site
            if target_site is not doc.site and target_site.config_path is not None:
                for config in (target_site.config_path, *target_site.inherited_from):
                    ctx.depends_on(config)  # its ids follow its own site's toc options
            where = f"'{path}'"
        else:
            target_doc, where = doc, "this page"
        unicode_slugs, slug_name, attr_list = _slug_rules(ctx, doc, target_doc)
        key = (id(target_doc), unicode_slugs, slug_name, attr_list)
        if key not in anchors_cache:
            slug = site_slugifier(slug_name, _toc_separator(doc)) if slug_name else None
            anchors_cache[key] = document_anchors(target_doc, unicode_slugs, slug, attr_list)
        anchors = anchors_cache[key]
        if anchor_found(fragment, anchors):
            continue
        close = difflib.get_close_matches(fragment, sorted(anchors), n=1, cutoff=0.6)
        hint = f"; did you mean '#{close[0]}'?" if close else "; link to an existing heading"
        if not unicode_slugs and slug_name in {"", "default"} and not fragment.isascii():
            hint += (
                " (toc's default slugify drops non-ASCII letters from heading ids; for "
                "Unicode ids set 'slugify' for toc in mkdocs.yml)"
            )
        yield check_missing_anchor(
            ctx,
            link.target_span or link.span,
            f"'#{fragment}' matches no heading or id in {where}{hint}",
        )


def _slug_rules(ctx: RuleContext, doc: Document, target: Document) -> tuple[bool, str, bool]:
    """``(unicode_slugs, slug_name, attr_list)`` for the ids of ``target``'s headings.

    The target's own site model (the linking page's when no mkdocs.yml builds the target)
    decides: its ``toc_slugify`` names the slug function, and ``attr_list`` says whether
    ``{#id}`` sets an id; a slug function qalint does not know falls back to every candidate.
    """
    site = target.site if target.site.origin != "default" else doc.site
    name = site.flags.toc_slugify or "default"
    known = site_slugifier(name, str(site.options("toc").get("separator", "-"))) is not None
    return (not known), (name if known else ""), site.flags.attr_list


def _toc_separator(doc: Document) -> str:
    return str(doc.site.options("toc").get("separator", "-"))


# --------------------------------------------------------------------------- L101..L106


def _url_summary(ctx: RuleContext) -> list[list]:
    """The web URLs of one file, for the online rules (shared by L101-L106)."""
    from qalint.links.online import summarize

    return summarize(ctx.document)


def _online_result(ctx: RuleContext) -> OnlineResult | None:
    """Run the online check once per run (shared by every L1xx rule)."""
    key = "links.online"
    if key in ctx.state:
        cached: OnlineResult | None = ctx.state[key]
        return cached
    settings = _settings(ctx)
    options = ctx.options
    result: OnlineResult | None = None
    summaries = ctx.summaries
    if summaries and options.focus:
        # Pull-request mode: only the files under review are reported, so only their URLs
        # are worth a request.
        summaries = {path: urls for path, urls in summaries.items() if path in options.focus}
    if summaries:
        from qalint.cachedb import cache_folder
        from qalint.links.online import check_summaries

        folder = cache_folder(ctx.config.cache_dir, ctx.config.root)
        result = check_summaries(
            summaries,
            settings,
            folder,
            use_cache=bool(getattr(options, "use_cache", True)),
            progress=bool(getattr(options, "progress", False)),
        )
    ctx.state[key] = result
    return result


def _status_text(status: int | None) -> str:
    if status is None:
        return "no status"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _via(outcome: Outcome) -> str:
    if not outcome.hops:
        return ""
    return f" (after redirects to {_quote(outcome.final_url, 100)})"


def _each(ctx: RuleContext, verdicts: set[str]) -> Iterator[tuple[Occurrence, Outcome]]:
    result = _online_result(ctx)
    if result is None:
        return
    accept = _settings(ctx).accept
    for url in sorted(result.occurrences):
        outcome = result.outcomes.get(url)
        if outcome is None or outcome.verdict(accept).value not in verdicts:
            continue
        for occurrence in result.occurrences[url]:
            yield occurrence, outcome


def _where(occurrence: Occurrence) -> Span:
    return occurrence.span


@rule(
    "L101",
    "url-not-found",
    summary="An external link is dead: the server answers 404 Not Found or 410 Gone.",
    explanation="Checked with `--check-urls`. Redirects are followed first, so a link that "
    "redirects to a missing page is reported too. Update the link (the Wayback Machine often "
    "has the old page) or remove it.",
    bad="[Paper](https://example.org/removed-page)",
    good="[Paper](https://example.org/current-page)",
    severity=Severity.ERROR,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
    config_keys=("links.exclude", "links.accept"),
)
def check_url_not_found(ctx: RuleContext) -> Iterator[Diagnostic]:
    """URLs whose final answer is 404 or 410."""
    for occurrence, outcome in _each(ctx, {"not-found"}):
        yield check_url_not_found(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}' is dead: the server answers "
            f"{_status_text(outcome.status)}{_via(outcome)}; update or remove the link",
            path=occurrence.path,
        )


@rule(
    "L102",
    "url-blocked",
    summary="An external link answers 401, 403 or 429 every time: blocked, not proven dead.",
    explanation="Many sites refuse automated clients or rate-limit them. The page may well "
    "work in a browser: check it by hand, then add the status to `links.accept` or the URL "
    "to `links.exclude`.",
    bad="[Paper](https://example.org/members-only)",
    good="[Paper](https://example.org/open-access)",
    severity=Severity.WARNING,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
    config_keys=("links.accept", "links.exclude", "links.headers"),
)
def check_url_blocked(ctx: RuleContext) -> Iterator[Diagnostic]:
    """URLs whose final answer is 401, 403 or a persistent 429."""
    for occurrence, outcome in _each(ctx, {"blocked"}):
        extra = f" ({outcome.detail})" if outcome.detail else ""
        yield check_url_blocked(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}' answers {_status_text(outcome.status)}"
            f"{_via(outcome)}{extra}: blocked, not proven dead; check it in a browser, then "
            f"add {outcome.status} to links.accept or the URL to links.exclude",
            path=occurrence.path,
        )


@rule(
    "L103",
    "url-unreachable",
    summary="An external link could not be confirmed: server error, timeout, DNS, TLS or "
    "redirect failure.",
    explanation="5xx answers are retried with backoff first; timeouts, unknown hosts, TLS "
    "failures, redirect loops and more than 10 redirects end here too. The site may be down "
    "for now: check it by hand.",
    bad="[Paper](https://no-such-host.example/paper)",
    good="[Paper](https://arxiv.org/abs/1207.0580)",
    severity=Severity.WARNING,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
    config_keys=("links.connect-timeout", "links.read-timeout", "links.retries"),
)
def check_url_unreachable(ctx: RuleContext) -> Iterator[Diagnostic]:
    """URLs that failed for any reason other than 404/410 and 401/403/429."""
    settings = _settings(ctx)
    for occurrence, outcome in _each(ctx, {"failed"}):
        if outcome.error is None:
            why = f"the server answers {_status_text(outcome.status)}{_via(outcome)}"
            if outcome.status is not None and 500 <= outcome.status < 600 and settings.retries:
                why += f" after {settings.retries} retries"
        else:
            why = outcome.detail or outcome.error
        yield check_url_unreachable(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}' could not be checked: {why}; check the link by "
            f"hand (add it to links.exclude if it is known to work)",
            path=occurrence.path,
        )


@rule(
    "L104",
    "url-permanent-redirect",
    summary="An external link permanently redirects (301/308) to another address.",
    explanation="The page has moved for good; linking to the new address saves a round trip "
    "and survives the old address going away. The unsafe fix writes the new address "
    "(review it: a redirect can also lead to a login or home page).",
    bad="[Docs](http://pytorch.org/docs)",
    good="[Docs](https://pytorch.org/docs/stable/index.html)",
    severity=Severity.INFO,
    fixable=True,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
)
def check_url_moved(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Working URLs whose first redirects are permanent."""
    for occurrence, outcome in _each(ctx, {"ok"}):
        moved = outcome.moved_to
        if not moved:
            continue
        fragment = occurrence.fragment
        new = moved if "#" in moved or not fragment else f"{moved}#{fragment}"
        if new == occurrence.url:
            continue
        fix = Fix(
            (Edit(occurrence.start, occurrence.end, new),),
            Applicability.UNSAFE,
            "link to the new address",
        )
        status = outcome.hops[0][0] if outcome.hops else 301
        yield check_url_moved(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}' permanently redirects ({status}) to "
            f"'{_quote(new, 100)}'; link to the new address",
            fix,
            path=occurrence.path,
        )


@rule(
    "L105",
    "url-not-checked",
    summary="An external link was not checked before `links.deadline` ran out.",
    explanation="The online check has an overall deadline so a run never hangs. Raise "
    "`links.deadline`, lower the timeouts, or exclude slow hosts.",
    bad="(a link to a very slow server, with links.deadline = 5)",
    good="(the same link, with links.deadline = 300)",
    severity=Severity.WARNING,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
    config_keys=("links.deadline",),
)
def check_url_not_checked(ctx: RuleContext) -> Iterator[Diagnostic]:
    """URLs still unanswered at the deadline."""
    for occurrence, outcome in _each(ctx, {"not-checked"}):
        yield check_url_not_checked(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}' was not checked: {outcome.detail}; raise "
            f"links.deadline or exclude the host",
            path=occurrence.path,
        )


@rule(
    "L106",
    "url-missing-anchor",
    summary="A `#fragment` of an external link names no element on the fetched page.",
    explanation="Only with `links.check-fragments = true`: HTML pages are streamed until the "
    "fragment's `id` (or `<a name>`) turns up. Pages that build their anchors with "
    "JavaScript can give false findings; exclude them.",
    bad="[Dropout](https://example.org/regularization#droput)",
    good="[Dropout](https://example.org/regularization#dropout)",
    severity=Severity.WARNING,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
    config_keys=("links.check-fragments", "links.max-body"),
)
def check_url_fragment(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Fragments missing from a fully read HTML page."""
    from qalint.links.checker import anchor_found

    if not _settings(ctx).check_fragments:
        return
    for occurrence, outcome in _each(ctx, {"ok"}):
        fragment = occurrence.fragment
        if not fragment or not outcome.html or outcome.anchors is None:
            continue
        if anchor_found(fragment, outcome.anchors) or not outcome.anchors_complete:
            continue
        close = difflib.get_close_matches(fragment, outcome.anchors, n=1, cutoff=0.6)
        hint = f"; did you mean '#{close[0]}'?" if close else "; fix or drop the fragment"
        yield check_url_fragment(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}': the page has no element with id '{fragment}'{hint}",
            path=occurrence.path,
        )


@rule(
    "L040",
    "url-private-address",
    summary="An external link was not fetched: it resolves to a loopback, private, link-local "
    "or multicast address.",
    explanation="With `--check-urls`, a link in an untrusted pull request must not make the CI "
    "runner probe its own network (`localhost`, the intranet, the cloud metadata service at "
    "169.254.169.254). Such URLs are skipped, after DNS resolution and on every redirect hop, "
    "and reported here as information. For intranet documentation, allow the hosts or "
    "networks with `links.allow-private` (`true`, or a list such as "
    '`["intranet.example", "10.0.0.0/8"]`).',
    bad="[Admin](http://169.254.169.254/latest/meta-data/)",
    good="[Paper](https://arxiv.org/abs/1207.0580)",
    severity=Severity.INFO,
    scope="project",
    online=True,
    summarize=_url_summary,
    summary_key="links.urls",
    config_keys=("links.allow-private",),
)
def check_url_private(ctx: RuleContext) -> Iterator[Diagnostic]:
    """URLs the address guard refused to fetch."""
    for occurrence, outcome in _each(ctx, {"skipped"}):
        yield check_url_private(
            ctx,
            _where(occurrence),
            f"'{_quote(occurrence.url, 100)}' was not fetched{_via(outcome)}: "
            f"{outcome.detail}, and links must not make the checker reach its own network; "
            "list the host or network in links.allow-private if it is yours",
            path=occurrence.path,
        )
