"""The online phase: collect each unique web URL across documents, check it, cache it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qalint.diagnostics import Span
from qalint.document import Link
from qalint.links.outcome import Outcome, Verdict
from qalint.links.settings import LinkSettings
from qalint.links.urls import bare_url_end, is_web_url, split_fragment
from qalint.ranges import Cover

if TYPE_CHECKING:
    from collections.abc import Callable

    from qalint.document import Document, Prose
    from qalint.links.syntax import Malformed

URL_KINDS = {"inline", "autolink", "bare", "definition"}
# The scanner's bare-URL pattern, for a URL that follows "(" directly.
PARENTHESISED_URL_RE = re.compile(
    r"\(((?:https?://|www\.)[^\s<>()\[\]`]*[^\s<>()\[\]`.,;:!?'\"*_])", re.I
)


@dataclass(frozen=True)
class Occurrence:
    """One place a URL is written: the file, the URL's span and its offsets in the file text."""

    path: str
    url: str
    start: int
    end: int
    span: Span

    @property
    def fragment(self) -> str:
        """The ``#fragment`` of the URL as written ('' when none)."""
        return split_fragment(self.url)[1]


@dataclass(frozen=True)
class LinkStats:
    """Totals of one online check: unique URLs, and how each ended."""

    urls: int = 0
    ok: int = 0
    failed: int = 0  # dead, blocked, unreachable or not checked before the deadline
    skipped: int = 0  # not fetched: a non-public address (links.allow-private)
    cached: int = 0  # answered from the cache, without a request

    def line(self) -> str:
        """The closing line: ``Link check: 12 URLs: 9 OK, 1 failed, 2 skipped, ...``."""
        noun = "URL" if self.urls == 1 else "URLs"
        text = (
            f"Link check: {self.urls} {noun}: {self.ok} OK, {self.failed} failed, "
            f"{self.skipped} skipped, {self.cached} answered from cache."
        )
        if self.skipped:
            text += " (Skipped: non-public addresses; see links.allow-private.)"
        return text


@dataclass
class OnlineResult:
    """Occurrences grouped by URL (fragment removed) and the outcome for each URL."""

    occurrences: dict[str, list[Occurrence]] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    accept: frozenset[int] = frozenset()

    @property
    def stats(self) -> LinkStats:
        """The totals of this check."""
        verdicts = [o.verdict(self.accept) for o in self.outcomes.values()]
        ok = sum(v is Verdict.OK for v in verdicts)
        skipped = sum(v is Verdict.SKIPPED for v in verdicts)
        return LinkStats(
            urls=len(self.occurrences),
            ok=ok,
            failed=len(verdicts) - ok - skipped,
            skipped=skipped,
            cached=sum(o.from_cache for o in self.outcomes.values()),
        )


def url_location(document: Document, link: Link) -> tuple[str, int, int] | None:
    """``(url, start, end)``: the URL a link points to and its offsets in the file text."""
    if link.kind not in URL_KINDS or link.target_span is None:
        return None
    span = link.target_span
    start = document.source.offset(span.line, span.column)
    end = document.source.offset(span.end_line, span.end_column)
    written = document.text[start:end]
    if written.startswith("<") and written.endswith(">"):
        start, end, written = start + 1, end - 1, written[1:-1]
    if not written or written != link.target.strip("<>"):
        return None
    if link.kind == "bare":
        end = bare_url_end(document.text, start, end)
        written = document.text[start:end]
    return written, start, end


def bare_span(link: Link, url: str) -> Span:
    """The span of a bare URL once its balanced parentheses are included (one line)."""
    span = link.target_span or link.span
    extra = len(url) - len(link.target)
    return Span(span.line, span.column, span.end_line, span.end_column + extra)


def masked_prose(prose: Prose) -> str:
    """The prose text with code spans, math and inline comments blanked (offsets kept)."""
    text = prose.run.text
    return blank(text, [*prose.code_spans, *prose.math_spans, *prose.comment_spans])


_NOT_NEWLINE_RE = re.compile(r"[^\n]")


def blank(text: str, ranges: list[tuple[int, int]]) -> str:
    """``text`` with each range replaced by spaces (newlines kept), as ``inline.mask``."""
    if not ranges:
        return text
    out: list[str] = []
    pos = 0
    for start, end in sorted(ranges):
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        segment = text[start:end]
        out.append(text[pos:start])
        out.append(_NOT_NEWLINE_RE.sub(" ", segment) if "\n" in segment else " " * len(segment))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _parenthesised_urls(
    document: Document, malformed: Callable[[Prose], list[Malformed]] | None = None
) -> list[Link]:
    """Bare URLs written right after ``(``, as in ``Dropout (https://arxiv.org/...)``.

    The link scanner does not report these (it skips a URL right after a parenthesis), yet
    they render as plain text like any bare URL. Inline link targets (``](url)``), URLs
    inside other links and the URLs of broken link syntax (L003's findings, such as
    ``(url)[text]``) are left out. ``malformed(prose)``, when given, is
    ``find_malformed(masked_prose(prose))`` (for a caller that keeps it).
    """
    from qalint.links.syntax import URL_START_RE, find_malformed

    taken: dict[int, list[tuple[int, int]]] = {}
    for link in document.links:
        if link.node is not None:
            taken.setdefault(id(link.node), []).append((link.start, link.end))
    found: list[Link] = []
    for prose in document.prose:
        raw = prose.run.text
        if "(" not in raw:
            continue
        ranges = Cover(taken.get(id(prose.node), []))
        if all(m.start() + 1 in ranges for m in URL_START_RE.finditer(raw)):
            # Masking only blanks text, so every match below starts where one starts in the
            # raw text; when each of those is inside a link, none is kept.
            continue
        text = masked_prose(prose)
        broken: set[int] = set()
        if "[" in text:
            items = malformed(prose) if malformed is not None else find_malformed(text)
            broken = {item.url_at for item in items}
        for m in PARENTHESISED_URL_RE.finditer(text):
            start, end = m.start(1), m.end(1)
            if m.start() in broken or start in ranges:
                continue
            span = prose.run.span(start, end)
            url = m.group(1)
            found.append(Link("bare", url, url, span, span, start=start, end=end, node=prose.node))
    return found


def bare_urls(
    document: Document, malformed: Callable[[Prose], list[Malformed]] | None = None
) -> list[Link]:
    """Bare URLs in prose, minus the destinations of reference definitions.

    The link scanner also reports a definition's URL (``[x]: https://...``) as a bare URL;
    those are written where a URL belongs and render nothing, so they are dropped here.
    URLs right after ``(`` are added (see ``_parenthesised_urls``).
    """
    taken = {
        (link.target_span.line, link.target_span.column)
        for link in document.links
        if link.kind == "definition" and link.target_span is not None
    }
    found = [
        link
        for link in document.links
        if link.kind == "bare" and (link.span.line, link.span.column) not in taken
    ]
    seen = {(link.span.line, link.span.column) for link in found} | taken
    for link in _parenthesised_urls(document, malformed):
        if (link.span.line, link.span.column) not in seen:
            found.append(link)
    found.sort(key=lambda link: (link.span.line, link.span.column))
    return found


def web_links(document: Document) -> list[Link]:
    """Every link of the page, with the bare URLs as ``bare_urls`` finds them."""
    return [link for link in document.links if link.kind != "bare"] + bare_urls(document)


def summarize(document: Document) -> list[list]:
    """The http(s) URLs written in a document (not in comments), JSON-safe for the cache.

    Each entry is ``[url, start, end, [line, column, end_line, end_column]]``. On a site with
    pymdownx.magiclink a bare ``www.`` address is the ``http://www.`` link magiclink makes.
    """
    out: list[list] = []
    magiclink = document.site.flags.magiclink
    for link in web_links(document):
        located = url_location(document, link)
        if located is None:
            continue
        url, start, end = located
        if magiclink and link.kind == "bare" and url[:4].lower() == "www.":
            url = "http://" + url
        if not is_web_url(url):
            continue
        span = bare_span(link, url) if link.kind == "bare" else link.target_span or link.span
        out.append([url, start, end, [span.line, span.column, span.end_line, span.end_column]])
    return out


def collect(
    summaries: dict[str, list | None], settings: LinkSettings
) -> dict[str, list[Occurrence]]:
    """Occurrences grouped by URL (fragment removed), minus excluded URLs, in path order."""
    found: dict[str, list[Occurrence]] = {}
    for path in sorted(summaries):
        for url, start, end, span in summaries[path] or []:
            if settings.excluded(url):
                continue
            base = split_fragment(url)[0]
            found.setdefault(base, []).append(Occurrence(path, url, start, end, Span(*span)))
    return found


def check_documents(
    documents: list[Document],
    settings: LinkSettings,
    cache_folder: Path,
    use_cache: bool,
    progress: bool,
) -> OnlineResult:
    """Check the URLs of parsed documents (see ``check_summaries``)."""
    summaries = {doc.path: summarize(doc) for doc in documents}
    return check_summaries(summaries, settings, cache_folder, use_cache, progress)


def check_summaries(
    summaries: dict[str, list | None],
    settings: LinkSettings,
    cache_folder: Path,
    use_cache: bool,
    progress: bool,
) -> OnlineResult:
    """Check every unique URL once; reuse fresh cached successes unless ``use_cache`` is off."""
    from qalint.links.cache import LinkCache
    from qalint.links.checker import LinkChecker, anchor_found
    from qalint.links.progress import Progress

    result = OnlineResult(collect(summaries, settings), accept=settings.accept)
    wanted = {
        url: {o.fragment for o in occ if o.fragment} if settings.check_fragments else set()
        for url, occ in result.occurrences.items()
    }
    cache = LinkCache(cache_folder, settings.cache_ttl, settings.accept) if use_cache else None
    if cache is not None:
        for url, outcome in cache.get_many(wanted).items():
            fragments = wanted[url]
            if fragments and (
                outcome.anchors is None
                or not (
                    outcome.anchors_complete
                    or all(anchor_found(f, outcome.anchors) for f in fragments)
                )
            ):
                continue  # the cached check did not read far enough into the page
            result.outcomes[url] = outcome
    todo = {url: wanted[url] for url in wanted if url not in result.outcomes}
    bar = Progress(len(todo), progress)
    checker = LinkChecker(
        settings, lambda o: bar.advance(o.verdict(settings.accept) is not Verdict.OK)
    )
    try:
        result.outcomes.update(checker.check(todo))
    finally:
        bar.finish()
        checker.close()
    if cache is not None:
        cache.put_many(result.outcomes[url] for url in todo)
        cache.close()
    return result
